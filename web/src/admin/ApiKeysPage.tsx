import { Badge, Button, Code, Text, Tooltip } from '@mantine/core';
import { useState } from 'react';
import { useApiKeys, useRevokeApiKey } from '../api/admin';
import { can, useMe } from '../api/auth';
import type { ApiKey } from '../api/types';
import { ConfirmModal } from '../components/ConfirmModal';
import { notifyError, notifySuccess } from '../components/feedback';
import { formatDateTime, formatDay, relative, roleLabel } from '../components/format';
import { Icon } from '../components/icons';
import { ListPage, listColumns } from '../components/ListPage';
import { CreateKeyModal } from './CreateKeyModal';

const col = listColumns<ApiKey>();

/** API keys: admins create and revoke them; managers read the list (names, roles, prefixes; never a key). */
export default function ApiKeysPage() {
  const canEdit = can.admin(useMe());
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

  const sorted = keys.data && [...keys.data].sort(
    (a, b) => Number(a.revokedAt !== null) - Number(b.revokedAt !== null) || b.createdAt.localeCompare(a.createdAt),
  );

  const columns = [
    col.display({ id: 'name', header: 'Name', meta: { td: { fw: 500 } }, cell: ({ row }) => row.original.name }),
    col.display({
      id: 'kind',
      header: 'Kind',
      cell: ({ row: { original: k } }) => (
        <Badge variant="light" color={k.kind === 'write' ? 'blue' : 'grape'} radius="sm">
          {k.kind === 'write' ? 'Write' : 'REST'}
        </Badge>
      ),
    }),
    col.display({ id: 'role', header: 'Role', cell: ({ row: { original: k } }) => (k.role ? roleLabel[k.role] : <Text span c="dimmed" size="sm">—</Text>) }),
    col.display({ id: 'prefix', header: 'Prefix', cell: ({ row }) => <Code>{row.original.prefix}…</Code> }),
    col.display({
      id: 'created',
      header: 'Created',
      cell: ({ row: { original: k } }) => (
        <>
          <Text size="sm">{formatDay(k.createdAt)}</Text>
          {k.createdByName && (
            <Text size="xs" c="dimmed">
              by {k.createdByName}
            </Text>
          )}
        </>
      ),
    }),
    col.display({
      id: 'lastUsed',
      header: 'Last used',
      cell: ({ row: { original: k } }) => (
        <Tooltip label={formatDateTime(k.lastUsedAt)} disabled={!k.lastUsedAt} openDelay={400}>
          <Text span size="sm" c={k.lastUsedAt ? undefined : 'dimmed'}>
            {k.lastUsedAt ? relative(k.lastUsedAt) : 'Never'}
          </Text>
        </Tooltip>
      ),
    }),
    col.display({
      id: 'status',
      header: 'Status',
      cell: ({ row: { original: k } }) =>
        k.revokedAt ? (
          <Tooltip label={`Revoked ${formatDateTime(k.revokedAt)}`}>
            <Badge variant="dot" color="gray" tt="none" fw={500}>
              Revoked
            </Badge>
          </Tooltip>
        ) : (
          <Badge variant="dot" color="teal" tt="none" fw={500}>
            Active
          </Badge>
        ),
    }),
    col.display({
      id: 'actions',
      header: '',
      meta: { align: 'right' },
      cell: ({ row: { original: k } }) =>
        canEdit && !k.revokedAt && (
          <Button size="compact-sm" variant="subtle" color="red" onClick={() => setRevoking(k)}>
            Revoke
          </Button>
        ),
    }),
  ];

  return (
    <ListPage
      title="API keys"
      description="Write keys send product events (Segment spec); REST keys use the API. Canopy stores only a hash."
      actions={
        canEdit && (
          <Button leftSection={<Icon name="plus" size={16} />} onClick={() => setCreating(true)}>
            Create key
          </Button>
        )
      }
      query={keys}
      rows={sorted}
      columns={columns}
      getRowId={(k) => k.id}
      rowProps={(k) => ({ style: { opacity: k.revokedAt ? 0.6 : 1 } })}
      empty="No API keys yet. Create a write key to start sending product usage."
      tableLabel="API keys"
      minWidth={820}
      skeletonRows={4}
    >
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
    </ListPage>
  );
}
