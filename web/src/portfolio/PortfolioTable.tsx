import { Group, Table, UnstyledButton } from '@mantine/core';
import {
  flexRender,
  getCoreRowModel,
  type OnChangeFn,
  type SortingState,
  useReactTable,
} from '@tanstack/react-table';
import { useMemo } from 'react';
import type { AccountListItem } from '../api/types';
import { Icon } from '../components/icons';
import { portfolioColumns } from './columns';

interface Props {
  rows: AccountListItem[];
  sort: string;
  onSortChange: (sort: string) => void;
  dimmed?: boolean;
  /** Column ids shown (all when absent): a saved view's columns. */
  visible?: string[];
}

export function toSorting(sort: string): SortingState {
  return [{ id: sort.replace(/^-/, ''), desc: sort.startsWith('-') }];
}

export function fromSorting(s: SortingState): string {
  const first = s[0];
  if (!first) return 'name';
  return (first.desc ? '-' : '') + first.id;
}

export function PortfolioTable({ rows, sort, onSortChange, dimmed, visible }: Props) {
  const sorting = useMemo(() => toSorting(sort), [sort]);
  const onSortingChange: OnChangeFn<SortingState> = (updater) => {
    const next = typeof updater === 'function' ? updater(sorting) : updater;
    onSortChange(fromSorting(next));
  };
  // TanStack Table is not React-Compiler safe; this component is simply left unmemoized.
  // eslint-disable-next-line react-hooks/incompatible-library
  const table = useReactTable({
    data: rows,
    columns: portfolioColumns,
    state: { sorting, columnVisibility: visible ? Object.fromEntries(portfolioColumns.map((c) => c.id ?? ('accessorKey' in c ? String(c.accessorKey) : '')).map((id) => [id, visible.includes(id)])) : {} },
    onSortingChange,
    manualSorting: true,
    enableSortingRemoval: false,
    enableMultiSort: false,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (r) => r.id,
  });

  return (
    <Table.ScrollContainer minWidth={visible ? Math.max(640, Math.round((1260 * visible.length) / portfolioColumns.length)) : 1260}>
      <Table
        className="canopy-table"
        highlightOnHover
        verticalSpacing="sm"
        horizontalSpacing="sm"
        style={{ opacity: dimmed ? 0.55 : 1, transition: 'opacity 120ms' }}
      >
        <Table.Thead>
          {table.getHeaderGroups().map((group) => (
            <Table.Tr key={group.id}>
              {group.headers.map((header) => {
                const column = header.column;
                const sortable = column.getCanSort();
                const dir = column.getIsSorted();
                const align = (column.columnDef.meta as { align?: 'right' } | undefined)?.align;
                const label = flexRender(column.columnDef.header, header.getContext());
                return (
                  <Table.Th
                    key={header.id}
                    data-sortable={sortable}
                    aria-sort={dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : sortable ? 'none' : undefined}
                    style={{ textAlign: align }}
                  >
                    {sortable ? (
                      <UnstyledButton onClick={column.getToggleSortingHandler()} fz="sm" fw={600}>
                        <Group gap={4} wrap="nowrap" justify={align === 'right' ? 'flex-end' : undefined}>
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
            <Table.Tr key={row.id} data-account-id={row.id}>
              {row.getVisibleCells().map((cell) => {
                const align = (cell.column.columnDef.meta as { align?: 'right' } | undefined)?.align;
                return (
                  <Table.Td key={cell.id} data-col={cell.column.id} style={{ textAlign: align }}>
                    {flexRender(cell.column.columnDef.cell, cell.getContext())}
                  </Table.Td>
                );
              })}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
