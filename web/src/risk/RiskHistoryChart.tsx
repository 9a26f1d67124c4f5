import { Skeleton, Text } from '@mantine/core';
import { useMemo } from 'react';
import { useRiskHistory } from '../api/risk';
import { AXIS, Chart, type ChartOption } from '../components/Chart';
import { QueryError } from '../components/feedback';
import { formatDateTime, formatShortDay } from '../components/format';
import { changeWords, type HistoryPoint, historyPoints } from './history';
import { LEVEL_META } from './logic';
import type { RiskLevel } from './schemas';

const DAY = 24 * 3600 * 1000;
const WEEK = 7 * DAY;

export const NO_HISTORY = 'No risk history yet: it starts with the first computed risk.';

const BANDS: { level: RiskLevel; from: number; to: number }[] = [
  { level: 'low', from: 0, to: 25 },
  { level: 'medium', from: 25, to: 50 },
  { level: 'high', from: 50, to: 75 },
  { level: 'critical', from: 75, to: 100 },
];

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);

function tooltip(p: HistoryPoint, now: boolean): string {
  const head = now ? `Now · ${p.score} (${LEVEL_META[p.level].label})` : `${esc(formatDateTime(p.at))} · ${p.score} (${LEVEL_META[p.level].label})`;
  if (now) return `${head}<br/>Current score`;
  const from = p.fromScore === null ? 'First computed risk' : `From ${p.fromScore}${p.fromLevel && p.fromLevel !== p.level ? ` (${LEVEL_META[p.fromLevel].label})` : ''}`;
  const what = changeWords(p);
  return `${head}<br/>${from}${what ? `<br/>${esc(what)}` : p.fromScore === null ? '' : '<br/>No signal started or ended: strengths fading'}`;
}

/**
 * The account's compound risk over time as a step line (the score holds until the next recorded
 * move), with the level bands 25/50/75 marked; a move is recorded on a level change or a move of 5+
 * points. The line runs on to now at the current score.
 */
export function RiskHistoryChart({ accountId, score, level }: { accountId: string; score: number; level: RiskLevel }) {
  const history = useRiskHistory(accountId);
  const points = useMemo(() => (history.data ? historyPoints(history.data) : []), [history.data]);
  const option = useMemo<ChartOption>(() => {
    const nowAt = new Date().toISOString();
    const now: HistoryPoint = { at: nowAt, score, level, fromScore: null, fromLevel: null, started: [], ended: [] };
    const all = [...points, now];
    return {
      animationDuration: 300,
      grid: { left: 8, right: 12, top: 8, bottom: 4, containLabel: true },
      tooltip: {
        trigger: 'axis',
        formatter: (params: unknown) => {
          const i = (params as { dataIndex: number }[])[0]?.dataIndex ?? 0;
          const p = all[i];
          return p ? tooltip(p, i === all.length - 1) : '';
        },
      },
      xAxis: {
        type: 'time',
        // At least a week, and ticks a day apart: a history that began today is not a row of "Dec 3" labels.
        min: Math.min(Date.parse(points[0]?.at ?? nowAt), Date.parse(nowAt) - WEEK),
        max: Date.parse(nowAt),
        minInterval: DAY,
        axisLine: AXIS.line,
        axisLabel: { ...AXIS.label, hideOverlap: true, formatter: (v: number) => formatShortDay(new Date(v).toISOString()) },
        splitLine: { show: false },
      },
      yAxis: { type: 'value', min: 0, max: 100, interval: 25, axisLine: AXIS.line, axisLabel: AXIS.label, splitLine: { show: false } },
      series: [
        {
          name: 'Risk score',
          type: 'line',
          step: 'end',
          showSymbol: true,
          symbolSize: (_v: unknown, p: { dataIndex: number }) => (p.dataIndex === all.length - 1 ? 0 : 6),
          lineStyle: { width: 2, color: '#343a40' },
          itemStyle: { color: '#343a40' },
          data: all.map((p) => ({ value: [p.at, p.score], itemStyle: { color: LEVEL_META[p.level].hex } })),
          markArea: {
            silent: true,
            data: BANDS.map((b) => [{ yAxis: b.from, itemStyle: { color: LEVEL_META[b.level].hex, opacity: 0.07 } }, { yAxis: b.to }]),
          },
          markLine: {
            silent: true,
            symbol: 'none',
            label: { show: false },
            lineStyle: { type: 'dashed', width: 1, color: '#adb5bd' },
            data: [{ yAxis: 25 }, { yAxis: 50 }, { yAxis: 75 }],
          },
        },
      ],
    };
  }, [points, score, level]);

  if (history.isPending) return <Skeleton height={140} />;
  if (history.isError) return <QueryError error={history.error} onRetry={() => void history.refetch()} />;
  if (points.length === 0)
    return (
      <Text size="sm" c="dimmed" data-testid="risk-history-empty">
        {NO_HISTORY}
      </Text>
    );
  const first = points[0];
  const words = `${points.length} recorded moves since ${formatShortDay(first?.at)}: ${points.map((p) => `${formatShortDay(p.at)} ${p.score}`).join(', ')}; now ${score}`;
  return (
    <div data-testid="risk-history" data-points={points.length}>
      <Chart option={option} height={150} label={`Risk score over time: ${words}`} testId="risk-history-chart" />
    </div>
  );
}
