import { Button, Checkbox, Group, Modal, Select, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { DatePicker } from '@mantine/dates';
import dayjs from 'dayjs';
import { type FormEvent, useState } from 'react';
import { useUsers } from '../api/admin';
import { ApiError } from '../api/client';
import { type Task, useContactChoices, useUpdateTask } from '../api/tasks';
import { FormError, notifySuccess } from '../components/feedback';

export type TaskDialog = { kind: 'complete' | 'reassign' | 'snooze'; task: Task } | null;

/** The dialogs behind a task's row actions; one set per list. */
export function TaskModals({ dialog, onClose }: { dialog: TaskDialog; onClose: () => void }) {
  const titles = { complete: dialog?.task.kind === 'call' ? 'I called' : 'Complete task', reassign: 'Reassign task', snooze: 'Snooze until…' };
  return (
    <Modal opened={dialog !== null} onClose={onClose} title={dialog ? titles[dialog.kind] : ''} centered>
      {dialog?.kind === 'complete' && <CompleteForm task={dialog.task} onClose={onClose} />}
      {dialog?.kind === 'reassign' && <ReassignForm task={dialog.task} onClose={onClose} />}
      {dialog?.kind === 'snooze' && <SnoozeForm task={dialog.task} onClose={onClose} />}
    </Modal>
  );
}

function TaskSummary({ task }: { task: Task }) {
  return (
    <div>
      <Text fw={600} size="sm">
        {task.title}
      </Text>
      <Text size="xs" c="dimmed">
        {task.accountName}
        {task.reason ? ` · ${task.reason}` : ''}
      </Text>
    </div>
  );
}

function Buttons({ onClose, pending, label }: { onClose: () => void; pending: boolean; label: string }) {
  return (
    <Group justify="flex-end">
      <Button variant="default" onClick={onClose} disabled={pending}>
        Cancel
      </Button>
      <Button type="submit" loading={pending}>
        {label}
      </Button>
    </Group>
  );
}

const ACTIVITY_NOUN: Partial<Record<Task['kind'], string>> = { call: 'call', meeting: 'meeting', email: 'e-mail' };

/**
 * Completing a task asks what came of it. A call, meeting or e-mail task is also an activity with
 * the customer: the dialog shows the activity it will log (subject and note, editable), or lets
 * the CSM complete it without logging one.
 */
function CompleteForm({ task, onClose }: { task: Task; onClose: () => void }) {
  const noun = ACTIVITY_NOUN[task.kind];
  const [note, setNote] = useState('');
  const [log, setLog] = useState(true);
  const [subject, setSubject] = useState(task.title);
  const update = useUpdateTask();
  const fields = update.error instanceof ApiError ? update.error.fieldMap() : {};
  const logging = !!noun && log;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const activity = !noun ? undefined : logging ? { subject: subject.trim() || task.title, body: note.trim() } : null;
    update.mutate(
      { id: task.id, patch: { status: 'done', outcomeNote: note.trim() || null, ...(activity !== undefined ? { activity } : {}) } },
      {
        onSuccess: () => {
          notifySuccess(logging ? `Done, and the ${noun} is logged: ${task.title}` : `Done: ${task.title}`);
          onClose();
        },
      },
    );
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <TaskSummary task={task} />
        <FormError error={update.error} shownFields={['outcomeNote', 'activity.subject', 'activity.body']} />
        {noun && (
          <Checkbox
            label={`Log this ${noun} on the account's timeline`}
            description="It counts as a touch, and as proactive work unless it answers an escalation"
            checked={log}
            onChange={(e) => setLog(e.currentTarget.checked)}
          />
        )}
        {logging && (
          <TextInput label={`${noun[0]?.toUpperCase()}${noun.slice(1)} subject`} value={subject} onChange={(e) => setSubject(e.currentTarget.value)} error={fields['activity.subject']} maxLength={300} />
        )}
        <Textarea
          label={logging ? 'Notes' : 'Outcome note'}
          description={logging ? `What was said and agreed: the task's outcome and the ${noun}'s notes` : 'What came of it: what you learned, what was agreed, what happens next'}
          placeholder="Spoke with the champion; they will add the finance team next week."
          autosize
          minRows={3}
          value={note}
          onChange={(e) => setNote(e.currentTarget.value)}
          error={fields.outcomeNote ?? fields['activity.body']}
          data-autofocus
        />
        <Buttons onClose={onClose} pending={update.isPending} label={logging ? `Complete and log the ${noun}` : 'Complete task'} />
      </Stack>
    </form>
  );
}

function ReassignForm({ task, onClose }: { task: Task; onClose: () => void }) {
  const users = useUsers();
  const contacts = useContactChoices(task.accountId);
  const [value, setValue] = useState<string | null>(task.assignee ? `${task.assignee.type}:${task.assignee.id}` : null);
  const update = useUpdateTask();
  const fields = update.error instanceof ApiError ? update.error.fieldMap() : {};
  const data = [
    { group: 'Our team', items: (users.data ?? []).filter((u) => u.active).map((u) => ({ value: `user:${u.id}`, label: u.name })) },
    {
      group: 'Customer contacts',
      items: (contacts.data ?? []).map((c) => ({ value: `contact:${c.id}`, label: c.name ?? c.email ?? 'Contact' })),
    },
  ].filter((g) => g.items.length > 0);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const [type, id = null] = (value ?? '').split(':');
    const patch = type === 'contact' ? { assigneeContactId: id } : { assigneeUserId: id, assigneeContactId: null };
    update.mutate(
      { id: task.id, patch },
      {
        onSuccess: (t) => {
          notifySuccess(t.assignee ? `Reassigned to ${t.assignee.name}` : 'Unassigned');
          onClose();
        },
      },
    );
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <TaskSummary task={task} />
        <FormError error={update.error} shownFields={['assigneeUserId', 'assigneeContactId']} />
        <Select
          label="Assignee"
          description="Someone on our side, or a customer contact for customer-side work"
          placeholder={users.isPending ? 'Loading people…' : 'Unassigned'}
          data={data}
          value={value}
          onChange={setValue}
          searchable
          clearable
          error={fields.assigneeUserId ?? fields.assigneeContactId}
          comboboxProps={{ withinPortal: true }}
          data-autofocus
        />
        <Buttons onClose={onClose} pending={update.isPending} label="Reassign" />
      </Stack>
    </form>
  );
}

function SnoozeForm({ task, onClose }: { task: Task; onClose: () => void }) {
  const [day, setDay] = useState<string | null>(dayjs().add(1, 'day').format('YYYY-MM-DD'));
  const update = useUpdateTask();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!day) return;
    const until = dayjs(day).hour(8).minute(0).second(0).millisecond(0);
    update.mutate(
      { id: task.id, patch: { snoozedUntil: until.toISOString() } },
      {
        onSuccess: () => {
          notifySuccess(`Snoozed until ${until.format('ddd, MMM D')}`);
          onClose();
        },
      },
    );
  };
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        <TaskSummary task={task} />
        <FormError error={update.error} />
        <Group justify="center">
          <DatePicker value={day} onChange={setDay} minDate={dayjs().add(1, 'day').format('YYYY-MM-DD')} aria-label="Snooze until" />
        </Group>
        <Text size="xs" c="dimmed" ta="center">
          The task leaves your inbox and comes back at 8:00 that morning.
        </Text>
        <Buttons onClose={onClose} pending={update.isPending} label="Snooze" />
      </Stack>
    </form>
  );
}
