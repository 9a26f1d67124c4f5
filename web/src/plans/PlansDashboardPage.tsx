import { Anchor, Button, Card, Group, SegmentedControl, Select, SimpleGrid, Skeleton, Stack, Text, TextInput, Title, Tooltip } from '@mantine/core';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useUsers } from '../api/admin';
import { PLAN_STATUSES, type PlanListItem, type PlanStatus, type PlanSummary, usePlanSummary, usePlans } from '../api/plans';
import { AXIS, Chart, type ChartOption } from '../components/Chart';
import { QueryError } from '../components/feedback';
import { count, formatDay, money, plural, relative } from '../components/format';
import { Icon } from '../components/icons';
import { ListPage, listColumns } from '../components/ListPage';
import { SeedFunnelCard } from '../seeds/SeedFunnelCard';
import { isUnmeasured, PlanStatusBadge, ProgressBar, statusColor, statusLabel } from './planUi';

const MANTINE_HEX: Record<string, string> = { teal: '#12b886', blue: '#228be6', orange: '#fd7e14', red: '#fa5252' };
const hex = (s: PlanStatus) => MANTINE_HEX[statusColor[s]] ?? '#868e96';

/** The reason worth a line: a specific one ("milestone 'SSO live' 12 days overdue…") before the count of goals per status. */
function mainReason(reasons: string[]): string | undefined {
  return reasons.find((r) => !/^\d+ goals?:/.test(r)) ?? reasons[0];
}

const col = listColumns<PlanListItem>();
const baseColumns = [
  col.display({
    id: 'account',
    header: 'Account',
    meta: { sortKey: 'account' },
    cell: ({ row: { original: p } }) => (
      <div>
        <Anchor component={Link} to={`/accounts/${p.accountId}`} size="sm" fw={500} onClick={(e) => e.stopPropagation()}>
          {p.accountName}
        </Anchor>
        <Text size="xs" c="dimmed" lineClamp={1}>
          {p.title}
        </Text>
      </div>
    ),
  }),
  col.display({
    id: 'status',
    header: 'Status',
    meta: { sortKey: 'status' },
    cell: ({ row: { original: p } }) => {
      const why = mainReason(p.statusReasons);
      return (
        <Tooltip label={p.statusReasons.join(' · ') || statusLabel[p.status]} multiline w={360} disabled={p.statusReasons.length === 0}>
          <div>
            <PlanStatusBadge status={p.status} size="sm" unmeasured={!!p.progress && isUnmeasured(p)} />
            {why && (
              <Text size="xs" c="dimmed" lineClamp={1} maw={300}>
                {why}
              </Text>
            )}
          </div>
        </Tooltip>
      );
    },
  }),
];
const progressColumn = col.display({
  id: 'progress',
  header: 'Progress',
  meta: { sortKey: 'progress', th: { w: 160 } },
  cell: ({ row: { original: p } }) => <ProgressBar percent={p.progress.percent} status={p.status} />,
});
const nextColumn = col.display({
  id: 'next',
  header: 'Next milestone',
  meta: { sortKey: 'next' },
  cell: ({ row: { original: p } }) => {
    const m = p.nextMilestone;
    if (!m) return <Text size="xs" c="dimmed">None open</Text>;
    return (
      <div>
        <Text size="sm" lineClamp={1}>
          {m.title}
        </Text>
        <Text size="xs" c={m.overdueDays > 0 ? 'red' : 'dimmed'}>
          {m.overdueDays > 0 ? `${plural(m.overdueDays, 'day')} overdue` : m.dueAt ? formatDay(m.dueAt) : 'No due date'}
          {m.owner ? ` · ${m.owner.name}${m.owner.side === 'customer' ? ' (customer)' : ''}` : ''}
        </Text>
      </div>
    );
  },
});
const tailColumns = [
  col.display({ id: 'goals', header: 'Goals', meta: { sortKey: 'goals', align: 'right' }, cell: ({ row }) => row.original.goals }),
  col.display({ id: 'owner', header: 'CSM', meta: { sortKey: 'owner' }, cell: ({ row }) => row.original.owner?.name ?? <Text size="sm" c="dimmed">Unassigned</Text> }),
  col.display({ id: 'arr', header: 'ARR', meta: { sortKey: 'arr', align: 'right' }, cell: ({ row }) => money(row.original.arr) }),
  col.display({ id: 'changed', header: 'Status since', meta: { sortKey: 'statusChangedAt', td: { className: 'nowrap' } }, cell: ({ row }) => relative(row.original.statusChangedAt) }),
];

const RANK: Record<PlanStatus, number> = { off_track: 0, at_risk: 1, on_track: 2, achieved: 3 };
const sorters: Record<string, (p: PlanListItem) => string | number> = {
  account: (p) => p.accountName.toLowerCase(),
  status: (p) => RANK[p.status],
  progress: (p) => p.progress.percent ?? -1,
  next: (p) => p.nextMilestone?.dueAt ?? '9999',
  goals: (p) => p.goals,
  owner: (p) => (p.owner?.name ?? '~').toLowerCase(),
  arr: (p) => p.arr,
  statusChangedAt: (p) => p.statusChangedAt,
};
function sortRows(rows: PlanListItem[], sort: string) {
  const desc = sort.startsWith('-');
  const key = sorters[desc ? sort.slice(1) : sort];
  if (!key) return rows;
  return [...rows].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    return (x < y ? -1 : x > y ? 1 : 0) * (desc ? -1 : 1) || a.accountName.localeCompare(b.accountName);
  });
}

/** Plans across the book: how many, how much ARR in each status, which need a move, and the planting funnel. */
export default function PlansDashboardPage() {
  const [params, setParams] = useSearchParams();
  const navigate = useNavigate();
  const status = params.get('status') as PlanStatus | null;
  const ownerId = params.get('owner');
  const search = params.get('q') ?? '';
  const sort = params.get('sort') ?? 'status';
  const set = (key: string, value: string | null, fallback?: string) => {
    const next = new URLSearchParams(params);
    if (value === null || value === '' || value === fallback) next.delete(key);
    else next.set(key, value);
    setParams(next, { replace: true });
  };
  const plans = usePlans({ ...(status ? { status } : {}), ...(ownerId ? { ownerId } : {}) });
  const users = useUsers();
  const loaded = plans.data?.pages.flatMap((p) => p.items);
  const rows = loaded ? sortRows(loaded.filter((p) => !search || `${p.accountName} ${p.title}`.toLowerCase().includes(search.toLowerCase())), sort) : undefined;
  const columns = [...baseColumns, progressColumn, nextColumn, ...tailColumns];

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2}>Success plans</Title>
          <Text c="dimmed" size="sm">
            The customers’ goals across the book. A plan stays alive when it is measured and the customer opens it.
          </Text>
        </div>
        <Button component={Link} to="/plan-templates" variant="default" leftSection={<Icon name="playbook" size={16} />}>
          Plan templates
        </Button>
      </Group>
      <PlansByStatus onPick={(s) => set('status', s)} />
      <ListPage
        title="Every plan"
        description="Worst first; sort by any column, click a status above to filter."
        filters={
          <>
            <SegmentedControl
              aria-label="Status"
              value={status ?? 'all'}
              onChange={(v) => set('status', v, 'all')}
              data={[{ value: 'all', label: 'All' }, ...PLAN_STATUSES.map((s) => ({ value: s, label: statusLabel[s] }))]}
            />
            <Select
              aria-label="CSM"
              placeholder="Any CSM"
              data={(users.data ?? []).filter((u) => u.active).map((u) => ({ value: u.id, label: u.name }))}
              value={ownerId}
              onChange={(v) => set('owner', v)}
              clearable
              searchable
              w={200}
            />
            <TextInput aria-label="Search plans" placeholder="Account or plan" leftSection={<Icon name="search" size={14} />} value={search} onChange={(e) => set('q', e.currentTarget.value)} w={220} />
          </>
        }
        query={plans}
        rows={rows}
        columns={columns}
        getRowId={(p) => p.id}
        rowProps={(p) => ({ 'data-plan-id': p.id, style: { cursor: 'pointer' }, onClick: () => void navigate(`/plans/${p.id}`) })}
        empty={
          status || ownerId || search
            ? 'No plan matches these filters.'
            : 'No success plans yet. Open an account and create one from its Success plan card — start from the customer’s goals in their words.'
        }
        tableLabel="Success plans"
        minWidth={960}
        sort={{ value: sort, onChange: (v) => set('sort', v, 'status') }}
        loadMore={plans}
      >
        <SeedFunnelCard />
      </ListPage>
    </Stack>
  );
}

export function PlansByStatus({ onPick }: { onPick?: (s: PlanStatus) => void }) {
  const summary = usePlanSummary();
  if (summary.isError) return <QueryError error={summary.error} onRetry={() => void summary.refetch()} />;
  if (!summary.data) return <Skeleton height={220} radius="md" />;
  return <StatusSummary summary={summary.data} onPick={onPick} />;
}

function StatusSummary({ summary, onPick }: { summary: PlanSummary; onPick?: ((s: PlanStatus) => void) | undefined }) {
  const by = PLAN_STATUSES.map((s) => summary.byStatus.find((b) => b.status === s) ?? { status: s, plans: 0, arr: 0 });
  const option: ChartOption = {
    grid: { left: 8, right: 24, top: 28, bottom: 8, containLabel: true },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      formatter: (ps: unknown) => {
        const p = (Array.isArray(ps) ? ps[0] : ps) as { dataIndex: number };
        const b = by[p.dataIndex];
        return b ? `${statusLabel[b.status]}<br/>${plural(b.plans, 'plan')} · ${money(b.arr)} ARR` : '';
      },
    },
    xAxis: { type: 'category', data: by.map((b) => statusLabel[b.status]), axisLine: AXIS.line, axisLabel: AXIS.label },
    yAxis: [
      { type: 'value', name: 'Plans', minInterval: 1, axisLabel: AXIS.label, splitLine: AXIS.split, nameTextStyle: AXIS.label },
      { type: 'value', name: 'ARR', axisLabel: { ...AXIS.label, formatter: (v: number) => money(v) }, splitLine: { show: false }, nameTextStyle: AXIS.label },
    ],
    series: [
      {
        type: 'bar',
        name: 'Plans',
        barMaxWidth: 36,
        data: by.map((b) => ({ value: b.plans, itemStyle: { color: hex(b.status), borderRadius: [4, 4, 0, 0] } })),
        label: { show: true, position: 'top', fontSize: 11, color: '#495057' },
      },
      {
        type: 'bar',
        name: 'ARR',
        yAxisIndex: 1,
        barMaxWidth: 36,
        data: by.map((b) => ({ value: b.arr, itemStyle: { color: hex(b.status), opacity: 0.35, borderRadius: [4, 4, 0, 0] } })),
      },
    ],
  };
  return (
    <Card padding="lg" data-testid="plans-by-status">
      <Group justify="space-between" align="flex-start" mb="sm">
        <div>
          <Title order={4}>Plans by status</Title>
          <Text size="sm" c="dimmed">
            {plural(summary.total, 'plan')} · {money(by.reduce((n, b) => n + b.arr, 0))} ARR under a plan · solid bars count plans, pale bars their ARR
          </Text>
        </div>
      </Group>
      {summary.total === 0 ? (
        <Text size="sm" c="dimmed" ta="center" py="lg">
          No plans yet: the chart fills in as CSMs write plans with their customers.
        </Text>
      ) : (
        <SimpleGrid cols={{ base: 1, md: 3 }} spacing="md">
          <div style={{ gridColumn: 'span 2' }}>
            <Chart option={option} height={220} label="Plans and ARR by status" testId="plans-status-chart" />
          </div>
          <Stack gap={6}>
            {by.map((b) => (
              <Group
                key={b.status}
                justify="space-between"
                wrap="nowrap"
                style={{ cursor: onPick ? 'pointer' : undefined }}
                onClick={() => onPick?.(b.status)}
                data-status={b.status}
              >
                <PlanStatusBadge status={b.status} />
                <Text size="sm">
                  <b>{count(b.plans)}</b> · {money(b.arr)}
                </Text>
              </Group>
            ))}
          </Stack>
        </SimpleGrid>
      )}
    </Card>
  );
}
