import { Anchor, Button, Card, Group, Kbd, MultiSelect, SegmentedControl, Select, SimpleGrid, Stack, Switch, Text, Textarea, TextInput, Title } from '@mantine/core';
import { DateTimePicker } from '@mantine/dates';
import dayjs from 'dayjs';
import { type FormEvent, type KeyboardEvent, useMemo, useState } from 'react';
import { useUsers } from '../api/admin';
import { ApiError } from '../api/client';
import { useAccountContacts } from '../api/contacts';
import { FormError, notifySuccess } from '../components/feedback';
import { useEscalations } from '../escalations/api';
import { EMPTY_PLANT, nestedFieldErrors, plantInput, type PlantDraft } from '../seeds/PlantSeedFields';
import { PlantSeedSection } from '../seeds/PlantSeedSection';
import { CheckInOutcome, CheckInSection } from '../readiness/CheckInSection';
import { useInvalidateReadiness } from '../api/readiness';
import { activityCheckInInput, checkInProblems, EMPTY_CHECK_IN, type CheckInDraft } from '../readiness/logic';
import { ACTIVITY_KINDS, activityKindLabel, type ActivityKind, inferProactive, RESPONDS_TO, respondsToLabel, type RespondsTo, useLogActivity } from './api';

const NOW = () => dayjs().format('YYYY-MM-DD HH:mm:ss');
const NOTHING = 'nothing';

/**
 * The quick "log activity" form of the account page: kind, subject, notes, when, who, what it
 * answers, and the proactive flag, which shows the inferred value until the person touches it.
 * Ctrl+Enter (⌘+Enter) submits from any field.
 */
export function LogActivityCard({ accountId }: { accountId: string }) {
  const [kind, setKind] = useState<ActivityKind>('call');
  const [subject, setSubject] = useState('');
  const [body, setBody] = useState('');
  const [occurredAt, setOccurredAt] = useState<string | null>(null);
  const [people, setPeople] = useState<string[]>([]);
  const [answers, setAnswers] = useState<RespondsTo | typeof NOTHING>(NOTHING);
  const [escalationId, setEscalationId] = useState<string | null>(null);
  const [manual, setManual] = useState<boolean | null>(null);
  const [planting, setPlanting] = useState(false);
  const [plant, setPlant] = useState<PlantDraft>(EMPTY_PLANT);
  const [plantMissing, setPlantMissing] = useState(false);
  const [checkingIn, setCheckingIn] = useState(false);
  const [checkIn, setCheckIn] = useState<CheckInDraft>(EMPTY_CHECK_IN);
  const [checkInTried, setCheckInTried] = useState(false);
  const [checkedInActivity, setCheckedInActivity] = useState<string | null>(null);
  const log = useLogActivity();
  const invalidateReadiness = useInvalidateReadiness();
  const contacts = useAccountContacts(accountId);
  const users = useUsers();
  const escalations = useEscalations({ accountId, status: 'active' });
  const fields = log.error instanceof ApiError ? log.error.fieldMap() : {};
  const seedFields = { ...nestedFieldErrors(log.error, 'seed'), ...(plantMissing ? { '(seed)': 'Pick a question from the library or write one, or switch "Plant a seed" off' } : {}) };

  const checkInFields = { ...(checkInTried ? checkInProblems(checkIn) : {}), ...nestedFieldErrors(log.error, 'checkIn') };
  const respondsTo = answers === NOTHING ? null : answers;
  const inferred = inferProactive(kind, respondsTo, escalationId);
  const proactive = manual ?? inferred;

  const peopleData = useMemo(
    () => [
      {
        group: 'Customer contacts',
        items: (contacts.data?.pages.flatMap((p) => p.items) ?? []).map((c) => ({ value: `contact:${c.id}`, label: c.name ?? c.email ?? 'Unnamed contact' })),
      },
      { group: 'Our team', items: (users.data ?? []).filter((u) => u.active).map((u) => ({ value: `user:${u.id}`, label: u.name })) },
    ],
    [contacts.data, users.data],
  );
  const openEscalations = escalations.data?.pages.flatMap((p) => p.items) ?? [];

  const reset = () => {
    setSubject('');
    setBody('');
    setPeople([]);
    setOccurredAt(null);
    setAnswers(NOTHING);
    setEscalationId(null);
    setManual(null);
    setPlanting(false);
    setPlant(EMPTY_PLANT);
    setPlantMissing(false);
    setCheckingIn(false);
    setCheckIn(EMPTY_CHECK_IN);
    setCheckInTried(false);
    log.reset();
  };

  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    if (!subject.trim() || log.isPending) return;
    const seed = planting ? plantInput(plant) : null;
    setPlantMissing(planting && !seed);
    if (planting && !seed) return;
    const checkInInput = checkingIn ? activityCheckInInput(checkIn) : null;
    setCheckInTried(checkingIn);
    if (checkingIn && !checkInInput) return;
    const pick = (prefix: string) => people.filter((p) => p.startsWith(prefix)).map((p) => p.slice(prefix.length));
    log.mutate(
      {
        accountId,
        kind,
        subject: subject.trim(),
        body,
        occurredAt: occurredAt ? dayjs(occurredAt).toISOString() : undefined,
        participants: { userIds: pick('user:'), contactIds: pick('contact:') },
        respondsTo,
        escalationId,
        proactive: manual ?? undefined,
        ...(seed ? { seed } : {}),
        ...(checkInInput ? { checkIn: checkInInput } : {}),
      },
      {
        onSuccess: (a) => {
          notifySuccess(`${activityKindLabel[a.kind]} logged (${a.proactive ? 'proactive' : 'reactive'})${seed ? '; seed planted' : ''}${checkInInput ? '; check-in recorded' : ''}`);
          reset();
          setCheckedInActivity(checkInInput ? a.id : null);
          if (checkInInput) invalidateReadiness();
        },
      },
    );
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) submit();
  };

  return (
    <Card padding="lg" data-testid="log-activity">
      <Group justify="space-between" mb="sm">
        <div>
          <Title order={4}>Log activity</Title>
          <Text size="sm" c="dimmed">
            Calls, meetings and notes: the work behind the proactive ratio
          </Text>
        </div>
      </Group>
      <form onSubmit={submit} onKeyDown={onKeyDown} noValidate aria-label="Log activity">
        <Stack gap="sm">
          <FormError error={log.error} shownFields={['kind', 'subject', 'body', 'occurredAt', 'participants', 'respondsTo', 'escalationId', 'seed', 'checkIn']} />
          {checkedInActivity && <CheckInOutcome accountId={accountId} activityId={checkedInActivity} onClose={() => setCheckedInActivity(null)} />}
          <SegmentedControl
            aria-label="Kind"
            size="xs"
            fullWidth
            value={kind}
            onChange={(v) => setKind(v as ActivityKind)}
            data={ACTIVITY_KINDS.map((k) => ({ value: k, label: activityKindLabel[k] }))}
          />
          <TextInput label="Subject" placeholder="What it was about" value={subject} onChange={(e) => setSubject(e.currentTarget.value)} error={fields.subject} required />
          <Textarea label="Notes" placeholder="What was said, what happens next" autosize minRows={2} maxRows={8} value={body} onChange={(e) => setBody(e.currentTarget.value)} error={fields.body} />
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <DateTimePicker
              label="When"
              placeholder="Now"
              valueFormat="MMM D, YYYY HH:mm"
              value={occurredAt}
              onChange={setOccurredAt}
              maxDate={NOW()}
              clearable
              error={fields.occurredAt}
            />
            <MultiSelect
              label="Participants"
              placeholder={people.length ? undefined : 'Contacts and colleagues'}
              data={peopleData}
              value={people}
              onChange={setPeople}
              searchable
              clearable
              error={fields.participants}
            />
            <Select
              label="Answers…"
              data={[{ value: NOTHING, label: 'Nothing: we reached out' }, ...RESPONDS_TO.map((r) => ({ value: r, label: respondsToLabel[r] }))]}
              value={answers}
              onChange={(v) => {
                setAnswers((v ?? NOTHING) as RespondsTo | typeof NOTHING);
                if (v !== 'escalation') setEscalationId(null);
              }}
              allowDeselect={false}
              error={fields.respondsTo}
            />
            {answers === 'escalation' && openEscalations.length > 0 ? (
              <Select
                label="Escalation thread"
                placeholder="Not in a thread"
                data={openEscalations.map((x) => ({ value: x.id, label: x.title }))}
                value={escalationId}
                onChange={setEscalationId}
                clearable
                error={fields.escalationId}
              />
            ) : (
              <div />
            )}
          </SimpleGrid>
          <PlantSeedSection
            accountId={accountId}
            open={planting}
            onOpenChange={setPlanting}
            value={plant}
            onChange={(next) => {
              setPlant(next);
              setPlantMissing(false);
            }}
            errors={seedFields}
          />
          <CheckInSection accountId={accountId} open={checkingIn} onOpenChange={setCheckingIn} value={checkIn} onChange={setCheckIn} errors={checkInFields} />
          <Group justify="space-between" align="center" wrap="wrap">
            <Group gap="xs" align="center">
              <Switch
                label="Proactive"
                checked={proactive}
                onChange={(e) => setManual(e.currentTarget.checked)}
                description={manual === null ? `Inferred: ${inferred ? 'we reached out' : 'it answers something'}` : 'Set by you'}
                data-testid="proactive-switch"
              />
              {manual !== null && (
                <Anchor component="button" type="button" size="xs" onClick={() => setManual(null)}>
                  Use inferred
                </Anchor>
              )}
            </Group>
            <Group gap="xs">
              <Text size="xs" c="dimmed" visibleFrom="sm">
                <Kbd size="xs">Ctrl</Kbd> + <Kbd size="xs">Enter</Kbd>
              </Text>
              <Button type="submit" loading={log.isPending} disabled={!subject.trim()}>
                Log {kind === 'qbr' ? 'QBR' : activityKindLabel[kind].toLowerCase()}
              </Button>
            </Group>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}
