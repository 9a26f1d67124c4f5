import { Badge, Button, Group, Progress, Stack, Table, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { healthKeys, isBackfill, isRunActive, useBackfill, useHealthRun, useHealthRuns, useRecompute } from '../api/health';
import type { HealthRun } from '../api/healthTypes';
import { notifyError, notifySuccess, QueryError, TableSkeleton } from '../components/feedback';
import { count, decimal, formatDateTime, relative } from '../components/format';
import { Icon } from '../components/icons';

const STATUS_COLOR: Record<HealthRun['status'], string> = { queued: 'gray', running: 'blue', done: 'teal', failed: 'red' };

function duration(run: HealthRun): string {
  if (!run.startedAt || !run.finishedAt) return '—';
  const s = Math.max(0, (new Date(run.finishedAt).getTime() - new Date(run.startedAt).getTime()) / 1000);
  return s < 60 ? `${decimal(s, 1)} s` : `${Math.round(s / 60)} min`;
}

function pct(run: HealthRun | undefined): number {
  if (!run) return 0;
  if (run.status === 'done') return 100;
  return run.total > 0 ? Math.min(100, (run.done / run.total) * 100) : 0;
}

/** "Recompute all" with live progress (polled every second), for admins and managers. */
export function RecomputeButton({ onRun }: { onRun: (runId: string) => void }) {
  const recompute = useRecompute();
  return (
    <Button
      leftSection={<Icon name="refresh" size={16} />}
      loading={recompute.isPending}
      onClick={() =>
        recompute.mutate(undefined, {
          onSuccess: ({ runId }) => onRun(runId),
          onError: (err) => notifyError(err, 'Could not start the recomputation'),
        })
      }
    >
      Recompute all
    </Button>
  );
}

/** The history back-fill's default: the 90 days the charts and the 30-day change look at. */
export const BACKFILL_DAYS = 90;

/** "Rebuild history (90 days)": daily snapshots of the past days recomputed with today's drivers. */
export function BackfillButton({ onRun, variant = 'default' }: { onRun: (runId: string) => void; variant?: 'default' | 'filled' | 'light' }) {
  const backfill = useBackfill();
  return (
    <Button
      variant={variant}
      leftSection={<Icon name="refresh" size={16} />}
      loading={backfill.isPending}
      onClick={() =>
        backfill.mutate(BACKFILL_DAYS, {
          onSuccess: (run) => onRun(run.id),
          onError: (err) => notifyError(err, 'Could not start rebuilding the history'),
        })
      }
    >
      Rebuild history ({BACKFILL_DAYS} days)
    </Button>
  );
}

const unit = (run: HealthRun | undefined) => (isBackfill(run) ? 'account-days' : 'accounts');

export function RunProgress({ runId }: { runId: string }) {
  const run = useHealthRun(runId);
  const qc = useQueryClient();
  const r = run.data;
  const announced = useRef(false);
  useEffect(() => {
    if (!r || isRunActive(r) || announced.current) return;
    announced.current = true;
    if (r.status === 'done') notifySuccess(isBackfill(r) ? `Health history rebuilt: ${count(r.total)} daily snapshots` : `Health recomputed for ${count(r.total)} accounts`);
    void qc.invalidateQueries({ queryKey: healthKeys.all });
    void qc.invalidateQueries({ queryKey: ['accounts', 'list'] });
  }, [r, qc]);

  if (run.isError) return <QueryError error={run.error} title="Could not follow the run" />;
  return (
    <Stack gap={4} data-testid="recompute-progress" data-status={r?.status ?? 'queued'}>
      <Group justify="space-between">
        <Text size="sm" fw={500}>
          {!r || r.status === 'queued' ? 'Waiting to start…' : r.status === 'running' ? (isBackfill(r) ? 'Rebuilding health history…' : 'Recomputing health…') : r.status === 'done' ? 'Done' : 'Failed'}
        </Text>
        <Text size="sm" c="dimmed" className="canopy-num">
          {r ? `${count(r.done)} / ${count(r.total)} ${unit(r)}` : ''}
        </Text>
      </Group>
      <Progress
        value={pct(r)}
        color={r?.status === 'failed' ? 'red' : r?.status === 'done' ? 'teal' : 'blue'}
        striped={isRunActive(r)}
        animated={isRunActive(r)}
        size="lg"
        aria-label={isBackfill(r) ? 'History rebuild progress' : 'Recompute progress'}
      />
      {r?.error && (
        <Text size="sm" c="red.7">
          {r.error}
        </Text>
      )}
    </Stack>
  );
}

export function RunsTable() {
  const runs = useHealthRuns(5);
  if (runs.isPending) return <TableSkeleton rows={3} />;
  if (runs.isError) return <QueryError error={runs.error} onRetry={() => void runs.refetch()} />;
  if (runs.data.length === 0) {
    return (
      <Text size="sm" c="dimmed" py="md" ta="center">
        No full recomputation or history rebuild yet. Health is also recomputed as events and field changes arrive.
      </Text>
    );
  }
  return (
    <Table className="canopy-table" verticalSpacing={6} aria-label="Recent runs">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Started</Table.Th>
          <Table.Th>Trigger</Table.Th>
          <Table.Th>Status</Table.Th>
          <Table.Th ta="right">Progress</Table.Th>
          <Table.Th ta="right">Took</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {runs.data.map((run) => (
          <Table.Tr key={run.id}>
            <Table.Td title={formatDateTime(run.startedAt ?? run.createdAt)}>{relative(run.startedAt ?? run.createdAt)}</Table.Td>
            <Table.Td>{run.trigger}</Table.Td>
            <Table.Td>
              <Badge variant="light" color={STATUS_COLOR[run.status]} radius="sm" title={run.error ?? undefined}>
                {run.status}
              </Badge>
            </Table.Td>
            <Table.Td ta="right" className="canopy-num">
              {count(run.done)} / {count(run.total)} {unit(run)}
            </Table.Td>
            <Table.Td ta="right" className="canopy-num">
              {duration(run)}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
