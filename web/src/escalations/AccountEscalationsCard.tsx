import { Button, Card, Group, Stack, Text, Title, UnstyledButton } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useState } from 'react';
import { QueryError, TableSkeleton } from '../components/feedback';
import { relative } from '../components/format';
import { Icon } from '../components/icons';
import { useEscalations } from './api';
import { EscalationDrawer, SeverityBadge, StatusBadge } from './EscalationDrawer';
import { EscalationFormModal } from './EscalationFormModal';

/** The account's escalations, open ones first, and the way to open one with a team. */
export function AccountEscalationsCard({ accountId, canEdit }: { accountId: string; canEdit: boolean }) {
  const list = useEscalations({ accountId, sort: '-createdAt' });
  const [creating, create] = useDisclosure(false);
  const [shown, setShown] = useState<string | null>(null);
  const items = (list.data?.pages.flatMap((p) => p.items) ?? []).sort((a, b) => Number(a.status === 'resolved') - Number(b.status === 'resolved'));

  return (
    <Card padding="lg" data-testid="account-escalations">
      <Group justify="space-between" mb="sm" wrap="nowrap">
        <div>
          <Title order={4}>Escalations</Title>
          <Text size="sm" c="dimmed">
            Owned by a team, never one person
          </Text>
        </div>
        {canEdit && (
          <Button size="xs" variant="light" color="red" leftSection={<Icon name="plus" size={14} />} onClick={create.open}>
            Escalate
          </Button>
        )}
      </Group>
      {list.isPending && <TableSkeleton rows={2} />}
      {list.isError && <QueryError error={list.error} onRetry={() => void list.refetch()} />}
      {list.data && items.length === 0 && (
        <Text size="sm" c="dimmed" ta="center" py="sm">
          No escalations. Good.
        </Text>
      )}
      <Stack gap={4}>
        {items.slice(0, 6).map((e) => (
          <UnstyledButton key={e.id} onClick={() => setShown(e.id)} p={8} style={{ borderRadius: 6, border: "1px solid var(--mantine-color-gray-2)" }}>
            <Group justify="space-between" wrap="nowrap" gap="xs">
              <div style={{ minWidth: 0 }}>
                <Text size="sm" fw={500} truncate>
                  {e.title}
                </Text>
                <Text size="xs" c="dimmed">
                  {e.members.length} people · {e.activityCount} updates · {relative(e.lastActivityAt ?? e.createdAt)}
                </Text>
              </div>
              <Group gap={4} wrap="nowrap">
                <SeverityBadge severity={e.severity} />
                <StatusBadge status={e.status} />
              </Group>
            </Group>
          </UnstyledButton>
        ))}
      </Stack>
      <EscalationFormModal accountId={accountId} opened={creating} onClose={create.close} onCreated={setShown} />
      <EscalationDrawer id={shown} onClose={() => setShown(null)} />
    </Card>
  );
}
