import { ActionIcon, Button, Group, Stack, Text, TextInput } from '@mantine/core';

export interface KeyValueRow {
  key: string;
  value: string;
}

interface Props {
  label: string;
  description?: string;
  rows: KeyValueRow[];
  onChange: (rows: KeyValueRow[]) => void;
  keyPlaceholder?: string;
  valuePlaceholder?: string;
  error?: string;
}

/** Editable key/value rows (custom fields, external ids). */
export function KeyValueEditor({ label, description, rows, onChange, keyPlaceholder = 'Key', valuePlaceholder = 'Value', error }: Props) {
  const update = (i: number, patch: Partial<KeyValueRow>) =>
    onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const keys = rows.map((r) => r.key.trim());
  return (
    <Stack gap={6}>
      <div>
        <Text size="sm" fw={500}>
          {label}
        </Text>
        {description && (
          <Text size="xs" c="dimmed">
            {description}
          </Text>
        )}
      </div>
      {rows.map((row, i) => {
        const dup = row.key.trim() !== '' && keys.indexOf(row.key.trim()) !== i;
        return (
          <Group key={i} gap="xs" wrap="nowrap" align="flex-start">
            <TextInput
              aria-label={`${label} key ${i + 1}`}
              placeholder={keyPlaceholder}
              value={row.key}
              onChange={(e) => update(i, { key: e.currentTarget.value })}
              error={dup ? 'Duplicate key' : undefined}
              style={{ flex: 1 }}
            />
            <TextInput
              aria-label={`${label} value ${i + 1}`}
              placeholder={valuePlaceholder}
              value={row.value}
              onChange={(e) => update(i, { value: e.currentTarget.value })}
              style={{ flex: 1.4 }}
            />
            <ActionIcon
              variant="subtle"
              color="gray"
              size="lg"
              aria-label={`Remove ${label} row ${i + 1}`}
              onClick={() => onChange(rows.filter((_, j) => j !== i))}
            >
              ×
            </ActionIcon>
          </Group>
        );
      })}
      {error && (
        <Text size="xs" c="red">
          {error}
        </Text>
      )}
      <Group>
        <Button variant="subtle" size="compact-sm" onClick={() => onChange([...rows, { key: '', value: '' }])}>
          + Add {label.toLowerCase().replace(/s$/, '')}
        </Button>
      </Group>
    </Stack>
  );
}

/** Rows → object; empty keys are dropped. */
export function rowsToRecord<T>(rows: KeyValueRow[], convert: (v: string) => T): Record<string, T> {
  const out: Record<string, T> = {};
  for (const r of rows) {
    const k = r.key.trim();
    if (k) out[k] = convert(r.value);
  }
  return out;
}

export function recordToRows(record: Record<string, unknown> | null | undefined): KeyValueRow[] {
  return Object.entries(record ?? {}).map(([key, v]) => ({ key, value: displayValue(v) }));
}

export function displayValue(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** A typed-in custom value: canonical numbers and true/false keep their type, anything else stays text. */
export function parseCustomValue(text: string): unknown {
  const t = text.trim();
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (t !== '' && String(Number(t)) === t) return Number(t);
  if ((t.startsWith('{') && t.endsWith('}')) || (t.startsWith('[') && t.endsWith(']'))) {
    try {
      return JSON.parse(t) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

export function hasDuplicateKeys(rows: KeyValueRow[]): boolean {
  const keys = rows.map((r) => r.key.trim()).filter(Boolean);
  return new Set(keys).size !== keys.length;
}
