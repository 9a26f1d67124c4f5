import { Alert, Badge, Button, Checkbox, Group, Loader, Modal, Select, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { DatePicker } from '@mantine/dates';
import dayjs from 'dayjs';
import { type FormEvent, useState } from 'react';
import { useUsers } from '../api/admin';
import { ApiError } from '../api/client';
import { type Task, useContactChoices, useUpdateTask } from '../api/tasks';
import { FormError, notifySuccess } from '../components/feedback';
import { STATUS_COLOR, STATUS_LABEL, useDecideEmail, useEmailApproval } from '../api/outbox';

export type TaskDialog = { kind: 'complete' | 'reassign' | 'snooze'; task: Task } | null;

/** The dialogs behind a task's row actions; one set per list. */
export function TaskModals({ dialog, onClose }: { dialog: TaskDialog; onClose: () => void }) {
  // A playbook e-mail task may hold a customer e-mail waiting for approval: completing it means deciding on it.
  const mayHoldEmail = dialog?.kind === 'complete' && dialog.task.kind === 'email' && dialog.task.source === 'playbook';
  const approval = useEmailApproval(mayHoldEmail ? dialog.task.id : null);
  const reviewing = mayHoldEmail && approval.data !== undefined;
  const titles = { complete: reviewing ? 'Review the e-mail' : dialog?.task.kind === 'call' ? 'I called' : 'Complete task', reassign: 'Reassign task', snooze: 'Snooze until…' };
  return (
    <Modal opened={dialog !== null} onClose={onClose} title={dialog ? titles[dialog.kind] : ''} centered size={reviewing ? 'lg' : 'md'}>
      {mayHoldEmail && approval.isPending && <Loader size="sm" aria-label="Loading the e-mail" />}
      {dialog?.kind === 'complete' && reviewing && approval.data && <ApproveEmailForm task={dialog.task} approval={approval.data} onClose={onClose} />}
      {dialog?.kind === 'complete' && (!mayHoldEmail || approval.isError) && <CompleteForm task={dialog.task} onClose={onClose} />}
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

/**
 * A customer e-mail held for approval (a playbook step with "send after a CSM approves"): the CSM
 * reads it as it will be sent, may edit the subject and body, and approves it (it is queued) or
 * rejects it (it is never sent). Marking the task done without deciding is not offered.
 */
function ApproveEmailForm({ task, approval, onClose }: { task: Task; approval: NonNullable<ReturnType<typeof useEmailApproval>['data']>; onClose: () => void }) {
  const [subject, setSubject] = useState(approval.subject);
  const [body, setBody] = useState(approval.body);
  const [reason, setReason] = useState('');
  const decide = useDecideEmail();
  const waiting = approval.status === 'awaiting_approval';
  const submit = (e: FormEvent) => {
    e.preventDefault();
    decide.mutate(
      { taskId: task.id, decision: 'approve', body: { subject: subject.trim(), body: body.trim() } },
      {
        onSuccess: () => {
          notifySuccess(approval.emailConfigured ? `Approved: the e-mail to ${approval.to.email} is on its way.` : `Approved. E-mail is not configured, so it waits in the outbox.`);
          onClose();
        },
      },
    );
  };
  const reject = () =>
    decide.mutate(
      { taskId: task.id, decision: 'reject', body: reason.trim() ? { reason: reason.trim() } : {} },
      {
        onSuccess: () => {
          notifySuccess(`Rejected: the e-mail to ${approval.to.email} will not be sent.`);
          onClose();
        },
      },
    );
  const fields = decide.error instanceof ApiError ? decide.error.fieldMap() : {};
  return (
    <form onSubmit={submit} noValidate aria-label="Review the e-mail">
      <Stack gap="sm">
        <TaskSummary task={task} />
        <Group gap="xs">
          <Text size="sm">
            To: <b>{approval.to.name ? `${approval.to.name} <${approval.to.email}>` : approval.to.email}</b>
          </Text>
          <Badge color={STATUS_COLOR[approval.status]} variant="light">
            {STATUS_LABEL[approval.status]}
          </Badge>
        </Group>
        {!approval.emailConfigured && (
          <Alert color="yellow" variant="light" title="E-mail is not configured">
            Approved e-mails wait in the outbox until an admin sets CANOPY_SMTP_URL.
          </Alert>
        )}
        <TextInput label="Subject" value={subject} onChange={(e) => setSubject(e.currentTarget.value)} error={fields.subject} disabled={!waiting} required />
        <Textarea label="Body" value={body} onChange={(e) => setBody(e.currentTarget.value)} error={fields.body} autosize minRows={6} maxRows={16} disabled={!waiting} required />
        {waiting && (
          <TextInput label="Reason (if you reject it)" placeholder="Optional" value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
        )}
        <FormError error={decide.error} shownFields={['subject', 'body']} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={decide.isPending}>
            Close
          </Button>
          {waiting && (
            <>
              <Button color="red" variant="light" onClick={reject} loading={decide.isPending && decide.variables.decision === 'reject'}>
                Reject
              </Button>
              <Button type="submit" loading={decide.isPending && decide.variables.decision === 'approve'}>
                Approve and send
              </Button>
            </>
          )}
        </Group>
      </Stack>
    </form>
  );
}
