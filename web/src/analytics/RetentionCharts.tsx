import { useMemo } from 'react';
import { AXIS, Chart, type ChartOption } from '../components/Chart';
import { money, percentOf } from '../components/format';
import { periodLabel } from '../renewals/logic';
import type { RetentionRow } from './api';

const pct = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 10);
/** "Jan 2026 (partial)" for the period holding today. */
export const rowLabel = (r: RetentionRow) => `${periodLabel(r.period)}${r.status === 'partial' ? ' (partial)' : r.status === 'future' ? ' (future)' : ''}`;

/** GRR, NRR and logo retention per period; partial periods drawn hollow, future ones left out by the caller. */
export function RatesChart({ rows }: { rows: RetentionRow[] }) {
  const option = useMemo<ChartOption>(() => {
    const point = (r: RetentionRow, v: number | null) => ({ value: pct(v), symbol: r.status === 'partial' ? 'emptyCircle' : 'circle', symbolSize: r.status === 'partial' ? 9 : 6 });
    return {
      grid: { left: 8, right: 12, top: 32, bottom: 8, containLabel: true },
      legend: { top: 0, itemWidth: 12, itemHeight: 8, textStyle: { fontSize: 11 } },
      tooltip: { trigger: 'axis', valueFormatter: (v) => (v === null || v === undefined ? '—' : `${Number(v).toFixed(1)}%`) },
      xAxis: { type: 'category', data: rows.map(rowLabel), axisLine: AXIS.line, axisLabel: AXIS.label },
      yAxis: { type: 'value', scale: true, axisLine: AXIS.line, axisLabel: { ...AXIS.label, formatter: (v: number) => `${v}%` }, splitLine: AXIS.split },
      series: [
        {
          name: 'GRR',
          type: 'line',
          color: '#1c7ed6',
          connectNulls: false,
          data: rows.map((r) => point(r, r.grr)),
          markLine: { silent: true, symbol: 'none', lineStyle: { type: 'dashed', color: '#adb5bd' }, label: { show: false }, data: [{ yAxis: 100 }] },
        },
        { name: 'NRR', type: 'line', color: '#37b24d', connectNulls: false, data: rows.map((r) => point(r, r.nrr)) },
        { name: 'Logo retention', type: 'line', color: '#f08c00', lineStyle: { type: 'dotted' }, connectNulls: false, data: rows.map((r) => point(r, r.logoRetention)) },
      ],
    };
  }, [rows]);
  const words = rows.map((r) => `${rowLabel(r)}: GRR ${percentOf(r.grr)}, NRR ${percentOf(r.nrr)}, logos ${percentOf(r.logoRetention)}`).join('; ');
  return <Chart option={option} height={260} label={`Revenue and logo retention per period. ${words}`} testId="retention-rates-chart" />;
}

/** ARR movements per period: new and expansion up, contraction and churn down. */
export function MovementsChart({ rows }: { rows: RetentionRow[] }) {
  const option = useMemo<ChartOption>(
    () => ({
      grid: { left: 8, right: 12, top: 32, bottom: 8, containLabel: true },
      legend: { top: 0, itemWidth: 12, itemHeight: 8, textStyle: { fontSize: 11 } },
      tooltip: { trigger: 'axis', valueFormatter: (v) => money(Number(v)) },
      xAxis: { type: 'category', data: rows.map(rowLabel), axisLine: AXIS.line, axisLabel: AXIS.label },
      yAxis: { type: 'value', axisLine: AXIS.line, axisLabel: { ...AXIS.label, formatter: (v: number) => money(v) }, splitLine: AXIS.split },
      series: [
        { name: 'New', type: 'bar', stack: 'up', color: '#12b886', data: rows.map((r) => r.newArr) },
        { name: 'Expansion', type: 'bar', stack: 'up', color: '#37b24d', data: rows.map((r) => r.expansion) },
        { name: 'Contraction', type: 'bar', stack: 'down', color: '#f59f00', data: rows.map((r) => -Math.abs(r.contraction)) },
        { name: 'Churn', type: 'bar', stack: 'down', color: '#e03131', data: rows.map((r) => -Math.abs(r.churned)) },
      ],
    }),
    [rows],
  );
  const words = rows.map((r) => `${rowLabel(r)}: new ${money(r.newArr)}, expansion ${money(r.expansion)}, contraction ${money(r.contraction)}, churn ${money(r.churned)}`).join('; ');
  return <Chart option={option} height={260} label={`ARR movements per period. ${words}`} testId="arr-movements-chart" />;
}
