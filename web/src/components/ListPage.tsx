import { Button, Card, Group, Stack, Table, Text, Title, UnstyledButton, type TableTdProps, type TableThProps } from '@mantine/core';
import { type ColumnDef, createColumnHelper, flexRender, getCoreRowModel, type RowData, useReactTable } from '@tanstack/react-table';
import { type ComponentPropsWithoutRef, Fragment, type ReactNode } from 'react';
import { QueryError, TableSkeleton } from './feedback';
import { Icon } from './icons';

declare module '@tanstack/react-table' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- the parameters must match TanStack's declaration
  interface ColumnMeta<TData extends RowData, TValue> {
    align?: 'right';
    /** Mantine props of the header cell and of every body cell of this column (widths, alignment, classes). */
    th?: TableThProps;
    td?: TableTdProps;
    /** The server's sort key: the header becomes a sort button when the page passes `sort`. */
    sortKey?: string;
  }
}

/** Columns of a list page: display columns only (the server sorts and filters), built with `listColumns<T>()`. */
export type ListColumn<T> = ColumnDef<T, unknown>;
export const listColumns = <T,>() => createColumnHelper<T>();

/** What a list page needs of its TanStack query (plain or infinite). */
export type ListQuery = { isPending: boolean; isError: boolean; error: unknown; refetch: () => unknown };
export type LoadMore = { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => unknown };
/** Attributes of a body row: test ids (`data-*`), a dimmed style, a click handler. */
export type RowProps = ComponentPropsWithoutRef<'tr'> & { [data: `data-${string}`]: string | undefined };

export type ListPageProps<T> = {
  title: string;
  description?: ReactNode;
  /** Buttons at the top right. */
  actions?: ReactNode;
  /** Filter inputs, in a bar at the top of the table card. */
  filters?: ReactNode;
  query: ListQuery;
  /** The rows once loaded (undefined while loading or after an error). */
  rows: T[] | undefined;
  columns: ListColumn<T>[];
  getRowId: (row: T) => string;
  rowProps?: (row: T) => RowProps;
  /** A full-width row under a row (details); null for none. */
  detail?: (row: T) => ReactNode;
  /** Shown instead of the table when there are no rows. */
  empty: ReactNode;
  /** The table's accessible name (browser tests find tables by it). */
  tableLabel?: string;
  minWidth: number;
  skeletonRows?: number;
  compact?: boolean;
  /** Server-side sort, `key` or `-key`: clicking a header with `meta.sortKey` asks for the other direction, descending first. */
  sort?: { value: string; onChange: (value: string) => void };
  loadMore?: LoadMore;
  /** Rendered after the card: modals, drawers, further cards. */
  children?: ReactNode;
};

/**
 * The shape every list screen shares: a title with a description and actions, an error box with
 * Retry, a card holding filters, skeleton rows while loading, an empty state or the table, and
 * "Load more" for cursor pages. A page declares only its columns, filters and actions.
 */
/**
 * One empty array for every render while a list loads: a new `[]` on each render is new table data
 * each time, which sent the playbooks page into an endless render loop when "Show archived" switched
 * to a query that was still loading.
 */
const NO_ROWS: never[] = [];

export function ListPage<T>(p: ListPageProps<T>) {
  // TanStack Table is not React-Compiler safe; this component is simply left unmemoized.
  // eslint-disable-next-line react-hooks/incompatible-library
  const table = useReactTable({ data: p.rows ?? NO_ROWS, columns: p.columns, getCoreRowModel: getCoreRowModel(), getRowId: p.getRowId, manualSorting: true });
  const rows = table.getRowModel().rows;

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2}>{p.title}</Title>
          {p.description && (
            <Text c="dimmed" size="sm">
              {p.description}
            </Text>
          )}
        </div>
        {p.actions}
      </Group>
      {p.query.isError && <QueryError error={p.query.error} onRetry={() => void p.query.refetch()} />}
      <Card padding={0}>
        {p.filters && (
          <Group gap="md" px="md" py="sm" align="flex-end" style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}>
            {p.filters}
          </Group>
        )}
        {p.query.isPending && <TableSkeleton rows={p.skeletonRows ?? 5} height={p.compact ? 28 : 40} />}
        {p.rows?.length === 0 && (
          <Text c="dimmed" size="sm" ta="center" py="xl" px="md">
            {p.empty}
          </Text>
        )}
        {rows.length > 0 && (
          <Table.ScrollContainer minWidth={p.minWidth}>
            <Table className="canopy-table" highlightOnHover verticalSpacing={p.compact ? 'xs' : 'sm'} horizontalSpacing="md" aria-label={p.tableLabel}>
              <Table.Thead>
                {table.getHeaderGroups().map((group) => (
                  <Table.Tr key={group.id}>
                    {group.headers.map((h) => {
                      const meta = h.column.columnDef.meta;
                      const label = flexRender(h.column.columnDef.header, h.getContext());
                      return p.sort && meta?.sortKey ? (
                        <SortHeader key={h.id} sortKey={meta.sortKey} sort={p.sort} th={meta.th}>
                          {label}
                        </SortHeader>
                      ) : (
                        <Table.Th key={h.id} ta={meta?.align} {...meta?.th}>
                          {label}
                        </Table.Th>
                      );
                    })}
                  </Table.Tr>
                ))}
              </Table.Thead>
              <Table.Tbody>
                {rows.map((row) => {
                  const detail = p.detail?.(row.original);
                  return (
                    <Fragment key={row.id}>
                      <Table.Tr {...p.rowProps?.(row.original)}>
                        {row.getVisibleCells().map((cell) => (
                          <Table.Td key={cell.id} ta={cell.column.columnDef.meta?.align} {...cell.column.columnDef.meta?.td}>
                            {flexRender(cell.column.columnDef.cell, cell.getContext())}
                          </Table.Td>
                        ))}
                      </Table.Tr>
                      {detail && (
                        <Table.Tr>
                          <Table.Td colSpan={p.columns.length} bg="var(--mantine-color-gray-0)">
                            {detail}
                          </Table.Td>
                        </Table.Tr>
                      )}
                    </Fragment>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {p.loadMore?.hasNextPage && (
          <Group justify="center" py="sm" style={{ borderTop: '1px solid var(--mantine-color-default-border)' }}>
            <Button variant="default" size="xs" loading={p.loadMore.isFetchingNextPage} onClick={() => void p.loadMore?.fetchNextPage()}>
              Load more
            </Button>
          </Group>
        )}
      </Card>
      {p.children}
    </Stack>
  );
}

function SortHeader({ sortKey, sort, th, children }: { sortKey: string; sort: { value: string; onChange: (v: string) => void }; th: TableThProps | undefined; children: ReactNode }) {
  const dir = sort.value === sortKey ? 'asc' : sort.value === `-${sortKey}` ? 'desc' : null;
  return (
    <Table.Th data-sortable="true" aria-sort={dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : 'none'} {...th}>
      <UnstyledButton fz="sm" fw={600} onClick={() => sort.onChange(dir === 'desc' ? sortKey : `-${sortKey}`)}>
        <Group gap={4} wrap="nowrap">
          {children}
          <span style={{ opacity: dir ? 1 : 0.35, display: 'inline-flex' }}>
            <Icon name={dir === 'asc' ? 'sortUp' : dir === 'desc' ? 'sortDown' : 'sortNone'} size={14} />
          </span>
        </Group>
      </UnstyledButton>
    </Table.Th>
  );
}
