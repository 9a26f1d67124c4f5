import { useMemo } from 'react';
import type { Band, DriverExplanation } from '../api/healthTypes';
import { AXIS, Chart, type ChartOption } from '../components/Chart';
import { bandHex } from '../components/health';

interface Props {
  score: number;
  band: Band;
  drivers: DriverExplanation[];
}

/** A horizontal waterfall: 100 points, minus what each driver cost, down to the score. */
export function HealthExplainChart({ score, band, drivers }: Props) {
  const option = useMemo<ChartOption>(() => {
    const losing = drivers.filter((d) => d.pointsLost > 0).sort((a, b) => b.pointsLost - a.pointsLost);
    const labels = ['Full health', ...losing.map((d) => d.name), 'Health score'];
    const base: number[] = [0];
    const visible: number[] = [100];
    let left = 100;
    for (const d of losing) {
      left -= d.pointsLost;
      base.push(left);
      visible.push(d.pointsLost);
    }
    base.push(0);
    visible.push(score);
    const colors = labels.map((_, i) => (i === 0 ? '#ced4da' : i === labels.length - 1 ? bandHex[band] : '#ff8787'));
    return {
      animationDuration: 400,
      grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        formatter: (params: unknown) => {
          const list = Array.isArray(params) ? (params as { dataIndex: number }[]) : [];
          const i = list[0]?.dataIndex ?? 0;
          const name = labels[i] ?? '';
          if (i === 0) return `${name}: 100 points`;
          if (i === labels.length - 1) return `${name}: ${score}`;
          return `${name}: −${visible[i] ?? 0} points`;
        },
      },
      xAxis: { type: 'value', min: 0, max: 100, interval: 20, axisLabel: AXIS.label, splitLine: AXIS.split },
      yAxis: {
        type: 'category',
        inverse: true,
        data: labels,
        axisTick: { show: false },
        axisLine: AXIS.line,
        axisLabel: { color: '#495057', fontSize: 12, width: 170, overflow: 'truncate' },
      },
      series: [
        { type: 'bar', stack: 'w', data: base, itemStyle: { color: 'transparent' }, emphasis: { disabled: true }, silent: true },
        {
          type: 'bar',
          stack: 'w',
          barMaxWidth: 22,
          data: visible.map((v, i) => ({ value: v, itemStyle: { color: colors[i], borderRadius: 3 } })),
          label: {
            show: true,
            position: 'right',
            color: '#495057',
            fontSize: 11,
            fontWeight: 600,
            formatter: (p: { dataIndex: number; value: unknown }) =>
              p.dataIndex === 0 || p.dataIndex === labels.length - 1 ? String(p.value) : `−${String(p.value)}`,
          },
        },
      ],
    };
  }, [score, band, drivers]);

  const rows = drivers.filter((d) => d.pointsLost > 0).length + 2;
  return <Chart option={option} height={Math.max(140, rows * 34 + 24)} label="Points lost per driver" testId="health-explain-chart" />;
}
