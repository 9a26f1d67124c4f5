import { Anchor, Badge, Button, Card, Group, HoverCard, Stack, Table, Text, Tooltip } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import { usePlaybookRun } from '../api/playbooks';
import { type Firing, type FiringAction, useRuleFirings } from '../api/rules';
import { useTask } from '../api/tasks';
import { QueryError, TableSkeleton } from '../components/feedback';
import { formatActual, notifyRoleLabel } from './labels';
import { formatDateTime, relative } from '../components/format';
import type { NotifyRole } from '../api/rules';

const str = (v: unknown) => (typeof v === 'string' ? v : null);

/** A created task: a link to it on its account page, with its title and status on hover (loaded then). */
function TaskRef({ accountId, taskId, label }: { accountId: string; taskId: string; label: string }) {
  const [open, setOpen] = useState(false);
  const task = useTask(taskId, open);
  return (
    <HoverCard width={280} openDelay={250} onOpen={() => setOpen(true)} withinPortal>
      <HoverCard.Target>
        <Anchor component={Link} to={`/accounts/${accountId}#task-${taskId}`} size="sm">
          {label}
        </Anchor>
      </HoverCard.Target>
      <HoverCard.Dropdown>
        {task.data ? (
          <Stack gap={2}>
            <Text size="sm" fw={600}>
              {task.data.title}
            </Text>
            <Text size="xs" c="dimmed">
              {task.data.status}
              {task.data.assignee ? ` · ${task.data.assignee.name}` : ' · unassigned'}
              {task.data.outcomeNote ? ` · “${task.data.outcomeNote}”` : ''}
            </Text>
          </Stack>
        ) : (
          <Text size="xs" c="dimmed">
            {task.isError ? 'The task is gone.' : 'Loading…'}
          </Text>
        )}
      </HoverCard.Dropdown>
    </HoverCard>
  );
}

function RunRef({ accountId, runId }: { accountId: string; runId: string }) {
  const [open, setOpen] = useState(false);
  const run = usePlaybookRun(runId, open);
  return (
    <HoverCard width={280} openDelay={250} onOpen={() => setOpen(true)} withinPortal>
      <HoverCard.Target>
        <Anchor component={Link} to={`/accounts/${accountId}#run-${runId}`} size="sm">
          Started a playbook
        </Anchor>
      </HoverCard.Target>
      <HoverCard.Dropdown>
        {run.data ? (
          <Text size="sm">
            <b>{run.data.playbookName}</b> v{run.data.version} · {run.data.status} · {run.data.progress.done}/{run.data.progress.total} steps
          </Text>
        ) : (
          <Text size="xs" c="dimmed">
            {run.isError ? 'The run is gone.' : 'Loading…'}
          </Text>
        )}
      </HoverCard.Dropdown>
    </HoverCard>
  );
}

/** What one action of a firing did, with links to what it made. */
function ActionDone({ a, accountId }: { a: FiringAction; accountId: string }) {
  const taskId = str(a.taskId);
  const runId = str(a.playbookRunId);
  switch (a.type) {
    case 'create_task':
      return taskId ? <TaskRef accountId={accountId} taskId={taskId} label="Created a task" /> : <Text size="sm">Created a task</Text>;
    case 'start_playbook':
      return runId ? <RunRef accountId={accountId} runId={runId} /> : <Text size="sm">Started a playbook</Text>;
    case 'call_them': {
      const reasons = Array.isArray(a.reasons) ? a.reasons.map(String) : [];
      return (
        <Stack gap={0}>
          <Group gap={6}>
            <Badge size="xs" color="orange" variant="light">
              Call them
            </Badge>
            {taskId && <TaskRef accountId={accountId} taskId={taskId} label="Proposed a call instead of more automation" />}
          </Group>
          {reasons.map((r, i) => (
            <Text key={i} size="xs" c="dimmed">
              {r}
            </Text>
          ))}
        </Stack>
      );
    }
    case 'notify': {
      const who = Array.isArray(a.recipients) ? a.recipients.map((r) => notifyRoleLabel[r as NotifyRole] ?? String(r)) : [];
      return <Text size="sm">Notified {who.join(', ').toLowerCase() || 'people'}</Text>;
    }
    case 'webhook':
      return <Text size="sm">Queued a webhook delivery</Text>;
    default:
      return <Text size="sm">{String(a.type)}</Text>;
  }
}

function FiringRow({ f }: { f: Firing }) {
  return (
    <Table.Tr data-firing-id={f.id}>
      <Table.Td>
        <Anchor component={Link} to={`/accounts/${f.accountId}`} size="sm" fw={600}>
          {f.accountName}
        </Anchor>
      </Table.Td>
      <Table.Td className="nowrap">
        <Tooltip label={formatDateTime(f.firedAt)}>
          <Text span size="sm">
            {relative(f.firedAt)}
          </Text>
        </Tooltip>
        <Text size="xs" c="dimmed">
          via {f.trigger}
        </Text>
      </Table.Td>
      <Table.Td>
        <Stack gap={2}>
          <Text size="xs" c="dimmed">
            {f.matched.match === 'all' ? 'All of' : 'Any of'}:
          </Text>
          {f.matched.results.map((r, i) => (
            <Group key={i} gap={6} wrap="nowrap">
              <Text span fw={700} c={r.ok ? 'teal.7' : 'red.7'}>
                {r.ok ? '✓' : '✗'}
              </Text>
              <Text span size="sm">
                {r.label}: <b>{formatActual(r.actual)}</b>
              </Text>
            </Group>
          ))}
        </Stack>
      </Table.Td>
      <Table.Td>
        <Stack gap={4}>
          {f.actions.length === 0 && (
            <Text size="sm" c="dimmed">
              Nothing recorded
            </Text>
          )}
          {f.actions.map((a, i) => (
            <ActionDone key={i} a={a} accountId={f.accountId} />
          ))}
        </Stack>
      </Table.Td>
    </Table.Tr>
  );
}

/** "Why did this fire?": each firing with the values that made it fire and what its actions did. */
export function FiringsTab({ ruleId }: { ruleId: string }) {
  const firings = useRuleFirings(ruleId);
  const items = firings.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Card padding={0}>
      {firings.isPending && <TableSkeleton rows={4} />}
      {firings.isError && <QueryError error={firings.error} onRetry={() => void firings.refetch()} />}
      {firings.data && items.length === 0 && (
        <Text c="dimmed" size="sm" ta="center" py={48} px="md">
          It has not fired yet. Rules are evaluated when health, usage or accounts change; it fires at most once per account per window.
        </Text>
      )}
      {items.length > 0 && (
        <Table.ScrollContainer minWidth={880}>
          <Table className="canopy-table" verticalSpacing="sm" horizontalSpacing="md" aria-label="Firings">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Account</Table.Th>
                <Table.Th>Fired</Table.Th>
                <Table.Th>Why: the values that matched</Table.Th>
                <Table.Th>What it did</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((f) => (
                <FiringRow key={f.id} f={f} />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {firings.hasNextPage && (
        <Group justify="center" p="sm">
          <Button variant="subtle" size="xs" loading={firings.isFetchingNextPage} onClick={() => void firings.fetchNextPage()}>
            Load more firings
          </Button>
        </Group>
      )}
    </Card>
  );
}
