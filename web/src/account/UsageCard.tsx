import { Card, Group, SegmentedControl, Select, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useAccountUsage } from '../api/accounts';
import { QueryError } from '../components/feedback';
import { count } from '../components/format';
import { UsageChart } from './UsageChart';

const DAYS = 90;
const TOP = 5;

export function UsageCard({ accountId }: { accountId: string }) {
  const [event, setEvent] = useState<string | null>(null);
  const [metric, setMetric] = useState<'count' | 'users'>('count');
  const all = useAccountUsage(accountId, DAYS, null);
  const one = useAccountUsage(accountId, DAYS, event);
  const current = event ? one : all;

  const ranked = [...(all.data?.events ?? [])].sort((a, b) => b.total - a.total);
  const shown = event
    ? (current.data?.events ?? []).filter((e) => e.event === event)
    : ranked.slice(0, TOP);
  const total = ranked.reduce((sum, e) => sum + e.total, 0);

  return (
    <Card padding="lg" h="100%">
      <Group justify="space-between" align="flex-start" mb="sm" wrap="wrap" gap="sm">
        <div>
          <Title order={4}>Usage</Title>
          <Text size="sm" c="dimmed">
            {all.data
              ? `${count(total)} events in the last ${DAYS} days${ranked.length > TOP && !event ? ` · top ${TOP} of ${ranked.length} events` : ''}`
              : `Daily product events, last ${DAYS} days`}
          </Text>
        </div>
        <Group gap="sm">
          <Select
            aria-label="Event"
            placeholder={`Top ${TOP} events`}
            data={ranked.map((e) => ({ value: e.event, label: `${e.event} (${count(e.total)})` }))}
            value={event}
            onChange={setEvent}
            clearable
            searchable
            size="xs"
            w={220}
            disabled={ranked.length === 0}
          />
          <SegmentedControl
            size="xs"
            value={metric}
            onChange={(v) => setMetric(v === 'users' ? 'users' : 'count')}
            data={[
              { value: 'count', label: 'Events' },
              { value: 'users', label: 'Distinct users' },
            ]}
          />
        </Group>
      </Group>
      {current.isPending && <Skeleton height={280} radius="md" />}
      {current.isError && <QueryError error={current.error} onRetry={() => void current.refetch()} />}
      {current.data && shown.length === 0 && (
        <Stack h={200} justify="center" align="center" gap={4}>
          <Text fw={500}>No product usage in the last {DAYS} days</Text>
          <Text size="sm" c="dimmed" ta="center" maw={440}>
            Events appear here once your product sends Segment <code>track</code> calls for users tied to this account
            with a <code>group</code> call.
          </Text>
        </Stack>
      )}
      {current.data && shown.length > 0 && <UsageChart events={shown} metric={metric} />}
    </Card>
  );
}
