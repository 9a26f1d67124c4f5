import { Badge, Button, Group, SegmentedControl, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { count } from '../components/format';
import { type ImportItem, errorsCsvUrl } from './api';
import { CountBadges } from './ImportProgress';

const ACTION_COLOR: Record<string, string> = { create: 'teal', update: 'blue', skip: 'gray', error: 'red' };

/** The per-row plan of a dry run (or what an import did): action, reason, column; errors first. */
export function ImportRows({ item, dry }: { item: ImportItem; dry?: boolean }) {
  const [show, setShow] = useState<'all' | 'error' | 'skip'>('all');
  const errorRows = item.errors.map((e) => ({ row: e.row, action: 'error', reason: e.message, column: e.column ?? null }));
  const planned = (item.rows ?? []).map((r) => ({ row: r.row, action: r.action, reason: r.reason ?? r.message ?? null, column: r.column ?? null }));
  // Errors come from both lists on some servers: keep one per (row, column, reason).
  const seen = new Set<string>();
  const all = [...errorRows, ...planned.filter((r) => r.action !== 'error' || !errorRows.length)]
    .filter((r) => {
      const k = `${r.row}|${r.action}|${r.column ?? ''}|${r.reason ?? ''}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .sort((a, b) => (a.action === 'error' ? 0 : 1) - (b.action === 'error' ? 0 : 1) || a.row - b.row);
  const rows = show === 'all' ? all : all.filter((r) => r.action === show);
  const shown = rows.slice(0, 500);

  return (
    <Stack gap="sm" data-testid="import-rows">
      <Group justify="space-between" wrap="wrap" gap="xs">
        <CountBadges item={item} dry={dry} />
        {item.counts.errors > 0 && (
          <Button component="a" href={errorsCsvUrl(item.id)} download variant="default" size="xs">
            Download rejected rows (CSV)
          </Button>
        )}
      </Group>
      {all.length > 0 && (
        <SegmentedControl
          size="xs"
          aria-label="Rows to show"
          value={show}
          onChange={(v) => setShow(v as typeof show)}
          data={[
            { value: 'all', label: 'All rows' },
            { value: 'error', label: 'Errors' },
            { value: 'skip', label: 'Skipped' },
          ]}
          w="fit-content"
        />
      )}
      {shown.length > 0 ? (
        <Table.ScrollContainer minWidth={520} maxHeight={420}>
          <Table fz="sm" verticalSpacing={4} stickyHeader aria-label={dry ? 'Dry run rows' : 'Imported rows'}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={70}>Row</Table.Th>
                <Table.Th w={90}>Action</Table.Th>
                <Table.Th w={140}>Column</Table.Th>
                <Table.Th>Reason</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {shown.map((r, i) => (
                <Table.Tr key={`${r.row}-${i}`} data-action={r.action} data-row={r.row}>
                  <Table.Td className="canopy-num">{r.row}</Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={ACTION_COLOR[r.action] ?? 'gray'} radius="sm" tt="none">
                      {r.action}
                    </Badge>
                  </Table.Td>
                  <Table.Td style={{ overflowWrap: 'anywhere' }}>{r.column ?? '—'}</Table.Td>
                  <Table.Td style={{ overflowWrap: 'anywhere' }}>{r.reason ?? ''}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      ) : (
        <Text size="sm" c="dimmed">
          {all.length === 0 ? 'No row details were kept for this run.' : 'No row of this kind.'}
        </Text>
      )}
      {rows.length > shown.length && (
        <Text size="xs" c="dimmed">
          The first {count(shown.length)} of {count(rows.length)} rows shown; every rejected row is in the CSV.
        </Text>
      )}
    </Stack>
  );
}
