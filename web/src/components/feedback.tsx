import { Alert, Button, Group, Skeleton, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { ApiError, errorMessage, fieldKey } from '../api/client';

export function notifySuccess(message: string, title?: string): void {
  notifications.show({ color: 'teal', title, message, autoClose: 3500 });
}

export function notifyError(err: unknown, title = 'That did not work'): void {
  notifications.show({ color: 'red', title, message: errorMessage(err), autoClose: 7000 });
}

/** An error box with a Retry button, for failed queries. */
export function QueryError({ error, onRetry, title = 'Could not load this' }: { error: unknown; onRetry?: () => void; title?: string }) {
  return (
    <Alert color="red" variant="light" title={title}>
      <Group justify="space-between" align="center" wrap="nowrap">
        <Text size="sm">{errorMessage(error)}</Text>
        {onRetry && (
          <Button size="xs" variant="white" color="red" onClick={onRetry}>
            Retry
          </Button>
        )}
      </Group>
    </Alert>
  );
}

/** Skeleton rows shaped like a table. */
export function TableSkeleton({ rows = 8, height = 28 }: { rows?: number; height?: number }) {
  return (
    <Stack gap={10} p="sm" aria-busy aria-label="Loading">
      {Array.from({ length: rows }, (_, i) => (
        <Skeleton key={i} height={height} radius="sm" />
      ))}
    </Stack>
  );
}

/** A form's error: the message, plus any field messages that have no input beside which to show them. */
export function FormError({ error, shownFields = [] }: { error: unknown; shownFields?: string[] }) {
  if (!error) return null;
  const fields = error instanceof ApiError ? error.fields : [];
  const extra = fields.filter((f) => !shownFields.includes(fieldKey(f.path)));
  const message =
    fields.length > 0 && extra.length === 0
      ? fields.length === 1
        ? 'Check the highlighted field.'
        : 'Check the highlighted fields.'
      : errorMessage(error);
  return (
    <Alert color="red" variant="light" role="alert">
      <Text size="sm">{message}</Text>
      {extra.map((f) => (
        <Text size="sm" key={f.path}>
          {f.path}: {f.message}
        </Text>
      ))}
    </Alert>
  );
}
