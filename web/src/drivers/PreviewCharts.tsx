import { Group, Progress, Stack, Text } from '@mantine/core';
import { useMemo } from 'react';
import type { Preview } from '../api/healthTypes';
import { AXIS, Chart, type ChartOption } from '../components/Chart';
import { count } from '../components/format';
import { bandColor, bandOf, compact } from '../components/health';

/** Accounts per value bucket. */
export function PreviewHistogram({ histogram, percentValues }: { histogram: Preview['histogram']; percentValues: boolean }) {
  const option = useMemo<ChartOption>(() => {
    const fmt = (n: number) => (percentValues ? `${compact(n)}%` : compact(n));
    const labels = histogram.map((b) => `${fmt(b.from)}–${fmt(b.to)}`);
    return {
      animationDuration: 300,
      grid: { left: 4, right: 8, top: 12, bottom: 4, containLabel: true },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, formatter: (p: unknown) => {
        const first = Array.isArray(p) ? (p[0] as { dataIndex: number; value: number }) : null;
        return first ? `${labels[first.dataIndex] ?? ''}: <b>${first.value}</b> accounts` : '';
      } },
      xAxis: {
        type: 'category',
        data: labels,
        axisTick: { show: false },
        axisLine: AXIS.line,
        axisLabel: { ...AXIS.label, hideOverlap: true, rotate: histogram.length > 8 ? 30 : 0 },
      },
      yAxis: { type: 'value', minInterval: 1, axisLabel: AXIS.label, splitLine: AXIS.split },
      series: [{ type: 'bar', data: histogram.map((b) => b.count), barMaxWidth: 36, itemStyle: { color: '#339af0', borderRadius: [3, 3, 0, 0] } }],
    };
  }, [histogram, percentValues]);
  return <Chart option={option} height={180} label="Histogram of driver values" testId="preview-histogram" />;
}

/** Accounts per score level (one bar per threshold score, and 0). */
export function ScoreLevels({ scores, total }: { scores: Preview['scores']; total: number }) {
  const sorted = [...scores].sort((a, b) => b.score - a.score);
  return (
    <Stack gap={6} data-testid="preview-scores">
      {sorted.map((s) => (
        <Group key={s.score} gap="xs" wrap="nowrap" data-score={s.score} data-count={s.count}>
          <Text size="xs" w={64} className="canopy-num" c="dimmed">
            score {s.score}
          </Text>
          <Progress
            value={total > 0 ? (s.count / total) * 100 : 0}
            color={bandColor[bandOf(s.score)]}
            style={{ flex: 1 }}
            size="md"
            aria-label={`Score ${s.score}`}
          />
          <Text size="xs" w={40} ta="right" className="canopy-num" fw={500}>
            {count(s.count)}
          </Text>
        </Group>
      ))}
    </Stack>
  );
}
