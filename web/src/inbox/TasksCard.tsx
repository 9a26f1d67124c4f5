import { Anchor, Badge, Button, Card, Group, Switch, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import { can, useMe } from '../api/auth';
import { useTasks } from '../api/tasks';
import { QueryError, TableSkeleton } from '../components/feedback';
import { Icon } from '../components/icons';
import { useHashTarget } from './useHashTarget';
import { TaskFormModal } from './TaskFormModal';
import { type TaskDialog, TaskModals } from './TaskModals';
import { TaskTable } from './TaskTable';

/** The account page's open tasks (everyone's), with the inbox's actions and "Add task". */
export function TasksCard({ accountId, canEdit }: { accountId: string; canEdit: boolean }) {
  const me = useMe();
  const [showDone, setShowDone] = useState(false);
  const tasks = useTasks({ accountId, assignee: 'any', status: showDone ? 'all' : 'open', includeSnoozed: true, limit: 100 });
  const [dialog, setDialog] = useState<TaskDialog>(null);
  const [adding, setAdding] = useState(false);
  const items = tasks.data?.items ?? [];
  const counts = tasks.data?.counts;
  // Assignees act on their own tasks; editors of the account act on all of them.
  const canAct = can.write(me);
  useHashTarget('task-', !!tasks.data);

  return (
    <Card padding="lg" data-testid="tasks-card">
      <Group justify="space-between" mb="sm" align="flex-start">
        <div>
          <Group gap="xs">
            <Title order={4}>Tasks</Title>
            {counts && counts.overdue > 0 && (
              <Badge color="red" variant="light" radius="sm">
                {counts.overdue} overdue
              </Badge>
            )}
          </Group>
          <Text size="sm" c="dimmed">
            Calls to action on this account, ours and the customer’s
          </Text>
        </div>
        <Group gap="sm">
          <Switch size="xs" label="Show done" checked={showDone} onChange={(e) => setShowDone(e.currentTarget.checked)} />
          {canEdit && (
            <Button size="xs" variant="light" leftSection={<Icon name="plus" size={14} />} onClick={() => setAdding(true)}>
              Add task
            </Button>
          )}
        </Group>
      </Group>
      {tasks.isPending && <TableSkeleton rows={3} />}
      {tasks.isError && <QueryError error={tasks.error} onRetry={() => void tasks.refetch()} />}
      {tasks.data && items.length === 0 && (
        <Text size="sm" c="dimmed" py="md" ta="center">
          No open tasks.{canEdit ? ' Add one, or start a playbook below.' : ''} Work assigned to you also shows in your{' '}
          <Anchor component={Link} to="/inbox" size="sm">
            inbox
          </Anchor>
          .
        </Text>
      )}
      {items.length > 0 && <TaskTable tasks={items} onDialog={setDialog} variant="account" actions={canAct} label="Account tasks" />}
      <TaskModals dialog={dialog} onClose={() => setDialog(null)} />
      <TaskFormModal opened={adding} onClose={() => setAdding(false)} accountId={accountId} />
    </Card>
  );
}
