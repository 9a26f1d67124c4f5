import { Alert, Button, Group, Loader, Modal, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { errorMessage } from '../api/client';
import { type Activation, type Condition, type DryRun, type RuleAction, useDryRun } from '../api/rules';
import { count } from '../components/format';

interface Props {
  opened: boolean;
  /** The dry run with the rule's actions; undefined while it runs. */
  preview: DryRun | undefined;
  error: string | null;
  saving: boolean;
  /** "Save disabled" for a new or edited rule; "Keep disabled" when only enabling. */
  disabledLabel?: string;
  onSave: (choice: { enabled: boolean; activation: Activation }) => void;
  onClose: () => void;
}

const plural = (n: number, one: string, many = `${one}s`) => `${count(n)} ${n === 1 ? one : many}`;

/** "This will create 54 tasks for 9 people now": the sentence a save that fires at once must say. */
export function nowSentence(d: DryRun): string {
  const e = d.effects;
  if (e.firings === 0)
    return e.alreadyFired > 0
      ? `It fired for the ${plural(e.alreadyFired, 'account')} that match within its window: nothing new happens now.`
      : 'No account matches now: nothing happens until one does.';
  const parts = [
    e.tasks > 0 ? `${plural(e.tasks, 'task')} for ${plural(e.people, 'person', 'people')}` : null,
    e.playbookRuns > 0 ? plural(e.playbookRuns, 'playbook run') : null,
    e.notifications > 0 ? plural(e.notifications, 'notification') : null,
    e.emails > 0 ? plural(e.emails, 'e-mail') : null,
    e.webhookDeliveries > 0 ? plural(e.webhookDeliveries, 'webhook call') : null,
  ].filter((p): p is string => p !== null);
  return `This will fire for ${plural(e.firings, 'account')} now${parts.length ? ` and create ${parts.join(', ')}` : ''}.`;
}

/**
 * Saving an enabled rule asks first: fire now over the whole book (with what that creates), only
 * for accounts that start matching from now on, or save it disabled.
 */
export function SaveConfirmModal({ opened, preview, error, saving, disabledLabel = 'Save disabled', onSave, onClose }: Props) {
  const e = preview?.effects;
  return (
    <Modal opened={opened} onClose={onClose} title="Save and start this rule?" centered size="lg" data-testid="rule-save-confirm">
      {error ? (
        <Alert color="red" variant="light" role="alert" title="Could not work out what the rule would do">
          <Text size="sm">{error}</Text>
        </Alert>
      ) : !preview || !e ? (
        <Group gap="xs">
          <Loader size="sm" />
          <Text size="sm">Checking what the rule would do now…</Text>
        </Group>
      ) : (
        <Stack gap="sm">
          <Text size="sm" fw={600} data-testid="rule-save-now" data-firings={e.firings} data-tasks={e.tasks} data-people={e.people}>
            {nowSentence(preview)}
          </Text>
          {e.alreadyFired > 0 && e.firings > 0 && (
            <Text size="xs" c="dimmed">
              {plural(e.alreadyFired, 'matching account')} fired within the rule’s window and do not fire again.
            </Text>
          )}
          {e.taskAssignees.length > 0 && (
            <Table withTableBorder verticalSpacing={4} fz="sm" aria-label="Tasks per person">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Tasks for</Table.Th>
                  <Table.Th ta="right">Tasks</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {e.taskAssignees.slice(0, 8).map((a) => (
                  <Table.Tr key={a.userId ?? a.name}>
                    <Table.Td>{a.name}</Table.Td>
                    <Table.Td ta="right" className="canopy-num">
                      {count(a.tasks)}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
          {e.taskAssignees.length > 8 && (
            <Text size="xs" c="dimmed">
              … and {plural(e.taskAssignees.length - 8, 'more person', 'more people')}
            </Text>
          )}
          <Text size="sm" c="dimmed">
            “From now on” leaves the {plural(preview.total, 'account')} that match today alone and fires only for accounts that start matching after you save.
          </Text>
        </Stack>
      )}
      <Group justify="flex-end" mt="lg" gap="sm">
        <Button variant="default" onClick={onClose} disabled={saving}>
          Cancel
        </Button>
        <Button variant="default" onClick={() => onSave({ enabled: false, activation: 'from_now_on' })} loading={saving}>
          {disabledLabel}
        </Button>
        <Button variant="light" onClick={() => onSave({ enabled: true, activation: 'from_now_on' })} loading={saving} disabled={!e} data-autofocus>
          From now on only
        </Button>
        <Button color={e && e.firings > 0 ? 'orange' : undefined} onClick={() => onSave({ enabled: true, activation: 'now' })} loading={saving} disabled={!e}>
          {e && e.firings > 0 ? `Fire now for ${plural(e.firings, 'account')}` : 'Save and fire as accounts match'}
        </Button>
      </Group>
    </Modal>
  );
}

/** Runs the dry run with the rule's actions and opens the question; the answer goes to onChoice. */
export function useStartConfirm() {
  const dryRun = useDryRun();
  const [onChoice, setOnChoice] = useState<((c: { enabled: boolean; activation: Activation }) => void) | null>(null);
  const ask = (
    body: {
      condition: Condition;
      actions: RuleAction[];
      windowHours: number;
      ruleId?: string;
    },
    then: (c: { enabled: boolean; activation: Activation }) => void,
  ) => {
    dryRun.reset();
    dryRun.mutate({ ...body, limit: 1 });
    setOnChoice(() => then);
  };
  const close = () => setOnChoice(null);
  return {
    ask,
    close,
    props: {
      opened: onChoice !== null,
      preview: dryRun.data,
      error: dryRun.error ? errorMessage(dryRun.error) : null,
      onSave: (c: { enabled: boolean; activation: Activation }) => onChoice?.(c),
      onClose: close,
    },
  };
}
