import { Card, Grid, SegmentedControl, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { type RenewalGroup, useRetention } from '../api/renewals';
import { QueryError, TableSkeleton } from '../components/feedback';
import { count, money, percentOf } from '../components/format';
import { periodLabel } from './logic';
import { RetentionChart } from './RenewalCharts';

/** Gross and net revenue retention per period, with their definitions beside them. */
export function RetentionPanel() {
  const [period, setPeriod] = useState<RenewalGroup>('quarter');
  const retention = useRetention(period);
  const d = retention.data;
  return (
    <Card padding="lg" data-testid="retention-panel">
      <Group justify="space-between" align="flex-start" mb="sm" gap="sm">
        <div>
          <Title order={4}>Retention</Title>
          <Text size="sm" c="dimmed">
            Gross and net revenue retention of the ARR the book started each period with
          </Text>
        </div>
        <SegmentedControl
          aria-label="Retention period"
          size="xs"
          value={period}
          onChange={(v) => setPeriod(v as RenewalGroup)}
          data={[
            { value: 'quarter', label: 'Quarter' },
            { value: 'month', label: 'Month' },
          ]}
        />
      </Group>
      {retention.isPending && <TableSkeleton rows={3} />}
      {retention.isError && <QueryError error={retention.error} onRetry={() => void retention.refetch()} />}
      {d && (
        <Grid gap="md">
          <Grid.Col span={{ base: 12, md: 8 }}>
            {d.periods.length === 0 ? (
              <Text size="sm" c="dimmed" ta="center" py="md">
                No period with starting ARR yet. Retention appears once accounts have ARR history (subscriptions, ARR changes or recorded outcomes).
              </Text>
            ) : (
              <Stack gap="sm">
                <RetentionChart periods={d.periods} />
                <Table.ScrollContainer minWidth={560}>
                  <Table fz="sm" verticalSpacing={4} aria-label="Retention by period">
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>Period</Table.Th>
                        <Table.Th ta="right">Starting ARR</Table.Th>
                        <Table.Th ta="right">Churned</Table.Th>
                        <Table.Th ta="right">Contracted</Table.Th>
                        <Table.Th ta="right">Expanded</Table.Th>
                        <Table.Th ta="right">GRR</Table.Th>
                        <Table.Th ta="right">NRR</Table.Th>
                        <Table.Th ta="right">Accounts</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {d.periods.map((p) => (
                        <Table.Tr key={p.period} data-period={p.period}>
                          <Table.Td style={{ whiteSpace: 'nowrap' }}>{periodLabel(p.period)}</Table.Td>
                          <Table.Td ta="right" className="canopy-num">{money(p.startArr)}</Table.Td>
                          <Table.Td ta="right" className="canopy-num">{money(p.churned)}</Table.Td>
                          <Table.Td ta="right" className="canopy-num">{money(p.contraction)}</Table.Td>
                          <Table.Td ta="right" className="canopy-num">{money(p.expansion)}</Table.Td>
                          <Table.Td ta="right" className="canopy-num" fw={600}>{percentOf(p.grr)}</Table.Td>
                          <Table.Td ta="right" className="canopy-num" fw={600}>{percentOf(p.nrr)}</Table.Td>
                          <Table.Td ta="right" className="canopy-num">{count(p.n)}</Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
              </Stack>
            )}
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 4 }}>
            <Stack gap="sm" data-testid="retention-definitions">
              <div>
                <Text size="sm" fw={600}>
                  Gross revenue retention (GRR)
                </Text>
                <Text size="sm" c="dimmed">
                  {d.definitions.grr}
                </Text>
              </div>
              <div>
                <Text size="sm" fw={600}>
                  Net revenue retention (NRR)
                </Text>
                <Text size="sm" c="dimmed">
                  {d.definitions.nrr}
                </Text>
              </div>
            </Stack>
          </Grid.Col>
        </Grid>
      )}
    </Card>
  );
}
