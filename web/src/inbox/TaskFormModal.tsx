import { Button, Group, Modal, NumberInput, Select, SimpleGrid, Stack, Textarea, TextInput } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import dayjs from 'dayjs';
import { type FormEvent, useState } from 'react';
import { useUsers } from '../api/admin';
import { useMe } from '../api/auth';
import { ApiError } from '../api/client';
import { type TaskInput, type TaskKind, useContactChoices, useCreateTask } from '../api/tasks';
import { taskCreate } from '../api/schemas';
import { FormError, notifySuccess } from '../components/feedback';
import { schemaErrors } from '../components/schemaErrors';
import { CapacityExceededDialog } from '../capacity/CapacityExceededDialog';
import { AccountPicker } from './AccountPicker';
import { kindOptions, priorityOptions } from './taskFormat';

interface Props {
  opened: boolean;
  onClose: () => void;
  /** Fixed when adding from an account page; otherwise the form asks. */
  accountId?: string;
}

export function TaskFormModal(props: Props) {
  return (
    <Modal opened={props.opened} onClose={props.onClose} title={props.accountId ? 'Add task' : 'New task'} centered size="lg">
      {props.opened && <TaskForm {...props} />}
    </Modal>
  );
}

const SHOWN = ['accountId', 'title', 'reason', 'kind', 'priority', 'dueAt', 'assigneeUserId', 'assigneeContactId', 'customerEffort'];

function TaskForm({ accountId: fixedAccount, onClose }: Props) {
  const me = useMe();
  const users = useUsers();
  const [accountId, setAccountId] = useState<string | null>(fixedAccount ?? null);
  const contacts = useContactChoices(accountId);
  const [title, setTitle] = useState('');
  const [reason, setReason] = useState('');
  const [kind, setKind] = useState<TaskKind>('todo');
  const [priority, setPriority] = useState('2');
  const [due, setDue] = useState<string | null>(dayjs().add(2, 'day').format('YYYY-MM-DD'));
  const [assignee, setAssignee] = useState<string | null>(`user:${me.id}`);
  const [effort, setEffort] = useState<number | string>('');
  const [touched, setTouched] = useState(false);
  // The API's own schema, checked before sending: out-of-range effort is refused, never cleared.
  const [checked, setChecked] = useState<Record<string, string>>({});
  const create = useCreateTask();
  const server = create.error instanceof ApiError ? create.error.fieldMap() : {};
  const local: Record<string, string> = {};
  if (!accountId) local.accountId = 'Choose the account';
  if (!title.trim()) local.title = 'Say what needs doing';
  const error = (k: string) => server[k] ?? (touched ? (local[k] ?? checked[k]) : undefined);

  const contactItems = accountId ? (contacts.data ?? []) : [];
  const assigneeData = [
    { group: 'Our team', items: (users.data ?? []).filter((u) => u.active).map((u) => ({ value: `user:${u.id}`, label: u.id === me.id ? `${u.name} (me)` : u.name })) },
    { group: 'Customer contacts', items: contactItems.map((c) => ({ value: `contact:${c.id}`, label: `${c.name ?? c.email ?? 'Contact'}${c.title ? ` · ${c.title}` : ''}` })) },
  ].filter((g) => g.items.length > 0);
  const isContact = assignee?.startsWith('contact:') ?? false;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (!accountId || Object.keys(local).length > 0) return;
    const [type, id = null] = (assignee ?? '').split(':');
    const input: TaskInput = {
      accountId,
      title: title.trim(),
      kind,
      priority: Number(priority),
      // Due at the end of the chosen day, local time.
      dueAt: due ? dayjs(due).hour(17).minute(0).second(0).toISOString() : null,
      assigneeUserId: type === 'user' ? id : null,
      assigneeContactId: type === 'contact' ? id : null,
      customerEffort: effort === '' ? null : Number(effort),
    };
    if (reason.trim()) input.reason = reason.trim();
    const problems = schemaErrors(taskCreate, input);
    setChecked(problems);
    if (Object.keys(problems).length > 0) return;
    send(input);
  };
  const [sent, setSent] = useState<TaskInput | null>(null);
  const send = (input: TaskInput) => {
    setSent(input);
    create.mutate(input, {
      onSuccess: (t) => {
        notifySuccess(
          input.giveSpoon ? `A spoon given: our task ${t.title}` : `Task added${t.assignee ? ` for ${t.assignee.name}` : ''}: ${t.title}`,
        );
        onClose();
      },
    });
  };

  return (
    <form onSubmit={submit} noValidate>
      <CapacityExceededDialog
        error={create.error}
        pending={create.isPending}
        onChoose={(choice) => sent && send({ ...sent, ...choice })}
        onCancel={() => create.reset()}
      />
      <Stack gap="md">
        <FormError error={create.error} shownFields={SHOWN} />
        {!fixedAccount && (
          <AccountPicker
            value={accountId}
            onChange={(id) => {
              setAccountId(id);
              if (isContact) setAssignee(`user:${me.id}`);
            }}
            error={error('accountId')}
          />
        )}
        <TextInput label="Title" required placeholder="Call the champion about the renewal" value={title} onChange={(e) => setTitle(e.currentTarget.value)} error={error('title')} data-autofocus />
        <Textarea label="Why" placeholder="The reason, so whoever picks it up knows what matters" autosize minRows={2} value={reason} onChange={(e) => setReason(e.currentTarget.value)} error={error('reason')} />
        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="md">
          <Select label="Kind" data={kindOptions} value={kind} onChange={(v) => v && setKind(v as TaskKind)} allowDeselect={false} error={error('kind')} comboboxProps={{ withinPortal: true }} />
          <Select label="Priority" data={priorityOptions} value={priority} onChange={(v) => v && setPriority(v)} allowDeselect={false} error={error('priority')} comboboxProps={{ withinPortal: true }} />
          <DateInput label="Due" valueFormat="YYYY-MM-DD" clearable value={due} onChange={setDue} error={error('dueAt')} popoverProps={{ withinPortal: true }} />
        </SimpleGrid>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
          <Select
            label="Assignee"
            description={accountId ? 'A person on our side, or a customer contact' : 'Choose the account to assign a customer contact'}
            inputWrapperOrder={['label', 'input', 'description', 'error']}
            data={assigneeData}
            value={assignee}
            onChange={setAssignee}
            searchable
            clearable
            placeholder="Unassigned"
            error={error('assigneeUserId') ?? error('assigneeContactId')}
            comboboxProps={{ withinPortal: true }}
          />
          <NumberInput
            label="Customer effort"
            description="What this costs the customer, 0–10 (optional)"
            inputWrapperOrder={['label', 'input', 'description', 'error']}
            min={0}
            max={10}
            allowDecimal={false}
            clampBehavior="none"
            value={effort}
            onChange={setEffort}
            error={error('customerEffort')}
          />
        </SimpleGrid>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={create.isPending}>
            Cancel
          </Button>
          <Button type="submit" loading={create.isPending}>
            {fixedAccount ? 'Add task' : 'Create task'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
