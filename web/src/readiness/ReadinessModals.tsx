import { Button, Group, Modal, Select, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { ApiError } from '../api/client';
import { type CheckInRecorded, type Initiative, useCreateInitiative, useLogCheckIn, usePatchInitiative, useRequestCheckIn, useSpoonTask } from '../api/readiness';
import { useAccountPlanRefs } from '../api/seeds';
import { useContactChoices } from '../api/tasks';
import { CapacityExceededDialog } from '../capacity/CapacityExceededDialog';
import { FormError, notifyError, notifySuccess } from '../components/feedback';
import { nestedFieldErrors } from '../seeds/logic';
import { CheckInAnswers } from './CheckInAnswers';
import { CheckInFields } from './CheckInFields';
import { checkInProblems, EMPTY_CHECK_IN, type CheckInDraft } from './logic';
import { QuadrantBadge } from './QuadrantBadge';

/** The account's plan goals, grouped by plan, for a Select. */
/** The goals to link to; asked only while a dialog needs them and knows the account (never `/api/accounts//…`). */
function useGoalChoices(accountId: string, needed: boolean) {
  const plans = useAccountPlanRefs(accountId, needed && accountId !== '');
  const data = (plans.data ?? []).filter((p) => p.goals.length > 0).map((p) => ({ group: p.title, items: p.goals.map((g) => ({ value: g.id, label: g.statement })) }));
  return { data, isPending: plans.isPending };
}

export function NewInitiativeModal({ accountId, opened, onClose }: { accountId: string; opened: boolean; onClose: () => void }) {
  const create = useCreateInitiative(accountId);
  const goals = useGoalChoices(accountId, opened);
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [goalId, setGoalId] = useState<string | null>(null);
  const [tried, setTried] = useState(false);
  const fields = create.error instanceof ApiError ? create.error.fieldMap() : {};
  const close = () => {
    setTitle('');
    setDescription('');
    setGoalId(null);
    setTried(false);
    create.reset();
    onClose();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (!title.trim()) return;
    create.mutate(
      { title: title.trim(), ...(description.trim() ? { description: description.trim() } : {}), ...(goalId ? { goalId } : {}) },
      {
        onSuccess: (i) => {
          notifySuccess(`Initiative added: ${i.title}`);
          close();
        },
      },
    );
  };
  return (
    <Modal opened={opened} onClose={close} title="New initiative" centered>
      <form onSubmit={submit} noValidate aria-label="New initiative">
        <Stack gap="sm">
          <FormError error={create.error} shownFields={['title', 'description', 'goalId']} />
          <TextInput
            label="What you ask them to act on"
            placeholder="Roll out SSO"
            value={title}
            onChange={(e) => setTitle(e.currentTarget.value)}
            error={fields.title ?? (tried && !title.trim() ? 'Name the initiative' : undefined)}
            required
            data-autofocus
          />
          <Textarea label="Description" autosize minRows={2} value={description} onChange={(e) => setDescription(e.currentTarget.value)} error={fields.description} />
          <Select
            label="Their goal"
            description="Tie it to a goal of their success plan (optional)"
            placeholder={goals.data.length === 0 && !goals.isPending ? 'No plan goal yet' : 'A goal'}
            data={goals.data}
            value={goalId}
            onChange={setGoalId}
            clearable
            error={fields.goalId}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Add initiative
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** "Log a check-in": the scales and follow-ups for one initiative; afterwards, where it landed. */
export function CheckInModal({ accountId, initiativeId, opened, onClose }: { accountId: string; initiativeId: string | null; opened: boolean; onClose: () => void }) {
  return (
    <Modal opened={opened} onClose={onClose} title="Log a check-in" centered size="lg">
      {opened && <CheckInForm accountId={accountId} initiativeId={initiativeId} onClose={onClose} />}
    </Modal>
  );
}

function CheckInForm({ accountId, initiativeId, onClose }: { accountId: string; initiativeId: string | null; onClose: () => void }) {
  const log = useLogCheckIn();
  const [draft, setDraft] = useState<CheckInDraft>({ ...EMPTY_CHECK_IN, initiativeId });
  const [tried, setTried] = useState(false);
  const [done, setDone] = useState<CheckInRecorded | null>(null);
  const errors = { ...(tried ? checkInProblems(draft) : {}), ...nestedFieldErrors(log.error) };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (Object.keys(checkInProblems(draft)).length > 0 || !draft.initiativeId || draft.importance === null || draft.confidence === null) return;
    log.mutate(
      {
        accountId,
        initiativeId: draft.initiativeId,
        importance: draft.importance,
        confidence: draft.confidence,
        ...(draft.contactId ? { contactId: draft.contactId } : {}),
        ...(draft.whyNotLower.trim() ? { whyNotLower: draft.whyNotLower.trim() } : {}),
        ...(draft.whatWouldMoveHigher.trim() ? { whatWouldMoveHigher: draft.whatWouldMoveHigher.trim() } : {}),
      },
      { onSuccess: setDone },
    );
  };
  if (done) {
    return (
      <Stack gap="sm" data-testid="check-in-recorded">
        <Group gap="xs">
          <Text fw={600}>Recorded:</Text>
          <QuadrantBadge quadrant={done.quadrant} />
        </Group>
        <Text size="sm" fw={500}>
          {done.recommendation.headline}
        </Text>
        <CheckInAnswers checkIn={done.checkIn} showHeader={false} />
        <Group justify="flex-end">
          <Button onClick={onClose}>Done</Button>
        </Group>
      </Stack>
    );
  }
  return (
    <form onSubmit={submit} noValidate aria-label="Log a check-in">
      <Stack gap="sm">
        <FormError error={log.error} shownFields={['initiativeId', 'contactId', 'importance', 'confidence', 'whyNotLower', 'whatWouldMoveHigher']} />
        <CheckInFields accountId={accountId} value={draft} onChange={setDraft} errors={errors} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={log.isPending}>
            Cancel
          </Button>
          <Button type="submit" loading={log.isPending}>
            Record check-in
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** "Ask by e-mail": sends the contact a link to answer the two scales themselves (a check-in request). */
export function AskByEmailModal({ initiative, onClose }: { initiative: Initiative | null; onClose: () => void }) {
  const contacts = useContactChoices(initiative?.accountId ?? null);
  const request = useRequestCheckIn();
  const spoon = useSpoonTask();
  const [contactId, setContactId] = useState<string | null>(null);
  const withEmail = (contacts.data ?? []).filter((c) => c.email);
  const fields = request.error instanceof ApiError ? request.error.fieldMap() : {};
  const close = () => {
    setContactId(null);
    request.reset();
    onClose();
  };
  const send = (confirmOverload?: boolean) => {
    if (!initiative || !contactId) return;
    request.mutate(
      { initiativeId: initiative.id, contactId, confirmOverload },
      {
        onSuccess: (r) => {
          notifySuccess(`Check-in asked of ${r.sentTo.name ?? r.sentTo.email} by e-mail`);
          close();
        },
      },
    );
  };
  return (
    <Modal opened={initiative !== null} onClose={close} title={`Ask by e-mail: ${initiative?.title ?? ''}`} centered>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          send();
        }}
        noValidate
      >
        <Stack gap="sm">
          <Text size="sm" c="dimmed">
            They get a link to a page with the two questions and the follow-ups; their answer lands here. It costs them a spoon.
          </Text>
          <FormError error={request.error instanceof ApiError && request.error.code === 'capacity.exceeded' ? null : request.error} shownFields={['contactId']} />
          <Select
            label="Contact"
            placeholder={withEmail.length === 0 && contacts.isSuccess ? 'No contact with an e-mail address' : 'Who to ask'}
            data={withEmail.map((c) => ({ value: c.id, label: `${c.name ?? c.email} · ${c.email}` }))}
            value={contactId}
            onChange={setContactId}
            error={fields.contactId}
            searchable
            required
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={request.isPending} disabled={!contactId}>
              Send
            </Button>
          </Group>
        </Stack>
      </form>
      <CapacityExceededDialog
        error={request.error}
        pending={request.isPending || spoon.isPending}
        onChoose={(choice) => {
          if (!('giveSpoon' in choice)) return send(true);
          // Instead of asking them, do it for them: the initiative's "give a spoon" task.
          if (initiative)
            spoon.mutate(
              { initiativeId: initiative.id },
              {
                onSuccess: (t) => {
                  notifySuccess(`Our task instead: ${t.title}`, 'A spoon given');
                  close();
                },
                onError: (e) => notifyError(e, 'Could not add the task'),
              },
            );
        }}
        onCancel={() => request.reset()}
      />
    </Modal>
  );
}

export function LinkGoalModal({ initiative, onClose }: { initiative: Initiative | null; onClose: () => void }) {
  const goals = useGoalChoices(initiative?.accountId ?? '', initiative !== null);
  const patch = usePatchInitiative();
  const [goalId, setGoalId] = useState<string | null>(null);
  const close = () => {
    setGoalId(null);
    patch.reset();
    onClose();
  };
  const chosen = goalId ?? initiative?.goalId ?? null;
  return (
    <Modal opened={initiative !== null} onClose={close} title="Link to their goal" centered>
      <Stack gap="sm">
        <FormError error={patch.error} shownFields={['goalId']} />
        {goals.data.length === 0 && !goals.isPending ? (
          <Text size="sm" c="dimmed">
            This account has no success plan goal yet. Add one on the success plan, in the customer’s words, then link it here.
          </Text>
        ) : (
          <Select label="Goal" data={goals.data} value={chosen} onChange={setGoalId} searchable placeholder="A goal of their success plan" />
        )}
        <Group justify="flex-end">
          {initiative?.goalId && (
            <Button variant="subtle" color="red" onClick={() => initiative && patch.mutate({ id: initiative.id, patch: { goalId: null } }, { onSuccess: close })} loading={patch.isPending}>
              Unlink
            </Button>
          )}
          <Button
            disabled={!chosen || chosen === initiative?.goalId}
            loading={patch.isPending}
            onClick={() =>
              initiative &&
              chosen &&
              patch.mutate(
                { id: initiative.id, patch: { goalId: chosen } },
                {
                  onSuccess: () => {
                    notifySuccess('Linked to their goal');
                    close();
                  },
                },
              )
            }
          >
            Link
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
