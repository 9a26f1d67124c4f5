import { Card, Group, Text, Title } from '@mantine/core';
import { useMemo } from 'react';
import type { SurveyKind, SurveyResults } from '../api/surveys';
import { AXIS, Chart, type ChartOption } from '../components/Chart';
import { formatNps, fullDistribution, GROUP_HEX, GROUP_LABEL, GROUP_PLURAL, KIND_LABEL, monthLabel, type ScoreGroup, scoreRange } from './logic';

/** The y axis of the score over time: NPS −100…100, CSAT 0…100 %, CES 1…7. */
function yAxisOf(kind: SurveyKind): { min: number; max: number; format: (v: number) => string } {
  if (kind === 'nps') return { min: -100, max: 100, format: formatNps };
  if (kind === 'csat') return { min: 0, max: 100, format: (v) => `${Math.round(v)}%` };
  const r = scoreRange('ces');
  return { min: r.min, max: r.max, format: (v) => v.toFixed(1) };
}

/** The survey's score per month, with the number of answers behind each point in the tooltip. */
export function ScoreOverTimeCard({ kind, results }: { kind: SurveyKind; results: SurveyResults }) {
  const points = results.overTime.filter((p) => p.score !== null && p.n > 0);
  const option = useMemo<ChartOption>(() => {
    const y = yAxisOf(kind);
    const months = results.overTime.map((p) => p.month);
    return {
      animationDuration: 400,
      grid: { left: 4, right: 16, top: 14, bottom: 4, containLabel: true },
      tooltip: {
        trigger: 'axis',
        formatter: (params: unknown) => {
          const p = Array.isArray(params) ? (params[0] as { dataIndex?: number } | undefined) : undefined;
          const point = p?.dataIndex === undefined ? undefined : results.overTime[p.dataIndex];
          if (!point || point.score === null) return '';
          return `${monthLabel(point.month)}: <b>${KIND_LABEL[kind]} ${y.format(point.score)}</b> (n = ${point.n})`;
        },
      },
      xAxis: { type: 'category', data: months.map(monthLabel), axisLine: AXIS.line, axisTick: { show: false }, axisLabel: { ...AXIS.label, hideOverlap: true } },
      yAxis: { type: 'value', min: y.min, max: y.max, axisLabel: { ...AXIS.label, formatter: (v: number) => y.format(v) }, splitLine: AXIS.split },
      series: [
        {
          type: 'line',
          name: KIND_LABEL[kind],
          data: results.overTime.map((p) => (p.n > 0 ? p.score : null)),
          connectNulls: true,
          symbolSize: 7,
          lineStyle: { width: 2, color: '#228be6' },
          itemStyle: { color: '#228be6' },
          markLine: kind === 'nps' ? { silent: true, symbol: 'none', lineStyle: { type: 'dashed', color: '#adb5bd', width: 1 }, label: { show: false }, data: [{ yAxis: 0 }] } : undefined,
        },
      ],
    };
  }, [kind, results.overTime]);

  return (
    <Card padding="lg" h="100%">
      <Title order={4}>Score over time</Title>
      <Text size="sm" c="dimmed" mb="sm">
        {KIND_LABEL[kind]} per month, from people’s answers only
      </Text>
      {points.length === 0 ? (
        <Text size="sm" c="dimmed" ta="center" py="xl">
          No answers yet: the line starts with the first month that has one.
        </Text>
      ) : (
        <Chart option={option} height={220} label={`${KIND_LABEL[kind]} per month`} testId="survey-over-time" />
      )}
    </Card>
  );
}

/** How many answered each score, coloured by group (promoters, passives, detractors for NPS). */
export function DistributionCard({ kind, results }: { kind: SurveyKind; results: SurveyResults }) {
  const bars = useMemo(() => fullDistribution(kind, results.distribution), [kind, results.distribution]);
  const total = bars.reduce((s, b) => s + b.count, 0);
  const option = useMemo<ChartOption>(
    () => ({
      animationDuration: 400,
      grid: { left: 4, right: 8, top: 14, bottom: 4, containLabel: true },
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        formatter: (params: unknown) => {
          const p = Array.isArray(params) ? (params[0] as { dataIndex?: number } | undefined) : undefined;
          const b = p?.dataIndex === undefined ? undefined : bars[p.dataIndex];
          return b ? `Score ${b.score} (${GROUP_LABEL[kind][b.group].toLowerCase()}): <b>${b.count}</b>` : '';
        },
      },
      xAxis: { type: 'category', data: bars.map((b) => String(b.score)), axisLine: AXIS.line, axisTick: { show: false }, axisLabel: AXIS.label },
      yAxis: { type: 'value', minInterval: 1, axisLabel: AXIS.label, splitLine: AXIS.split },
      series: [{ type: 'bar', name: 'Answers', barMaxWidth: 36, data: bars.map((b) => ({ value: b.count, itemStyle: { color: GROUP_HEX[b.group], borderRadius: [3, 3, 0, 0] } })) }],
    }),
    [bars, kind],
  );
  const groups: ScoreGroup[] = ['promoter', 'passive', 'detractor'];

  return (
    <Card padding="lg" h="100%">
      <Title order={4}>Distribution</Title>
      <Group gap="md" mb="sm">
        {groups.map((g) => (
          <Group key={g} gap={6}>
            <span aria-hidden style={{ width: 10, height: 10, borderRadius: 2, background: GROUP_HEX[g], display: 'inline-block' }} />
            <Text size="sm" c="dimmed">
              {GROUP_PLURAL[kind][g]}
            </Text>
          </Group>
        ))}
      </Group>
      {total === 0 ? (
        <Text size="sm" c="dimmed" ta="center" py="xl">
          No answers yet.
        </Text>
      ) : (
        <Chart option={option} height={220} label={`Answers per score: ${bars.map((b) => `${b.score}: ${b.count}`).join(', ')}`} testId="survey-distribution" />
      )}
    </Card>
  );
}
