import { Button, Card, Group, Loader, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useMemo, useState } from 'react';
import { useDebouncedValue } from '@mantine/hooks';
import { can, useMe } from '../api/auth';
import { isCallThem, type TaskListParams, useTaskPages, useTasks } from '../api/tasks';
import { count } from '../components/format';
import { QueryError, TableSkeleton } from '../components/feedback';
import { Icon } from '../components/icons';
import { CallThemPanel } from './CallThemPanel';
import { InboxFilters, inboxQuery, type InboxParams, useInboxParams } from './InboxFilters';
import { TaskFormModal } from './TaskFormModal';
import { type TaskDialog, TaskModals } from './TaskModals';
import { TaskTable } from './TaskTable';
import { inboxCsvUrl, inboxParamsOf, inboxViewState } from './inboxView';
import { ExportButton } from '../views/ExportButton';
import { ViewPicker } from '../views/ViewPicker';
import { useSearchParams } from 'react-router';

function Stat({ label, value, color, hint }: { label: string; value: number | undefined; color?: string; hint: string }) {
  return (
    <Paper withBorder radius="md" p="md" data-testid={`count-${label.toLowerCase().replace(/\s+/g, '-')}`}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text fz={28} fw={700} c={value ? color : undefined} className="canopy-num" lh={1.2}>
        {value ?? '–'}
      </Text>
      <Text size="xs" c="dimmed">
        {hint}
      </Text>
    </Paper>
  );
}

function emptyText(p: InboxParams, total: number): string {
  if (total > 0) return 'No task matches these filters.';
  if (p.status !== 'open') return `No ${p.status === 'all' ? '' : `${p.status} `}tasks here yet.`;
  return p.who === 'mine'
    ? 'Nothing needs you today. Rules and playbooks put work here; you can add a task from an account page.'
    : 'No open tasks. Rules and playbooks put work here; you can add a task from an account page.';
}

export default function InboxPage() {
  const me = useMe();
  const [params, set] = useInboxParams();
  const [rawParams] = useSearchParams();
  const [dialog, setDialog] = useState<TaskDialog>(null);
  const [creating, setCreating] = useState(false);
  const canAct = can.write(me);

  const [search] = useDebouncedValue(params.q.trim(), 250);
  const query: TaskListParams = inboxQuery(params, search);
  const assignee = query.assignee ?? 'any';
  // The inbox comes a page at a time and only the rows on screen are rendered: 2,000 open tasks
  // cost what one screenful costs (docs/benchmarks.md, "Inbox with 2,000 open tasks").
  const list = useTaskPages(query);
  const filtered = params.status !== 'open' || !!params.source || params.snoozed || !!search;
  // The header always counts open work, whichever tab is showing: one task is enough for the counts.
  const openQuery = useTasks({ assignee, status: 'open', limit: 1 }, filtered);
  // "Call them" proposals come first, whichever page of the list holds them.
  const showCalls = params.status === 'open' && (!params.source || params.source === 'recommendation');
  const callQuery = useTasks({ ...query, status: 'open', kind: 'call', source: 'recommendation', limit: 50 }, showCalls);

  const pages = list.data?.pages;
  // Stable arrays between renders: the table re-renders its rows only when they change.
  const all = useMemo(() => pages?.flatMap((p) => p.items) ?? [], [pages]);
  const calls = useMemo(() => (showCalls ? (callQuery.data?.items ?? []) : []), [showCalls, callQuery.data]);
  const rows = useMemo(() => (showCalls ? all.filter((t) => !isCallThem(t)) : all), [showCalls, all]);
  const matching = pages?.[0]?.counts;
  const counts = filtered ? openQuery.data?.counts : matching;
  const loadMore = { hasNextPage: list.hasNextPage, isFetchingNextPage: list.isFetchingNextPage, fetchNextPage: () => list.fetchNextPage({ cancelRefetch: false }) };

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2}>Inbox</Title>
          <Text c="dimmed" size="sm">
            What needs {params.who === 'mine' ? 'me' : params.who === 'team' ? 'my team' : 'us'} today: overdue first, then what matters most by priority, ARR and risk
          </Text>
        </div>
        {canAct && (
          <Button leftSection={<Icon name="plus" size={16} />} onClick={() => setCreating(true)}>
            New task
          </Button>
        )}
      </Group>
      <SimpleGrid cols={{ base: 2, md: 4 }} spacing="md">
        <Stat label="Overdue" value={counts?.overdue} color="red.7" hint="past their due date" />
        <Stat label="Due today" value={counts?.dueToday} color="orange.8" hint="due before tonight" />
        <Stat label="Call them" value={counts?.callThem} color="orange.8" hint="a call beats another e-mail" />
        <Stat label="Open" value={counts?.open} hint="in the inbox now" />
      </SimpleGrid>
      <InboxFilters params={params} set={set} hasTeam={me.teamId !== null} />
      <Group gap="xs" justify="space-between" wrap="wrap">
        <ViewPicker scope="inbox" current={inboxViewState(params)} apply={(v) => set(inboxParamsOf(v))} bare={[...rawParams.keys()].length === 0} />
        <ExportButton href={inboxCsvUrl(params, search)} />
      </Group>
      {list.isError && <QueryError error={list.error} onRetry={() => void list.refetch()} />}
      <CallThemPanel tasks={calls} onDialog={setDialog} canAct={canAct} />
      <Card padding={0}>
        {list.isPending && <TableSkeleton rows={6} height={44} />}
        {pages && rows.length === 0 && !list.hasNextPage && (
          <Stack align="center" gap={6} py={48} px="md">
            <Text fw={600}>{calls.length > 0 ? 'Only calls today' : 'All clear'}</Text>
            <Text c="dimmed" size="sm" ta="center" maw={520} data-testid="inbox-empty">
              {calls.length > 0 ? 'Everything else is done or snoozed. Make the calls above.' : search ? 'No task matches this search.' : emptyText(params, all.length)}
            </Text>
          </Stack>
        )}
        {rows.length > 0 && <TaskTable tasks={rows} onDialog={setDialog} actions={canAct} label="Inbox" windowed={{ loadMore }} />}
        {pages && all.length > 0 && (
          <Group justify="center" gap="sm" py="sm" style={{ borderTop: '1px solid var(--mantine-color-default-border)' }}>
            <Text size="xs" c="dimmed" data-testid="inbox-loaded">
              {params.status === 'open' && matching
                ? `${count(all.length)} of ${count(matching.open)} open tasks loaded, in inbox order`
                : `${count(all.length)} tasks loaded`}
            </Text>
            {list.hasNextPage && (
              <Button variant="default" size="xs" loading={list.isFetchingNextPage} onClick={loadMore.fetchNextPage}>
                Load more
              </Button>
            )}
            {list.isFetching && !list.isFetchingNextPage && <Loader size="xs" aria-label="Refreshing" />}
          </Group>
        )}
      </Card>
      <TaskModals dialog={dialog} onClose={() => setDialog(null)} />
      <TaskFormModal opened={creating} onClose={() => setCreating(false)} />
    </Stack>
  );
}
