import { Badge, Button, Code, Drawer, Group, SegmentedControl, Stack, Table, Text, Tooltip } from '@mantine/core';
import { useState } from 'react';
import { useDeliveries, useRedeliver, type DeliveryStatus, type Webhook } from '../api/webhooks';
import { notifyError, notifySuccess, QueryError, TableSkeleton } from '../components/feedback';
import { formatDateTime, relative } from '../components/format';

const STATUS_COLOR: Record<DeliveryStatus, string> = { pending: 'yellow', succeeded: 'teal', dead: 'red' };
const STATUS_LABEL: Record<DeliveryStatus, string> = { pending: 'Pending', succeeded: 'Delivered', dead: 'Dead' };

export function DeliveryStatusBadge({ status }: { status: DeliveryStatus }) {
  return (
    <Badge variant="light" color={STATUS_COLOR[status]} radius="sm" tt="none">
      {STATUS_LABEL[status]}
    </Badge>
  );
}

/** A webhook's delivery log: status filter, attempts, last status and error, redeliver for dead ones. */
export function DeliveryLog({ webhook, canEdit, onClose }: { webhook: Webhook | null; canEdit: boolean; onClose: () => void }) {
  return (
    <Drawer opened={webhook !== null} onClose={onClose} position="right" size="xl" title={webhook ? `Deliveries · ${webhook.name}` : ''}>
      {webhook && <DeliveryTable webhook={webhook} canEdit={canEdit} />}
    </Drawer>
  );
}

function DeliveryTable({ webhook, canEdit }: { webhook: Webhook; canEdit: boolean }) {
  const [status, setStatus] = useState<DeliveryStatus | 'all'>('all');
  const log = useDeliveries(webhook.id, status === 'all' ? null : status);
  const redeliver = useRedeliver();
  const rows = log.data?.pages.flatMap((p) => p.items) ?? [];

  const again = (id: string) =>
    redeliver.mutate(id, {
      onSuccess: (d) => {
        notifySuccess(d.status === 'succeeded' ? 'Delivered' : 'Queued again');
        void log.refetch();
      },
      onError: (err) => notifyError(err, 'Could not redeliver'),
    });

  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed" style={{ wordBreak: 'break-all' }}>
        {webhook.url}
      </Text>
      <SegmentedControl
        value={status}
        onChange={(v) => setStatus(v as DeliveryStatus | 'all')}
        data={[
          { value: 'all', label: 'All' },
          { value: 'pending', label: 'Pending' },
          { value: 'succeeded', label: 'Delivered' },
          { value: 'dead', label: 'Dead' },
        ]}
      />
      {log.isError && <QueryError error={log.error} onRetry={() => void log.refetch()} />}
      {log.isPending && <TableSkeleton rows={6} />}
      {log.data && rows.length === 0 && (
        <Text c="dimmed" size="sm" ta="center" py="xl">
          No deliveries{status === 'all' ? ' yet. Send a test to see one.' : ' with this status.'}
        </Text>
      )}
      {rows.length > 0 && (
        <Table.ScrollContainer minWidth={720}>
          <Table className="canopy-table" verticalSpacing="xs" horizontalSpacing="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>When</Table.Th>
                <Table.Th>Event</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th ta="right">Attempts</Table.Th>
                <Table.Th>Last response</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((d) => (
                <Table.Tr key={d.id}>
                  <Table.Td>
                    <Tooltip label={formatDateTime(d.createdAt)} openDelay={300}>
                      <Text span size="sm">
                        {relative(d.createdAt)}
                      </Text>
                    </Tooltip>
                  </Table.Td>
                  <Table.Td>
                    <Code>{d.eventType}</Code>
                  </Table.Td>
                  <Table.Td>
                    <DeliveryStatusBadge status={d.status} />
                    {d.nextAttemptAt && (
                      <Text size="xs" c="dimmed">
                        next {relative(d.nextAttemptAt)}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td ta="right">{d.attempts}</Table.Td>
                  <Table.Td maw={280}>
                    {d.lastStatus !== null && <Badge variant="outline" color={d.lastStatus < 300 ? 'teal' : 'red'} radius="sm" mr={6}>{d.lastStatus}</Badge>}
                    {d.lastError && (
                      <Tooltip label={d.lastError} multiline w={360} openDelay={300}>
                        <Text span size="xs" c="red" lineClamp={2}>
                          {d.lastError}
                        </Text>
                      </Tooltip>
                    )}
                    {d.lastStatus === null && !d.lastError && <Text span size="sm" c="dimmed">—</Text>}
                  </Table.Td>
                  <Table.Td ta="right">
                    {canEdit && d.status === 'dead' && (
                      <Button size="compact-xs" variant="light" loading={redeliver.isPending && redeliver.variables === d.id} onClick={() => again(d.id)}>
                        Redeliver
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {log.hasNextPage && (
        <Group justify="center">
          <Button variant="default" size="xs" loading={log.isFetchingNextPage} onClick={() => void log.fetchNextPage()}>
            Load more
          </Button>
        </Group>
      )}
    </Stack>
  );
}
