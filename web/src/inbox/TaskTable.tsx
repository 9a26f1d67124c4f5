import { Anchor, Badge, Group, Stack, Table, Text, Tooltip } from '@mantine/core';
import { type ColumnDef, createColumnHelper, flexRender, getCoreRowModel, useReactTable, type VisibilityState } from '@tanstack/react-table';
import { Link } from 'react-router';
import type { Task } from '../api/tasks';
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
}

export function TaskTable({ tasks, onDialog, variant = 'inbox', actions = true, label = 'Tasks' }: Props) {
  // TanStack Table is not React-Compiler safe; this component is simply left unmemoized.
  // eslint-disable-next-line react-hooks/incompatible-library
  const table = useReactTable({
    data: tasks,
    columns: columns(onDialog, variant, actions),
    state: { columnVisibility: variant === 'account' ? ACCOUNT_HIDDEN : {} },
    getCoreRowModel: getCoreRowModel(),
    getRowId: (t) => t.id,
  });
  return (
    <Table.ScrollContainer minWidth={variant === 'inbox' ? 1080 : 600}>
      <Table className="canopy-table" highlightOnHover verticalSpacing="sm" horizontalSpacing="sm" aria-label={label}>
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
        <Table.Tbody>
          {table.getRowModel().rows.map((row) => (
            <Table.Tr key={row.id} id={`task-${row.id}`} data-task-id={row.id} data-overdue={row.original.overdue && row.original.status === 'open'}>
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
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
