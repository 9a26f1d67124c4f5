import { Card, Grid, Group, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { can, useMe } from '../api/auth';
import { useHealthSummary } from '../api/health';
import { QueryError } from '../components/feedback';
import { bookLine, money, plural } from '../components/format';
import { BandDistribution } from './BandDistribution';
import { HealthTrendStack } from './HealthTrendStack';
import { BackfillButton, RecomputeButton, RunProgress, RunsTable } from './RecomputePanel';
import { QuadrantSummaryCard } from '../readiness/QuadrantSummary';

export default function HealthDashboardPage() {
  const me = useMe();
  const summary = useHealthSummary();
  const [runId, setRunId] = useState<string | null>(null);
  const canRecompute = can.audit(me);
  const hasTrend = (summary.data?.trend.length ?? 0) > 0;

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2}>Health</Title>
          <Text c="dimmed" size="sm" data-testid="health-book">
            {summary.data?.book ? (
              <>
                {bookLine(summary.data.book)}
                {summary.data.book.churned > 0 && ` · churned ${money(summary.data.book.churnedArr)} not in ARR`}
              </>
            ) : (
              'The book by health band, and how it moved over 90 days'
            )}
          </Text>
        </div>
        {canRecompute && (
          <Group gap="xs">
            <BackfillButton onRun={setRunId} />
            <RecomputeButton onRun={setRunId} />
          </Group>
        )}
      </Group>
      {summary.isError && <QueryError error={summary.error} onRetry={() => void summary.refetch()} />}
      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <Card padding="lg" h="100%">
            <Title order={4}>Distribution</Title>
            <Text size="sm" c="dimmed" mb="sm">
              Active accounts and their ARR per band of effective health (a CSM’s override while it lasts, else the computed score): good from
              70, watch from 40
              {summary.data?.book && summary.data.book.overridden > 0 && (
                <Text span size="sm" c="grape.8" data-testid="health-overridden">
                  {' '}
                  · {plural(summary.data.book.overridden, 'account')} by an override
                </Text>
              )}
            </Text>
            {summary.data ? <BandDistribution bands={summary.data.bands} /> : <Skeleton height={200} />}
          </Card>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Card padding="lg" h="100%">
            <Title order={4}>Trend</Title>
            <Text size="sm" c="dimmed" mb="sm">
              Active accounts per band each day, and the average score (computed: overrides are not part of the history)
            </Text>
            {!summary.data && <Skeleton height={280} />}
            {summary.data && !hasTrend && (
              <Text size="sm" c="dimmed" py={60} ta="center">
                No daily snapshots yet: the trend fills in day by day.
              </Text>
            )}
            {summary.data && hasTrend && <HealthTrendStack trend={summary.data.trend} />}
          </Card>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <QuadrantSummaryCard />
        </Grid.Col>
      </Grid>
      <Card padding="lg">
        <Title order={4}>Recomputations</Title>
        <Text size="sm" c="dimmed" mb="sm">
          Health is recomputed as events arrive and in full every night
          {canRecompute ? '; recompute all after changing drivers, and rebuild the history to score past days with them too' : ''}.
        </Text>
        {runId && (
          <div style={{ marginBottom: 16 }}>
            <RunProgress key={runId} runId={runId} />
          </div>
        )}
        <RunsTable />
      </Card>
    </Stack>
  );
}
