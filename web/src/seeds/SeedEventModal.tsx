import { Button, Group, Modal, Radio, SimpleGrid, Stack, Text, Textarea, Select } from '@mantine/core';
import { DateTimePicker } from '@mantine/dates';
import dayjs from 'dayjs';
import { type FormEvent, type KeyboardEvent, useState } from 'react';
import { activityKindLabel, type ActivityKind } from '../activities/api';
import { REACTION_STRENGTHS, type ReactionStrength, type Seed, type SeedEventInput, type SeedEventKind, useAccountActivityRefs, useSeedEvent } from '../api/seeds';
import { FormError, notifySuccess } from '../components/feedback';
import { formatDay } from '../components/format';
import { nestedFieldErrors } from './PlantSeedFields';
import { eventLabel, reactionLabel, stageLabel } from './stages';

/** The events a person records by hand (harvest has its own one-click dialog). */
export const RECORDABLE: Exclude<SeedEventKind, 'harvested'>[] = [
  'reaction',
  'objection',
  'follow_up',
  'variant_asked',
  'engaged',
  'raised_by_customer',
  'discussed_in_qbr',
  'dormant',
];

const title: Record<Exclude<SeedEventKind, 'harvested'>, string> = {
  reaction: 'Record the reaction',
  objection: 'Record an objection',
  follow_up: 'The customer followed up',
  variant_asked: 'A variant was asked',
  engaged: 'They engaged with the variant',
  raised_by_customer: 'The customer raised it themselves',
  discussed_in_qbr: 'It was discussed in a QBR',
  dormant: 'Let it rest',
};

const help: Record<Exclude<SeedEventKind, 'harvested'>, string> = {
  reaction: 'A strong reaction, either way, is what takes the conversation off autopilot: the seed has reacted.',
  objection: 'The knee-jerk "that would not work here" is expected: it does not move the seed, but it is worth remembering.',
  follow_up: 'A few days later they came back to it (an e-mail, a question): their perception changed, the seed has sprouted. Point at the activity, or say what happened.',
  variant_asked: 'You re-asked it in another form. The re-ask clock restarts and this variant is used up.',
  engaged: 'They engaged with the re-asked variant instead of pushing back: the seed has sprouted.',
  raised_by_customer: 'They brought it up without you: the seed is rooted. Point at the activity, or say what happened.',
  discussed_in_qbr: 'It was on the table at a QBR: the seed is rooted. Point at the QBR, or say what happened.',
  dormant: 'No movement and nothing left to re-ask: put it to rest. New evidence wakes it up.',
};

const NEEDS_EVIDENCE = new Set<SeedEventKind>(['follow_up', 'raised_by_customer', 'discussed_in_qbr']);
const NOW = () => dayjs().format('YYYY-MM-DD HH:mm:ss');

interface Props {
  seed: Seed | null;
  kind: Exclude<SeedEventKind, 'harvested'> | null;
  onClose: () => void;
}

export function SeedEventModal({ seed, kind, onClose }: Props) {
  const opened = !!seed && !!kind;
  return (
    <Modal opened={opened} onClose={onClose} title={kind ? title[kind] : ''} size="lg" centered>
      {seed && kind && <SeedEventForm key={`${seed.id}:${kind}`} seed={seed} kind={kind} onClose={onClose} />}
    </Modal>
  );
}

function SeedEventForm({ seed, kind, onClose }: { seed: Seed; kind: Exclude<SeedEventKind, 'harvested'>; onClose: () => void }) {
  const record = useSeedEvent();
  const evidence = NEEDS_EVIDENCE.has(kind);
  const activities = useAccountActivityRefs(seed.accountId, evidence);
  const [strength, setStrength] = useState<ReactionStrength | null>(null);
  const [text, setText] = useState('');
  const [variant, setVariant] = useState(kind === 'variant_asked' ? (seed.nextVariant ?? '') : '');
  const [activityId, setActivityId] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [at, setAt] = useState<string | null>(null);
  const fields = nestedFieldErrors(record.error);

  const activityData = (activities.data ?? [])
    .filter((a) => dayjs(a.occurredAt).valueOf() >= dayjs(seed.askedAt).valueOf() - 60_000)
    .map((a) => ({
      value: a.id,
      label: `${activityKindLabel[a.kind as ActivityKind] ?? a.kind} · ${a.subject} · ${formatDay(a.occurredAt)}`,
    }));

  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    if (record.isPending) return;
    const body: SeedEventInput = { kind };
    if (at) body.at = dayjs(at).toISOString();
    if (note.trim()) body.note = note.trim();
    if (kind === 'reaction' && strength) body.strength = strength;
    if (kind === 'objection') body.text = text;
    if (kind === 'variant_asked') body.variant = variant;
    if (evidence && activityId) body.activityId = activityId;
    record.mutate(
      { seedId: seed.id, ...body },
      {
        onSuccess: (s) => {
          notifySuccess(s.stage !== seed.stage ? `Seed moved: ${stageLabel[seed.stage]} → ${stageLabel[s.stage]}` : `${eventLabel[kind]} recorded`);
          onClose();
        },
      },
    );
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) submit();
  };

  return (
    <form onSubmit={submit} onKeyDown={onKeyDown} noValidate aria-label={title[kind]}>
      <Stack gap="sm">
        <Text size="sm" fs="italic">
          “{seed.text}”
        </Text>
        <Text size="xs" c="dimmed">
          {help[kind]}
        </Text>
        <FormError error={record.error} shownFields={['strength', 'text', 'variant', 'activityId', 'note', 'at']} />
        {kind === 'reaction' && (
          <Radio.Group label="How did they react?" value={strength} onChange={(v) => setStrength(v as ReactionStrength)} error={fields.strength} required>
            <SimpleGrid cols={2} spacing="xs" mt={6}>
              {REACTION_STRENGTHS.map((r) => (
                <Radio key={r} value={r} label={reactionLabel[r]} data-autofocus={r === 'strong_positive' || undefined} />
              ))}
            </SimpleGrid>
          </Radio.Group>
        )}
        {kind === 'objection' && (
          <Textarea label="What they objected" placeholder="That would not work here because…" autosize minRows={2} value={text} onChange={(e) => setText(e.currentTarget.value)} error={fields.text} required data-autofocus />
        )}
        {kind === 'variant_asked' && (
          <Textarea
            label="The variant asked"
            description={seed.nextVariant ? 'The next variant of the question, as the library has it; change it to what you really asked.' : 'Every variant of the library was asked: write the one you used.'}
            autosize
            minRows={2}
            value={variant}
            onChange={(e) => setVariant(e.currentTarget.value)}
            error={fields.variant}
            required
            data-autofocus
          />
        )}
        {evidence && (
          <Select
            label="In which activity"
            description="From this account's timeline since the seed was planted"
            placeholder={activityData.length ? 'Pick the activity' : 'No activity since it was planted: add a note instead'}
            data={activityData}
            value={activityId}
            onChange={setActivityId}
            searchable
            clearable
            error={fields.activityId}
            data-autofocus
          />
        )}
        <Textarea
          label={evidence ? 'Or a note' : 'Note'}
          placeholder={evidence ? 'What they said or sent' : 'Optional'}
          autosize
          minRows={evidence ? 2 : 1}
          maxRows={6}
          value={note}
          onChange={(e) => setNote(e.currentTarget.value)}
          error={fields.note}
        />
        <DateTimePicker
          label="When"
          placeholder="Now"
          valueFormat="MMM D, YYYY HH:mm"
          value={at}
          onChange={setAt}
          maxDate={NOW()}
          minDate={dayjs(seed.askedAt).format('YYYY-MM-DD HH:mm:ss')}
          clearable
          error={fields.at}
        />
        {fields.kind && (
          <Text size="sm" c="red">
            {fields.kind}
          </Text>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={record.isPending}>
            Cancel
          </Button>
          <Button type="submit" loading={record.isPending} disabled={kind === 'reaction' && !strength}>
            {kind === 'dormant' ? 'Let it rest' : 'Record'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
