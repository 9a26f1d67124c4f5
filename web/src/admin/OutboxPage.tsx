import { Anchor, Badge, Button, Card, Group, SegmentedControl, Spoiler, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import { can, useMe } from '../api/auth';
import { OUTBOUND_STATUSES, STATUS_COLOR, STATUS_LABEL, type OutboundMessage, type OutboundStatus, useEmailSettings, useOutbox, useOutboxAction } from '../api/outbox';
import { notifyError, notifySuccess } from '../components/feedback';
import { formatDateTime } from '../components/format';
import { EmailBanner } from '../components/EmailBanner';

/** What happened to a message, in one line: when it left, why it waits or failed, who stopped it. */
function outcome(m: OutboundMessage): string {
  if (m.status === 'sent') return `Sent ${formatDateTime(m.sentAt)}${m.messageId ? ` · ${m.messageId}` : ''}`;
  if (m.status === 'failed') return `Failed ${formatDateTime(m.failedAt)} after ${m.attempts} attempt${m.attempts === 1 ? '' : 's'}: ${m.lastError ?? 'unknown error'}`;
  if (m.status === 'cancelled') return `Cancelled ${formatDateTime(m.cancelledAt)}${m.cancelledBy ? ` by ${m.cancelledBy.name}` : ''}${m.cancelReason ? `: ${m.cancelReason}` : ''}`;
  if (m.status === 'awaiting_approval') return 'Waiting for a CSM to approve it in their inbox';
  return [m.lastError, m.nextAttemptAt && `next try ${formatDateTime(m.nextAttemptAt)}`, m.attempts > 0 && `${m.attempts} attempt${m.attempts === 1 ? '' : 's'}`].filter(Boolean).join(' · ');
}

/** Admin → Outbox: every e-mail and Slack message, what became of it and why; admins retry and cancel. */
export default function OutboxPage() {
  const me = useMe();
  const [status, setStatus] = useState<OutboundStatus | 'all'>('all');
  const [audience, setAudience] = useState<'all' | 'customer' | 'user'>('all');
  const list = useOutbox({ status: status === 'all' ? null : status, audience: audience === 'all' ? null : audience });
  const settings = useEmailSettings();
  const action = useOutboxAction();
  const counts = list.data?.pages[0]?.counts;
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  const act = (m: OutboundMessage, kind: 'retry' | 'cancel') => {
    // Cancelling cannot be undone: the message will never be sent.
    if (kind === 'cancel' && !window.confirm(`Cancel "${m.subject || m.recipient}"? It will never be sent.`)) return;
    action.mutate({ id: m.id, action: kind }, {
      onSuccess: () => notifySuccess(kind === 'retry' ? `Queued again: ${m.subject || m.recipient}` : `Cancelled, it will not be sent: ${m.subject || m.recipient}`),
      onError: (e) => notifyError(e),
    });
  };
  return (
    <Stack>
      <EmailBanner />
      <Group justify="space-between">
        <Title order={2}>Outbox</Title>
        {settings.data && <Text size="sm" c="dimmed">{settings.data.message}</Text>}
        {!can.admin(me) && <Text size="sm" c="dimmed">Only admins retry or cancel messages.</Text>}
      </Group>
      <Group>
        <SegmentedControl
          aria-label="Status"
          value={status}
          onChange={(v) => setStatus(v as OutboundStatus | 'all')}
          data={[{ value: 'all', label: 'All' }, ...OUTBOUND_STATUSES.map((s) => ({ value: s, label: `${STATUS_LABEL[s]}${counts ? ` (${counts[s]})` : ''}` }))]}
        />
        <SegmentedControl
          aria-label="Audience"
          value={audience}
          onChange={(v) => setAudience(v as 'all' | 'customer' | 'user')}
          data={[{ value: 'all', label: 'Everyone' }, { value: 'customer', label: 'Customers' }, { value: 'user', label: 'Our people' }]}
        />
      </Group>
      <Card withBorder padding={0}>
        <Table striped verticalSpacing="xs" aria-label="Outbound messages">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Status</Table.Th>
              <Table.Th>To</Table.Th>
              <Table.Th>Message</Table.Th>
              <Table.Th>What happened</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((m) => (
              <Table.Tr key={m.id}>
                <Table.Td>
                  <Badge color={STATUS_COLOR[m.status]} variant="light">{STATUS_LABEL[m.status]}</Badge>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{m.recipient}</Text>
                  {m.account && <Anchor component={Link} to={`/accounts/${m.account.id}`} size="xs">{m.account.name}</Anchor>}
                </Table.Td>
                <Table.Td maw={420}>
                  <Text size="sm" fw={600}>{m.subject || (m.channel === 'slack' ? 'Slack message' : '(no subject)')}</Text>
                  <Spoiler maxHeight={40} showLabel="More" hideLabel="Less">
                    <Text size="xs" c="dimmed" style={{ whiteSpace: 'pre-wrap' }}>{m.body}</Text>
                  </Spoiler>
                  <Text size="xs" c="dimmed">Written {formatDateTime(m.createdAt)}{m.edited ? ' · edited before approval' : ''}{m.approvedBy ? ` · approved by ${m.approvedBy.name}` : ''}</Text>
                </Table.Td>
                <Table.Td maw={320}><Text size="xs">{outcome(m)}</Text></Table.Td>
                <Table.Td>
                  {can.admin(me) && (
                    <Group gap={4} wrap="nowrap">
                      {(m.status === 'failed' || m.status === 'queued') && (
                        <Button size="xs" variant="light" onClick={() => act(m, 'retry')} aria-label={`Retry ${m.subject}`}>{m.status === 'failed' ? 'Retry' : 'Send now'}</Button>
                      )}
                      {(m.status === 'queued' || m.status === 'awaiting_approval') && (
                        <Button size="xs" variant="light" color="red" onClick={() => act(m, 'cancel')} aria-label={`Cancel ${m.subject}`}>Cancel</Button>
                      )}
                    </Group>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
            {items.length === 0 && !list.isPending && (
              <Table.Tr><Table.Td colSpan={5}><Text c="dimmed" size="sm" ta="center" py="md">Nothing here.</Text></Table.Td></Table.Tr>
            )}
          </Table.Tbody>
        </Table>
      </Card>
      {list.hasNextPage && <Button variant="default" onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>Show more</Button>}
    </Stack>
  );
}
