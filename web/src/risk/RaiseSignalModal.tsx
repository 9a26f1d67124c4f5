import { Button, Group, Modal, NumberInput, Select, Stack, Textarea } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { ApiError } from '../api/client';
import { useRaiseSignal, useSignalDefinitions } from '../api/risk';
import { FormError, notifySuccess } from '../components/feedback';
import { familyLabel, strengthOfPct, strengthPctError } from './logic';

/** Raise a signal by hand: a kind from the definitions, a strength (default: the kind's), and a note saying what you saw. */
export function RaiseSignalModal({ accountId, opened, onClose }: { accountId: string; opened: boolean; onClose: () => void }) {
  const defs = useSignalDefinitions();
  const raise = useRaiseSignal();
  const [kind, setKind] = useState<string | null>('manual');
  const [strength, setStrength] = useState<number | string>('');
  const [note, setNote] = useState('');
  const [tried, setTried] = useState(false);
  const fields = raise.error instanceof ApiError ? raise.error.fieldMap() : {};
  const options = (defs.data ?? []).filter((d) => d.enabled).map((d) => ({ value: d.kind, label: `${d.label} (${familyLabel(d.family)})` }));
  const def = defs.data?.find((d) => d.kind === kind);
  const pctValue = typeof strength === 'number' ? strength : null;
  const strengthError = strengthPctError(strength);
  const close = () => {
    raise.reset();
    setTried(false);
    onClose();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (!kind || !note.trim() || strengthError) return;
    raise.mutate(
      { accountId, kind, note: note.trim(), ...(pctValue !== null ? { strength: strengthOfPct(pctValue) } : {}) },
      {
        onSuccess: () => {
          notifySuccess('Signal raised: the risk is recomputed');
          setNote('');
          setStrength('');
          close();
        },
      },
    );
  };
  return (
    <Modal opened={opened} onClose={close} title="Raise a risk signal">
      <form onSubmit={submit} aria-label="Raise a risk signal" noValidate>
        <Stack gap="sm">
          <FormError error={raise.error} shownFields={['kind', 'strength', 'note']} />
          <Select
            label="Kind"
            data={options}
            value={kind}
            onChange={setKind}
            searchable
            allowDeselect={false}
            description={def?.description}
            error={fields.kind ?? (tried && !kind ? 'Choose a kind' : undefined)}
            comboboxProps={{ withinPortal: true }}
          />
          <NumberInput
            label="Strength (%)"
            description={def ? `Leave empty for the kind's strength, ${Math.round(def.strength * 100)} %: the probability this alone precedes a loss` : undefined}
            min={0.1}
            max={99.9}
            clampBehavior="none"
            decimalScale={1}
            value={strength}
            onChange={setStrength}
            error={fields.strength ?? strengthError}
          />
          <Textarea
            label="Note"
            placeholder="What you saw that the data does not show"
            autosize
            minRows={2}
            maxLength={5000}
            value={note}
            onChange={(e) => setNote(e.currentTarget.value)}
            error={fields.note ?? (tried && !note.trim() ? 'Say what you saw' : undefined)}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={raise.isPending}>
              Raise signal
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
