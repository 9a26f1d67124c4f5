import { Card, Code, EmptyState, Grid, Group, SegmentedControl, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { QueryError, TableSkeleton } from '../components/feedback';
import { count, money, percentOf } from '../components/format';
import { type Period, type RetentionRow, useCohorts, useDefinitions, useRetentionSeries } from './api';
import { CohortTable } from './CohortTable';
import { MovementsChart, RatesChart, rowLabel } from './RetentionCharts';

const FALLBACK_DEFINITIONS = [
  { key: 'grr', name: 'Gross revenue retention (GRR)', text: '(starting ARR − contraction − churn) ÷ starting ARR, of the accounts that were customers at the start of the period. Never above 100%.' },
  { key: 'nrr', name: 'Net revenue retention (NRR)', text: '(starting ARR + expansion − contraction − churn) ÷ starting ARR, of the same accounts. New customers are not counted.' },
  { key: 'logoRetention', name: 'Logo retention', text: 'Accounts with ARR at the end of the period ÷ accounts with ARR at its start.' },
];

function latestComplete(rows: RetentionRow[]): RetentionRow | undefined {
  return [...rows].reverse().find((r) => r.status === 'complete' || (!r.status && r.n > 0));
}

/** Retention from the ARR history: GRR, NRR and logos per period, ARR movements, cohorts by start month. */
export default function RetentionPage() {
  const [period, setPeriod] = useState<Period>('quarter');
  const [metric, setMetric] = useState<'revenueRetention' | 'logoRetention'>('revenueRetention');
  const series = useRetentionSeries(period);
  const defs = useDefinitions();
  const cohorts = useCohorts();
  const rows = (series.data ?? []).filter((r) => r.status !== 'future');
  const empty = series.data && rows.every((r) => r.startArr === 0 && r.newArr === 0 && r.n === 0);
  const last = latestComplete(rows);
  const first = ['grr', 'nrr', 'logoRetention'];
  const rank = (k: string) => (first.includes(k) ? first.indexOf(k) : first.length);
  const definitions = [...(defs.data?.length ? defs.data : FALLBACK_DEFINITIONS)].sort((a, b) => rank(a.key) - rank(b.key));

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <div>
          <Title order={2}>Retention</Title>
          <Text c="dimmed" size="sm">
            Gross and net revenue retention, logos and ARR movements from each account’s ARR history
          </Text>
        </div>
        <SegmentedControl
          aria-label="Period"
          value={period}
          onChange={(v) => setPeriod(v as Period)}
          data={[
            { value: 'month', label: 'Month' },
            { value: 'quarter', label: 'Quarter' },
          ]}
        />
      </Group>
      {series.isError && <QueryError error={series.error} onRetry={() => void series.refetch()} />}
      {series.isPending && <TableSkeleton rows={6} />}
      {empty && (
        <Card padding="lg">
          <EmptyState
            py={40}
            title="No ARR history yet"
            description={
              <>
                Retention is worked out from how each account’s ARR changed over time. Import subscriptions (plan, seats, ARR, start and end dates) or outcomes under Imports,
                or set ARR on accounts: history starts from then. A worked example is in <Code>docs/import-example.md</Code>.
              </>
            }
          />
        </Card>
      )}
      {series.data && !empty && (
        <Grid gap="md">
          <Grid.Col span={{ base: 12, lg: 8 }}>
            <Stack gap="md">
              <Card padding="lg">
                <Title order={4}>Revenue and logo retention</Title>
                <Text size="sm" c="dimmed" mb="xs">
                  {last ? `Last complete ${period}: GRR ${percentOf(last.grr)}, NRR ${percentOf(last.nrr)}, logos ${percentOf(last.logoRetention)} of ${count(last.n)} accounts.` : 'No complete period yet.'} Hollow points: the period is not over.
                </Text>
                <RatesChart rows={rows} />
              </Card>
              <Card padding="lg">
                <Title order={4}>ARR movements</Title>
                <Text size="sm" c="dimmed" mb="xs">
                  New and expansion above the line, contraction and churn below
                </Text>
                <MovementsChart rows={rows} />
              </Card>
            </Stack>
          </Grid.Col>
          <Grid.Col span={{ base: 12, lg: 4 }}>
            <Card padding="lg" data-testid="retention-definitions">
              <Title order={4} mb="xs">
                Definitions
              </Title>
              <Stack gap="sm">
                {definitions.map((d) => (
                  <div key={d.key}>
                    <Text size="sm" fw={600}>
                      {d.name}
                    </Text>
                    <Text size="sm" c="dimmed">
                      {d.text}
                    </Text>
                  </div>
                ))}
              </Stack>
            </Card>
          </Grid.Col>
          <Grid.Col span={12}>
            <Card padding="lg">
              <Title order={4} mb="xs">
                By {period}
              </Title>
              <Table.ScrollContainer minWidth={880}>
                <Table fz="sm" verticalSpacing={4} aria-label="Retention by period" data-testid="retention-table">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Period</Table.Th>
                      <Table.Th ta="right">Start ARR</Table.Th>
                      <Table.Th ta="right">New</Table.Th>
                      <Table.Th ta="right">Expansion</Table.Th>
                      <Table.Th ta="right">Contraction</Table.Th>
                      <Table.Th ta="right">Churn</Table.Th>
                      <Table.Th ta="right">End ARR</Table.Th>
                      <Table.Th ta="right">GRR</Table.Th>
                      <Table.Th ta="right">NRR</Table.Th>
                      <Table.Th ta="right">Logos</Table.Th>
                      <Table.Th ta="right">n</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {rows.map((r) => (
                      <Table.Tr key={r.period} data-period={r.period} data-status={r.status ?? undefined} style={{ fontStyle: r.status === 'partial' ? 'italic' : undefined }}>
                        <Table.Td style={{ whiteSpace: 'nowrap' }}>{rowLabel(r)}</Table.Td>
                        <Table.Td ta="right" className="canopy-num">{money(r.startArr)}</Table.Td>
                        <Table.Td ta="right" className="canopy-num">{money(r.newArr)}</Table.Td>
                        <Table.Td ta="right" className="canopy-num">{money(r.expansion)}</Table.Td>
                        <Table.Td ta="right" className="canopy-num">{money(r.contraction)}</Table.Td>
                        <Table.Td ta="right" className="canopy-num">{money(r.churned)}</Table.Td>
                        <Table.Td ta="right" className="canopy-num">{money(r.endArr)}</Table.Td>
                        <Table.Td ta="right" className="canopy-num" fw={600}>{percentOf(r.grr)}</Table.Td>
                        <Table.Td ta="right" className="canopy-num" fw={600}>{percentOf(r.nrr)}</Table.Td>
                        <Table.Td ta="right" className="canopy-num">{percentOf(r.logoRetention)}</Table.Td>
                        <Table.Td ta="right" className="canopy-num">{count(r.n)}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            </Card>
          </Grid.Col>
          <Grid.Col span={12}>
            <Card padding="lg">
              <Group justify="space-between" align="flex-end" mb="xs" wrap="wrap">
                <div>
                  <Title order={4}>Cohorts by start month</Title>
                  <Text size="sm" c="dimmed">
                    Share of each cohort’s starting {metric === 'revenueRetention' ? 'ARR' : 'accounts'} still there, month by month
                  </Text>
                </div>
                <SegmentedControl
                  size="xs"
                  aria-label="Cohort measure"
                  value={metric}
                  onChange={(v) => setMetric(v as typeof metric)}
                  data={[
                    { value: 'revenueRetention', label: 'Revenue' },
                    { value: 'logoRetention', label: 'Logos' },
                  ]}
                />
              </Group>
              {cohorts.isError && <QueryError error={cohorts.error} onRetry={() => void cohorts.refetch()} />}
              {cohorts.isPending && <TableSkeleton rows={4} />}
              {cohorts.data && cohorts.data.length === 0 && (
                <Text size="sm" c="dimmed">
                  No cohort yet: cohorts appear once accounts have a start date and ARR history.
                </Text>
              )}
              {cohorts.data && cohorts.data.length > 0 && <CohortTable cohorts={cohorts.data} metric={metric} />}
            </Card>
          </Grid.Col>
        </Grid>
      )}
    </Stack>
  );
}
