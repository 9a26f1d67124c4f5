import { Button, Group, Modal, NumberInput, Select, SimpleGrid, Stack, Textarea } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import dayjs from 'dayjs';
import { type FormEvent, useState } from 'react';
import { ApiError } from '../api/client';
import { type OutcomeInput, type OutcomeKind, OUTCOME_KINDS } from '../api/healthTypes';
import { useCreateOutcome } from '../api/outcomes';
import { FormError, notifySuccess } from '../components/feedback';
import { outcomeLabel } from '../components/health';

interface Props {
  accountId: string;
  arr: number | null;
  opened: boolean;
  onClose: () => void;
}

export function OutcomeFormModal(props: Props) {
  return (
    <Modal opened={props.opened} onClose={props.onClose} title="Record outcome" centered>
      {props.opened && <OutcomeForm {...props} />}
    </Modal>
  );
}

const num = (v: number | string): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

function OutcomeForm({ accountId, arr, onClose }: Props) {
  const [kind, setKind] = useState<OutcomeKind>('renewed');
  const [occurredOn, setOccurredOn] = useState<string | null>(dayjs().format('YYYY-MM-DD'));
  const [arrBefore, setArrBefore] = useState<number | string>(arr ?? '');
  const [arrAfter, setArrAfter] = useState<number | string>(arr ?? '');
  const [note, setNote] = useState('');
  const create = useCreateOutcome();
  const fields = create.error instanceof ApiError ? create.error.fieldMap() : {};

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!occurredOn) return;
    const body: OutcomeInput = { accountId, kind, occurredOn, arrBefore: num(arrBefore), arrAfter: num(arrAfter) };
    if (note.trim()) body.note = note.trim();
    create.mutate(body, {
      onSuccess: () => {
        notifySuccess(`Outcome recorded: ${outcomeLabel[kind].toLowerCase()}`);
        onClose();
      },
    });
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <FormError error={create.error} shownFields={['kind', 'occurredOn', 'arrBefore', 'arrAfter', 'note']} />
        <SimpleGrid cols={2} spacing="md" verticalSpacing="sm">
          <Select
            label="Outcome"
            data={OUTCOME_KINDS.map((k) => ({ value: k, label: outcomeLabel[k] }))}
            value={kind}
            onChange={(v) => v && setKind(v as OutcomeKind)}
            allowDeselect={false}
            error={fields.kind}
            data-autofocus
          />
          <DateInput
            label="Date"
            valueFormat="YYYY-MM-DD"
            value={occurredOn}
            onChange={setOccurredOn}
            maxDate={dayjs().add(1, 'year').format('YYYY-MM-DD')}
            error={fields.occurredOn}
          />
          <NumberInput label="ARR before" prefix="$" thousandSeparator="," min={0} clampBehavior="none" value={arrBefore} onChange={setArrBefore} error={fields.arrBefore} />
          <NumberInput
            label="ARR after"
            prefix="$"
            thousandSeparator=","
            min={0}
            clampBehavior="none"
            value={arrAfter}
            onChange={setArrAfter}
            error={fields.arrAfter}
            description={kind === 'churned' ? 'Usually $0' : undefined}
          />
        </SimpleGrid>
        <Textarea label="Note" placeholder="What happened, in a sentence" autosize minRows={2} value={note} onChange={(e) => setNote(e.currentTarget.value)} error={fields.note} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={create.isPending}>
            Cancel
          </Button>
          <Button type="submit" loading={create.isPending} disabled={!occurredOn}>
            Record outcome
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
