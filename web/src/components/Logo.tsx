import { Group, Text } from '@mantine/core';

export function Logo({ size = 28, withText = false }: { size?: number; withText?: boolean }) {
  const mark = (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden>
      <rect width="32" height="32" rx="8" fill="var(--mantine-color-teal-6)" />
      <path d="M16 6c-5 0-9 3.6-9 8.2 0 2.9 1.7 5.4 4.3 6.8h9.4c2.6-1.4 4.3-3.9 4.3-6.8C25 9.6 21 6 16 6z" fill="#fff" />
      <rect x="14.5" y="20" width="3" height="7" rx="1.5" fill="#fff" />
    </svg>
  );
  if (!withText) return mark;
  return (
    <Group gap={8} wrap="nowrap">
      {mark}
      <Text fw={700} size="lg" style={{ letterSpacing: '-0.01em' }}>
        Canopy
      </Text>
    </Group>
  );
}
