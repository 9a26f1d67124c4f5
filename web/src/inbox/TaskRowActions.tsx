import { ActionIcon, Button, Group, Menu } from '@mantine/core';
import dayjs from 'dayjs';
import { useNavigate } from 'react-router';
import { type Task, type TaskPatch, useUpdateTask } from '../api/tasks';
import { notifyError, notifySuccess } from '../components/feedback';
import { Icon } from '../components/icons';
import type { TaskDialog } from './TaskModals';
import { SNOOZE_PRESETS, snoozeUntil } from './taskFormat';

function ClockIcon() {
  return (
    <svg width={17} height={17} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={1.8} strokeLinecap="round" strokeLinejoin="round" aria-hidden>
      <path d="M12 22a10 10 0 1 0 0-20 10 10 0 0 0 0 20M12 6v6l4 2" />
    </svg>
  );
}

interface Props {
  task: Task;
  onDialog: (d: TaskDialog) => void;
  /** Show "Open account" (the inbox); the account page hides it. */
  withAccountLink?: boolean;
}

/** Complete, Snooze (a clock) and ⋯ (reassign, wake, cancel, open account) for one open task. */
export function TaskRowActions({ task, onDialog, withAccountLink = true }: Props) {
  const update = useUpdateTask();
  const navigate = useNavigate();
  const pending = update.isPending;
  const patch = (p: TaskPatch, message: string) =>
    update.mutate({ id: task.id, patch: p }, { onSuccess: () => notifySuccess(message), onError: (err) => notifyError(err, 'Could not update the task') });
  const snoozed = !!task.snoozedUntil && dayjs(task.snoozedUntil).isAfter(dayjs());

  if (task.status !== 'open') {
    return (
      <Group gap={4} justify="flex-end" wrap="nowrap">
        <Button size="compact-xs" variant="subtle" loading={pending} onClick={() => patch({ status: 'open' }, `Reopened: ${task.title}`)}>
          Reopen
        </Button>
      </Group>
    );
  }

  return (
    <Group gap={4} justify="flex-end" wrap="nowrap">
      <Button size="compact-xs" variant="light" onClick={() => onDialog({ kind: 'complete', task })} aria-label={`Complete ${task.title}`}>
        Complete
      </Button>
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <ActionIcon variant="subtle" color="gray" loading={pending} aria-label={`Snooze ${task.title}`} title="Snooze">
            <ClockIcon />
          </ActionIcon>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Label>Hide from the inbox for</Menu.Label>
          {SNOOZE_PRESETS.map((s) => (
            <Menu.Item key={s.days} onClick={() => patch({ snoozedUntil: snoozeUntil(s.days) }, `Snoozed for ${s.label}: ${task.title}`)}>
              {s.label}
            </Menu.Item>
          ))}
          <Menu.Item onClick={() => onDialog({ kind: 'snooze', task })}>Pick a date…</Menu.Item>
          {snoozed && (
            <>
              <Menu.Divider />
              <Menu.Item onClick={() => patch({ snoozedUntil: null }, `Back in the inbox: ${task.title}`)}>Wake now</Menu.Item>
            </>
          )}
        </Menu.Dropdown>
      </Menu>
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <ActionIcon variant="subtle" color="gray" aria-label={`More actions for ${task.title}`}>
            <Icon name="dots" />
          </ActionIcon>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Item leftSection={<Icon name="users" size={14} />} onClick={() => onDialog({ kind: 'reassign', task })}>
            Reassign…
          </Menu.Item>
          {withAccountLink && (
            <Menu.Item leftSection={<Icon name="external" size={14} />} onClick={() => void navigate(`/accounts/${task.accountId}`)}>
              Open account
            </Menu.Item>
          )}
          <Menu.Divider />
          <Menu.Item color="red" leftSection={<Icon name="trash" size={14} />} onClick={() => patch({ status: 'cancelled' }, `Cancelled: ${task.title}`)}>
            Cancel task
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
    </Group>
  );
}
