import { Anchor, Badge, Button, Card, Code, EmptyState, Group, Progress, Stack, Table, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { useMe } from '../api/auth';
import { QueryError, TableSkeleton } from '../components/feedback';
import { count, formatDateTime } from '../components/format';
import { Icon } from '../components/icons';
import { type ImportItem, isTerminal, useImports } from './api';
import { formatBytes, percentDone } from './logic';

export const STATUS_COLOR: Record<string, string> = {
  queued: 'gray',
  running: 'blue',
  done: 'teal',
  completed: 'teal',
  succeeded: 'teal',
  finished: 'teal',
  failed: 'red',
  cancelled: 'orange',
  canceled: 'orange',
};

export function StatusBadge({ status, dryRun }: { status: string; dryRun?: boolean | undefined }) {
  return (
    <Group gap={4} wrap="nowrap">
      <Badge variant="light" color={STATUS_COLOR[status] ?? 'gray'} radius="sm" tt="none" data-status={status}>
        {status}
      </Badge>
      {dryRun && (
        <Badge variant="outline" color="gray" radius="sm" tt="none">
          dry run
        </Badge>
      )}
    </Group>
  );
}

export function who(i: ImportItem): string {
  if (i.createdByName) return i.createdByName;
  if (typeof i.createdBy === 'string') return i.createdBy;
  if (i.createdBy && typeof i.createdBy === 'object') return i.createdBy.name ?? i.createdBy.email ?? '—';
  return '—';
}

export default function ImportsPage() {
  const me = useMe();
  const list = useImports();
  const mayImport = me.role === 'admin' || me.role === 'manager';
  const items = list.data ?? [];

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2}>Imports</Title>
          <Text c="dimmed" size="sm">
            Bring accounts, contacts, subscriptions, activities, outcomes and usage in from CSV: map the columns, check a dry run, then import
          </Text>
        </div>
        {mayImport && (
          <Button component={Link} to="/imports/new" leftSection={<Icon name="plus" size={16} />}>
            New import
          </Button>
        )}
      </Group>
      {list.isError && <QueryError error={list.error} onRetry={() => void list.refetch()} />}
      <Card padding={0}>
        {list.isPending && <TableSkeleton rows={5} />}
        {list.data && items.length === 0 && (
          <EmptyState
            py={48}
            title="No imports yet"
            description={
              <>
                {mayImport ? 'Start with “New import”: choose what the file holds, upload it, and check the dry run before anything is written.' : 'Admins and managers import; ask one of them to bring your book in.'}{' '}
                Sample files to try are in <Code>docs/sample-export/</Code>, imported step by step in <Code>docs/import-example.md</Code>.
              </>
            }
          >
            {mayImport && (
              <EmptyState.Actions>
                <Button component={Link} to="/imports/new" leftSection={<Icon name="plus" size={16} />}>
                  New import
                </Button>
              </EmptyState.Actions>
            )}
          </EmptyState>
        )}
        {items.length > 0 && (
          <Table.ScrollContainer minWidth={860}>
            <Table className="canopy-table" verticalSpacing="sm" aria-label="Imports" data-testid="imports-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>File</Table.Th>
                  <Table.Th>Kind</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th ta="right">Created</Table.Th>
                  <Table.Th ta="right">Updated</Table.Th>
                  <Table.Th ta="right">Skipped</Table.Th>
                  <Table.Th ta="right">Errors</Table.Th>
                  <Table.Th>Who, when</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((i) => {
                  const pct = percentDone(i.progress.bytes, i.progress.totalBytes);
                  return (
                    <Table.Tr key={i.id} data-import-id={i.id}>
                      <Table.Td>
                        <Anchor component={Link} to={`/imports/${i.id}`} size="sm" fw={600}>
                          {i.fileName ?? i.id.slice(0, 8)}
                        </Anchor>
                        {i.progress.totalBytes ? (
                          <Text size="xs" c="dimmed">
                            {formatBytes(i.progress.totalBytes)}
                          </Text>
                        ) : null}
                      </Table.Td>
                      <Table.Td>{i.kind}</Table.Td>
                      <Table.Td>
                        <Stack gap={4}>
                          <StatusBadge status={i.status} dryRun={i.dryRun} />
                          {!isTerminal(i.status) && <Progress value={pct ?? 5} animated={pct === null} size="sm" w={120} aria-label={`Progress of ${i.fileName ?? 'import'}`} />}
                        </Stack>
                      </Table.Td>
                      <Table.Td ta="right" className="canopy-num">{count(i.counts.created)}</Table.Td>
                      <Table.Td ta="right" className="canopy-num">{count(i.counts.updated)}</Table.Td>
                      <Table.Td ta="right" className="canopy-num">{count(i.counts.skipped)}</Table.Td>
                      <Table.Td ta="right" className="canopy-num" c={i.counts.errors > 0 ? 'red.7' : undefined}>
                        {count(i.counts.errors)}
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">{who(i)}</Text>
                        <Text size="xs" c="dimmed">
                          {formatDateTime(i.createdAt ?? i.startedAt ?? null)}
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Card>
    </Stack>
  );
}
