import { Autocomplete, type ComboboxItem, type ComboboxParsedItem, Group, isOptionsGroup, type OptionsFilter, SegmentedControl, Select, SimpleGrid, Stack, Text, Textarea } from '@mantine/core';
import { useMemo } from 'react';
import { useAccountContacts } from '../api/contacts';
import { type SeedQuestion, useSeedQuestions } from '../api/seeds';
import type { PlantDraft } from './logic';

export { EMPTY_PLANT, nestedFieldErrors, plantInput, type PlantDraft } from './logic';
import { percentOf } from '../components/format';

/** Matches the search in the question's text, its theme (the group) or its variants. */
function questionFilter(byId: Map<string, SeedQuestion>): OptionsFilter {
  return ({ options, search }) => {
    const q = search.trim().toLowerCase();
    if (!q) return options;
    const hit = (o: ComboboxItem, group?: string) => {
      const question = byId.get(o.value);
      return (
        o.label.toLowerCase().includes(q) ||
        (group ?? '').toLowerCase().includes(q) ||
        !!question?.variants.some((v) => v.toLowerCase().includes(q))
      );
    };
    const out: ComboboxParsedItem[] = [];
    for (const item of options) {
      if (isOptionsGroup(item)) {
        const items = item.items.filter((o) => hit(o, typeof item.group === 'string' ? item.group : undefined));
        if (items.length) out.push({ ...item, items });
      } else if (hit(item)) out.push(item);
    }
    return out;
  };
}

interface Props {
  accountId: string;
  value: PlantDraft;
  onChange: (next: PlantDraft) => void;
  /** Field messages by field (`questionId`, `text`, `theme`, `contactId`). */
  errors?: Record<string, string>;
  autoFocus?: boolean;
}

export function PlantSeedFields({ accountId, value, onChange, errors = {}, autoFocus }: Props) {
  const questions = useSeedQuestions();
  const contacts = useAccountContacts(accountId);
  const set = (patch: Partial<PlantDraft>) => onChange({ ...value, ...patch });

  const byId = useMemo(() => new Map((questions.data ?? []).map((q) => [q.id, q])), [questions.data]);
  const data = useMemo(() => {
    const groups = new Map<string, { value: string; label: string }[]>();
    for (const q of questions.data ?? []) {
      const list = groups.get(q.theme) ?? [];
      list.push({ value: q.id, label: q.text });
      groups.set(q.theme, list);
    }
    return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([group, items]) => ({ group, items }));
  }, [questions.data]);
  const themes = useMemo(() => [...new Set((questions.data ?? []).map((q) => q.theme))].sort(), [questions.data]);
  const contactData = (contacts.data?.pages.flatMap((p) => p.items) ?? []).map((c) => ({ value: c.id, label: c.name ?? c.email ?? 'Unnamed contact' }));
  const chosen = value.questionId ? byId.get(value.questionId) : undefined;

  return (
    <Stack gap="xs" data-testid="plant-seed-fields">
      <SegmentedControl
        aria-label="Question source"
        size="xs"
        value={value.mode}
        onChange={(v) => set({ mode: v as PlantDraft['mode'] })}
        data={[
          { value: 'library', label: 'From the library' },
          { value: 'new', label: 'A new question' },
        ]}
      />
      {value.mode === 'library' ? (
        <Select
          label="Question"
          placeholder={questions.isPending ? 'Loading the library…' : 'Search by text or theme'}
          data={data}
          value={value.questionId}
          onChange={(v) => set({ questionId: v })}
          searchable
          clearable
          nothingFoundMessage="No question matches. Write a new one instead."
          filter={questionFilter(byId)}
          maxDropdownHeight={320}
          comboboxProps={{ width: 'target' }}
          error={errors.questionId ?? errors['(seed)']}
          data-autofocus={autoFocus || undefined}
          renderOption={({ option }) => {
            const q = byId.get(option.value);
            return (
              <Stack gap={0} py={2}>
                <Text size="sm">{option.label}</Text>
                {q && (
                  <Text size="xs" c="dimmed">
                    {q.record.planted === 0
                      ? 'Not planted yet'
                      : `${percentOf(q.record.strongReactionShare)} strong reaction · ${percentOf(q.record.harvestedShare)} harvested · planted ${q.record.planted}×`}
                  </Text>
                )}
              </Stack>
            );
          }}
        />
      ) : (
        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="xs">
          <Textarea
            label="Question"
            placeholder="What if you never ran a monthly report again?"
            autosize
            minRows={1}
            maxRows={4}
            value={value.text}
            onChange={(e) => set({ text: e.currentTarget.value })}
            error={errors.text ?? errors['(seed)']}
            style={{ gridColumn: 'span 2' }}
            data-autofocus={autoFocus || undefined}
          />
          <Autocomplete label="Theme" placeholder="e.g. reporting" data={themes} value={value.theme} onChange={(v) => set({ theme: v })} error={errors.theme} />
        </SimpleGrid>
      )}
      {chosen && (
        <Group gap="xs" data-testid="chosen-question-record">
          <Text size="xs" c="dimmed">
            {chosen.theme} ·{' '}
            {chosen.record.planted === 0
              ? 'never planted: you are the first'
              : `planted ${chosen.record.planted}×, ${percentOf(chosen.record.strongReactionShare)} drew a strong reaction, ${percentOf(chosen.record.sproutedShare)} sprouted, ${percentOf(chosen.record.harvestedShare)} became goals`}
            {chosen.variants.length > 0 && ` · ${chosen.variants.length} variant${chosen.variants.length === 1 ? '' : 's'} to re-ask every ${chosen.reaskIntervalDays} days`}
          </Text>
        </Group>
      )}
      <Select
        label="Asked to"
        placeholder="Optional: the contact you asked"
        data={contactData}
        value={value.contactId}
        onChange={(v) => set({ contactId: v })}
        searchable
        clearable
        error={errors.contactId}
      />
    </Stack>
  );
}
