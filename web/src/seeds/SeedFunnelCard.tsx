import { Card, Group, SegmentedControl, Select, Skeleton, Stack, Text, Title } from '@mantine/core';
import dayjs from 'dayjs';
import { useMemo, useState } from 'react';
import { type FunnelRow, GROWTH_STAGES, useSeedFunnel } from '../api/seeds';
import { AXIS, Chart, type ChartOption } from '../components/Chart';
import { QueryError } from '../components/feedback';
import { count, share } from '../components/format';
import { stageHex, stageLabel } from './stages';

type Stage = (typeof GROWTH_STAGES)[number];
type Counts = Record<Stage, number>;
const ALL = 'all';
const zero = (): Counts => ({ planted: 0, reacted: 0, sprouted: 0, rooted: 0, harvested: 0 });
const add = (a: Counts, r: FunnelRow) => {
  for (const s of GROWTH_STAGES) a[s] += r[s];
};
const csmKey = (r: FunnelRow) => r.userId ?? `name:${r.name}`;

/** The last `months` calendar months, this one included: `YYYY-MM`. */
function monthList(months: number): string[] {
  const now = dayjs().startOf('month');
  return Array.from({ length: months }, (_, i) => now.subtract(months - 1 - i, 'month').format('YYYY-MM'));
}

/**
 * The planting funnel (planted → reacted → sprouted → rooted → harvested) per CSM over time, from
 * GET /api/seeds/funnel: per month of planting, how far those seeds grew; or the whole period per
 * CSM side by side. Used on the seed library and on the plans dashboard.
 */
export function SeedFunnelCard({ months = 6 }: { months?: number }) {
  const funnel = useSeedFunnel(months);
  const [csm, setCsm] = useState<string>(ALL);
  const [view, setView] = useState<'time' | 'csm'>('time');
  const rows = useMemo(() => funnel.data ?? [], [funnel.data]);

  const csms = useMemo(() => {
    const m = new Map<string, string>();
    for (const r of rows) m.set(csmKey(r), r.name);
    return [...m.entries()].map(([value, label]) => ({ value, label })).sort((a, b) => a.label.localeCompare(b.label));
  }, [rows]);
  const picked = csm === ALL || csms.some((c) => c.value === csm) ? csm : ALL;
  // Per CSM compares everyone: its totals are the whole team's.
  const mine = picked === ALL || view === 'csm' ? rows : rows.filter((r) => csmKey(r) === picked);

  const total = zero();
  for (const r of mine) add(total, r);

  const option = useMemo<ChartOption>(() => {
    if (view === 'csm') {
      const per = new Map<string, Counts>();
      for (const r of rows) {
        const c = per.get(csmKey(r)) ?? zero();
        add(c, r);
        per.set(csmKey(r), c);
      }
      const people = csms.filter((c) => per.has(c.value));
      return {
        grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
        legend: { top: 0, itemWidth: 12, itemHeight: 8, textStyle: { fontSize: 11 } },
        tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
        xAxis: { type: 'value', minInterval: 1, axisLine: AXIS.line, axisLabel: AXIS.label, splitLine: AXIS.split },
        yAxis: { type: 'category', inverse: true, data: people.map((p) => p.label), axisLine: AXIS.line, axisLabel: AXIS.label },
        series: GROWTH_STAGES.map((s) => ({
          name: stageLabel[s],
          type: 'bar' as const,
          barGap: '10%',
        barMaxWidth: 14,
          itemStyle: { color: stageHex[s], borderRadius: [0, 2, 2, 0] },
          emphasis: { focus: 'series' as const },
          data: people.map((p) => per.get(p.value)?.[s] ?? 0),
        })),
      };
    }
    const byMonth = new Map<string, Counts>();
    for (const r of mine) {
      const c = byMonth.get(r.month) ?? zero();
      add(c, r);
      byMonth.set(r.month, c);
    }
    const axis = monthList(months);
    return {
      grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
      legend: { top: 0, itemWidth: 12, itemHeight: 8, textStyle: { fontSize: 11 } },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: { type: 'category', data: axis.map((m) => dayjs(`${m}-01`).format("MMM 'YY")), axisLine: AXIS.line, axisLabel: AXIS.label },
      yAxis: { type: 'value', minInterval: 1, axisLine: AXIS.line, axisLabel: AXIS.label, splitLine: AXIS.split, name: 'seeds', nameTextStyle: { color: '#868e96', fontSize: 11 } },
      series: GROWTH_STAGES.map((s) => ({
        name: stageLabel[s],
        type: 'bar' as const,
        barGap: '8%',
        barMaxWidth: 18,
        itemStyle: { color: stageHex[s], borderRadius: [2, 2, 0, 0] },
        emphasis: { focus: 'series' as const },
        data: axis.map((m) => byMonth.get(m)?.[s] ?? 0),
      })),
    };
  }, [view, rows, mine, csms, months]);

  return (
    <Card padding="lg" data-testid="seed-funnel">
      <Group justify="space-between" align="flex-start" mb="xs" wrap="wrap" gap="sm">
        <div>
          <Title order={4}>Planting funnel</Title>
          <Text size="sm" c="dimmed">
            Seeds planted in the last {months} months and how far they grew
          </Text>
        </div>
        <Group gap="xs">
          <SegmentedControl
            size="xs"
            aria-label="Funnel view"
            value={view}
            onChange={(v) => setView(v as 'time' | 'csm')}
            data={[
              { value: 'time', label: 'Per month' },
              { value: 'csm', label: 'Per CSM' },
            ]}
          />
          {view === 'time' && (
            <Select
              size="xs"
              aria-label="CSM"
              data={[{ value: ALL, label: 'All CSMs' }, ...csms]}
              value={picked}
              onChange={(v) => setCsm(v ?? ALL)}
              allowDeselect={false}
              searchable
              w={170}
            />
          )}
        </Group>
      </Group>
      {funnel.isPending && <Skeleton height={260} radius="md" />}
      {funnel.isError && <QueryError error={funnel.error} onRetry={() => void funnel.refetch()} />}
      {funnel.data &&
        (rows.length === 0 ? (
          <Text size="sm" c="dimmed" ta="center" py={48}>
            No seed planted in the last {months} months. Plant one from an account's “Log activity” form and it shows here as it grows.
          </Text>
        ) : (
          <Stack gap="xs">
            <FunnelLine total={total} />
            <Chart
              option={option}
              height={view === 'csm' ? Math.max(200, 40 + csms.length * 56) : 260}
              label={`Planting funnel ${view === 'csm' ? 'per CSM' : `per month${picked === ALL ? '' : ` for ${csms.find((c) => c.value === picked)?.label ?? ''}`}`}`}
              testId="seed-funnel-chart"
            />
          </Stack>
        ))}
    </Card>
  );
}

/** `24 planted → 12 reacted (50%) → …`: the funnel in one line, each stage as a share of planted. */
function FunnelLine({ total }: { total: Counts }) {
  return (
    <Group gap={6} wrap="wrap" data-testid="seed-funnel-total">
      {GROWTH_STAGES.map((s, i) => (
        <Group key={s} gap={6} wrap="nowrap">
          {i > 0 && (
            <Text size="sm" c="dimmed">
              →
            </Text>
          )}
          <span style={{ width: 8, height: 8, borderRadius: 2, background: stageHex[s], display: 'inline-block' }} />
          <Text size="sm">
            <b className="canopy-num">{count(total[s])}</b> {stageLabel[s].toLowerCase()}
            {i > 0 && (
              <Text span size="xs" c="dimmed">
                {' '}
                ({share(total[s], total.planted)})
              </Text>
            )}
          </Text>
        </Group>
      ))}
    </Group>
  );
}
