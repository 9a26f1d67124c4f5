import { ActionIcon, Avatar, Badge, Button, Group, Menu, Text, Tooltip } from '@mantine/core';
import { useState } from 'react';
import { useResetPassword, useUpdateUser, useUsers } from '../api/admin';
import { useMe } from '../api/auth';
import type { User } from '../api/types';
import { ConfirmModal } from '../components/ConfirmModal';
import { notifyError, notifySuccess } from '../components/feedback';
import { formatDateTime, relative, roleLabel } from '../components/format';
import { Icon } from '../components/icons';
import { ListPage, listColumns } from '../components/ListPage';
import { SecretModal } from '../components/SecretModal';
import { EditUserModal, InviteUserModal, NewTeamModal } from './UserModals';

type Pending = { kind: 'deactivate' | 'reset'; user: User } | null;

const roleColor = { admin: 'red', manager: 'violet', csm: 'teal', viewer: 'gray' } as const;
const col = listColumns<User>();

export default function UsersPage() {
  const me = useMe();
  const users = useUsers();
  const update = useUpdateUser();
  const reset = useResetPassword();
  const [inviting, setInviting] = useState(false);
  const [newTeam, setNewTeam] = useState(false);
  const [editing, setEditing] = useState<User | null>(null);
  const [pending, setPending] = useState<Pending>(null);
  const [secret, setSecret] = useState<{ user: User; password: string } | null>(null);

  const setActive = (user: User, active: boolean) =>
    update.mutate(
      { id: user.id, patch: { active } },
      {
        onSuccess: () => {
          notifySuccess(active ? `${user.name} can sign in again` : `${user.name} can no longer sign in`);
          setPending(null);
        },
        onError: (err) => notifyError(err),
      },
    );

  const resetPassword = (user: User) =>
    reset.mutate(user.id, {
      onSuccess: ({ temporaryPassword }) => {
        setPending(null);
        setSecret({ user, password: temporaryPassword });
      },
      onError: (err) => notifyError(err, 'Could not reset the password'),
    });

  const sorted = users.data && [...users.data].sort((a, b) => Number(b.active) - Number(a.active) || a.name.localeCompare(b.name));

  const columns = [
    col.display({
      id: 'user',
      header: 'User',
      cell: ({ row: { original: u } }) => (
        <Group gap="sm" wrap="nowrap">
          <Avatar name={u.name} color="initials" size={32} radius="xl" />
          <div>
            <Text size="sm" fw={500}>
              {u.name} {u.id === me.id && <Text span c="dimmed" size="xs">(you)</Text>}
            </Text>
            <Text size="xs" c="dimmed">
              {u.email}
            </Text>
          </div>
        </Group>
      ),
    }),
    col.display({
      id: 'role',
      header: 'Role',
      cell: ({ row: { original: u } }) => (
        <Badge variant="light" color={roleColor[u.role]} radius="sm">
          {roleLabel[u.role]}
        </Badge>
      ),
    }),
    col.display({ id: 'team', header: 'Team', cell: ({ row }) => row.original.teamName ?? <Text span c="dimmed" size="sm">—</Text> }),
    col.display({
      id: 'status',
      header: 'Status',
      cell: ({ row: { original: u } }) => (
        <Badge variant="dot" color={u.active ? 'teal' : 'gray'} tt="none" fw={500}>
          {u.active ? 'Active' : 'Deactivated'}
        </Badge>
      ),
    }),
    col.display({
      id: 'lastLogin',
      header: 'Last sign-in',
      cell: ({ row: { original: u } }) => (
        <Tooltip label={formatDateTime(u.lastLoginAt)} disabled={!u.lastLoginAt} openDelay={400}>
          <Text span size="sm" c={u.lastLoginAt ? undefined : 'dimmed'}>
            {u.lastLoginAt ? relative(u.lastLoginAt) : 'Never'}
          </Text>
        </Tooltip>
      ),
    }),
    col.display({
      id: 'actions',
      header: '',
      meta: { th: { w: 48, 'aria-label': 'Actions' } },
      cell: ({ row: { original: u } }) => (
        <Menu position="bottom-end">
          <Menu.Target>
            <ActionIcon variant="subtle" color="gray" aria-label={`Actions for ${u.name}`}>
              <Icon name="dots" />
            </ActionIcon>
          </Menu.Target>
          <Menu.Dropdown>
            <Menu.Item onClick={() => setEditing(u)}>Edit name, role, team</Menu.Item>
            <Menu.Item onClick={() => setPending({ kind: 'reset', user: u })} disabled={!u.active}>
              Reset password
            </Menu.Item>
            <Menu.Divider />
            {u.active ? (
              <Menu.Item color="red" disabled={u.id === me.id} onClick={() => setPending({ kind: 'deactivate', user: u })}>
                Deactivate
              </Menu.Item>
            ) : (
              <Menu.Item onClick={() => setActive(u, true)}>Reactivate</Menu.Item>
            )}
          </Menu.Dropdown>
        </Menu>
      ),
    }),
  ];

  return (
    <ListPage
      title="Users"
      description="Who can sign in to Canopy, and what their role lets them do"
      actions={
        <Group gap="xs">
          <Button variant="default" onClick={() => setNewTeam(true)}>
            New team
          </Button>
          <Button leftSection={<Icon name="plus" size={16} />} onClick={() => setInviting(true)}>
            Invite user
          </Button>
        </Group>
      }
      query={users}
      rows={sorted}
      columns={columns}
      getRowId={(u) => u.id}
      rowProps={(u) => ({ style: { opacity: u.active ? 1 : 0.6 } })}
      empty="No users yet."
      tableLabel="Users"
      minWidth={760}
    >
      <InviteUserModal
        opened={inviting}
        onClose={() => setInviting(false)}
        onCreated={(user, password) => password && setSecret({ user, password })}
      />
      <EditUserModal user={editing} onClose={() => setEditing(null)} />
      <NewTeamModal opened={newTeam} onClose={() => setNewTeam(false)} />
      <ConfirmModal
        opened={pending !== null}
        title={pending?.kind === 'reset' ? 'Reset password?' : 'Deactivate user?'}
        confirmLabel={pending?.kind === 'reset' ? 'Reset password' : 'Deactivate'}
        loading={update.isPending || reset.isPending}
        onClose={() => setPending(null)}
        onConfirm={() => {
          if (pending?.kind === 'reset') resetPassword(pending.user);
          else if (pending) setActive(pending.user, false);
        }}
      >
        {pending?.kind === 'reset'
          ? `${pending.user.name}'s current password stops working and Canopy shows a temporary one for you to hand over.`
          : `${pending?.user.name ?? 'This user'} is signed out and cannot sign in until reactivated. Their accounts keep their owner.`}
      </ConfirmModal>
      <SecretModal
        opened={secret !== null}
        title={`Temporary password for ${secret?.user.name ?? ''}`}
        label="Temporary password"
        secret={secret?.password ?? ''}
        onClose={() => setSecret(null)}
      >
        <Text size="sm">
          Give it to {secret?.user.email} through a channel you trust. They sign in with it at this server's address.
        </Text>
      </SecretModal>
    </ListPage>
  );
}
