import { useMemo } from 'react';
import type { HealthSummary } from '../api/healthTypes';
import { AXIS, Chart, type ChartOption, shortDay } from '../components/Chart';
import { bandHex } from '../components/health';

/** Accounts per band over time (stacked areas) and the average score (line, right axis). */
export function HealthTrendStack({ trend }: { trend: HealthSummary['trend'] }) {
  const option = useMemo<ChartOption>(() => {
    const days = trend.map((t) => t.day);
    // A few days make no area: stacked bars then, stacked areas once the history grows.
    const short = trend.length < 7;
    const band = (key: 'good' | 'watch' | 'poor', name: string) =>
      short
        ? { name, type: 'bar' as const, stack: 'bands', barMaxWidth: 48, itemStyle: { color: bandHex[key], opacity: 0.75 }, data: trend.map((t) => t[key]) }
        : {
            name,
            type: 'line' as const,
            stack: 'bands',
            showSymbol: false,
            lineStyle: { width: 0 },
            areaStyle: { color: bandHex[key], opacity: 0.55 },
            itemStyle: { color: bandHex[key] },
            emphasis: { focus: 'series' as const },
            data: trend.map((t) => t[key]),
          };
    return {
      animationDuration: 400,
      grid: { left: 8, right: 8, top: 36, bottom: 4, containLabel: true },
      legend: { top: 0, left: 0, icon: 'roundRect', itemWidth: 12, itemHeight: 8, textStyle: { fontSize: 12 } },
      tooltip: { trigger: 'axis' },
      xAxis: {
        type: 'category',
        data: days,
        boundaryGap: short,
        axisTick: { show: false },
        axisLine: AXIS.line,
        axisLabel: { ...AXIS.label, hideOverlap: true, formatter: shortDay },
      },
      yAxis: [
        { type: 'value', name: 'Accounts', nameTextStyle: { color: '#868e96', fontSize: 11 }, minInterval: 1, axisLabel: AXIS.label, splitLine: AXIS.split },
        { type: 'value', name: 'Avg score', nameTextStyle: { color: '#868e96', fontSize: 11 }, min: 0, max: 100, axisLabel: AXIS.label, splitLine: { show: false } },
      ],
      series: [
        band('poor', 'Poor'),
        band('watch', 'Watch'),
        band('good', 'Good'),
        {
          name: 'Average score',
          type: 'line',
          yAxisIndex: 1,
          showSymbol: short,
          symbolSize: 7,
          connectNulls: true,
          lineStyle: { width: 2, color: '#343a40' },
          itemStyle: { color: '#343a40' },
          data: trend.map((t) => t.averageScore),
        },
      ],
    };
  }, [trend]);

  return <Chart option={option} height={280} label="Health bands over time" testId="health-trend-stack" />;
}
