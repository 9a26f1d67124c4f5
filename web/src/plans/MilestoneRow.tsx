import { Badge, Button, Checkbox, Group, Paper, Stack, Switch, Text, Tooltip } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { type Milestone, type PlanTask, useSetPlanTaskHidden, useUpdateMilestone, useUpdatePlanTask } from '../api/plans';
import { notifyError, notifySuccess } from '../components/feedback';
import { daysUntil, formatDay, plural } from '../components/format';
import { Icon } from '../components/icons';
import { PlanTaskFormModal } from './MilestoneForms';
import { HiddenBadge, OwnerLabel, SideBadge } from './planUi';
import { ActionsMenu } from './ActionsMenu';

interface Props {
  accountId: string;
  m: Milestone;
  canEdit: boolean;
  onEdit: () => void;
  onDelete: () => void;
}

export function MilestoneRow({ accountId, m, canEdit, onEdit, onDelete }: Props) {
  const update = useUpdateMilestone();
  const [adding, add] = useDisclosure(false);
  const done = !!m.completedAt;
  const overdue = !done && m.overdueDays > 0;
  const openTasks = m.tasks.filter((t) => t.status === 'open').length;
  const toggle = () =>
    update.mutate(
      { id: m.id, patch: { completed: !done } },
      {
        onSuccess: () => notifySuccess(done ? `“${m.title}” reopened` : `“${m.title}” done`),
        onError: (err) => notifyError(err, 'Could not change the milestone'),
      },
    );
  const setHidden = (hidden: boolean) =>
    update.mutate({ id: m.id, patch: { hiddenFromCustomer: hidden } }, { onError: (err) => notifyError(err, 'Could not change the milestone') });

  return (
    <Paper withBorder p="sm" radius="md" data-testid="milestone" data-milestone-title={m.title} data-overdue={overdue ? 'true' : 'false'}>
      <Group justify="space-between" wrap="nowrap" align="flex-start">
        <Group gap="sm" wrap="nowrap" align="flex-start" style={{ minWidth: 0 }}>
          <Checkbox
            mt={2}
            checked={done}
            onChange={toggle}
            disabled={!canEdit || update.isPending}
            aria-label={done ? `Mark “${m.title}” not done` : `Mark “${m.title}” done`}
          />
          <div style={{ minWidth: 0 }}>
            <Group gap={6}>
              <Text size="sm" fw={600} td={done ? 'line-through' : undefined}>
                {m.title}
              </Text>
              {m.hiddenFromCustomer && <HiddenBadge />}
              {!done && m.tasks.length > 0 && openTasks === 0 && (
                <Badge size="xs" variant="light" color="teal">
                  All tasks done
                </Badge>
              )}
            </Group>
            <OwnerLabel owner={m.owner} />
          </div>
        </Group>
        <Group gap={4} wrap="nowrap">
          <div style={{ textAlign: 'right' }}>
            <Text size="xs" c={overdue ? 'red' : done ? 'dimmed' : undefined} fw={overdue ? 600 : undefined}>
              {done ? `Done ${formatDay(m.completedAt)}` : overdue ? `${plural(m.overdueDays, 'day')} overdue` : m.dueAt ? `Due ${formatDay(m.dueAt)}` : 'No due date'}
            </Text>
            {overdue && (
              <Text size="xs" c="dimmed">
                was due {formatDay(m.dueAt)}
              </Text>
            )}
          </div>
          {canEdit && (
            <ActionsMenu
              label={`Actions for milestone ${m.title}`}
              actions={[
                { label: 'Edit', icon: 'edit', onClick: onEdit },
                { label: 'Add a task', icon: 'plus', onClick: add.open },
                { label: m.hiddenFromCustomer ? 'Show to the customer' : 'Hide from the customer', onClick: () => setHidden(!m.hiddenFromCustomer) },
                'divider',
                { label: 'Delete', icon: 'trash', danger: true, onClick: onDelete },
              ]}
            />
          )}
        </Group>
      </Group>
      {(m.tasks.length > 0 || canEdit) && (
        <Stack gap={4} mt="xs" pl={30}>
          {m.tasks.map((t) => (
            <TaskLine key={t.id} milestoneId={m.id} t={t} canEdit={canEdit} />
          ))}
          {canEdit && (
            <Group>
              <Button size="compact-xs" variant="subtle" leftSection={<Icon name="plus" size={12} />} onClick={add.open}>
                Add task
              </Button>
            </Group>
          )}
        </Stack>
      )}
      <PlanTaskFormModal accountId={accountId} milestone={m} opened={adding} onClose={add.close} />
    </Paper>
  );
}

function TaskLine({ milestoneId, t, canEdit }: { milestoneId: string; t: PlanTask; canEdit: boolean }) {
  const update = useUpdatePlanTask();
  const hide = useSetPlanTaskHidden();
  const done = t.status === 'done';
  const late = !done && t.dueAt !== null && (daysUntil(t.dueAt) ?? 0) < 0;
  const patch = (p: { status: 'open' | 'done' }) =>
    update.mutate({ id: t.id, patch: p }, { onError: (err) => notifyError(err, 'Could not change the task') });
  return (
    <Group justify="space-between" wrap="nowrap" gap="xs" data-testid="plan-task">
      <Group gap={8} wrap="nowrap" style={{ minWidth: 0 }}>
        <Checkbox
          size="xs"
          checked={done}
          disabled={!canEdit || t.status === 'cancelled' || update.isPending}
          onChange={() => patch({ status: done ? 'open' : 'done' })}
          aria-label={done ? `Reopen task ${t.title}` : `Mark task ${t.title} done`}
        />
        <Text size="xs" td={done || t.status === 'cancelled' ? 'line-through' : undefined} c={t.status === 'cancelled' ? 'dimmed' : undefined} truncate>
          {t.title}
        </Text>
        <SideBadge side={t.side} />
        {t.assigneeName && (
          <Text size="xs" c="dimmed" truncate>
            {t.assigneeName}
          </Text>
        )}
        {t.side === 'customer' && t.customerEffort != null && (
          <Tooltip label="What it costs the customer, 0–10">
            <Badge size="xs" variant="outline" color="grape" tt="none">
              effort {t.customerEffort}
            </Badge>
          </Tooltip>
        )}
      </Group>
      <Group gap={6} wrap="nowrap">
        {t.dueAt && (
          <Text size="xs" c={late ? 'red' : 'dimmed'}>
            {formatDay(t.dueAt)}
          </Text>
        )}
        {canEdit ? (
          <Tooltip label="Hidden tasks are not on the page the customer sees">
            <div>
              <Switch
                size="xs"
                label="Hidden from customer"
                aria-label={t.hiddenFromCustomer ? `Show task ${t.title} to the customer` : `Hide task ${t.title} from the customer`}
                checked={t.hiddenFromCustomer}
                disabled={hide.isPending}
                onChange={(e) =>
                  hide.mutate(
                    { milestoneId, taskId: t.id, hiddenFromCustomer: e.currentTarget.checked },
                    { onError: (err) => notifyError(err, 'Could not change the task') },
                  )
                }
                styles={{ label: { fontSize: 'var(--mantine-font-size-xs)', color: 'var(--mantine-color-dimmed)', whiteSpace: 'nowrap' } }}
              />
            </div>
          </Tooltip>
        ) : (
          t.hiddenFromCustomer && <HiddenBadge />
        )}
      </Group>
    </Group>
  );
}
