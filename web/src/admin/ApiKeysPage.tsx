import { Badge, Button, Card, Code, Group, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import { useState } from 'react';
import { useApiKeys, useRevokeApiKey } from '../api/admin';
import type { ApiKey } from '../api/types';
import { ConfirmModal } from '../components/ConfirmModal';
import { notifyError, notifySuccess, QueryError, TableSkeleton } from '../components/feedback';
import { formatDateTime, formatDay, relative, roleLabel } from '../components/format';
import { Icon } from '../components/icons';
import { CreateKeyModal } from './CreateKeyModal';

export default function ApiKeysPage() {
  const keys = useApiKeys();
  const revoke = useRevokeApiKey();
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);

  const confirmRevoke = () => {
    if (!revoking) return;
    revoke.mutate(revoking.id, {
      onSuccess: () => {
        notifySuccess(`“${revoking.name}” revoked; requests with it now fail`);
        setRevoking(null);
      },
      onError: (err) => notifyError(err, 'Could not revoke the key'),
    });
  };

  const sorted = [...(keys.data ?? [])].sort(
    (a, b) => Number(a.revokedAt !== null) - Number(b.revokedAt !== null) || b.createdAt.localeCompare(a.createdAt),
  );

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2}>API keys</Title>
          <Text c="dimmed" size="sm">
            Write keys send product events (Segment spec); REST keys use the API. Canopy stores only a hash.
          </Text>
        </div>
        <Button leftSection={<Icon name="plus" size={16} />} onClick={() => setCreating(true)}>
          Create key
        </Button>
      </Group>
      {keys.isError && <QueryError error={keys.error} onRetry={() => void keys.refetch()} />}
      <Card padding={0}>
        {keys.isPending && <TableSkeleton rows={4} />}
        {keys.data && keys.data.length === 0 && (
          <Text c="dimmed" size="sm" ta="center" py="xl">
            No API keys yet. Create a write key to start sending product usage.
          </Text>
        )}
        {sorted.length > 0 && (
          <Table.ScrollContainer minWidth={820}>
            <Table className="canopy-table" highlightOnHover verticalSpacing="sm" horizontalSpacing="md">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Kind</Table.Th>
                  <Table.Th>Role</Table.Th>
                  <Table.Th>Prefix</Table.Th>
                  <Table.Th>Created</Table.Th>
                  <Table.Th>Last used</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {sorted.map((k) => (
                  <Table.Tr key={k.id} style={{ opacity: k.revokedAt ? 0.6 : 1 }}>
                    <Table.Td fw={500}>{k.name}</Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={k.kind === 'write' ? 'blue' : 'grape'} radius="sm">
                        {k.kind === 'write' ? 'Write' : 'REST'}
                      </Badge>
                    </Table.Td>
                    <Table.Td>{k.role ? roleLabel[k.role] : <Text span c="dimmed" size="sm">—</Text>}</Table.Td>
                    <Table.Td>
                      <Code>{k.prefix}…</Code>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{formatDay(k.createdAt)}</Text>
                      {k.createdByName && (
                        <Text size="xs" c="dimmed">
                          by {k.createdByName}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Tooltip label={formatDateTime(k.lastUsedAt)} disabled={!k.lastUsedAt} openDelay={400}>
                        <Text span size="sm" c={k.lastUsedAt ? undefined : 'dimmed'}>
                          {k.lastUsedAt ? relative(k.lastUsedAt) : 'Never'}
                        </Text>
                      </Tooltip>
                    </Table.Td>
                    <Table.Td>
                      {k.revokedAt ? (
                        <Tooltip label={`Revoked ${formatDateTime(k.revokedAt)}`}>
                          <Badge variant="dot" color="gray" tt="none" fw={500}>
                            Revoked
                          </Badge>
                        </Tooltip>
                      ) : (
                        <Badge variant="dot" color="teal" tt="none" fw={500}>
                          Active
                        </Badge>
                      )}
                    </Table.Td>
                    <Table.Td ta="right">
                      {!k.revokedAt && (
                        <Button size="compact-sm" variant="subtle" color="red" onClick={() => setRevoking(k)}>
                          Revoke
                        </Button>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Card>
      <CreateKeyModal opened={creating} onClose={() => setCreating(false)} />
      <ConfirmModal
        opened={revoking !== null}
        title="Revoke API key?"
        confirmLabel="Revoke key"
        loading={revoke.isPending}
        onConfirm={confirmRevoke}
        onClose={() => setRevoking(null)}
      >
        Anything still using “{revoking?.name}” ({revoking?.prefix}…) is refused from now on. This cannot be undone.
      </ConfirmModal>
    </Stack>
  );
}
