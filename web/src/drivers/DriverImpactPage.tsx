import { Anchor, Badge, Box, Breadcrumbs, Card, Code, EmptyState, Group, SegmentedControl, Stack, Table, Text, Title, Tooltip } from '@mantine/core';
import { Link, useSearchParams } from 'react-router';
import { useDriverImpact } from '../api/drivers';
import type { Impact } from '../api/healthTypes';
import { QueryError, TableSkeleton } from '../components/feedback';
import { count, decimal } from '../components/format';

const LEADS = ['14', '28', '56'];
const STRONG = 0.7;

function AucBar({ auc }: { auc: number | null }) {
  if (auc === null) {
    return (
      <Text span size="sm" c="dimmed">
        —
      </Text>
    );
  }
  const color = auc >= STRONG ? 'var(--mantine-color-teal-6)' : auc >= 0.6 ? 'var(--mantine-color-yellow-5)' : 'var(--mantine-color-gray-5)';
  return (
    <Group gap="sm" wrap="nowrap">
      <Text span size="sm" fw={600} w={36} className="canopy-num" c={auc >= STRONG ? 'teal.8' : undefined}>
        {decimal(auc, 2)}
      </Text>
      <Box pos="relative" h={10} w={200} bg="var(--mantine-color-gray-1)" style={{ borderRadius: 5, overflow: 'hidden' }} aria-hidden>
        <Box pos="absolute" left={0} top={0} bottom={0} w={`${Math.max(0, Math.min(1, auc)) * 100}%`} bg={color} style={{ borderRadius: 5 }} />
        <Box pos="absolute" left="50%" top={0} bottom={0} w={1} bg="var(--mantine-color-gray-6)" />
      </Box>
    </Group>
  );
}

function Row({ name, impact, strong, to }: { name: string; impact: Impact; strong?: boolean; to?: string }) {
  return (
    <Table.Tr data-auc={impact.auc ?? ''} style={strong ? { background: 'var(--mantine-color-gray-0)' } : undefined}>
      <Table.Td fw={strong ? 700 : 500}>
        {to ? (
          <Anchor component={Link} to={to} size="sm" c="var(--mantine-color-text)" fw={500}>
            {name}
          </Anchor>
        ) : (
          name
        )}
      </Table.Td>
      <Table.Td>
        <AucBar auc={impact.auc} />
        {impact.aucLow !== null && impact.aucHigh !== null && (
          <Text size="xs" c="dimmed" className="canopy-num" data-interval>
            95% interval {decimal(impact.aucLow, 2)}–{decimal(impact.aucHigh, 2)}
          </Text>
        )}
      </Table.Td>
      <Table.Td ta="right" className="canopy-num nowrap">
        {count(impact.n)}{' '}
        <Text span size="xs" c="dimmed">
          ({count(impact.retained)} / {count(impact.lost)})
        </Text>
      </Table.Td>
      <Table.Td>
        {impact.warning && (
          <Tooltip label={impact.warning} multiline maw={320} openDelay={200}>
            <Badge variant="light" color="orange" radius="sm" tt="none" fw={500} aria-label={impact.warning} data-warning={impact.warning}>
              {impact.n === 0 ? 'No data' : 'Few outcomes'}
            </Badge>
          </Tooltip>
        )}
      </Table.Td>
    </Table.Tr>
  );
}

export default function DriverImpactPage() {
  const [params, setParams] = useSearchParams();
  const lead = LEADS.includes(params.get('lead') ?? '') ? (params.get('lead') ?? '28') : '28';
  const impact = useDriverImpact(Number(lead));
  const d = impact.data;
  const sorted = [...(d?.drivers ?? [])].sort((a, b) => (b.auc ?? -1) - (a.auc ?? -1));
  // Ranked only where the interval excludes 0.5; the others are listed apart, not as a ranking.
  const drivers = sorted.filter((x) => !x.chance);
  const chance = sorted.filter((x) => x.chance);
  const noOutcomes = !!d && d.retained + d.lost === 0;

  return (
    <Stack gap="md">
      <Breadcrumbs separator="/" fz="sm">
        <Anchor component={Link} to="/drivers" size="sm">
          Drivers
        </Anchor>
        <Text size="sm" c="dimmed">
          Impact
        </Text>
      </Breadcrumbs>
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2}>Driver impact</Title>
          <Text c="dimmed" size="sm">
            Which drivers told retained accounts from lost ones, {lead} days before the outcome
          </Text>
        </div>
        <Group gap="xs">
          <Text size="sm" c="dimmed">
            Lead time
          </Text>
          <SegmentedControl
            aria-label="Lead time"
            value={lead}
            onChange={(v) => setParams(v === '28' ? {} : { lead: v }, { replace: true })}
            data={LEADS.map((l) => ({ value: l, label: `${l} days` }))}
          />
        </Group>
      </Group>
      <Text size="sm" maw={860}>
        <b>How to read it.</b> For each driver, Canopy measures its value {lead} days before each recorded outcome and asks: picking one
        account that was retained (renewed or expanded) and one that was lost (churned or downgraded), what is the chance the retained
        one had the better value (in the driver’s direction; for health, the higher score)? That chance is the <b>AUC</b>. 0.5 is a coin toss: the driver is noise. 0.7 and above separates well; 1
        would be perfect. Below 0.5 the driver points the wrong way. Keep the drivers that predict, rework or drop the ones near 0.5,
        and trust nothing with a warning: too few outcomes.
      </Text>
      {impact.isError && <QueryError error={impact.error} onRetry={() => void impact.refetch()} />}
      <Card padding={0}>
        {impact.isPending && <TableSkeleton rows={6} height={34} />}
        {noOutcomes && (
          <EmptyState
            py={48}
            title="No outcomes recorded yet"
            description={
              <>
                Impact needs ground truth: record renewals and churns on the account pages (Outcomes → Record outcome), import them, or run
                the demo book (<Code>npm start -- --demo</Code>), which comes with a history of outcomes.
              </>
            }
          >
            <EmptyState.Actions>
              <Anchor component={Link} to="/">
                Go to the portfolio
              </Anchor>
            </EmptyState.Actions>
          </EmptyState>
        )}
        {d && !noOutcomes && (
          <Table.ScrollContainer minWidth={760}>
            <Table className="canopy-table" verticalSpacing="sm" horizontalSpacing="md" aria-label="Driver impact" style={{ opacity: impact.isPlaceholderData ? 0.55 : 1 }}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Driver</Table.Th>
                  <Table.Th>AUC</Table.Th>
                  <Table.Th ta="right">n (retained / lost)</Table.Th>
                  <Table.Th w={140} aria-label="Warning" />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                <Row name="Health score" impact={d.health} strong />
                {drivers.map((x) => (
                  <Row key={x.id} name={x.name} impact={x} to={`/drivers/${x.id}`} />
                ))}
                {chance.length > 0 && (
                  <Table.Tr data-group="chance">
                    <Table.Td colSpan={4}>
                      <Text size="sm" fw={600}>Indistinguishable from chance</Text>
                      <Text size="xs" c="dimmed">Their 95% interval holds 0.5: no evidence either way, so not ranked (listed by name).</Text>
                    </Table.Td>
                  </Table.Tr>
                )}
                {[...chance].sort((a, b) => a.name.localeCompare(b.name)).map((x) => (
                  <Row key={x.id} name={x.name} impact={x} to={`/drivers/${x.id}`} />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Card>
    </Stack>
  );
}
