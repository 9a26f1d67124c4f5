import type { MarkAreaComponentOption } from 'echarts/components';
import { useMemo } from 'react';
import type { CheckIn, Initiative, Quadrant, Thresholds } from '../api/readiness';
import { AXIS, Chart, type ChartOption } from '../components/Chart';
import { formatDay, formatShortDay } from '../components/format';
import { QUADRANT_META, trajectory } from './logic';

type MarkAreaPair = Extract<NonNullable<MarkAreaComponentOption['data']>[number], readonly unknown[]>;
type MarkAreaPoint = MarkAreaPair[0];

const PALETTE = ['#1c7ed6', '#f76707', '#37b24d', '#ae3ec9', '#f59f00', '#0ca678', '#e64980', '#495057'];
const THRESHOLD_LINE = { type: 'dashed' as const, color: '#adb5bd', width: 1 };

/** The four quadrants as faint areas of a 0–10 × 0–10 plot (x confidence, y importance), cut at the thresholds. */
function quadrantAreas(t: Thresholds): NonNullable<MarkAreaComponentOption['data']> {
  const area = (q: Quadrant, x0: number, x1: number, y0: number, y1: number): [MarkAreaPoint, MarkAreaPoint] => [
    { xAxis: x0, yAxis: y0, name: QUADRANT_META[q].label, itemStyle: { color: QUADRANT_META[q].hex, opacity: 0.07 } },
    { xAxis: x1, yAxis: y1 },
  ];
  return [
    area('ready', t.confidence, 10, t.importance, 10),
    area('enable', 0, t.confidence, t.importance, 10),
    area('align', t.confidence, 10, 0, t.importance),
    area('nurture', 0, t.confidence, 0, t.importance),
  ];
}

/**
 * The quadrant plot: each initiative's check-ins as a path (confidence across, importance up),
 * the threshold lines and the four quadrants named; the last point of each path is larger.
 */
export function QuadrantPlot({ initiatives, thresholds, height = 260 }: { initiatives: Initiative[]; thresholds: Thresholds; height?: number }) {
  const withData = initiatives.filter((i) => i.checkIns.length > 0);
  const option = useMemo<ChartOption>(() => {
    const axis = (name: string) => ({
      type: 'value' as const,
      min: 0,
      max: 10,
      interval: 2,
      name,
      nameLocation: 'middle' as const,
      nameGap: 24,
      nameTextStyle: { color: '#868e96', fontSize: 11 },
      axisLine: AXIS.line,
      axisLabel: AXIS.label,
      splitLine: AXIS.split,
    });
    return {
      grid: { left: 40, right: 16, top: withData.length > 1 ? 36 : 16, bottom: 40 },
      legend: withData.length > 1 ? { top: 0, type: 'scroll', itemWidth: 12, itemHeight: 8, textStyle: { fontSize: 11 } } : undefined,
      tooltip: {
        trigger: 'item',
        formatter: (p: unknown) => {
          const { seriesName, data } = p as { seriesName: string; data: { value: [number, number]; at: string } };
          return `${seriesName}<br/>${formatDay(data.at)}: importance ${data.value[1]}, confidence ${data.value[0]}`;
        },
      },
      xAxis: axis('Confidence'),
      yAxis: axis('Importance'),
      series: withData.map((i, n) => {
        const path = trajectory(i.checkIns);
        return {
          name: i.title,
          type: 'line' as const,
          color: PALETTE[n % PALETTE.length],
          symbolSize: (_: unknown, params: { dataIndex: number }) => (params.dataIndex === path.length - 1 ? 12 : 6),
          lineStyle: { width: 1.5, opacity: 0.7 },
          data: path.map((p) => ({ value: [p.confidence, p.importance] as [number, number], at: p.at })),
          ...(n === 0
            ? {
                markLine: {
                  silent: true,
                  symbol: 'none',
                  lineStyle: THRESHOLD_LINE,
                  label: { show: false },
                  data: [{ xAxis: thresholds.confidence }, { yAxis: thresholds.importance }],
                },
                markArea: {
                  silent: true,
                  label: { show: true, position: 'inside' as const, color: '#868e96', fontSize: 11 },
                  data: quadrantAreas(thresholds),
                },
              }
            : {}),
        };
      }),
    };
  }, [withData, thresholds]);
  const words = withData.map((i) => `${i.title}: ${i.latest ? `${QUADRANT_META[i.latest.quadrant].label} (importance ${i.latest.importance}, confidence ${i.latest.confidence})` : 'no check-in'}`).join('; ');
  return <Chart option={option} height={height} label={`Quadrant plot of the initiatives' check-ins. ${words}`} testId="quadrant-plot" />;
}

/** One initiative's importance and confidence over its successive check-ins, with the threshold lines. */
export function MovementChart({ checkIns, thresholds, height = 150 }: { checkIns: CheckIn[]; thresholds: Thresholds; height?: number }) {
  const path = trajectory(checkIns);
  const option = useMemo<ChartOption>(
    () => ({
      grid: { left: 28, right: 12, top: 24, bottom: 22 },
      legend: { top: 0, itemWidth: 12, itemHeight: 8, textStyle: { fontSize: 11 } },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: path.map((p) => formatShortDay(p.at)), axisLine: AXIS.line, axisLabel: AXIS.label },
      yAxis: { type: 'value', min: 0, max: 10, interval: 5, axisLine: AXIS.line, axisLabel: AXIS.label, splitLine: AXIS.split },
      series: [
        {
          name: 'Importance',
          type: 'line',
          color: '#1c7ed6',
          data: path.map((p) => p.importance),
          markLine: { silent: true, symbol: 'none', lineStyle: { ...THRESHOLD_LINE, color: '#1c7ed6' }, label: { show: false }, data: [{ yAxis: thresholds.importance }] },
        },
        {
          name: 'Confidence',
          type: 'line',
          color: '#f76707',
          lineStyle: { type: 'dashed' },
          symbol: 'diamond',
          data: path.map((p) => p.confidence),
          markLine: { silent: true, symbol: 'none', lineStyle: { ...THRESHOLD_LINE, color: '#f76707' }, label: { show: false }, data: [{ yAxis: thresholds.confidence }] },
        },
      ],
    }),
    [path, thresholds],
  );
  const words = path.map((p) => `${formatShortDay(p.at)}: importance ${p.importance}, confidence ${p.confidence}`).join('; ');
  return <Chart option={option} height={height} label={`Importance and confidence over the check-ins. ${words}`} testId="movement-chart" />;
}
