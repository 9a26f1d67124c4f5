import { useMemo } from 'react';
import { AXIS, Chart, type ChartOption } from '../components/Chart';
import { familyLabel, LEVEL_META } from './logic';
import type { RiskLevel, Signal } from './schemas';

const FAMILY_HEX: Record<string, string> = {
  usage: '#1c7ed6',
  relationship: '#ae3ec9',
  sentiment: '#f76707',
  support: '#e64980',
  delivery: '#0ca678',
  commercial: '#f59f00',
  engagement: '#495057',
  other: '#868e96',
};

/**
 * A waterfall: each signal's points start where the previous one ended, and the last bar is the
 * score itself, so the eye sees the story add up (an invisible base bar carries the offset).
 */
export function ContributionsChart({ signals, score, level }: { signals: Signal[]; score: number; level: RiskLevel }) {
  const option = useMemo<ChartOption>(() => {
    const names = [...signals.map((s) => s.label || s.kind), 'Score'];
    let run = 0;
    const base: number[] = [];
    const bars: { value: number; itemStyle: { color: string } }[] = [];
    for (const s of signals) {
      base.push(run);
      bars.push({ value: s.contribution, itemStyle: { color: FAMILY_HEX[s.family] ?? '#868e96' } });
      run += s.contribution;
    }
    base.push(0);
    bars.push({ value: score, itemStyle: { color: LEVEL_META[level].hex } });
    return {
      grid: { left: 8, right: 36, top: 4, bottom: 4, containLabel: true },
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        formatter: (p: unknown) => {
          const i = (p as { dataIndex: number }[])[0]?.dataIndex ?? 0;
          const s = signals[i];
          return s ? `${s.label || s.kind} (${familyLabel(s.family)}): +${s.contribution} points` : `Score: ${score}`;
        },
      },
      xAxis: { type: 'value', min: 0, max: Math.max(10, Math.ceil(score / 10) * 10), axisLine: AXIS.line, axisLabel: AXIS.label, splitLine: AXIS.split },
      yAxis: { type: 'category', inverse: true, data: names, axisLine: AXIS.line, axisLabel: { ...AXIS.label, width: 150, overflow: 'truncate' } },
      series: [
        { name: 'offset', type: 'bar', stack: 'w', silent: true, itemStyle: { color: 'transparent' }, data: base, barMaxWidth: 16 },
        {
          name: 'Points',
          type: 'bar',
          stack: 'w',
          barMaxWidth: 16,
          data: bars,
          label: { show: true, position: 'right', fontSize: 11, color: '#495057', formatter: (v: { dataIndex: number; value: unknown }) => (v.dataIndex < signals.length ? `+${String(v.value)}` : `= ${String(v.value)}`) },
        },
      ],
    };
  }, [signals, score, level]);
  const words = `${signals.map((s) => `${s.label || s.kind} +${s.contribution}`).join(', ')} = ${score}`;
  return <Chart option={option} height={Math.max(90, 28 * (signals.length + 1) + 16)} label={`Contributions to the risk score: ${words}`} testId="risk-contributions-chart" />;
}
