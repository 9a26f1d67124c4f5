import { Anchor, Card, Group, Paper, SimpleGrid, Skeleton, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { QUADRANTS, type Quadrant, type QuadrantFilter, type ReadinessSummary, useReadinessSummary } from '../api/readiness';
import { QueryError } from '../components/feedback';
import { count, money, plural } from '../components/format';
import { QUADRANT_META } from './logic';

/** Top row: important (enable, ready); bottom row: not yet (nurture, align); confidence grows to the right. */
const GRID: Quadrant[] = ['enable', 'ready', 'nurture', 'align'];

/** The 2×2 of accounts and ARR per quadrant (an account's quadrant is that of its latest check-in). */
export function QuadrantGrid({ summary, compact = false, selected = null }: { summary: ReadinessSummary; compact?: boolean; selected?: QuadrantFilter | null }) {
  const byQ = new Map(summary.quadrants.map((q) => [q.quadrant, q]));
  const t = summary.thresholds;
  return (
    <Stack gap={4}>
      <Group gap={4} align="stretch" wrap="nowrap">
        <Text size="xs" c="dimmed" style={{ writingMode: 'vertical-rl', transform: 'rotate(180deg)', textAlign: 'center' }}>
          Importance ↑ (high ≥ {t.importance})
        </Text>
        <SimpleGrid cols={2} spacing={6} style={{ flex: 1 }} data-testid="quadrant-grid">
          {GRID.map((q) => {
            const row = byQ.get(q);
            const m = QUADRANT_META[q];
            return (
              <Paper
                key={q}
                component={Link}
                to={`/readiness?quadrant=${q}`}
                aria-label={`${m.label}: show the ${plural(row?.accounts ?? 0, 'account')}`}
                aria-current={selected === q ? 'true' : undefined}
                p={compact ? 'xs' : 'sm'}
                radius="md"
                style={{ background: `${m.hex}14`, border: `${selected === q ? 2 : 1}px solid ${m.hex}${selected === q ? '' : '55'}`, color: 'inherit', textDecoration: 'none', display: 'block' }}
                data-quadrant={q}
              >
                <Text size="xs" fw={700} c={m.color}>
                  {m.label}
                </Text>
                <Text size={compact ? 'lg' : 'xl'} fw={700} data-testid={`quadrant-${q}-accounts`}>
                  {count(row?.accounts ?? 0)}
                  <Text span size="xs" c="dimmed" fw={400}>
                    {' '}
                    account{row?.accounts === 1 ? '' : 's'}
                  </Text>
                </Text>
                <Text size="xs" c="dimmed">
                  {money(row?.arr ?? 0)} ARR
                </Text>
                {!compact && (
                  <Text size="xs" c="dimmed" mt={4}>
                    {m.move}
                  </Text>
                )}
              </Paper>
            );
          })}
        </SimpleGrid>
      </Group>
      <Text size="xs" c="dimmed" ta="center">
        Confidence → (high ≥ {t.confidence})
      </Text>
      <Text size="xs" c="dimmed">
        No check-in yet:{' '}
        <Anchor component={Link} to="/readiness?quadrant=none" inherit fw={selected === 'none' ? 700 : undefined} data-testid="quadrant-none-accounts">
          {plural(summary.noCheckIn.accounts, 'account')}
        </Anchor>{' '}
        · {money(summary.noCheckIn.arr)} ARR
      </Text>
    </Stack>
  );
}

/** The small card for the portfolio health dashboard. */
export function QuadrantSummaryCard() {
  const summary = useReadinessSummary();
  const total = summary.data ? QUADRANTS.reduce((n, q) => n + (summary.data.quadrants.find((x) => x.quadrant === q)?.accounts ?? 0), 0) : 0;
  return (
    <Card padding="lg" h="100%" data-testid="readiness-summary-card">
      <Group justify="space-between" mb="xs">
        <Title order={4}>Readiness</Title>
        <Anchor component={Link} to="/readiness" size="sm">
          Details
        </Anchor>
      </Group>
      {summary.isPending && <Skeleton height={180} />}
      {summary.isError && <QueryError error={summary.error} onRetry={() => void summary.refetch()} />}
      {summary.data && total === 0 && (
        <Text size="sm" c="dimmed" mb="xs">
          No check-in recorded yet. Ask the two questions (importance and confidence, 0–10) on a call and log them with the activity.
        </Text>
      )}
      {summary.data && <QuadrantGrid summary={summary.data} compact />}
    </Card>
  );
}
