import { Button, Group, Modal, PasswordInput, Select, Stack, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useCreateTeam, useCreateUser, useTeams, useUpdateUser } from '../api/admin';
import { ApiError, errorMessage } from '../api/client';
import { type Role, ROLES, type User } from '../api/types';
import { FormError, notifySuccess } from '../components/feedback';
import { roleLabel } from '../components/format';

const ROLE_HELP: Record<Role, string> = {
  admin: 'Everything, including users, API keys and settings',
  manager: 'All accounts and the audit log',
  csm: 'Works the accounts they own',
  viewer: 'Reads everything, changes nothing',
};
const roleOptions = ROLES.map((r) => ({ value: r, label: `${roleLabel[r]} — ${ROLE_HELP[r]}` }));

function useTeamOptions() {
  const teams = useTeams();
  return (teams.data ?? []).map((t) => ({ value: t.id, label: t.name }));
}

export function InviteUserModal({ opened, onClose, onCreated }: { opened: boolean; onClose: () => void; onCreated: (user: User, temporaryPassword?: string) => void }) {
  return (
    <Modal opened={opened} onClose={onClose} title="Invite user" centered>
      {opened && <InviteForm onClose={onClose} onCreated={onCreated} />}
    </Modal>
  );
}

function InviteForm({ onClose, onCreated }: { onClose: () => void; onCreated: (user: User, temporaryPassword?: string) => void }) {
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('csm');
  const [teamId, setTeamId] = useState<string | null>(null);
  const [password, setPassword] = useState('');
  const create = useCreateUser();
  const teams = useTeamOptions();
  const fields = create.error instanceof ApiError ? create.error.fieldMap() : {};

  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(
      { email: email.trim(), name: name.trim(), role, teamId: teamId ?? undefined, password: password || undefined },
      {
        onSuccess: ({ user, temporaryPassword }) => {
          notifySuccess(`${user.name} can now sign in`, 'User created');
          onClose();
          onCreated(user, temporaryPassword);
        },
      },
    );
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <FormError error={create.error} shownFields={['email', 'name', 'role', 'teamId', 'password']} />
        <TextInput label="Email" type="email" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} error={fields.email} data-autofocus />
        <TextInput label="Name" required value={name} onChange={(e) => setName(e.currentTarget.value)} error={fields.name} />
        <Select label="Role" data={roleOptions} value={role} onChange={(v) => v && setRole(v as Role)} allowDeselect={false} error={fields.role} />
        <Select label="Team" placeholder="No team" data={teams} value={teamId} onChange={setTeamId} clearable error={fields.teamId} />
        <PasswordInput
          label="Initial password"
          description="Leave empty and Canopy generates a temporary one to hand over."
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
          error={fields.password}
          autoComplete="new-password"
        />
        <Group justify="flex-end" mt="sm">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={create.isPending} disabled={!email.trim() || !name.trim()}>
            Invite user
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function EditUserModal({ user, onClose }: { user: User | null; onClose: () => void }) {
  return (
    <Modal opened={user !== null} onClose={onClose} title={user ? `Edit ${user.name}` : ''} centered>
      {user && <EditForm user={user} onClose={onClose} />}
    </Modal>
  );
}

function EditForm({ user, onClose }: { user: User; onClose: () => void }) {
  const [name, setName] = useState(user.name);
  const [role, setRole] = useState<Role>(user.role);
  const [teamId, setTeamId] = useState<string | null>(user.teamId);
  const update = useUpdateUser();
  const teams = useTeamOptions();
  const fields = update.error instanceof ApiError ? update.error.fieldMap() : {};

  const submit = (e: FormEvent) => {
    e.preventDefault();
    update.mutate(
      { id: user.id, patch: { name: name.trim(), role, teamId } },
      {
        onSuccess: () => {
          notifySuccess(`${name.trim()} saved`);
          onClose();
        },
      },
    );
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <FormError error={update.error} shownFields={['name', 'role', 'teamId']} />
        <TextInput label="Email" value={user.email} disabled />
        <TextInput label="Name" required value={name} onChange={(e) => setName(e.currentTarget.value)} error={fields.name} data-autofocus />
        <Select label="Role" data={roleOptions} value={role} onChange={(v) => v && setRole(v as Role)} allowDeselect={false} error={fields.role} />
        <Select label="Team" placeholder="No team" data={teams} value={teamId} onChange={setTeamId} clearable error={fields.teamId} />
        <Group justify="flex-end" mt="sm">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={update.isPending} disabled={!name.trim()}>
            Save
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function NewTeamModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const [name, setName] = useState('');
  const create = useCreateTeam();
  const fields = create.error instanceof ApiError ? create.error.fieldMap() : {};
  const close = () => {
    setName('');
    create.reset();
    onClose();
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(name.trim(), {
      onSuccess: (team) => {
        notifySuccess(`Team ${team.name} created`);
        close();
      },
    });
  };
  return (
    <Modal opened={opened} onClose={close} title="New team" centered size="sm">
      <form onSubmit={submit} noValidate>
        <Stack gap="sm">
          <TextInput
            label="Team name"
            required
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={fields.name ?? (create.error ? errorMessage(create.error) : undefined)}
            data-autofocus
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending} disabled={!name.trim()}>
              Create team
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
