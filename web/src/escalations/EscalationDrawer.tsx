import { Anchor, Badge, Button, Drawer, Group, Select, Skeleton, Stack, Text, Textarea, Timeline, Title } from '@mantine/core';
import { type KeyboardEvent, useState } from 'react';
import { Link } from 'react-router';
import { activityKindLabel, useLogThreadActivity } from '../activities/api';
import { notifyError, notifySuccess, QueryError } from '../components/feedback';
import { formatDateTime, relative } from '../components/format';
import { type EscalationDetail, memberRoleLabel, severityColor, STATUSES, statusColor, statusLabel, type EscalationStatus, useEscalation, useUpdateEscalation } from './api';

export function SeverityBadge({ severity }: { severity: EscalationDetail['severity'] }) {
  return (
    <Badge color={severityColor[severity]} variant={severity === 'critical' ? 'filled' : 'light'} radius="sm">
      {severity}
    </Badge>
  );
}

export function StatusBadge({ status }: { status: EscalationStatus }) {
  return (
    <Badge color={statusColor[status]} variant="dot" radius="sm" tt="none" fw={500}>
      {statusLabel[status]}
    </Badge>
  );
}

/** One escalation: its team, the customer's people, status, and its thread with a quick reply. */
export function EscalationDrawer({ id, onClose }: { id: string | null; onClose: () => void }) {
  const escalation = useEscalation(id);
  const e = escalation.data;
  return (
    <Drawer opened={id !== null} onClose={onClose} position="right" size="lg" title={e ? e.title : 'Escalation'}>
      {escalation.isPending && <Skeleton height={300} />}
      {escalation.isError && <QueryError error={escalation.error} onRetry={() => void escalation.refetch()} />}
      {e && <Detail e={e} />}
    </Drawer>
  );
}

function Detail({ e }: { e: EscalationDetail }) {
  const update = useUpdateEscalation(e.id);
  const log = useLogThreadActivity(e.id);
  const [note, setNote] = useState('');
  const setStatus = (status: string | null) => {
    if (!status || status === e.status) return;
    update.mutate({ status: status as EscalationStatus }, {
      onSuccess: () => notifySuccess(`Escalation ${statusLabel[status as EscalationStatus].toLowerCase()}; the team was told`),
      onError: (err) => notifyError(err, 'Could not change the status'),
    });
  };
  const send = () => {
    const text = note.trim();
    if (!text) return;
    const [subject = text, ...rest] = text.split('\n');
    log.mutate({ kind: 'escalation', subject: subject.slice(0, 300), body: rest.join('\n').trim() }, {
      onSuccess: () => setNote(''),
      onError: (err) => notifyError(err, 'Could not add to the thread'),
    });
  };
  const onKey = (ev: KeyboardEvent) => {
    if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) send();
  };

  return (
    <Stack gap="md">
      <Group gap="xs">
        <SeverityBadge severity={e.severity} />
        <StatusBadge status={e.status} />
        <Text size="sm" c="dimmed">
          on{' '}
          <Anchor component={Link} to={`/accounts/${e.accountId}`} size="sm">
            {e.accountName}
          </Anchor>{' '}
          · opened {relative(e.createdAt)}
          {e.openedBy ? ` by ${e.openedBy.name}` : ''}
        </Text>
      </Group>
      {e.description && <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>{e.description}</Text>}
      <Select
        label="Status"
        data={STATUSES.map((s) => ({ value: s, label: statusLabel[s] }))}
        value={e.status}
        onChange={setStatus}
        disabled={!e.canEdit || update.isPending}
        allowDeselect={false}
        w={220}
      />
      <div>
        <Title order={6} mb={4}>Team</Title>
        <Group gap={6}>
          {e.members.map((m) => (
            <Badge key={`${m.userId}:${m.role}`} variant="light" color="gray" tt="none" fw={500} radius="sm">
              {m.name} · {memberRoleLabel[m.role]}
            </Badge>
          ))}
        </Group>
      </div>
      {e.contacts.length > 0 && (
        <div>
          <Title order={6} mb={4}>Customer contacts</Title>
          <Text size="sm">{e.contacts.map((c) => c.name).join(', ')}</Text>
        </div>
      )}
      <div>
        <Title order={6} mb="xs">Thread</Title>
        {e.thread.length === 0 && <Text size="sm" c="dimmed">Nothing logged yet.</Text>}
        <Timeline bulletSize={14} lineWidth={2}>
          {e.thread.map((a) => (
            <Timeline.Item key={a.id} title={a.subject}>
              <Text size="xs" c="dimmed">
                {activityKindLabel[a.kind]} · {formatDateTime(a.occurredAt)}
                {a.author ? ` · ${a.author.name}` : ''}
              </Text>
              {a.body && <Text size="sm" mt={2} style={{ whiteSpace: 'pre-wrap' }}>{a.body}</Text>}
            </Timeline.Item>
          ))}
        </Timeline>
      </div>
      {e.canEdit && (
        <Stack gap={6}>
          <Textarea
            label="Add to the thread"
            placeholder="First line is the subject"
            autosize
            minRows={2}
            value={note}
            onChange={(ev) => setNote(ev.currentTarget.value)}
            onKeyDown={onKey}
          />
          <Group justify="flex-end">
            <Button size="xs" onClick={send} loading={log.isPending} disabled={!note.trim()}>
              Add update
            </Button>
          </Group>
        </Stack>
      )}
    </Stack>
  );
}
