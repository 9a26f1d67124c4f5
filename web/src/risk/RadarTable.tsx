import { Anchor, Badge, Group, Stack, Table, Text, Tooltip, UnstyledButton } from '@mantine/core';
import { createColumnHelper, flexRender, getCoreRowModel, getSortedRowModel, type SortingState, useReactTable } from '@tanstack/react-table';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { daysLabel, daysUntil, formatDay, money, moneyFull, relative } from '../components/format';
import { Icon } from '../components/icons';
import { LEVEL_META, pct } from './logic';
import { LevelBadge, SignalChip } from './RiskBadges';
import type { RadarItem } from './schemas';

const col = createColumnHelper<RadarItem>();

const columns = [
  col.accessor((r) => r.account.name, {
    id: 'account',
    header: 'Account',
    cell: ({ row }) => (
      <Stack gap={0}>
        <Anchor component={Link} to={`/accounts/${row.original.account.id}`} fw={600} size="sm" c="var(--mantine-color-text)" onClick={(e) => e.stopPropagation()}>
          {row.original.account.name}
        </Anchor>
        {row.original.account.segment && (
          <Text size="xs" c="dimmed">
            {row.original.account.segment}
          </Text>
        )}
      </Stack>
    ),
  }),
  col.accessor('score', {
    header: 'Risk',
    sortDescFirst: true,
    cell: ({ row }) => (
      <Tooltip label={`Probability of loss ${pct(row.original.probability)}`} openDelay={300}>
        <span>
          <LevelBadge level={row.original.level} score={row.original.score} />
        </span>
      </Tooltip>
    ),
  }),
  col.accessor((r) => r.arrAtRisk ?? 0, {
    id: 'arrAtRisk',
    header: 'ARR at risk',
    sortDescFirst: true,
    meta: { align: 'right' },
    cell: ({ row }) => (
      <Tooltip label={`${moneyFull(row.original.account.arr ?? 0)} ARR × ${pct(row.original.probability)}`} openDelay={300}>
        <Text span size="sm" fw={500} className="canopy-num">
          {money(row.original.arrAtRisk ?? 0)}
        </Text>
      </Tooltip>
    ),
  }),
  col.accessor((r) => r.account.renewalDate ?? '9999-12-31', {
    id: 'renewal',
    header: 'Renewal',
    cell: ({ row }) => {
      const day = row.original.account.renewalDate ?? null;
      const days = daysUntil(day);
      if (!day || days === null) return <Text span size="sm" c="dimmed">—</Text>;
      return (
        <Stack gap={0}>
          <Text size="sm" className="canopy-num">
            {formatDay(day)}
          </Text>
          <Text size="xs" c={days < 90 ? 'red.7' : 'dimmed'} fw={days < 90 ? 600 : 400}>
            {daysLabel(days)}
          </Text>
        </Stack>
      );
    },
  }),
  col.display({
    id: 'signals',
    header: 'Top signals',
    cell: ({ row }) =>
      row.original.topSignals.length === 0 ? (
        <Text span size="xs" c="dimmed">
          No signals
        </Text>
      ) : (
        <Group gap={4} maw={360}>
          {row.original.topSignals.slice(0, 3).map((s) => (
            <SignalChip key={s.id} s={s} />
          ))}
        </Group>
      ),
  }),
  col.accessor((r) => r.account.owner?.name ?? '', {
    id: 'owner',
    header: 'Owner',
    cell: ({ row }) => row.original.account.owner?.name ?? <Text span size="sm" c="dimmed">Unassigned</Text>,
  }),
  col.accessor((r) => (r.acted ? 1 : 0), {
    id: 'acted',
    header: 'Acted?',
    cell: ({ row }) => (
      <Stack gap={0}>
        <Badge variant="light" color={row.original.acted ? 'teal' : 'red'} radius="sm" tt="none" data-testid="acted" data-acted={row.original.acted}>
          {row.original.acted ? 'Yes' : 'No'}
        </Badge>
        <Text size="xs" c="dimmed">
          {row.original.lastActionAt ? relative(row.original.lastActionAt) : 'no action yet'}
        </Text>
      </Stack>
    ),
  }),
  col.accessor((r) => r.judgment?.level ?? '', {
    id: 'judgment',
    header: 'CSM judgment',
    cell: ({ row }) => {
      const j = row.original.judgment;
      if (!j) return <Text span size="xs" c="dimmed">None given</Text>;
      return (
        <Tooltip label={j.note || 'No note'} multiline maw={280} openDelay={200}>
          <Badge variant="outline" color={LEVEL_META[j.level].color} radius="sm" tt="none" data-testid="judgment-badge">
            {LEVEL_META[j.level].label}
          </Badge>
        </Tooltip>
      );
    },
  }),
];

/**
 * The book ranked by compound risk (server order); a header click sorts the rows loaded so far. `dimmed`: the
 * previous filter's rows, kept while the new ones load (aria-busy, data-stale), so they are never read as the result.
 */
export function RadarTable({ rows, dimmed }: { rows: RadarItem[]; dimmed?: boolean }) {
  const navigate = useNavigate();
  const [sorting, setSorting] = useState<SortingState>([]);
  // eslint-disable-next-line react-hooks/incompatible-library
  const table = useReactTable({
    data: rows,
    columns,
    state: { sorting },
    onSortingChange: setSorting,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    getRowId: (r) => r.account.id,
  });
  return (
    <Table.ScrollContainer minWidth={1100}>
      <Table className="canopy-table" highlightOnHover verticalSpacing="sm" style={{ opacity: dimmed ? 0.55 : 1 }} aria-busy={dimmed ? true : undefined} data-stale={dimmed ? 'true' : undefined} data-testid="radar-table">
        <Table.Thead>
          {table.getHeaderGroups().map((g) => (
            <Table.Tr key={g.id}>
              {g.headers.map((h) => {
                const dir = h.column.getIsSorted();
                const sortable = h.column.getCanSort();
                const align = (h.column.columnDef.meta as { align?: 'right' } | undefined)?.align;
                const label = flexRender(h.column.columnDef.header, h.getContext());
                return (
                  <Table.Th key={h.id} style={{ textAlign: align }} aria-sort={dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : undefined}>
                    {sortable ? (
                      <UnstyledButton onClick={h.column.getToggleSortingHandler()} fz="sm" fw={600}>
                        <Group gap={4} wrap="nowrap">
                          {label}
                          <span style={{ opacity: dir ? 1 : 0.35, display: 'inline-flex' }}>
                            <Icon name={dir === 'asc' ? 'sortUp' : dir === 'desc' ? 'sortDown' : 'sortNone'} size={14} />
                          </span>
                        </Group>
                      </UnstyledButton>
                    ) : (
                      label
                    )}
                  </Table.Th>
                );
              })}
            </Table.Tr>
          ))}
        </Table.Thead>
        <Table.Tbody>
          {table.getRowModel().rows.map((row) => (
            <Table.Tr
              key={row.id}
              data-account-id={row.id}
              data-level={row.original.level}
              data-score={row.original.score}
              style={{ cursor: 'pointer' }}
              onClick={() => void navigate(`/accounts/${row.id}`)}
            >
              {row.getVisibleCells().map((cell) => (
                <Table.Td key={cell.id} data-col={cell.column.id} style={{ textAlign: (cell.column.columnDef.meta as { align?: 'right' } | undefined)?.align }}>
                  {flexRender(cell.column.columnDef.cell, cell.getContext())}
                </Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
