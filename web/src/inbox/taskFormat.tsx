import { Badge, Stack, Text, Tooltip } from '@mantine/core';
import dayjs from 'dayjs';
import type { Task, TaskKind, TaskSource } from '../api/tasks';
import { daysLabel, formatDateTime } from '../components/format';

export const PRIORITIES = [
  { value: 4, label: 'Urgent', color: 'red' },
  { value: 3, label: 'High', color: 'orange' },
  { value: 2, label: 'Normal', color: 'blue' },
  { value: 1, label: 'Low', color: 'gray' },
] as const;

export const priorityOptions = PRIORITIES.map((p) => ({ value: String(p.value), label: p.label }));

export const sourceLabel: Record<TaskSource, string> = {
  manual: 'Manual',
  rule: 'Rule',
  playbook: 'Playbook',
  escalation: 'Escalation',
  recommendation: 'Recommendation',
  plan: 'Success plan',
  seed: 'Seed re-ask',
};
const sourceColor: Record<TaskSource, string> = { manual: 'gray', rule: 'violet', playbook: 'indigo', escalation: 'red', recommendation: 'orange', plan: 'teal', seed: 'lime' };

export const kindLabel: Record<TaskKind, string> = { todo: 'To-do', call: 'Call', email: 'E-mail', meeting: 'Meeting' };
export const kindOptions = (Object.keys(kindLabel) as TaskKind[]).map((k) => ({ value: k, label: kindLabel[k] }));

export function PriorityBadge({ priority }: { priority: number }) {
  const p = PRIORITIES.find((x) => x.value === priority) ?? PRIORITIES[2];
  return (
    <Badge variant={priority >= 3 ? 'light' : 'outline'} color={p.color} radius="sm" tt="none" data-priority={priority}>
      {p.label}
    </Badge>
  );
}

export function SourceBadge({ source }: { source: TaskSource }) {
  return (
    <Badge variant="dot" color={sourceColor[source]} radius="sm" tt="none" fw={500} data-source={source}>
      {sourceLabel[source]}
    </Badge>
  );
}

/** "Overdue · 2 days ago" in red, "Today", "in 3 days", or a dimmed "No due date". */
export function DueText({ task }: { task: Pick<Task, 'dueAt' | 'overdue' | 'status' | 'snoozedUntil'> }) {
  if (!task.dueAt) {
    return (
      <Text span size="sm" c="dimmed">
        No due date
      </Text>
    );
  }
  const days = dayjs(task.dueAt).startOf('day').diff(dayjs().startOf('day'), 'day');
  const overdue = task.overdue && task.status === 'open';
  const snoozed = task.snoozedUntil && dayjs(task.snoozedUntil).isAfter(dayjs());
  return (
    <Tooltip label={`Due ${formatDateTime(task.dueAt)}${snoozed ? ` · snoozed until ${formatDateTime(task.snoozedUntil)}` : ''}`} openDelay={300}>
      <Stack gap={0} data-overdue={overdue} w="fit-content">
        <Text size="sm" c={overdue ? 'red.7' : days === 0 ? 'orange.8' : undefined} fw={overdue || days === 0 ? 600 : 400} className="canopy-num">
          {overdue ? 'Overdue' : days === 0 ? 'Today' : daysLabel(days)}
        </Text>
        {overdue && (
          <Text size="xs" c="red.7">
            {days === 0 ? 'today' : daysLabel(days)}
          </Text>
        )}
        {snoozed && (
          <Text size="xs" c="dimmed">
            snoozed
          </Text>
        )}
      </Stack>
    </Tooltip>
  );
}

/** Snooze presets: the task wakes at 8:00 local time that day. */
export const SNOOZE_PRESETS = [
  { label: '1 day', days: 1 },
  { label: '3 days', days: 3 },
  { label: '1 week', days: 7 },
] as const;

export function snoozeUntil(days: number): string {
  return dayjs().add(days, 'day').hour(8).minute(0).second(0).millisecond(0).toISOString();
}
