import { Anchor, Button, Card, Group, SegmentedControl, Select, Stack, Switch, Table, Text, Title, UnstyledButton } from '@mantine/core';
import { type ReactNode, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { QueryError, TableSkeleton } from '../components/feedback';
import { relative } from '../components/format';
import { Icon } from '../components/icons';
import { type EscalationFilter, SEVERITIES, type Severity, STATUSES, statusLabel, type EscalationStatus, useEscalations } from './api';
import { EscalationDrawer, SeverityBadge, StatusBadge } from './EscalationDrawer';

type StatusFilter = EscalationStatus | 'active' | 'all';

/** Every escalation across the book: filter by status, severity and "mine", sort by the headers. */
export default function EscalationsPage() {
  const [params, setParams] = useSearchParams();
  const status = (params.get('status') ?? 'active') as StatusFilter;
  const severity = params.get('severity') as Severity | null;
  const mine = params.get('mine') === 'true';
  const sort = params.get('sort') ?? '-createdAt';
  const [shown, setShown] = useState<string | null>(null);
  const set = (key: string, value: string | null, fallback?: string) => {
    const next = new URLSearchParams(params);
    if (value === null || value === fallback) next.delete(key);
    else next.set(key, value);
    setParams(next, { replace: true });
  };
  const filter: EscalationFilter = { status: status === 'all' ? undefined : status, severity: severity ?? undefined, mine, sort };
  const list = useEscalations(filter);
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];

  const header = (key: string, label: string): ReactNode => {
    const dir = sort === key ? 'asc' : sort === `-${key}` ? 'desc' : null;
    return (
      <Table.Th data-sortable="true" aria-sort={dir === 'asc' ? 'ascending' : dir === 'desc' ? 'descending' : 'none'}>
        <UnstyledButton fz="sm" fw={600} onClick={() => set('sort', dir === 'desc' ? key : `-${key}`, '-createdAt')}>
          <Group gap={4} wrap="nowrap">
            {label}
            <span style={{ opacity: dir ? 1 : 0.35, display: 'inline-flex' }}>
              <Icon name={dir === 'asc' ? 'sortUp' : dir === 'desc' ? 'sortDown' : 'sortNone'} size={14} />
            </span>
          </Group>
        </UnstyledButton>
      </Table.Th>
    );
  };

  return (
    <Stack gap="md">
      <div>
        <Title order={2}>Escalations</Title>
        <Text c="dimmed" size="sm">
          Each one is owned by a team of at least two roles. Open one from its account.
        </Text>
      </div>
      <Group gap="md" align="flex-end">
        <SegmentedControl
          aria-label="Status"
          value={status}
          onChange={(v) => set('status', v, 'active')}
          data={[{ value: 'active', label: 'Active' }, ...STATUSES.map((s) => ({ value: s, label: statusLabel[s] })), { value: 'all', label: 'All' }]}
        />
        <Select
          aria-label="Severity"
          placeholder="Any severity"
          data={SEVERITIES.map((s) => ({ value: s, label: s }))}
          value={severity}
          onChange={(v) => set('severity', v)}
          clearable
          w={160}
        />
        <Switch label="Mine" checked={mine} onChange={(e) => set('mine', e.currentTarget.checked ? 'true' : null)} />
      </Group>
      <Card padding={0}>
        {list.isPending && <TableSkeleton rows={5} />}
        {list.isError && <QueryError error={list.error} onRetry={() => void list.refetch()} />}
        {list.data && items.length === 0 && (
          <Text c="dimmed" size="sm" ta="center" py="xl">
            No escalations match.
          </Text>
        )}
        {items.length > 0 && (
          <Table.ScrollContainer minWidth={860}>
            <Table className="canopy-table" highlightOnHover verticalSpacing="sm" aria-label="Escalations">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Escalation</Table.Th>
                  <Table.Th>Account</Table.Th>
                  {header('severity', 'Severity')}
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Team</Table.Th>
                  {header('createdAt', 'Opened')}
                  {header('updatedAt', 'Updated')}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((e) => (
                  <Table.Tr key={e.id} data-escalation-id={e.id} style={{ cursor: 'pointer' }} onClick={() => setShown(e.id)}>
                    <Table.Td fw={500}>{e.title}</Table.Td>
                    <Table.Td>
                      <Anchor component={Link} to={`/accounts/${e.accountId}`} size="sm" onClick={(ev) => ev.stopPropagation()}>
                        {e.accountName}
                      </Anchor>
                    </Table.Td>
                    <Table.Td><SeverityBadge severity={e.severity} /></Table.Td>
                    <Table.Td><StatusBadge status={e.status} /></Table.Td>
                    <Table.Td>
                      <Text size="sm" lineClamp={1}>{e.members.map((m) => m.name).join(', ')}</Text>
                    </Table.Td>
                    <Table.Td className="nowrap">{relative(e.createdAt)}</Table.Td>
                    <Table.Td className="nowrap">{relative(e.updatedAt)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        {list.hasNextPage && (
          <Group justify="center" p="sm">
            <Button variant="subtle" size="xs" loading={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
              Load more
            </Button>
          </Group>
        )}
      </Card>
      <EscalationDrawer id={shown} onClose={() => setShown(null)} />
    </Stack>
  );
}
