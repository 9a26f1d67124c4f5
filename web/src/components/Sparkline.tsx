import { Group, Text, Tooltip } from '@mantine/core';
import { count, percent } from './format';

interface Props {
  values: number[];
  width?: number;
  height?: number;
  color?: string;
}

/** A tiny dependency-free SVG line of daily values (oldest first). */
export function Sparkline({ values, width = 96, height = 24, color = 'var(--mantine-color-teal-6)' }: Props) {
  if (values.length < 2) return <svg width={width} height={height} aria-hidden />;
  const max = Math.max(...values, 1);
  const step = width / (values.length - 1);
  const pad = 2;
  const points = values.map((v, i) => [i * step, height - pad - (v / max) * (height - pad * 2)] as const);
  const line = points.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ');
  const area = `0,${height} ${line} ${width},${height}`;
  const total = values.reduce((a, b) => a + b, 0);
  return (
    <svg width={width} height={height} role="img" aria-label={`${count(total)} events in the last ${values.length} days`}>
      <polygon points={area} fill={color} opacity={0.12} />
      <polyline points={line} fill="none" stroke={color} strokeWidth={1.5} strokeLinejoin="round" />
    </svg>
  );
}

export function UsageCell({ usage, change }: { usage: number[]; change: number | null }) {
  const total = usage.reduce((a, b) => a + b, 0);
  const color = change === null ? 'dimmed' : change > 5 ? 'teal.7' : change < -5 ? 'red.7' : 'dimmed';
  return (
    <Tooltip label={`${count(total)} events in 30 days; change compares the last 14 days with the 14 before`} openDelay={400}>
      <Group gap={8} wrap="nowrap">
        <Sparkline values={usage} color={total === 0 ? 'var(--mantine-color-gray-5)' : undefined} />
        <Text size="xs" c={color} fw={500} w={44} ta="right">
          {change === null ? '—' : percent(change)}
        </Text>
      </Group>
    </Tooltip>
  );
}
