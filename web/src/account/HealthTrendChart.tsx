import dayjs from 'dayjs';
import { useMemo } from 'react';
import type { HealthPoint } from '../api/healthTypes';
import { AXIS, Chart, type ChartOption } from '../components/Chart';
import { bandHex, bandTint, GOOD_FROM, WATCH_FROM } from '../components/health';

interface Props {
  points: HealthPoint[];
  days: number;
  override?: number | null;
  height?: number;
}

/** The score over the last `days` days, on band-colored backgrounds (good ≥ 70, watch ≥ 40). */
export function HealthTrendChart({ points, days, override = null, height = 180 }: Props) {
  const option = useMemo<ChartOption>(() => {
    const data = points.filter((p) => p.score !== null).map((p) => [p.day, p.score] as [string, number]);
    type Edge = { yAxis: number; itemStyle?: { color: string } };
    const area = (from: number, to: number, color: string): [Edge, Edge] => [{ yAxis: from, itemStyle: { color } }, { yAxis: to }];
    return {
      animationDuration: 400,
      grid: { left: 4, right: 12, top: 10, bottom: 4, containLabel: true },
      tooltip: {
        trigger: 'axis',
        formatter: (params: unknown) => {
          const p = Array.isArray(params) ? (params[0] as { value?: [string, number] } | undefined) : undefined;
          return p?.value ? `${dayjs(p.value[0]).format('MMM D')}: <b>${p.value[1]}</b>` : '';
        },
      },
      xAxis: {
        type: 'time',
        min: dayjs().subtract(days, 'day').format('YYYY-MM-DD'),
        max: dayjs().format('YYYY-MM-DD'),
        axisLine: AXIS.line,
        axisTick: { show: false },
        splitLine: { show: false },
        axisLabel: { ...AXIS.label, hideOverlap: true, formatter: '{MMM} {d}' },
      },
      yAxis: { type: 'value', min: 0, max: 100, interval: 20, axisLabel: AXIS.label, splitLine: { show: false } },
      series: [
        {
          type: 'line',
          name: 'Health',
          data,
          showSymbol: data.length < 20,
          symbolSize: 6,
          lineStyle: { width: 2, color: '#495057' },
          itemStyle: { color: '#495057' },
          markArea: {
            silent: true,
            data: [
              area(GOOD_FROM, 100, bandTint.good),
              area(WATCH_FROM, GOOD_FROM, bandTint.watch),
              area(0, WATCH_FROM, bandTint.poor),
            ],
          },
          markLine:
            override === null
              ? undefined
              : {
                  silent: true,
                  symbol: 'none',
                  lineStyle: { type: 'dashed', color: bandHex.watch, width: 1.5 },
                  label: { formatter: `Override ${override}`, position: 'insideEndTop', color: '#868e96', fontSize: 11 },
                  data: [{ yAxis: override }],
                },
        },
      ],
    };
  }, [points, days, override]);

  return <Chart option={option} height={height} label={`Health over the last ${days} days`} testId="health-trend-chart" />;
}
