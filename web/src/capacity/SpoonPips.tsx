import { Group, Text, Tooltip } from '@mantine/core';
import { spoonPips } from './logic';

/**
 * Spoons as pips: filled for what is left, hollow for what is used, red-crossed for an overload
 * (asks beyond the capacity). The words beside them say the same for screen readers and tests.
 */
export function SpoonPips({ capacity, used, cost = 0, lowered = 0, size = 14 }: { capacity: number; used: number; cost?: number; lowered?: number; size?: number }) {
  const pips = spoonPips(capacity, used, cost, lowered);
  const left = capacity - used;
  const words = `${left >= 0 ? `${left} of ${capacity} spoons left` : `${-left} over the capacity of ${capacity}`}${lowered > 0 ? ` (lowered by ${lowered})` : ''}`;
  return (
    <Tooltip label={cost > 0 ? `${words}; this ask costs ${cost}` : words} withArrow>
      <Group gap={3} wrap="wrap" aria-label={words} role="img" data-testid="spoon-pips" data-left={left}>
        {pips.map((p, i) => (
          <span
            key={i}
            style={{
              width: size,
              height: size,
              borderRadius: '50%',
              display: 'inline-block',
              boxSizing: 'border-box',
              border: `2px ${p === 'lowered' ? 'dashed' : 'solid'} ${p === 'over' ? 'var(--mantine-color-red-6)' : p === 'ask' ? 'var(--mantine-color-orange-6)' : p === 'lowered' ? 'var(--mantine-color-gray-5)' : 'var(--mantine-color-teal-6)'}`,
              background:
                p === 'left' ? 'var(--mantine-color-teal-5)' : p === 'ask' ? 'repeating-linear-gradient(45deg, var(--mantine-color-orange-3) 0 3px, transparent 3px 6px)' : p === 'over' ? 'var(--mantine-color-red-1)' : 'transparent',
            }}
          />
        ))}
        {pips.length === 0 && (
          <Text size="xs" c="dimmed">
            No capacity this period
          </Text>
        )}
      </Group>
    </Tooltip>
  );
}
