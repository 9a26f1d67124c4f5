import { Anchor, Badge, Button, Card, Group, Stack, Switch, Table, Text, Title, Tooltip } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import { can, useMe } from '../api/auth';
import { usePlaybooks } from '../api/playbooks';
import { QueryError, TableSkeleton } from '../components/feedback';
import { formatDateTime, relative } from '../components/format';
import { Icon } from '../components/icons';
import { stepKindLabel } from './labels';

export default function PlaybooksPage() {
  const me = useMe();
  const editable = can.audit(me);
  const [archived, setArchived] = useState(false);
  const playbooks = usePlaybooks(archived);

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2}>Playbooks</Title>
          <Text c="dimmed" size="sm">
            A play for every failure mode: tasks, e-mails, waits and webhooks that run in order on an account
          </Text>
        </div>
        <Group gap="md">
          <Switch size="sm" label="Show archived" checked={archived} onChange={(e) => setArchived(e.currentTarget.checked)} />
          {editable && (
            <Button component={Link} to="/playbooks/new" leftSection={<Icon name="plus" size={16} />}>
              New playbook
            </Button>
          )}
        </Group>
      </Group>
      {playbooks.isError && <QueryError error={playbooks.error} onRetry={() => void playbooks.refetch()} />}
      <Card padding={0}>
        {playbooks.isPending && <TableSkeleton rows={4} height={40} />}
        {playbooks.data?.length === 0 && (
          <Text c="dimmed" ta="center" py={48} px="md">
            No playbooks yet.{' '}
            {editable ? 'Start with the failure mode you see most: a stalled onboarding, a silent champion, a renewal at risk.' : 'Admins and managers build them.'}
          </Text>
        )}
        {playbooks.data && playbooks.data.length > 0 && (
          <Table.ScrollContainer minWidth={860}>
            <Table className="canopy-table" highlightOnHover verticalSpacing="sm" horizontalSpacing="md" aria-label="Playbooks">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Playbook</Table.Th>
                  <Table.Th>Steps</Table.Th>
                  <Table.Th>Version</Table.Th>
                  <Table.Th ta="right">Running</Table.Th>
                  <Table.Th ta="right">Completed</Table.Th>
                  <Table.Th ta="right">Cancelled</Table.Th>
                  <Table.Th>Updated</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {playbooks.data.map((p) => (
                  <Table.Tr key={p.id} data-playbook-id={p.id} style={{ opacity: p.archived ? 0.6 : 1 }}>
                    <Table.Td maw={380}>
                      <Group gap="xs">
                        <Anchor component={Link} to={`/playbooks/${p.id}`} fw={600} size="sm" c="var(--mantine-color-text)">
                          {p.name}
                        </Anchor>
                        {p.archived && (
                          <Badge size="xs" color="gray">
                            Archived
                          </Badge>
                        )}
                      </Group>
                      {p.description && (
                        <Text size="xs" c="dimmed" lineClamp={2}>
                          {p.description}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        {p.steps.map((s, i) => (
                          <Badge key={i} size="xs" variant="light" color="gray" radius="sm" tt="none">
                            {stepKindLabel[s.kind]}
                          </Badge>
                        ))}
                      </Group>
                    </Table.Td>
                    <Table.Td className="canopy-num">v{p.version}</Table.Td>
                    <Table.Td ta="right" className="canopy-num" fw={p.runs.running ? 600 : 400}>
                      {p.runs.running}
                    </Table.Td>
                    <Table.Td ta="right" className="canopy-num">
                      {p.runs.completed}
                    </Table.Td>
                    <Table.Td ta="right" className="canopy-num">
                      {p.runs.cancelled}
                    </Table.Td>
                    <Table.Td className="nowrap">
                      <Tooltip label={formatDateTime(p.updatedAt)} openDelay={300}>
                        <Text span size="sm">
                          {relative(p.updatedAt)}
                        </Text>
                      </Tooltip>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Card>
    </Stack>
  );
}
