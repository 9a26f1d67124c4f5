import { Anchor, Badge, Group, Stack, Table, Text, Tooltip } from '@mantine/core';
import { type ColumnDef, createColumnHelper, flexRender, getCoreRowModel, type Row, useReactTable, type VisibilityState } from '@tanstack/react-table';
import { useWindowVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router';
import type { Task } from '../api/tasks';
import type { LoadMore } from '../components/ListPage';
import { daysLabel, daysUntil, formatDay, money, moneyFull } from '../components/format';
import { ScorePill } from '../components/HealthBadge';
import type { TaskDialog } from './TaskModals';
import { TaskRowActions } from './TaskRowActions';
import { DueText, kindLabel, PriorityBadge, SourceBadge } from './taskFormat';

const col = createColumnHelper<Task>();
const RENEWAL_SOON_DAYS = 60;

function TitleCell({ task, showAssignee }: { task: Task; showAssignee: boolean }) {
  return (
    <Stack gap={2}>
      <Group gap={6} wrap="nowrap">
        {task.kind !== 'todo' && (
          <Badge size="xs" variant="outline" color="gray" radius="sm" tt="none">
            {kindLabel[task.kind]}
          </Badge>
        )}
        <Text size="sm" fw={600} data-role="task-title">
          {task.title}
        </Text>
      </Group>
      {task.reason && (
        <Text size="xs" c="dimmed" lineClamp={2}>
          {task.reason}
        </Text>
      )}
      {showAssignee && (
        <Text size="xs" c={task.assignee ? undefined : 'dimmed'}>
          {task.assignee ? `${task.assignee.type === 'contact' ? 'Customer: ' : ''}${task.assignee.name}` : 'Unassigned'}
          {task.customerEffort !== null ? ` · customer effort ${task.customerEffort}/10` : ''}
        </Text>
      )}
      {task.status === 'done' && task.outcomeNote && (
        <Text size="xs" fs="italic">
          Outcome: {task.outcomeNote}
        </Text>
      )}
    </Stack>
  );
}

function columns(onDialog: (d: TaskDialog) => void, variant: 'inbox' | 'account', actions: boolean): ColumnDef<Task, unknown>[] {
  const list = [
    col.display({ id: 'title', header: 'Task', cell: ({ row }) => <TitleCell task={row.original} showAssignee /> }),
    col.accessor('accountName', {
      id: 'account',
      header: 'Account',
      cell: ({ row }) => (
        <Anchor component={Link} to={`/accounts/${row.original.accountId}`} size="sm" fw={500}>
          {row.original.accountName}
        </Anchor>
      ),
    }),
    col.accessor('dueAt', { id: 'due', header: 'Due', cell: ({ row }) => <DueText task={row.original} /> }),
    col.accessor('priority', { id: 'priority', header: 'Priority', cell: ({ getValue }) => <PriorityBadge priority={getValue()} /> }),
    col.accessor('source', { id: 'source', header: 'Source', cell: ({ getValue }) => <SourceBadge source={getValue()} /> }),
    col.accessor((t) => t.account.arr, {
      id: 'arr',
      header: 'ARR',
      meta: { align: 'right' },
      cell: ({ getValue }) => (
        <Tooltip label={moneyFull(getValue<number>())} openDelay={400}>
          <Text span size="sm" fw={500} className="canopy-num">
            {money(getValue<number>())}
          </Text>
        </Tooltip>
      ),
    }),
    col.display({
      id: 'health',
      header: 'Health',
      cell: ({ row }) => <ScorePill score={row.original.account.healthScore} band={row.original.account.healthBand} />,
    }),
    col.accessor((t) => t.account.renewalDate, {
      id: 'renewal',
      header: 'Renewal',
      cell: ({ getValue }) => {
        const day = getValue<string | null>();
        const days = daysUntil(day);
        if (!day || days === null) return <Text span size="sm" c="dimmed">—</Text>;
        const soon = days < RENEWAL_SOON_DAYS;
        return (
          <Stack gap={0}>
            <Text size="sm" className="canopy-num">
              {formatDay(day)}
            </Text>
            <Text size="xs" c={soon ? 'red.7' : 'dimmed'} fw={soon ? 600 : 400}>
              {daysLabel(days)}
            </Text>
          </Stack>
        );
      },
    }),
    col.display({
      id: 'actions',
      header: () => <span aria-label="Actions" />,
      cell: ({ row }) => (row.original.canAct ? <TaskRowActions task={row.original} onDialog={onDialog} withAccountLink={variant === 'inbox'} /> : null),
    }),
  ] as ColumnDef<Task, unknown>[];
  return list.filter((c) => actions || c.id !== 'actions');
}

const WRAP = new Set(['title', 'account']);
const ACCOUNT_HIDDEN: VisibilityState = { account: false, source: false, arr: false, health: false, renewal: false };

interface Props {
  tasks: Task[];
  onDialog: (d: TaskDialog) => void;
  variant?: 'inbox' | 'account';
  /** Whether the row actions show (viewers see none). */
  actions?: boolean;
  label?: string;
  /**
   * Render only the rows near the viewport, so thousands of tasks cost what a screenful costs; with
   * `loadMore`, the next page is fetched as the last loaded rows come into view (the inbox).
   */
  windowed?: { loadMore?: LoadMore };
}

export function TaskTable({ tasks, onDialog, variant = 'inbox', actions = true, label = 'Tasks', windowed }: Props) {
  // The same columns and data between renders keep TanStack's row objects, so memoized rows skip
  // re-rendering when the page around them changes (counts, the call panel, a page arriving).
  const cols = useMemo(() => columns(onDialog, variant, actions), [onDialog, variant, actions]);
  // TanStack Table is not React-Compiler safe; this component is simply left unmemoized.
  // eslint-disable-next-line react-hooks/incompatible-library
  const table = useReactTable({
    data: tasks,
    columns: cols,
    state: { columnVisibility: variant === 'account' ? ACCOUNT_HIDDEN : {} },
    getCoreRowModel: getCoreRowModel(),
    getRowId: (t) => t.id,
  });
  const rows = table.getRowModel().rows;
  const colSpan = table.getVisibleLeafColumns().length;
  return (
    <Table.ScrollContainer minWidth={variant === 'inbox' ? 1080 : 600}>
      <Table className="canopy-table" highlightOnHover verticalSpacing="sm" horizontalSpacing="sm" aria-label={label} aria-rowcount={windowed ? rows.length + 1 : undefined}>
        <Table.Thead>
          {table.getHeaderGroups().map((g) => (
            <Table.Tr key={g.id}>
              {g.headers.map((h) => (
                <Table.Th key={h.id} style={{ textAlign: (h.column.columnDef.meta as { align?: 'right' } | undefined)?.align }}>
                  {flexRender(h.column.columnDef.header, h.getContext())}
                </Table.Th>
              ))}
            </Table.Tr>
          ))}
        </Table.Thead>
        {windowed ? <WindowedBody rows={rows} colSpan={colSpan} loadMore={windowed.loadMore} /> : <Table.Tbody>{rows.map((row) => <TaskRow key={row.id} row={row} />)}</Table.Tbody>}
      </Table>
    </Table.ScrollContainer>
  );
}

const TaskRow = memo(function TaskRow({ row, index, measure }: { row: Row<Task>; index?: number; measure?: (el: HTMLTableRowElement | null) => void }) {
  return (
    <Table.Tr
      ref={measure}
      id={`task-${row.id}`}
      data-index={index}
      aria-rowindex={index === undefined ? undefined : index + 2}
      data-task-id={row.id}
      data-overdue={row.original.overdue && row.original.status === 'open'}
    >
      {row.getVisibleCells().map((cell) => (
        <Table.Td
          key={cell.id}
          data-col={cell.column.id}
          className={WRAP.has(cell.column.id) ? undefined : 'nowrap'}
          style={{ textAlign: (cell.column.columnDef.meta as { align?: 'right' } | undefined)?.align, minWidth: cell.column.id === 'title' ? 220 : undefined }}
        >
          {flexRender(cell.column.columnDef.cell, cell.getContext())}
        </Table.Td>
      ))}
    </Table.Tr>
  );
});

/** Rows fetched this close to the end of what is loaded start the next page. */
const PREFETCH_ROWS = 15;

/**
 * The rows in and near the viewport between two spacer rows that stand for the rest (the page
 * scrolls, not the table). Row heights vary (a reason, an outcome), so each rendered row is measured.
 */
function WindowedBody({ rows, colSpan, loadMore }: { rows: Row<Task>[]; colSpan: number; loadMore?: LoadMore }) {
  const body = useRef<HTMLTableSectionElement>(null);
  // Where the list starts on the page: the cards above it (call them, filters) load and change height.
  const [top, setTop] = useState(0);
  useLayoutEffect(() => {
    const el = body.current;
    if (!el) return;
    const measure = () => setTop(Math.round(el.getBoundingClientRect().top + window.scrollY));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(document.body);
    return () => observer.disconnect();
  }, []);
  const virtualizer = useWindowVirtualizer({
    count: rows.length,
    estimateSize: () => 72,
    overscan: 4,
    scrollMargin: top,
    getItemKey: (i) => rows[i]?.id ?? i,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0];
  const last = items[items.length - 1];
  const before = first ? first.start - top : 0;
  const after = last ? virtualizer.getTotalSize() - (last.end - top) : 0;

  const lastIndex = last?.index ?? -1;
  const wantMore = !!loadMore?.hasNextPage && !loadMore.isFetchingNextPage && lastIndex >= rows.length - PREFETCH_ROWS;
  useEffect(() => {
    if (wantMore) void loadMore?.fetchNextPage();
  }, [wantMore, loadMore]);

  return (
    <Table.Tbody ref={body}>
      {before > 0 && <Spacer height={before} colSpan={colSpan} />}
      {items.map((vi) => {
        const row = rows[vi.index];
        return row ? <TaskRow key={row.id} row={row} index={vi.index} measure={virtualizer.measureElement} /> : null;
      })}
      {after > 0 && <Spacer height={after} colSpan={colSpan} />}
    </Table.Tbody>
  );
}

function Spacer({ height, colSpan }: { height: number; colSpan: number }) {
  return (
    <tr aria-hidden data-spacer style={{ height }}>
      <td colSpan={colSpan} style={{ padding: 0, border: 0 }} />
    </tr>
  );
}
