import { Button, Group, SegmentedControl, Select, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { type KeyboardEvent, useRef } from 'react';
import { useAccountReadiness, WHAT_WOULD_MOVE_HIGHER, WHY_NOT_LOWER } from '../api/readiness';
import { useContactChoices } from '../api/tasks';
import type { CheckInDraft } from './logic';

const SCALE = Array.from({ length: 11 }, (_, i) => i);

/**
 * A 0–10 scale as eleven radio buttons; nothing is picked until someone picks. One tab stop (the
 * picked number, else 0); the arrow keys move along it, as in any radio group.
 */
export function ScaleInput({ label, hint, value, onChange, error }: { label: string; hint: string; value: number | null; onChange: (n: number) => void; error?: string }) {
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  const onKeyDown = (e: KeyboardEvent, n: number) => {
    const step = e.key === 'ArrowRight' || e.key === 'ArrowUp' ? 1 : e.key === 'ArrowLeft' || e.key === 'ArrowDown' ? -1 : 0;
    const to = e.key === 'Home' ? 0 : e.key === 'End' ? 10 : step ? Math.min(10, Math.max(0, n + step)) : null;
    if (to === null) return;
    e.preventDefault();
    onChange(to);
    refs.current[to]?.focus();
  };
  return (
    <div>
      <Text size="sm" fw={500} id={`scale-${label}`}>
        {label}
      </Text>
      <Text size="xs" c="dimmed" mb={4}>
        {hint}
      </Text>
      <Group gap={4} role="radiogroup" aria-labelledby={`scale-${label}`} aria-invalid={error ? true : undefined}>
        {SCALE.map((n) => (
          <Button
            key={n}
            size="compact-sm"
            w={32}
            px={0}
            role="radio"
            aria-checked={value === n}
            tabIndex={n === (value ?? 0) ? 0 : -1}
            ref={(el) => {
              refs.current[n] = el;
            }}
            onKeyDown={(e) => onKeyDown(e, n)}
            variant={value === n ? 'filled' : 'default'}
            onClick={() => onChange(n)}
          >
            {n}
          </Button>
        ))}
      </Group>
      {error && (
        <Text size="xs" c="red" mt={4}>
          {error}
        </Text>
      )}
    </div>
  );
}

interface Props {
  accountId: string;
  value: CheckInDraft;
  onChange: (next: CheckInDraft) => void;
  errors: Record<string, string>;
  /** Offer "a new initiative" by title (the log-activity form); the check-in modal needs an existing one. */
  allowNew?: boolean;
  /** Hide the initiative picker (the modal opened from an initiative). */
  fixedInitiative?: boolean;
}

/**
 * The motivational-interviewing check-in (seed 004): the initiative, who answered, importance and
 * confidence 0–10, and the two follow-up questions word for word.
 */
export function CheckInFields({ accountId, value, onChange, errors, allowNew = false, fixedInitiative = false }: Props) {
  const readiness = useAccountReadiness(accountId);
  const contacts = useContactChoices(accountId);
  const set = (patch: Partial<CheckInDraft>) => onChange({ ...value, ...patch });
  const initiatives = (readiness.data?.initiatives ?? []).filter((i) => i.status === 'active' || i.id === value.initiativeId);
  const newMode = allowNew && (value.mode === 'new' || (readiness.isSuccess && initiatives.length === 0));

  return (
    <Stack gap="sm">
      {!fixedInitiative && allowNew && initiatives.length > 0 && (
        <SegmentedControl
          size="xs"
          aria-label="Initiative"
          value={value.mode}
          onChange={(m) => set({ mode: m as CheckInDraft['mode'] })}
          data={[
            { value: 'existing', label: 'An initiative' },
            { value: 'new', label: 'A new initiative' },
          ]}
        />
      )}
      {!fixedInitiative &&
        (newMode ? (
          <TextInput
            label="New initiative"
            description="What you ask them to act on"
            placeholder="Roll out SSO"
            value={value.initiativeTitle}
            onChange={(e) => set({ mode: 'new', initiativeTitle: e.currentTarget.value })}
            error={errors.initiativeTitle ?? (errors.initiativeId ? 'Name the initiative (e.g. "Roll out SSO")' : undefined)}
            required
          />
        ) : (
          <Select
            label="Initiative"
            placeholder={readiness.isPending ? 'Loading…' : 'Choose an initiative'}
            data={initiatives.map((i) => ({ value: i.id, label: i.title }))}
            value={value.initiativeId}
            onChange={(id) => set({ initiativeId: id })}
            error={errors.initiativeId}
            searchable
            required
            nothingFoundMessage="No initiative with that name"
          />
        ))}
      <Select
        label="Who answered"
        placeholder="A contact (optional)"
        data={(contacts.data ?? []).map((c) => ({ value: c.id, label: c.name ?? c.email ?? 'Contact' }))}
        value={value.contactId}
        onChange={(id) => set({ contactId: id })}
        error={errors.contactId}
        clearable
        searchable
      />
      <ScaleInput
        label="Importance"
        hint="0 = not important at all, 10 = crucially important"
        value={value.importance}
        onChange={(n) => set({ importance: n })}
        error={errors.importance}
      />
      <ScaleInput
        label="Confidence"
        hint="0 = no confidence at all, 10 = completely confident"
        value={value.confidence}
        onChange={(n) => set({ confidence: n })}
        error={errors.confidence}
      />
      <Textarea
        label={WHY_NOT_LOWER}
        placeholder="Their words, as close as you can"
        autosize
        minRows={1}
        maxRows={5}
        value={value.whyNotLower}
        onChange={(e) => set({ whyNotLower: e.currentTarget.value })}
        error={errors.whyNotLower}
      />
      <Textarea
        label={WHAT_WOULD_MOVE_HIGHER}
        placeholder="Their words, as close as you can"
        autosize
        minRows={1}
        maxRows={5}
        value={value.whatWouldMoveHigher}
        onChange={(e) => set({ whatWouldMoveHigher: e.currentTarget.value })}
        error={errors.whatWouldMoveHigher}
      />
    </Stack>
  );
}
