import { Card, Text } from '@mantine/core';

/** A card for a capability that has not shipped yet: says what will appear, shows no fake data. */
export function PlaceholderCard({ title, children }: { title: string; children: string }) {
  return (
    <Card withBorder radius="md" padding="sm" bg="var(--mantine-color-gray-light)" style={{ borderStyle: 'dashed' }}>
      <Text fw={600} size="sm" c="dimmed">
        {title}
      </Text>
      <Text size="xs" c="dimmed" mt={2}>
        {children}
      </Text>
    </Card>
  );
}
