import { Alert, Button, Group, JsonInput, Modal, NumberInput, SegmentedControl, SimpleGrid, Stack, Switch, Text, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { ApiError } from '../api/client';
import { type DefinitionPatch, useDryRunDefinition, usePatchDefinition } from '../api/risk';
import { FormError, notifySuccess } from '../components/feedback';
import { count } from '../components/format';
import { halfLifeError, strengthOfPct, strengthPctError } from './logic';
import type { SignalDefinition } from './schemas';

/** Edit a definition; "Dry run" shows which accounts would gain or lose the signal before anything is saved. */
export function DefinitionModal({ def, onClose }: { def: SignalDefinition; onClose: () => void }) {
  const save = usePatchDefinition();
  const dry = useDryRunDefinition();
  const [label, setLabel] = useState(def.label);
  const [strength, setStrength] = useState<number | string>(Math.round(def.strength * 1000) / 10);
  const [halfLife, setHalfLife] = useState<number | string>(def.halfLifeDays);
  const [decayFrom, setDecayFrom] = useState(def.decayFrom ?? 'end');
  const [enabled, setEnabled] = useState(def.enabled);
  const [params, setParams] = useState(JSON.stringify(def.params, null, 2));
  const fields = (save.error ?? dry.error) instanceof ApiError ? ((save.error ?? dry.error) as ApiError).fieldMap() : {};
  const parsed = (() => {
    try {
      const v: unknown = JSON.parse(params || '{}');
      return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
    } catch {
      return null;
    }
  })();
  // Out-of-range numbers are the fields' messages and keep Save and Dry run disabled, never clamped (issue 9 §7).
  const strengthError = strengthPctError(strength, true);
  const halfLifeMessage = halfLifeError(halfLife);
  const patch = (): DefinitionPatch | null => {
    if (!parsed || typeof strength !== 'number' || typeof halfLife !== 'number' || strengthError || halfLifeMessage) return null;
    return { label: label.trim(), strength: strengthOfPct(strength), halfLifeDays: halfLife, decayFrom, enabled, ...(def.source === 'detector' ? { params: parsed } : {}) };
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const p = patch();
    if (p) save.mutate({ id: def.id, patch: p }, { onSuccess: () => (notifySuccess(`${def.label} saved: signals are re-detected on the next refresh`), onClose()) });
  };
  const d = dry.data;
  return (
    <Modal opened onClose={onClose} title={`Signal: ${def.kind}`} size="lg">
      <form onSubmit={submit} aria-label="Signal definition" noValidate>
        <Stack gap="sm">
          <FormError error={save.error ?? dry.error} shownFields={['label', 'strength', 'halfLifeDays', 'params']} />
          {def.description && (
            <Text size="sm" c="dimmed">
              {def.description}
            </Text>
          )}
          <TextInput label="Label" value={label} onChange={(e) => setLabel(e.currentTarget.value)} maxLength={200} error={fields.label} />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <NumberInput label="Strength (%)" description="Probability this alone precedes a loss" min={0.1} max={99.9} clampBehavior="none" decimalScale={1} value={strength} onChange={setStrength} error={fields.strength ?? strengthError} />
            <NumberInput label="Half-life (days)" description="How fast it fades" min={1} max={3650} clampBehavior="none" allowDecimal={false} value={halfLife} onChange={setHalfLife} error={fields.halfLifeDays ?? halfLifeMessage} />
          </SimpleGrid>
          <Group>
            <SegmentedControl aria-label="Decay from" size="xs" value={decayFrom} onChange={(v) => setDecayFrom(v as 'end' | 'start')} data={[{ value: 'end', label: 'Decays after it ends' }, { value: 'start', label: 'Decays from its start' }]} />
            <Switch label="Enabled" checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} />
          </Group>
          {def.source === 'detector' && (
            <JsonInput label="Parameters" autosize minRows={3} maxRows={10} value={params} onChange={setParams} error={fields.params ?? (parsed ? undefined : 'A JSON object')} formatOnBlur />
          )}
          {d && (
            <Alert color="blue" variant="light" title="Dry run: nothing saved" data-testid="dry-run-result">
              <Text size="sm">
                {count(d.now.accounts)} accounts have the signal now; {count(d.proposed.accounts)} would with these settings: {count(d.added.length)} gain it,{' '}
                {count(d.removed.length)} lose it.
              </Text>
              {d.added.length > 0 && (
                <Text size="xs" mt={4}>
                  Gain: {d.added.slice(0, 8).map((a) => `${a.name ?? a.accountId}${a.evidence?.summary ? ` (${a.evidence.summary})` : ''}`).join('; ')}
                  {d.added.length > 8 ? '…' : ''}
                </Text>
              )}
              {d.removed.length > 0 && (
                <Text size="xs" mt={4}>
                  Lose: {d.removed.slice(0, 8).map((a) => a.name ?? a.accountId).join('; ')}
                  {d.removed.length > 8 ? '…' : ''}
                </Text>
              )}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button
              variant="light"
              loading={dry.isPending}
              disabled={!patch()}
              onClick={() => {
                const p = patch();
                if (p) dry.mutate({ id: def.id, patch: p });
              }}
            >
              Dry run
            </Button>
            <Button type="submit" loading={save.isPending} disabled={!patch()}>
              Save
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
