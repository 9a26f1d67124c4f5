import { Alert, Button, Center, Group, Modal, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useChangePassword, useLogout } from '../api/auth';
import { ApiError, errorMessage } from '../api/client';

/** Current + new password (typed twice); the server applies the password rules and names a broken one. */
function ChangePasswordForm({ onDone, onCancel, cancelLabel }: { onDone: () => void; onCancel: () => void; cancelLabel: string }) {
  const change = useChangePassword();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const mismatch = again !== '' && again !== next;
  const fields = change.error instanceof ApiError ? change.error.fieldMap() : {};
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (mismatch) return;
    change.mutate({ currentPassword: current, newPassword: next }, { onSuccess: onDone });
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        {change.error && !fields.currentPassword && !fields.newPassword && (
          <Alert color="red" variant="light" role="alert">
            {errorMessage(change.error)}
          </Alert>
        )}
        <PasswordInput label="Current password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.currentTarget.value)} error={fields.currentPassword} />
        <PasswordInput
          label="New password"
          description="At least 12 characters; not a common password"
          autoComplete="new-password"
          value={next}
          onChange={(e) => setNext(e.currentTarget.value)}
          error={fields.newPassword}
        />
        <PasswordInput label="New password again" autoComplete="new-password" value={again} onChange={(e) => setAgain(e.currentTarget.value)} error={mismatch ? 'Does not match' : undefined} />
        <Text size="xs" c="dimmed">
          Your other signed-in browsers will be signed out.
        </Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            {cancelLabel}
          </Button>
          <Button type="submit" loading={change.isPending} disabled={!current || !next || next !== again}>
            Change password
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** From the user menu. */
export function ChangePasswordModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  return (
    <Modal opened={opened} onClose={onClose} title="Change password">
      {opened && <ChangePasswordForm onDone={onClose} onCancel={onClose} cancelLabel="Cancel" />}
    </Modal>
  );
}

/** Shown instead of the app after signing in with a generated or reset password: the server allows nothing else. */
export function ForcedPasswordChange() {
  const logout = useLogout();
  return (
    <Center mih="100vh" bg="var(--mantine-color-gray-0)" p="md">
      <Paper withBorder shadow="sm" radius="md" p="xl" w={420}>
        <Title order={3} mb={4}>
          Choose your own password
        </Title>
        <Text size="sm" c="dimmed" mb="md">
          You signed in with a password that was generated for you (at setup or by an admin). Replace it with your own to continue.
        </Text>
        <ChangePasswordForm onDone={() => undefined} onCancel={() => logout.mutate()} cancelLabel="Sign out" />
      </Paper>
    </Center>
  );
}
