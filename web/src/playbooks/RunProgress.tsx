import { Anchor, Badge, Group, Progress, Stack, Text, Tooltip } from '@mantine/core';
import { Link } from 'react-router';
import { useAccount } from '../api/accounts';
import type { PlaybookRun, RunStep } from '../api/playbooks';
import { formatDateTime, relative } from '../components/format';
import { runStatusColor, stepKindLabel, stepStatusColor, stepStatusLabel } from './labels';
import { RunStepTitle } from './StepSummary';

export function RunStatusBadge({ status }: { status: PlaybookRun['status'] }) {
  return (
    <Badge variant="light" color={runStatusColor[status]} radius="sm" tt="none" data-run-status={status}>
      {status[0]?.toUpperCase()}
      {status.slice(1)}
    </Badge>
  );
}

/** Completed steps of all (cancelled ones shown apart); a run is running until every step is over. */
export function RunProgressBar({ run }: { run: PlaybookRun }) {
  const { done, total, issued, cancelled } = run.progress;
  const pct = (n: number) => (total > 0 ? (n / total) * 100 : 0);
  const color = runStatusColor[run.status];
  const parts = [`${done} of ${total} steps done`, issued ? `${issued} in progress` : null, cancelled ? `${cancelled} cancelled` : null].filter(Boolean).join(', ');
  return (
    <Group gap="xs" wrap="nowrap" miw={160} data-testid="run-progress" data-done={done} data-total={total} data-issued={issued}>
      <Tooltip label={parts} openDelay={300}>
        <Progress.Root size="md" radius="xl" style={{ flex: 1 }} aria-label={parts}>
          <Progress.Section value={pct(done - cancelled)} color={color} />
          <Progress.Section value={pct(cancelled)} color="gray.5" />
          <Progress.Section value={pct(issued)} color={color} style={{ opacity: 0.3 }} />
        </Progress.Root>
      </Tooltip>
      <Text size="xs" c="dimmed" className="canopy-num">
        {done}/{total}
      </Text>
    </Group>
  );
}

function stepWhen(s: RunStep): string {
  if (s.status === 'issued' && s.email) {
    if (s.email.status === 'awaiting_approval') return `waiting for approval of the e-mail to ${s.email.to}`;
    return s.email.lastError ? `e-mail queued — ${s.email.lastError}` : `e-mail to ${s.email.to} queued`;
  }
  if (s.status === 'issued' && s.task) return s.task.status === 'open' ? 'waiting for its task to be done' : `task ${s.task.status}`;
  if (s.status === 'issued' && s.kind === 'wait' && s.runAt) return `wait ends ${relative(s.runAt)}`;
  if (s.status === 'cancelled' && s.task?.status === 'cancelled') return `task cancelled${s.finishedAt ? ` ${relative(s.finishedAt)}` : ''}`;
  if (s.finishedAt) return `${stepStatusLabel[s.status]} ${relative(s.finishedAt)}`;
  if (s.status === 'pending' && s.runAt) return `runs ${relative(s.runAt)}`;
  if (s.status === 'pending') return 'after the step before';
  return stepStatusLabel[s.status];
}

/** Each step of a run with its status, when it ran (or will), and what it produced or why it failed. */
export function RunSteps({ run }: { run: PlaybookRun }) {
  return (
    <Stack gap={4} component="ol" p={0} m={0} style={{ listStyle: 'none' }}>
      {run.steps.map((s) => (
        <Group key={s.index} component="li" gap="xs" wrap="nowrap" align="flex-start" data-step-status={s.status}>
          <Badge size="sm" variant={s.status === 'completed' ? 'filled' : 'light'} color={stepStatusColor[s.status]} radius="sm" w={92} tt="none">
            {stepStatusLabel[s.status]}
          </Badge>
          <div style={{ minWidth: 0 }}>
            <Text size="sm">
              <Text span c="dimmed" size="xs">
                {s.index + 1}. {stepKindLabel[s.kind as keyof typeof stepKindLabel] ?? s.kind} ·{' '}
              </Text>
              <RunStepTitle run={run} step={s} />
            </Text>
            <Tooltip label={formatDateTime(s.finishedAt ?? s.runAt)} disabled={!s.finishedAt && !s.runAt} openDelay={300}>
              <Text size="xs" c="dimmed" w="fit-content">
                {stepWhen(s)}
              </Text>
            </Tooltip>
            {typeof s.result?.summary === 'string' && (
              <Text size="xs" c={s.result.outcome === 'waited' ? 'orange.8' : 'dimmed'} data-testid="step-summary">
                {s.result.summary}
              </Text>
            )}
            {s.error && (
              <Text size="xs" c="red.7">
                {s.error}
              </Text>
            )}
          </div>
        </Group>
      ))}
    </Stack>
  );
}

/** An account's name by id, from the account query (cached across rows). */
export function AccountName({ id, hash }: { id: string; hash?: string }) {
  const account = useAccount(id);
  return (
    <Anchor component={Link} to={`/accounts/${id}${hash ? `#${hash}` : ''}`} size="sm" fw={500}>
      {account.data?.name ?? (account.isError ? 'Deleted account' : '…')}
    </Anchor>
  );
}
