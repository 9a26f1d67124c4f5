import { Button, Center, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';

export function NotFound({ message = 'There is nothing at this address.' }: { message?: string }) {
  return (
    <Center py={80}>
      <Stack align="center" gap="xs">
        <Title order={3}>Not here</Title>
        <Text c="dimmed">{message}</Text>
        <Button component={Link} to="/" variant="light" mt="sm">
          Back to the portfolio
        </Button>
      </Stack>
    </Center>
  );
}
