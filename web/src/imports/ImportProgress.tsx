import { Alert, Anchor, Badge, Button, Group, Progress, SimpleGrid, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api } from '../api/client';
import { ConfirmModal } from '../components/ConfirmModal';
import { notifyError } from '../components/feedback';
import { count } from '../components/format';
import { type ImportItem, errorsCsvUrl, isTerminal, useCancelImport } from './api';
import { formatBytes, formatDuration, percentDone, progressRate, type Sample } from './logic';

/** Totals as badges: create / update / skip / error. */
export function CountBadges({ item, dry }: { item: ImportItem; dry?: boolean }) {
  const c = item.counts;
  const verb = dry ? ['would create', 'would update', 'would skip', 'errors'] : ['created', 'updated', 'skipped', 'errors'];
  return (
    <Group gap="xs" data-testid="import-counts">
      <Badge size="lg" variant="light" color="teal" tt="none" data-count="created">{`${count(c.created)} ${verb[0]}`}</Badge>
      <Badge size="lg" variant="light" color="blue" tt="none" data-count="updated">{`${count(c.updated)} ${verb[1]}`}</Badge>
      <Badge size="lg" variant="light" color="gray" tt="none" data-count="skipped">{`${count(c.skipped)} ${verb[2]}`}</Badge>
      <Badge size="lg" variant="light" color={c.errors > 0 ? 'red' : 'gray'} tt="none" data-count="errors">{`${count(c.errors)} ${verb[3]}`}</Badge>
    </Group>
  );
}

function Figure({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text fw={600} className="canopy-num">
        {value}
      </Text>
    </div>
  );
}

/**
 * The import's rows do not carry the ids they wrote: after an import that created accounts, the
 * newest account is one of them (unless someone created another since).
 */
function useNewestAccount(enabled: boolean) {
  return useQuery({
    queryKey: ['accounts', 'list', 'newest'],
    queryFn: ({ signal }) => api<{ items: { id: string }[] }>('/api/accounts', { query: { sort: '-createdAt', limit: 1 }, signal }).then((p) => p.items[0]?.id ?? null),
    enabled,
  });
}

/** A running import: bar, rows, bytes, rate, time left, Cancel; once over, the summary with its links. */
export function ImportProgress({ item, at }: { item: ImportItem; at: number }) {
  const cancel = useCancelImport();
  const { rows, bytes, totalBytes } = item.progress;
  // The first reading seen and the latest (at: when the latest was fetched): rate and time left between them.
  const last: Sample = { at, rows, bytes };
  const [first, setFirst] = useState<Sample | null>(null);
  if (first === null && at > 0) setFirst(last);
  const done = isTerminal(item.status);
  const pct = done && item.status !== 'failed' && item.status !== 'cancelled' ? 100 : percentDone(bytes, totalBytes);
  const measured = progressRate(first, last, totalBytes);
  // The server's own rate and time left when it gives them (it sees every chunk); else ours between two readings.
  const rate = { rowsPerSec: item.progress.rate ?? measured.rowsPerSec, secondsLeft: item.progress.etaSeconds ?? measured.secondsLeft };
  const newest = useNewestAccount(done && item.kind === 'accounts' && !item.dryRun && item.counts.created > 0);

  const [confirming, setConfirming] = useState(false);

  const firstId = item.accountIds?.[0] ?? item.rows?.find((r) => r.id || r.targetId)?.id ?? item.rows?.find((r) => r.targetId)?.targetId ?? newest.data;

  return (
    <Stack gap="sm" data-testid="import-progress" data-status={item.status}>
      <Progress.Root size="xl" aria-label="Import progress">
        <Progress.Section value={pct ?? 100} animated={!done} striped={!done && pct === null} color={item.status === 'failed' ? 'red' : item.status === 'cancelled' ? 'orange' : done ? 'teal' : 'blue'}>
          <Progress.Label>{pct === null ? '' : `${Math.round(pct)}%`}</Progress.Label>
        </Progress.Section>
      </Progress.Root>
      <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm">
        <Figure label="Rows" value={count(rows)} />
        <Figure label="Read" value={`${formatBytes(bytes)}${totalBytes ? ` of ${formatBytes(totalBytes)}` : ''}`} />
        <Figure label="Rate" value={rate.rowsPerSec === null ? '—' : `${count(Math.round(rate.rowsPerSec))} rows/s`} />
        <Figure label="Time left" value={done ? '—' : formatDuration(rate.secondsLeft)} />
      </SimpleGrid>
      {!done && (
        <Group>
          <Text size="sm" c="dimmed" data-testid="import-status">
            {item.status === 'queued' ? 'Waiting for the worker to start it…' : 'Importing…'}
          </Text>
          <Button variant="default" color="red" size="xs" onClick={() => setConfirming(true)} loading={cancel.isPending}>
            Cancel
          </Button>
        </Group>
      )}
      {done && (
        <Alert
          variant="light"
          color={item.status === 'failed' ? 'red' : item.status === 'cancelled' ? 'orange' : 'teal'}
          title={item.status === 'failed' ? 'The import failed: nothing was written' : item.status === 'cancelled' ? 'Cancelled: the counts say what was written' : 'Import finished'}
          data-testid="import-summary"
        >
          <Stack gap="xs">
            {(item.message ?? item.error) && <Text size="sm">{item.message ?? item.error}</Text>}
            <CountBadges item={item} />
            <Group gap="md">
              {item.kind === 'accounts' && firstId && (
                <Anchor component={Link} to={`/accounts/${firstId}`} size="sm" data-testid="open-imported-account">
                  Open an imported account
                </Anchor>
              )}
              {item.kind === 'accounts' && (
                <Anchor component={Link} to="/" size="sm">
                  See the portfolio
                </Anchor>
              )}
              {item.counts.errors > 0 && (
                <Anchor href={errorsCsvUrl(item.id)} size="sm" download>
                  Download rejected rows (CSV)
                </Anchor>
              )}
              <Anchor component={Link} to={`/imports/${item.id}`} size="sm">
                Import details
              </Anchor>
            </Group>
          </Stack>
        </Alert>
      )}
      <ConfirmModal
        opened={confirming}
        title="Cancel this import?"
        confirmLabel="Cancel import"
        loading={cancel.isPending}
        onClose={() => setConfirming(false)}
        onConfirm={() => cancel.mutate(item.id, { onError: (e) => notifyError(e, 'Could not cancel'), onSettled: () => setConfirming(false) })}
      >
        The import stops after the chunk it is writing. What was written stays (whole chunks only); the rest is not imported.
      </ConfirmModal>
    </Stack>
  );
}
