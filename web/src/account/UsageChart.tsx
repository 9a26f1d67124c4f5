import { LineChart, type LineSeriesOption } from 'echarts/charts';
import {
  GridComponent,
  type GridComponentOption,
  LegendComponent,
  type LegendComponentOption,
  TooltipComponent,
  type TooltipComponentOption,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import EChartsReactCore from 'echarts-for-react/esm/core';
import { useMemo } from 'react';
import type { UsageResponse } from '../api/types';
import { formatShortDay } from '../components/format';

echarts.use([LineChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer]);

type Option = echarts.ComposeOption<LineSeriesOption | GridComponentOption | TooltipComponentOption | LegendComponentOption>;

const COLORS = ['#0ca678', '#1c7ed6', '#ae3ec9', '#f76707', '#4263eb'];

interface Props {
  events: UsageResponse['events'];
  metric: 'count' | 'users';
  height?: number;
}

export function UsageChart({ events, metric, height = 280 }: Props) {
  const option = useMemo<Option>(() => {
    const days = events[0]?.series.map((p) => p.day) ?? [];
    return {
      color: COLORS,
      animationDuration: 400,
      grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
      legend: { top: 0, left: 0, icon: 'roundRect', itemWidth: 12, itemHeight: 4, textStyle: { fontSize: 12 } },
      tooltip: { trigger: 'axis', order: 'valueDesc' },
      xAxis: {
        type: 'category',
        data: days,
        boundaryGap: false,
        axisTick: { show: false },
        axisLine: { lineStyle: { color: '#dee2e6' } },
        axisLabel: {
          color: '#868e96',
          hideOverlap: true,
          formatter: (value: string) => formatShortDay(value),
        },
      },
      yAxis: {
        type: 'value',
        minInterval: 1,
        splitLine: { lineStyle: { color: '#f1f3f5' } },
        axisLabel: { color: '#868e96' },
      },
      series: events.map((e) => ({
        name: e.event,
        type: 'line',
        showSymbol: false,
        smooth: false,
        lineStyle: { width: 1.5 },
        emphasis: { focus: 'series' },
        areaStyle: events.length === 1 ? { opacity: 0.12 } : undefined,
        data: e.series.map((p) => (metric === 'count' ? p.count : p.users)),
      })),
    };
  }, [events, metric]);

  return (
    <EChartsReactCore
      echarts={echarts}
      option={option}
      notMerge
      style={{ height, width: '100%' }}
      opts={{ renderer: 'canvas' }}
      aria-label="Daily usage chart"
      role="img"
    />
  );
}
