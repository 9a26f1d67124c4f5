import { Card, Group, SegmentedControl, Select, Skeleton, Stack, Table, Text, Title, UnstyledButton } from '@mantine/core';
import { useQueries } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { useMemo, useState } from 'react';
import { useTeams } from '../api/admin';
import { useMe } from '../api/auth';
import { api } from '../api/client';
import { AXIS, Chart, type ChartOption, shortDay } from '../components/Chart';
import { QueryError } from '../components/feedback';
import { Icon } from '../components/icons';
import { type Ratio, ratioKey, ratioLabel, type RatioParams, useRatio } from './api';

const RANGES = { '90d': { days: 90, bucket: 'week' }, '26w': { days: 182, bucket: 'week' }, '12m': { days: 365, bucket: 'month' } } as const;
type RangeKey = keyof typeof RANGES;
const ALL = 'all';
const LINE_COLORS = ['#1c7ed6', '#7048e8', '#0ca678', '#f08c00', '#e64980', '#495057'];

type SortKey = 'name' | 'proactive' | 'reactive' | 'ratio';

/** The team's proactive ratio over time, and per CSM: who is ahead of the fires, and who is in them. */
export default function TeamProactivePage() {
  const me = useMe();
  const teams = useTeams();
  const [range, setRange] = useState<RangeKey>('90d');
  const [team, setTeam] = useState<string>(me.teamId ?? ALL);
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'ratio', desc: true });
  // Whole days, so the query key stays the same while the page is open.
  const span = useMemo(() => {
    const to = dayjs().add(1, 'day').startOf('day');
    return { from: to.subtract(RANGES[range].days, 'day').toISOString(), to: to.toISOString(), bucket: RANGES[range].bucket };
  }, [range]);
  const scope: RatioParams = { ...span, teamId: team === ALL ? undefined : team };
  const ratio = useRatio(scope);
  const perTeam = useQueries({
    queries: (team === ALL ? (teams.data ?? []) : []).map((t) => {
      const p: RatioParams = { ...span, teamId: t.id };
      return { queryKey: ratioKey(p), queryFn: ({ signal }: { signal: AbortSignal }) => api<Ratio>('/api/activities/ratio', { query: { ...p }, signal }) };
    }),
  });

  const r = ratio.data;
  const option = useMemo((): ChartOption | null => {
    if (!r) return null;
    const days = r.series.map((s) => s.periodStart);
    const pct = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 10);
    const overall = { name: team === ALL ? 'Book ratio' : 'Proactive ratio', data: r.series.map((s) => pct(s.ratio)), color: '#212529' };
    const lines =
      team === ALL
        ? [
            overall,
            ...(teams.data ?? []).flatMap((t, i) => {
              const d = perTeam[i]?.data;
              return d ? [{ name: `${t.name} ratio`, data: d.series.map((s) => pct(s.ratio)), color: LINE_COLORS[i % LINE_COLORS.length] }] : [];
            }),
          ]
        : [overall];
    return {
      tooltip: { trigger: 'axis' },
      legend: { bottom: 0, type: 'scroll' },
      grid: { left: 40, right: 48, top: 16, bottom: 56 },
      xAxis: { type: 'category', data: days, axisLabel: { ...AXIS.label, formatter: (v: string) => (r.bucket === 'month' ? dayjs(v).format('MMM YY') : shortDay(v)) }, axisLine: AXIS.line },
      yAxis: [
        { type: 'value', name: 'activities', nameTextStyle: AXIS.label, axisLabel: AXIS.label, splitLine: AXIS.split, minInterval: 1 },
        { type: 'value', min: 0, max: 100, axisLabel: { ...AXIS.label, formatter: '{value}%' }, splitLine: { show: false } },
      ],
      series: [
        { name: 'Proactive', type: 'bar', stack: 'n', data: r.series.map((s) => s.proactive), itemStyle: { color: '#20c997' } },
        { name: 'Reactive', type: 'bar', stack: 'n', data: r.series.map((s) => s.reactive), itemStyle: { color: '#ff922b' } },
        ...lines.map((l) => ({ name: l.name, type: 'line' as const, yAxisIndex: 1, data: l.data, connectNulls: true, symbolSize: 6, itemStyle: { color: l.color }, lineStyle: { color: l.color } })),
      ],
    };
  }, [r, perTeam, team, teams.data]);

  const rows = useMemo(() => {
    const list = [...(r?.byUser ?? [])];
    const val = (u: (typeof list)[number]) => (sort.key === 'name' ? u.name.toLowerCase() : sort.key === 'ratio' ? (u.ratio ?? -1) : u[sort.key]);
    return list.sort((a, b) => {
      const x = val(a);
      const y = val(b);
      return (x < y ? -1 : x > y ? 1 : 0) * (sort.desc ? -1 : 1);
    });
  }, [r, sort]);
  const th = (key: SortKey, label: string, right = false) => {
    const active = sort.key === key;
    return (
      <Table.Th data-sortable="true" aria-sort={active ? (sort.desc ? 'descending' : 'ascending') : 'none'} style={{ textAlign: right ? 'right' : undefined }}>
        <UnstyledButton fz="sm" fw={600} onClick={() => setSort({ key, desc: active ? !sort.desc : key !== 'name' })}>
          <Group gap={4} wrap="nowrap" justify={right ? 'flex-end' : undefined}>
            {label}
            <Icon name={active ? (sort.desc ? 'sortDown' : 'sortUp') : 'sortNone'} size={14} />
          </Group>
        </UnstyledButton>
      </Table.Th>
    );
  };

  return (
    <Stack gap="md">
      <div>
        <Title order={2}>Proactive ratio</Title>
        <Text c="dimmed" size="sm">
          Proactive work ÷ all logged activities. Reactive: escalations, and anything that answers a ticket, complaint, risk or escalation.
        </Text>
      </div>
      <Group gap="md">
        <Select
          aria-label="Team"
          data={[{ value: ALL, label: 'All teams' }, ...(teams.data ?? []).map((t) => ({ value: t.id, label: t.name }))]}
          value={team}
          onChange={(v) => setTeam(v ?? ALL)}
          allowDeselect={false}
          w={220}
        />
        <SegmentedControl aria-label="Range" value={range} onChange={(v) => setRange(v as RangeKey)} data={[{ value: '90d', label: '90 days' }, { value: '26w', label: '6 months' }, { value: '12m', label: '12 months' }]} />
        {r && (
          <Text size="sm" data-testid="team-ratio">
            <Text span fw={700}>{ratioLabel(r.ratio)}</Text> proactive · {r.proactive} proactive, {r.reactive} reactive
          </Text>
        )}
      </Group>
      {ratio.isError && <QueryError error={ratio.error} onRetry={() => void ratio.refetch()} />}
      <Card padding="lg">
        <Title order={5} mb="xs">{r?.bucket === 'month' ? 'Monthly' : 'Weekly'} activities and ratio</Title>
        {option ? <Chart option={option} height={320} label="Proactive and reactive activities over time, with the proactive ratio" testId="ratio-chart" /> : <Skeleton height={320} />}
      </Card>
      <Card padding="lg">
        <Title order={5} mb="xs">Per person</Title>
        {r && rows.length === 0 && <Text size="sm" c="dimmed">No activity logged in this range.</Text>}
        {rows.length > 0 && (
          <Table className="canopy-table" verticalSpacing="xs" aria-label="Proactive ratio per person">
            <Table.Thead>
              <Table.Tr>
                {th('name', 'Person')}
                {th('proactive', 'Proactive', true)}
                {th('reactive', 'Reactive', true)}
                {th('ratio', 'Ratio', true)}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((u) => (
                <Table.Tr key={u.userId ?? 'api'}>
                  <Table.Td>{u.name}</Table.Td>
                  <Table.Td style={{ textAlign: 'right' }}>{u.proactive}</Table.Td>
                  <Table.Td style={{ textAlign: 'right' }}>{u.reactive}</Table.Td>
                  <Table.Td style={{ textAlign: 'right' }} fw={600} c={u.ratio !== null && u.ratio < 0.5 ? 'orange' : undefined}>
                    {ratioLabel(u.ratio)}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Card>
    </Stack>
  );
}
