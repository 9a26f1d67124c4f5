import { Anchor, Card, Group, Select, Stack, Text, Title } from '@mantine/core';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { type Pattern, useReviewPatterns } from '../api/reviews';
import { AXIS, Chart, type ChartOption } from '../components/Chart';
import { count, decimal, percentOf, plural } from '../components/format';
import { listColumns, ListPage } from '../components/ListPage';
import { comboLabel, liftWords } from './logic';

const col = listColumns<Pattern>();
const num = { align: 'right' as const, th: { style: { whiteSpace: 'nowrap' as const } } };
type SortKey = 'lift' | 'support' | 'losses' | 'retained' | 'lead';
const VALUE: Record<SortKey, (p: Pattern) => number> = {
  lift: (p) => p.lift ?? -1,
  support: (p) => p.support,
  losses: (p) => p.lossCount,
  retained: (p) => p.retainedCount,
  lead: (p) => p.medianLeadDays ?? -1,
};


export function sortPatterns(rows: Pattern[], sort: string): Pattern[] {
  const desc = sort.startsWith('-');
  const key = (desc ? sort.slice(1) : sort) as SortKey;
  const value = VALUE[key] ?? VALUE.lift;
  return [...rows].sort((a, b) => (desc ? value(b) - value(a) : value(a) - value(b)) || a.kinds.join().localeCompare(b.kinds.join()));
}

/** Lift of the strongest combinations as bars, with the base rate (lift 1) as a line. */
function LiftChart({ rows }: { rows: Pattern[] }) {
  const top = rows.filter((p) => p.lift !== null).slice(0, 12).reverse();
  const option = useMemo<ChartOption>(
    () => ({
      grid: { left: 8, right: 24, top: 8, bottom: 24, containLabel: true },
      tooltip: {
        trigger: 'item',
        formatter: (p: unknown) => {
          const i = (p as { dataIndex: number }).dataIndex;
          const r = top[i];
          return r ? `${comboLabel(r.kinds, r.labels)}<br/>lift ${decimal(r.lift, 2)} · ${r.lossCount} lost, ${r.retainedCount} stayed · median lead ${r.medianLeadDays ?? '—'} days` : '';
        },
      },
      xAxis: { type: 'value', name: 'lift', nameLocation: 'end', axisLine: AXIS.line, axisLabel: AXIS.label, splitLine: AXIS.split },
      yAxis: { type: 'category', data: top.map((p) => comboLabel(p.kinds, p.labels)), axisLine: AXIS.line, axisLabel: { ...AXIS.label, width: 160, overflow: 'truncate' } },
      series: [
        {
          type: 'bar',
          color: '#e8590c',
          barMaxWidth: 18,
          data: top.map((p) => p.lift),
          markLine: { silent: true, symbol: 'none', lineStyle: { type: 'dashed', color: '#868e96' }, label: { formatter: 'base rate' }, data: [{ xAxis: 1 }] },
        },
      ],
    }),
    [top],
  );
  if (top.length === 0) return null;
  const words = top.map((p) => `${comboLabel(p.kinds, p.labels)}: lift ${decimal(p.lift, 2)}`).join('; ');
  return <Chart option={option} height={Math.max(160, top.length * 28 + 40)} label={`Lift of the signal combinations before a loss. ${words}`} testId="patterns-chart" />;
}

/** /reviews/patterns: which signal combinations preceded losses, how early, and how often in accounts that stayed. */
export default function PatternsPage() {
  const [minSupport, setMinSupport] = useState<number | null>(null);
  const patterns = useReviewPatterns(minSupport);
  const [sort, setSort] = useState('-lift');
  const rows = useMemo(() => (patterns.data ? sortPatterns(patterns.data.patterns, sort) : undefined), [patterns.data, sort]);
  const byLift = useMemo(() => (patterns.data ? sortPatterns(patterns.data.patterns, '-lift') : []), [patterns.data]);
  const d = patterns.data;

  const columns = [
    col.display({
      id: 'kinds',
      header: 'Signals together',
      meta: { td: { style: { minWidth: 220 } } },
      cell: ({ row: { original: p } }) => (
        <Stack gap={0}>
          <Text size="sm" fw={500}>
            {comboLabel(p.kinds, p.labels)}
          </Text>
          <Text size="xs" c="dimmed">
            {liftWords(p.lift)}
          </Text>
        </Stack>
      ),
    }),
    col.display({ id: 'lift', header: 'Lift', meta: { sortKey: 'lift', ...num }, cell: ({ row: { original: p } }) => <Text size="sm" className="canopy-num" fw={600}>{p.lift === null ? '—' : decimal(p.lift, 2)}</Text> }),
    col.display({ id: 'support', header: 'Support', meta: { sortKey: 'support', ...num }, cell: ({ row: { original: p } }) => <Text size="sm" className="canopy-num">{percentOf(p.support)}</Text> }),
    col.display({ id: 'losses', header: 'Lost', meta: { sortKey: 'losses', ...num }, cell: ({ row: { original: p } }) => <Text size="sm" className="canopy-num">{count(p.lossCount)}</Text> }),
    col.display({ id: 'retained', header: 'Stayed', meta: { sortKey: 'retained', ...num }, cell: ({ row: { original: p } }) => <Text size="sm" className="canopy-num">{count(p.retainedCount)}</Text> }),
    col.display({
      id: 'lead',
      header: 'Median lead',
      meta: { sortKey: 'lead', ...num },
      cell: ({ row: { original: p } }) => <Text size="sm" className="canopy-num">{p.medianLeadDays === null ? '—' : plural(Math.round(p.medianLeadDays), 'day')}</Text>,
    }),
  ];

  return (
    <ListPage
      title="Patterns before losses"
      description={
        <>
          Which signal combinations (one to three kinds) preceded churn and downgrades, and how often the same ones appeared in accounts that stayed.{' '}
          <Anchor component={Link} to="/reviews" inherit>
            Back to the reviews
          </Anchor>
        </>
      }
      filters={
        <>
          <Select
            label="Minimum support"
            aria-label="Minimum support"
            size="xs"
            w={170}
            placeholder="10% of losses"
            clearable
            data={['0.05', '0.1', '0.2', '0.3', '0.5'].map((v) => ({ value: v, label: `${Number(v) * 100}% of losses` }))}
            value={minSupport === null ? null : String(minSupport)}
            onChange={(v) => setMinSupport(v === null ? null : Number(v))}
          />
          {d && (
            <Text size="sm" c="dimmed" ml="auto" data-testid="patterns-book">
              From {plural(d.losses, 'loss', 'losses')} and {plural(d.retained, 'account')} that stayed
            </Text>
          )}
        </>
      }
      query={patterns}
      rows={rows}
      columns={columns}
      getRowId={(p) => p.kinds.join('+')}
      rowProps={(p) => ({ 'data-pattern': p.kinds.join('+') })}
      empty={
        d && d.losses === 0
          ? 'No loss recorded yet: patterns appear once churned or downgraded outcomes are recorded and their reviews opened.'
          : 'No combination reaches the minimum support. Lower it, or wait for more reviews.'
      }
      tableLabel="Signal patterns before losses"
      minWidth={640}
      sort={{ value: sort, onChange: setSort }}
    >
      {byLift.length > 0 && (
        <Card padding="lg">
          <Group justify="space-between" align="flex-start" mb="xs">
            <div>
              <Title order={4}>Lift: how much more often than the base rate</Title>
              <Text size="xs" c="dimmed">
                Support = the share of losses the combination preceded. Lift = the loss rate of accounts with the combination ÷ the loss rate of the whole book (smoothed): above 1, it points at a loss.
              </Text>
            </div>
          </Group>
          <LiftChart rows={byLift} />
        </Card>
      )}
    </ListPage>
  );
}
