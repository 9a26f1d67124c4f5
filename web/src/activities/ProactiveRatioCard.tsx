import { Card, Group, RingProgress, Skeleton, Stack, Text, Title } from '@mantine/core';
import { QueryError } from '../components/feedback';
import { ratioLabel, useRatio } from './api';

/** The account's proactive ratio over the last 90 days: a ring and the counts behind it. */
export function ProactiveRatioCard({ accountId }: { accountId: string }) {
  const ratio = useRatio({ accountId, bucket: 'week' });
  const r = ratio.data;
  const total = r ? r.proactive + r.reactive : 0;
  const pct = r?.ratio === null || r?.ratio === undefined ? 0 : r.ratio * 100;
  return (
    <Card padding="lg" data-testid="proactive-ratio">
      <Title order={4}>Proactive ratio</Title>
      <Text size="sm" c="dimmed" mb="sm">
        Last 90 days: work we chose over work that chose us
      </Text>
      {ratio.isPending && <Skeleton height={110} />}
      {ratio.isError && <QueryError error={ratio.error} onRetry={() => void ratio.refetch()} />}
      {r && (
        <Group gap="lg" wrap="nowrap">
          <RingProgress
            size={110}
            thickness={11}
            roundCaps
            sections={total ? [{ value: pct, color: 'teal' }, { value: 100 - pct, color: 'orange' }] : [{ value: 100, color: 'gray.3' }]}
            label={
              <Text ta="center" fw={700} size="lg" data-testid="ratio-value">
                {ratioLabel(r.ratio)}
              </Text>
            }
          />
          <Stack gap={2}>
            <Text size="sm" data-testid="ratio-counts">
              <Text span fw={600} c="teal">{r.proactive}</Text> proactive ·{' '}
              <Text span fw={600} c="orange">{r.reactive}</Text> reactive
            </Text>
            <Text size="xs" c="dimmed">
              {total === 0
                ? 'No activity logged yet.'
                : r.ratio !== null && r.ratio < 0.5
                  ? 'Mostly firefighting. Plan a proactive touch.'
                  : 'Most of the work here was our initiative.'}
            </Text>
          </Stack>
        </Group>
      )}
    </Card>
  );
}
