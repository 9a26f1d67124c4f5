import { Alert, Badge, Button, Grid, Group, Paper, Select, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { notifyError, notifySuccess } from '../components/feedback';
import type { ColumnMapping, ImportKind, Mapping, Preview } from './api';
import { useSaveMapping, useSavedMappings } from './api';
import { confidenceLabel, DATE_FORMATS, type MappingProblem, MONEY_FORMATS } from './logic';

interface Props {
  kind: ImportKind;
  preview: Preview;
  mapping: Mapping;
  onChange: (m: Mapping) => void;
  problems: MappingProblem[];
}

const CUSTOM = '__custom__';

function formatOptions(type: string, formats: string[] | undefined) {
  if (type === 'money' || type === 'decimal') return MONEY_FORMATS.map((f) => ({ value: f.value, label: f.label }));
  const list = formats && formats.length > 0 ? formats : [...DATE_FORMATS];
  return list.map((f) => ({ value: f, label: f === 'iso' ? 'ISO date-time with zone' : f }));
}

/** Each file column: its sample, the Canopy field it goes to (with the match's confidence) and, for dates and money, how its values read. */
export function MappingStep({ kind, preview, mapping, onChange, problems }: Props) {
  const saved = useSavedMappings(kind.name);
  const save = useSaveMapping();
  const [name, setName] = useState('');
  const byKey = new Map(kind.fields.map((f) => [f.key, f]));
  const fieldOptions = [
    { group: 'Canopy fields', items: kind.fields.map((f) => ({ value: f.key, label: `${f.label}${f.required ? ' *' : ''}` })) },
    { group: 'Other', items: [{ value: 'ignore', label: 'Ignore this column' }, ...(kind.allowsCustom ? [{ value: CUSTOM, label: 'Custom field' }] : [])] },
  ];
  const set = (column: string, m: ColumnMapping) => onChange({ ...mapping, columns: { ...mapping.columns, [column]: m } });
  const problemOf = (column: string) => problems.filter((p) => p.column === column).map((p) => p.message).join(' ');

  return (
    <Stack gap="sm" data-testid="mapping-step">
      <Group justify="space-between" align="flex-end" wrap="wrap" gap="xs">
        <Text size="sm" c="dimmed" maw={560}>
          Each column of your file and where it goes. Suggestions come from the header; check them, and pick a format where a date could be read two ways.
          {preview.encoding ? ` File read as ${preview.encoding}.` : ''}
        </Text>
        <Group gap="xs" wrap="wrap">
          <Select
            aria-label="Load a saved mapping"
            placeholder={saved.data?.length ? 'Load a saved mapping' : 'No saved mapping'}
            disabled={!saved.data?.length}
            data={(saved.data ?? []).map((m) => ({ value: m.id, label: m.name }))}
            onChange={(id) => {
              const m = saved.data?.find((x) => x.id === id);
              const cols = (m?.mapping as Mapping | undefined)?.columns;
              if (!cols) return;
              // Only the columns this file has; the rest stay as suggested.
              const next = { ...mapping, columns: { ...mapping.columns } };
              for (const c of preview.columns) if (cols[c.name]) next.columns[c.name] = cols[c.name] as ColumnMapping;
              onChange(next);
            }}
            w={200}
          />
          <TextInput aria-label="Mapping name" placeholder="Name to save as" value={name} onChange={(e) => setName(e.currentTarget.value)} w={160} />
          <Button
            variant="default"
            disabled={!name.trim()}
            loading={save.isPending}
            onClick={() =>
              save.mutate(
                { name: name.trim(), kind: kind.name, mapping },
                { onSuccess: () => notifySuccess(`Mapping “${name.trim()}” saved`), onError: (e) => notifyError(e, 'Could not save the mapping') },
              )
            }
          >
            Save mapping
          </Button>
        </Group>
      </Group>
      {preview.notes.length > 0 && (
        <Alert color="blue" variant="light" data-testid="preview-notes">
          {preview.notes.map((n) => (
            <Text size="sm" key={n}>
              {n}
            </Text>
          ))}
        </Alert>
      )}
      {problems.some((p) => p.column === null) && (
        <Alert color="orange" variant="light" title="Before going on">
          {problems.filter((p) => p.column === null).map((p) => (
            <Text size="sm" key={p.message}>
              {p.message}
            </Text>
          ))}
        </Alert>
      )}
      {preview.columns.map((c) => {
        const m = mapping.columns[c.name] ?? { field: 'ignore' };
        const isCustom = m.field.startsWith('custom:');
        const spec = byKey.get(m.field);
        const conf = m.field !== 'ignore' && !isCustom ? confidenceLabel(c.confidence) : null;
        const needsFormat = spec && (spec.type === 'date' || spec.type === 'datetime' || spec.type === 'money');
        const problem = problemOf(c.name);
        return (
          <Paper key={c.name} withBorder p="sm" radius="md" data-column={c.name} data-testid="mapping-column">
            <Grid gap="sm" align="center">
              <Grid.Col span={{ base: 12, sm: 4 }}>
                <Text fw={600} size="sm" style={{ overflowWrap: 'anywhere' }}>
                  {c.name}
                </Text>
                <Text size="xs" c="dimmed" lineClamp={2} style={{ overflowWrap: 'anywhere' }} data-testid="column-samples">
                  {(c.samples ?? []).length ? (c.samples ?? []).slice(0, 4).join(' · ') : 'no values in the sample'}
                </Text>
              </Grid.Col>
              <Grid.Col span={{ base: 12, sm: 4 }}>
                <Group gap={6} wrap="nowrap" align="center">
                  <Select
                    aria-label={`Field for ${c.name}`}
                    data={fieldOptions}
                    value={isCustom ? CUSTOM : m.field}
                    onChange={(v) => {
                      if (!v) return;
                      if (v === CUSTOM) set(c.name, { field: `custom:${c.name.trim().toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '')}` });
                      else set(c.name, { field: v, ...(m.format && byKey.get(v)?.type === spec?.type ? { format: m.format } : {}) });
                    }}
                    allowDeselect={false}
                    searchable
                    style={{ flex: 1, minWidth: 0 }}
                  />
                  {conf && (
                    <Badge variant="light" color={conf.color} radius="sm" tt="none" title={`Match confidence ${Math.round((c.confidence ?? 0) * 100)}%`}>
                      {conf.label}
                    </Badge>
                  )}
                </Group>
                {isCustom && (
                  <TextInput
                    mt={6}
                    size="xs"
                    aria-label={`Custom field name for ${c.name}`}
                    value={m.field.slice('custom:'.length)}
                    onChange={(e) => set(c.name, { field: `custom:${e.currentTarget.value}` })}
                  />
                )}
                {spec?.description && (
                  <Text size="xs" c="dimmed" mt={4}>
                    {spec.description}
                  </Text>
                )}
              </Grid.Col>
              <Grid.Col span={{ base: 12, sm: 4 }}>
                {needsFormat ? (
                  <Select
                    aria-label={`Format of ${c.name}`}
                    placeholder={spec.type === 'money' ? 'Decimal mark (detected)' : 'Pick the date format'}
                    data={formatOptions(spec.type, c.formats)}
                    value={m.format ?? null}
                    onChange={(v) => set(c.name, { ...m, ...(v ? { format: v } : { format: undefined }) })}
                    clearable={spec.type === 'money'}
                    error={problem || undefined}
                    description={c.ambiguous ? 'The sample cannot tell day from month: you must pick.' : m.format ? 'Detected from the sample' : undefined}
                  />
                ) : problem ? (
                  <Text size="xs" c="red.7">
                    {problem}
                  </Text>
                ) : (
                  <Text size="xs" c="dimmed">
                    {spec ? spec.type : m.field === 'ignore' ? 'Not imported' : 'Kept as text'}
                  </Text>
                )}
              </Grid.Col>
            </Grid>
          </Paper>
        );
      })}
    </Stack>
  );
}
