import { Anchor, Badge, Button, Card, Code, EmptyState, Group, SegmentedControl, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import { can, useMe } from '../api/auth';
import { type RaisedFilters, useFailureModes, useRaisedRisks } from '../api/risk';
import { QueryError, TableSkeleton } from '../components/feedback';
import { count, money, relative } from '../components/format';
import { Icon } from '../components/icons';
import { STATUS_META } from './FailureModesPanel';
import { FailureModeModal } from './FailureModeModal';
import type { FailureMode } from './schemas';

const STATUS_FILTERS = ['live', 'open', 'mitigating', 'resolved', 'accepted'] as const;

/** The risk register: the failure modes the team knows, each with its playbook, and the risks raised on accounts. */
export default function RegisterPage() {
  const me = useMe();
  const modes = useFailureModes();
  const [status, setStatus] = useState<(typeof STATUS_FILTERS)[number]>('live');
  const filters: RaisedFilters = { status };
  const raised = useRaisedRisks(filters);
  const [editing, setEditing] = useState<FailureMode | 'new' | null>(null);
  const editable = can.audit(me) && (modes.data?.canEdit ?? true);
  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2}>Risk register</Title>
          <Text size="sm" c="dimmed">
            The ways accounts are lost that the team knows, the signals that point at each, and the playbook that handles it.{' '}
            {editable ? '' : 'Admins and managers edit the register.'}
          </Text>
        </div>
        {editable && (
          <Button leftSection={<Icon name="plus" size={16} />} onClick={() => setEditing('new')}>
            New failure mode
          </Button>
        )}
      </Group>
      <Card padding={0}>
        {modes.isPending && <TableSkeleton rows={6} />}
        {modes.isError && <QueryError error={modes.error} onRetry={() => void modes.refetch()} />}
        {modes.data && modes.data.items.length === 0 && (
          <EmptyState py={40} title="No failure modes yet" description={editable ? 'Add the ways your team has lost accounts, and link each to a playbook.' : 'Ask an admin or a manager to fill the register.'} />
        )}
        {modes.data && modes.data.items.length > 0 && (
          <Table.ScrollContainer minWidth={860}>
            <Table className="canopy-table" verticalSpacing="sm" data-testid="failure-modes-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Failure mode</Table.Th>
                  <Table.Th>Signal kinds</Table.Th>
                  <Table.Th>Playbook</Table.Th>
                  <Table.Th>Owner team</Table.Th>
                  <Table.Th style={{ textAlign: 'right' }}>Live risks</Table.Th>
                  {editable && <Table.Th />}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {modes.data.items.map((m) => (
                  <Table.Tr key={m.id} data-failure-mode-id={m.id}>
                    <Table.Td maw={320}>
                      <Text size="sm" fw={600}>
                        {m.name}
                      </Text>
                      {m.description && (
                        <Text size="xs" c="dimmed" lineClamp={2}>
                          {m.description}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Group gap={4}>
                        {m.signalKinds.length === 0 ? (
                          <Text size="xs" c="dimmed">
                            none
                          </Text>
                        ) : (
                          m.signalKinds.map((k) => (
                            <Badge key={k.kind} size="sm" variant="outline" color="gray" tt="none" radius="sm">
                              {k.label ?? k.kind}
                            </Badge>
                          ))
                        )}
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      {m.playbook ? (
                        <Anchor component={Link} to={`/playbooks/${m.playbook.id}`} size="sm">
                          {m.playbook.name}
                        </Anchor>
                      ) : (
                        <Text size="sm" c="orange.8">
                          No playbook yet
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>{m.ownerTeam?.name ?? <Text size="sm" c="dimmed">—</Text>}</Table.Td>
                    <Table.Td style={{ textAlign: 'right' }} className="canopy-num">
                      {count(m.liveRisks ?? 0)}
                    </Table.Td>
                    {editable && (
                      <Table.Td>
                        <Button size="compact-xs" variant="subtle" onClick={() => setEditing(m)}>
                          Edit
                        </Button>
                      </Table.Td>
                    )}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Card>
      <Card padding="lg">
        <Group justify="space-between" mb="sm" wrap="wrap">
          <Title order={4}>Raised risks</Title>
          <SegmentedControl
            aria-label="Status"
            size="xs"
            value={status}
            onChange={(v) => setStatus(v as typeof status)}
            data={STATUS_FILTERS.map((s) => ({ value: s, label: s === 'live' ? 'Open or mitigating' : STATUS_META[s].label }))}
          />
        </Group>
        {raised.isPending && <TableSkeleton rows={4} />}
        {raised.isError && <QueryError error={raised.error} onRetry={() => void raised.refetch()} />}
        {raised.data && raised.data.length === 0 && (
          <Text size="sm" c="dimmed">
            No risks with this status. A risk is raised from an account’s Risk card (Start playbook on a failure mode) or by <Code>POST /api/accounts/:id/risks</Code>.
          </Text>
        )}
        {raised.data && raised.data.length > 0 && (
          <Table.ScrollContainer minWidth={760}>
            <Table className="canopy-table" verticalSpacing="xs" data-testid="raised-risks-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Account</Table.Th>
                  <Table.Th>Risk</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th style={{ textAlign: 'right' }}>ARR at risk</Table.Th>
                  <Table.Th>Owner team</Table.Th>
                  <Table.Th>Playbook</Table.Th>
                  <Table.Th>Raised</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {raised.data.map((r) => (
                  <Table.Tr key={r.id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/accounts/${r.accountId}`} size="sm" fw={600}>
                        {r.accountName ?? 'Account'}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{r.title || r.failureMode?.name}</Table.Td>
                    <Table.Td>
                      <Badge color={STATUS_META[r.status].color} variant="light" tt="none">
                        {STATUS_META[r.status].label}
                      </Badge>
                    </Table.Td>
                    <Table.Td style={{ textAlign: 'right' }} className="canopy-num">
                      {r.arrAtRisk === null || r.arrAtRisk === undefined ? '—' : money(r.arrAtRisk)}
                    </Table.Td>
                    <Table.Td>{r.ownerTeam?.name ?? '—'}</Table.Td>
                    <Table.Td>{r.playbookRun ? r.playbookRun.status : r.failureMode?.playbook ? 'not started' : '—'}</Table.Td>
                    <Table.Td>{relative(r.createdAt)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Card>
      {editing && <FailureModeModal key={editing === 'new' ? 'new' : editing.id} mode={editing === 'new' ? null : editing} opened onClose={() => setEditing(null)} />}
    </Stack>
  );
}
