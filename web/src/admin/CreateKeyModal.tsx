import { Button, Code, Group, Modal, SegmentedControl, Select, Stack, Text, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useCreateApiKey } from '../api/admin';
import { ApiError } from '../api/client';
import type { ApiKey } from '../api/types';
import { FormError } from '../components/feedback';
import { SecretModal } from '../components/SecretModal';

type RestRole = 'admin' | 'manager' | 'viewer';

export function CreateKeyModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const [created, setCreated] = useState<{ apiKey: ApiKey; key: string } | null>(null);
  return (
    <>
      <Modal opened={opened} onClose={onClose} title="Create API key" centered>
        {opened && (
          <CreateKeyForm
            onClose={onClose}
            onCreated={(result) => {
              onClose();
              setCreated(result);
            }}
          />
        )}
      </Modal>
      <SecretModal
        opened={created !== null}
        title={`API key “${created?.apiKey.name ?? ''}” created`}
        label={created?.apiKey.kind === 'write' ? 'Write key' : 'REST API key'}
        secret={created?.key ?? ''}
        onClose={() => setCreated(null)}
      >
        {created && <KeyUsage kind={created.apiKey.kind} />}
      </SecretModal>
    </>
  );
}

function KeyUsage({ kind }: { kind: 'write' | 'rest' }) {
  const origin = window.location.origin;
  if (kind === 'write') {
    return (
      <Text size="sm">
        Use it as the Segment/RudderStack write key; the data plane URL is this server's origin, <Code>{origin}</Code>.
        Events go to <Code>/v1/track</Code>, <Code>/v1/identify</Code>, <Code>/v1/group</Code> and{' '}
        <Code>/v1/batch</Code>.
      </Text>
    );
  }
  return (
    <Text size="sm">
      Send it as <Code>Authorization: Bearer &lt;key&gt;</Code> with requests to <Code>{origin}/api/…</Code>. The
      endpoints are listed in the API docs.
    </Text>
  );
}

function CreateKeyForm({ onClose, onCreated }: { onClose: () => void; onCreated: (r: { apiKey: ApiKey; key: string }) => void }) {
  const [name, setName] = useState('');
  const [kind, setKind] = useState<'write' | 'rest'>('write');
  const [role, setRole] = useState<RestRole | null>('viewer');
  const create = useCreateApiKey();
  const fields = create.error instanceof ApiError ? create.error.fieldMap() : {};

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const input = kind === 'rest' ? { name: name.trim(), kind, role: role ?? 'viewer' } : { name: name.trim(), kind };
    create.mutate(input, { onSuccess: onCreated });
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        <FormError error={create.error} shownFields={['name', 'role']} />
        <TextInput
          label="Name"
          description="Where it is used, e.g. “Production Segment source”"
          required
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={fields.name}
          data-autofocus
        />
        <div>
          <Text size="sm" fw={500} mb={4}>
            Kind
          </Text>
          <SegmentedControl
            fullWidth
            value={kind}
            onChange={(v) => setKind(v === 'rest' ? 'rest' : 'write')}
            data={[
              { value: 'write', label: 'Write key (events)' },
              { value: 'rest', label: 'REST API key' },
            ]}
          />
          <Text size="xs" c="dimmed" mt={4}>
            {kind === 'write'
              ? 'Only sends product events through the Segment-compatible /v1 endpoints.'
              : 'Reads and writes through the REST API with the permissions of the role below.'}
          </Text>
        </div>
        {kind === 'rest' && (
          <Select
            label="Role"
            data={[
              { value: 'viewer', label: 'Viewer — read only' },
              { value: 'manager', label: 'Manager — read and write accounts' },
              { value: 'admin', label: 'Admin — everything' },
            ]}
            value={role}
            onChange={(v) => setRole(v as RestRole | null)}
            allowDeselect={false}
            error={fields.role}
          />
        )}
        <Group justify="flex-end" mt="sm">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={create.isPending} disabled={!name.trim()}>
            Create key
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
