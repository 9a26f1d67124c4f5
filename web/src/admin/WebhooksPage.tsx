import { ActionIcon, Badge, Button, Group, Menu, Text, Tooltip } from '@mantine/core';
import { useState } from 'react';
import { can, useMe } from '../api/auth';
import { useDeleteWebhook, useRotateSecret, useTestWebhook, useUpdateWebhook, useWebhooks, type Webhook } from '../api/webhooks';
import { ConfirmModal } from '../components/ConfirmModal';
import { notifyError, notifySuccess } from '../components/feedback';
import { formatDateTime, relative } from '../components/format';
import { Icon } from '../components/icons';
import { ListPage, listColumns } from '../components/ListPage';
import { AllowlistCard } from './AllowlistCard';
import { DeliveryLog } from './DeliveryLog';
import { SignSecretModal, WebhookFormModal } from './WebhookFormModal';

const col = listColumns<Webhook>();

/** Outbound webhooks: admins manage them, managers read them and their delivery logs. */
export default function WebhooksPage() {
  const me = useMe();
  const canEdit = can.admin(me);
  const hooks = useWebhooks();
  const update = useUpdateWebhook();
  const rotate = useRotateSecret();
  const test = useTestWebhook();
  const del = useDeleteWebhook();
  const [editing, setEditing] = useState<Webhook | 'new' | null>(null);
  const [viewing, setViewing] = useState<Webhook | null>(null);
  const [deleting, setDeleting] = useState<Webhook | null>(null);
  const [rotating, setRotating] = useState<Webhook | null>(null);
  const [secret, setSecret] = useState<{ name: string; secret: string } | null>(null);

  const sendTest = (w: Webhook) =>
    test.mutate(w.id, {
      onSuccess: (d) =>
        d.status === 'succeeded'
          ? notifySuccess(`The receiver answered ${d.lastStatus ?? ''}`, `Test delivered to “${w.name}”`)
          : notifyError(new Error(d.lastError ?? 'No answer'), `Test to “${w.name}” failed`),
      onError: (err) => notifyError(err, 'Could not send the test'),
    });
  const toggle = (w: Webhook) =>
    update.mutate({ id: w.id, patch: { enabled: !w.enabled } }, { onError: (err) => notifyError(err, 'Could not change it') });
  const confirmRotate = () => {
    if (!rotating) return;
    rotate.mutate(rotating.id, {
      onSuccess: (r) => {
        setRotating(null);
        setSecret({ name: r.webhook.name, secret: r.secret });
      },
      onError: (err) => notifyError(err, 'Could not rotate the secret'),
    });
  };
  const confirmDelete = () => {
    if (!deleting) return;
    del.mutate(deleting.id, {
      onSuccess: () => {
        notifySuccess(`“${deleting.name}” deleted`);
        setDeleting(null);
      },
      onError: (err) => notifyError(err, 'Could not delete the webhook'),
    });
  };

  const columns = [
    col.display({
      id: 'name',
      header: 'Name',
      meta: { td: { maw: 320 } },
      cell: ({ row: { original: w } }) => (
        <>
          <Text fw={500} size="sm">
            {w.name}
          </Text>
          <Text size="xs" c="dimmed" truncate="end">
            {w.url}
          </Text>
        </>
      ),
    }),
    col.display({
      id: 'events',
      header: 'Events',
      cell: ({ row: { original: w } }) => (
        <Tooltip label={w.events.join(', ')} multiline w={280}>
          <Badge variant="light" radius="sm" tt="none">
            {w.events.length === 1 ? w.events[0] : `${w.events.length} events`}
          </Badge>
        </Tooltip>
      ),
    }),
    col.display({
      id: 'status',
      header: 'Status',
      cell: ({ row: { original: w } }) => (
        <Badge variant="dot" color={w.enabled ? 'teal' : 'gray'} tt="none" fw={500}>
          {w.enabled ? 'Enabled' : 'Disabled'}
        </Badge>
      ),
    }),
    col.display({
      id: 'deliveries',
      header: 'Deliveries',
      cell: ({ row: { original: w } }) => (
        <Group gap={6}>
          {w.pending > 0 && <Badge color="yellow" variant="light" radius="sm" tt="none">{w.pending} pending</Badge>}
          {w.dead > 0 && <Badge color="red" variant="light" radius="sm" tt="none">{w.dead} dead</Badge>}
          <Button size="compact-xs" variant="subtle" onClick={() => setViewing(w)}>
            Log
          </Button>
        </Group>
      ),
    }),
    col.display({
      id: 'lastDelivery',
      header: 'Last delivery',
      cell: ({ row: { original: w } }) => (
        <Tooltip label={formatDateTime(w.lastDeliveryAt)} disabled={!w.lastDeliveryAt}>
          <Text span size="sm" c={w.lastDeliveryAt ? undefined : 'dimmed'}>
            {w.lastDeliveryAt ? relative(w.lastDeliveryAt) : 'Never'}
          </Text>
        </Tooltip>
      ),
    }),
    col.display({
      id: 'actions',
      header: '',
      meta: { align: 'right' },
      cell: ({ row: { original: w } }) =>
        canEdit && (
          <Menu position="bottom-end" shadow="md" withinPortal>
            <Menu.Target>
              <ActionIcon variant="subtle" color="gray" aria-label={`Actions for ${w.name}`}>
                <Icon name="dots" />
              </ActionIcon>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Item onClick={() => setEditing(w)}>Edit</Menu.Item>
              <Menu.Item onClick={() => sendTest(w)} disabled={test.isPending}>Send test ping</Menu.Item>
              <Menu.Item onClick={() => toggle(w)}>{w.enabled ? 'Disable' : 'Enable'}</Menu.Item>
              <Menu.Item onClick={() => setRotating(w)}>Rotate secret</Menu.Item>
              <Menu.Divider />
              <Menu.Item color="red" onClick={() => setDeleting(w)}>Delete</Menu.Item>
            </Menu.Dropdown>
          </Menu>
        ),
    }),
  ];

  return (
    <ListPage
      title="Webhooks"
      description="Canopy POSTs the events you pick to your URL, signed with HMAC-SHA256, and retries with backoff until a 2xx."
      actions={
        canEdit && (
          <Button leftSection={<Icon name="plus" size={16} />} onClick={() => setEditing('new')}>
            Create webhook
          </Button>
        )
      }
      query={hooks}
      rows={hooks.data?.items}
      columns={columns}
      getRowId={(w) => w.id}
      rowProps={(w) => ({ style: { opacity: w.enabled ? 1 : 0.65 } })}
      empty={`No webhooks yet.${canEdit ? ' Create one to send health, task, playbook and rule events to another system.' : ''}`}
      tableLabel="Webhooks"
      minWidth={860}
      skeletonRows={3}
    >
      <AllowlistCard canEdit={canEdit} />
      <WebhookFormModal
        opened={editing !== null}
        webhook={editing === 'new' ? null : editing}
        eventTypes={hooks.data?.eventTypes ?? []}
        onClose={() => setEditing(null)}
      />
      <DeliveryLog webhook={viewing} canEdit={canEdit} onClose={() => setViewing(null)} />
      <SignSecretModal secret={secret?.secret ?? null} title={`New secret for “${secret?.name ?? ''}”`} onClose={() => setSecret(null)} />
      <ConfirmModal opened={rotating !== null} title="Rotate the signing secret?" confirmLabel="Rotate" loading={rotate.isPending} onConfirm={confirmRotate} onClose={() => setRotating(null)}>
        The current secret stops working at once: deliveries to “{rotating?.name}” are signed with the new one, which you must put in the receiver.
      </ConfirmModal>
      <ConfirmModal opened={deleting !== null} title="Delete webhook?" confirmLabel="Delete webhook" loading={del.isPending} onConfirm={confirmDelete} onClose={() => setDeleting(null)}>
        “{deleting?.name}” and its delivery log are deleted; pending deliveries are not sent.
      </ConfirmModal>
    </ListPage>
  );
}
