import { useMemo } from 'react';
import { CATEGORIES, type Renewal, type RenewalGroup, type RenewalPeriod, type RetentionPeriod } from '../api/renewals';
import { AXIS, Chart, type ChartOption } from '../components/Chart';
import { money, percentOf } from '../components/format';
import { arrByCategory, CATEGORY_META, periodLabel } from './logic';

/** ARR due per period, stacked by category, with the risk-adjusted forecast as a line over it. */
export function RenewalCalendarChart({ periods, items, group }: { periods: RenewalPeriod[]; items: Renewal[]; group: RenewalGroup }) {
  const split = useMemo(() => arrByCategory(periods, items, group), [periods, items, group]);
  const option = useMemo<ChartOption>(
    () => ({
      grid: { left: 8, right: 12, top: 36, bottom: 8, containLabel: true },
      legend: { top: 0, itemWidth: 12, itemHeight: 8, textStyle: { fontSize: 11 } },
      tooltip: { trigger: 'axis', valueFormatter: (v) => money(typeof v === 'number' ? v : Number(v)) },
      xAxis: { type: 'category', data: periods.map((p) => periodLabel(p.period)), axisLine: AXIS.line, axisLabel: AXIS.label },
      yAxis: { type: 'value', axisLine: AXIS.line, axisLabel: { ...AXIS.label, formatter: (v: number) => money(v) }, splitLine: AXIS.split },
      series: [
        ...CATEGORIES.map((c) => ({
          name: CATEGORY_META[c].label,
          type: 'bar' as const,
          stack: 'due',
          color: CATEGORY_META[c].hex,
          barMaxWidth: 48,
          data: periods.map((p) => split.get(p.period)?.[c] ?? 0),
        })),
        {
          name: 'Risk-adjusted forecast',
          type: 'line' as const,
          color: '#212529',
          symbol: 'circle',
          symbolSize: 7,
          lineStyle: { width: 2 },
          data: periods.map((p) => p.forecast),
        },
      ],
    }),
    [periods, split],
  );
  const words = periods.map((p) => `${periodLabel(p.period)}: ${money(p.arrDue)} due, forecast ${money(p.forecast)}, ${p.count} renewals`).join('; ');
  return <Chart option={option} height={280} label={`ARR due per period by category with the forecast. ${words}`} testId="renewals-chart" />;
}

/** GRR and NRR per period as two lines, 100% marked. */
export function RetentionChart({ periods }: { periods: RetentionPeriod[] }) {
  const option = useMemo<ChartOption>(
    () => ({
      grid: { left: 8, right: 12, top: 32, bottom: 8, containLabel: true },
      legend: { top: 0, itemWidth: 12, itemHeight: 8, textStyle: { fontSize: 11 } },
      tooltip: { trigger: 'axis', valueFormatter: (v) => (v === null || v === undefined ? '—' : `${Number(v).toFixed(1)}%`) },
      xAxis: { type: 'category', data: periods.map((p) => periodLabel(p.period)), axisLine: AXIS.line, axisLabel: AXIS.label },
      yAxis: { type: 'value', scale: true, axisLine: AXIS.line, axisLabel: { ...AXIS.label, formatter: (v: number) => `${v}%` }, splitLine: AXIS.split },
      series: [
        {
          name: 'GRR',
          type: 'line',
          color: '#1c7ed6',
          connectNulls: false,
          data: periods.map((p) => (p.grr === null ? null : Math.round(p.grr * 1000) / 10)),
          markLine: { silent: true, symbol: 'none', lineStyle: { type: 'dashed', color: '#adb5bd' }, label: { show: false }, data: [{ yAxis: 100 }] },
        },
        { name: 'NRR', type: 'line', color: '#37b24d', lineStyle: { type: 'dashed' }, symbol: 'diamond', connectNulls: false, data: periods.map((p) => (p.nrr === null ? null : Math.round(p.nrr * 1000) / 10)) },
      ],
    }),
    [periods],
  );
  const words = periods.map((p) => `${periodLabel(p.period)}: GRR ${percentOf(p.grr)}, NRR ${percentOf(p.nrr)}`).join('; ');
  return <Chart option={option} height={220} label={`Gross and net revenue retention per period. ${words}`} testId="retention-chart" />;
}
