import { Anchor, Card, Group, Stack, Text, Title } from '@mantine/core';
import { Link, useParams } from 'react-router';
import { QueryError, TableSkeleton } from '../components/feedback';
import { formatDateTime } from '../components/format';
import { isTerminal, useImport } from './api';
import { ImportProgress } from './ImportProgress';
import { ImportRows } from './ImportRows';
import { StatusBadge, who } from './ImportsPage';
import { formatBytes } from './logic';

/** One import: who, when, what file; its progress while it runs; its rows and rejected rows after. */
export default function ImportPage() {
  const { id = '' } = useParams();
  const item = useImport(id);
  const i = item.data;
  return (
    <Stack gap="md">
      <div>
        <Anchor component={Link} to="/imports" size="sm">
          ← Imports
        </Anchor>
        <Title order={2} style={{ overflowWrap: 'anywhere' }}>
          {i?.fileName ?? 'Import'}
        </Title>
        {i && (
          <Group gap="xs" wrap="wrap">
            <StatusBadge status={i.status} dryRun={i.dryRun} />
            <Text size="sm" c="dimmed">
              {i.kind}
              {i.mode ? ` · ${i.mode}` : ''}
              {i.onError ? ` · on error: ${i.onError}` : ''}
              {i.progress.totalBytes ? ` · ${formatBytes(i.progress.totalBytes)}` : ''}
              {i.encoding ? ` · ${i.encoding}` : ''} · {who(i)}, {formatDateTime(i.createdAt ?? i.startedAt ?? null)}
            </Text>
          </Group>
        )}
      </div>
      {item.isError && <QueryError error={item.error} onRetry={() => void item.refetch()} />}
      {item.isPending && <TableSkeleton rows={4} />}
      {i && (
        <Card padding="lg">
          <Stack gap="lg">
            <ImportProgress item={i} at={item.dataUpdatedAt} />
            {isTerminal(i.status) && <ImportRows item={i} dry={i.dryRun} />}
          </Stack>
        </Card>
      )}
    </Stack>
  );
}
