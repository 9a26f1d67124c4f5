import { BarChart, type BarSeriesOption, LineChart, type LineSeriesOption, PieChart, type PieSeriesOption } from 'echarts/charts';
import {
  GridComponent,
  type GridComponentOption,
  LegendComponent,
  type LegendComponentOption,
  MarkAreaComponent,
  type MarkAreaComponentOption,
  MarkLineComponent,
  type MarkLineComponentOption,
  TooltipComponent,
  type TooltipComponentOption,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import EChartsReactCore from 'echarts-for-react/esm/core';
import { formatShortDay } from './format';

echarts.use([
  BarChart,
  LineChart,
  PieChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  CanvasRenderer,
]);

export type ChartOption = echarts.ComposeOption<
  | BarSeriesOption
  | LineSeriesOption
  | PieSeriesOption
  | GridComponentOption
  | TooltipComponentOption
  | LegendComponentOption
  | MarkAreaComponentOption
  | MarkLineComponentOption
>;

export const AXIS = {
  line: { lineStyle: { color: '#dee2e6' } },
  label: { color: '#868e96', fontSize: 11 },
  split: { lineStyle: { color: '#f1f3f5' } },
};

/** "2026-03-04" → "Mar 4" (the formatter's short day). */
export const shortDay = (value: string): string => formatShortDay(value);

interface Props {
  option: ChartOption;
  height: number;
  label: string;
  testId?: string;
}

/** An ECharts canvas with the chart types the app uses; `label` names it for screen readers and tests. */
export function Chart({ option, height, label, testId }: Props) {
  return (
    <div role="img" aria-label={label} data-testid={testId}>
      <EChartsReactCore echarts={echarts} option={option} notMerge style={{ height, width: '100%' }} opts={{ renderer: 'canvas' }} />
    </div>
  );
}
