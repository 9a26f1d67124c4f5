import { ActionIcon, Alert, Button, Group, Modal, MultiSelect, SegmentedControl, Select, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useUsers } from '../api/admin';
import { useMe } from '../api/auth';
import { useAccountContacts } from '../api/contacts';
import { escalationCreate } from '../api/schemas';
import { FormError, notifySuccess } from '../components/feedback';
import { Icon } from '../components/icons';
import { schemaErrors, useSchemaCheck } from '../components/schemaErrors';
import { MEMBER_ROLES, memberRoleLabel, type MemberRole, SEVERITIES, type Severity, teamProblem, useCreateEscalation } from './api';

interface Props {
  accountId: string;
  opened: boolean;
  onClose: () => void;
  onCreated?: (id: string) => void;
}

export function EscalationFormModal(props: Props) {
  return (
    <Modal opened={props.opened} onClose={props.onClose} title="Open an escalation" size="lg" centered>
      {props.opened && <EscalationForm {...props} />}
    </Modal>
  );
}

type Row = { key: number; userId: string | null; role: MemberRole | null };
let nextKey = 0;

function EscalationForm({ accountId, onClose, onCreated }: Props) {
  const me = useMe();
  const users = useUsers();
  const contacts = useAccountContacts(accountId);
  const create = useCreateEscalation();
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [severity, setSeverity] = useState<Severity>('high');
  const [contactIds, setContactIds] = useState<string[]>([]);
  const [rows, setRows] = useState<Row[]>(() => [
    { key: nextKey++, userId: me.id, role: me.role === 'manager' ? 'manager' : 'csm' },
    { key: nextKey++, userId: null, role: 'support' },
  ]);
  const members = rows.flatMap((r) => (r.userId && r.role ? [{ userId: r.userId, role: r.role }] : []));
  const body = { accountId, title: title.trim(), description, severity, members, contactIds };
  const { fields, validate } = useSchemaCheck(() => schemaErrors(escalationCreate, body), create.error);
  const problem = teamProblem(members);
  const userData = (users.data ?? []).filter((u) => u.active).map((u) => ({ value: u.id, label: u.name }));
  const contactData = (contacts.data?.pages.flatMap((p) => p.items) ?? []).map((c) => ({ value: c.id, label: c.name ?? c.email ?? 'Unnamed contact' }));
  const setRow = (key: number, patch: Partial<Row>) => setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...patch } : r)));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!validate() || problem || !title.trim()) return;
    create.mutate(
      body,
      {
        onSuccess: (x) => {
          notifySuccess(`Escalation opened; ${x.members.length} people notified`);
          onClose();
          onCreated?.(x.id);
        },
      },
    );
  };

  return (
    <form onSubmit={submit} noValidate aria-label="Open an escalation">
      <Stack gap="md">
        <FormError error={create.error} shownFields={['title', 'description', 'severity', 'members', 'contactIds']} />
        <TextInput label="Title" placeholder="What is on fire" value={title} onChange={(e) => setTitle(e.currentTarget.value)} error={fields.title} required data-autofocus />
        <Textarea label="Description" autosize minRows={2} maxRows={6} value={description} onChange={(e) => setDescription(e.currentTarget.value)} error={fields.description} />
        <div>
          <Text size="sm" fw={500} mb={4}>
            Severity
          </Text>
          <SegmentedControl aria-label="Severity" fullWidth value={severity} onChange={(v) => setSeverity(v as Severity)} data={SEVERITIES.map((s) => ({ value: s, label: s[0]?.toUpperCase() + s.slice(1) }))} />
        </div>
        <Stack gap={6}>
          <Text size="sm" fw={500}>
            Team
          </Text>
          {rows.map((r, i) => (
            <Group key={r.key} gap="xs" wrap="nowrap" align="flex-start">
              <Select
                aria-label={`Member ${i + 1}`}
                placeholder="Person"
                data={userData}
                value={r.userId}
                onChange={(v) => setRow(r.key, { userId: v })}
                searchable
                style={{ flex: 2 }}
              />
              <Select
                aria-label={`Role of member ${i + 1}`}
                data={MEMBER_ROLES.map((x) => ({ value: x, label: memberRoleLabel[x] }))}
                value={r.role}
                onChange={(v) => setRow(r.key, { role: v as MemberRole | null })}
                allowDeselect={false}
                style={{ flex: 1 }}
              />
              <ActionIcon variant="subtle" color="gray" mt={6} aria-label={`Remove member ${i + 1}`} onClick={() => setRows((rs) => rs.filter((x) => x.key !== r.key))}>
                <Icon name="trash" size={16} />
              </ActionIcon>
            </Group>
          ))}
          <Group justify="space-between" align="flex-start" wrap="nowrap">
            <Button variant="subtle" size="xs" leftSection={<Icon name="plus" size={14} />} onClick={() => setRows((rs) => [...rs, { key: nextKey++, userId: null, role: 'product' }])}>
              Add member
            </Button>
          </Group>
          {(problem ?? fields.members) && (
            <Alert color={fields.members ? 'red' : 'orange'} variant="light" p="xs" data-testid="team-rule">
              <Text size="xs">{fields.members ?? problem}</Text>
            </Alert>
          )}
        </Stack>
        <MultiSelect label="Customer contacts involved" data={contactData} value={contactIds} onChange={setContactIds} searchable clearable error={fields.contactIds} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={create.isPending}>
            Cancel
          </Button>
          <Button type="submit" color="red" loading={create.isPending} disabled={!!problem || !title.trim()}>
            Open escalation
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
