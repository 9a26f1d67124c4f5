import { Anchor, Button, Card, Grid, Group, Skeleton, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMemo } from 'react';
import { Link } from 'react-router';
import { useDrivers } from '../api/drivers';
import { useAccountHealth, useClearOverride, useHealthHistory } from '../api/health';
import type { AccountHealth } from '../api/healthTypes';
import { notifyError, notifySuccess, QueryError } from '../components/feedback';
import { stageLabel } from '../components/format';
import { Icon } from '../components/icons';
import { HealthDriversTable } from './HealthDriversTable';
import { HealthExplainChart } from './HealthExplainChart';
import { ComputedScore, OverrideBox } from './HealthScore';
import { HealthTrendChart } from './HealthTrendChart';
import { OverrideModal } from './OverrideModal';

const DAYS = 90;

function NoHealth({ health }: { health: AccountHealth }) {
  const stage = stageLabel[health.stage] ?? health.stage;
  const [title, text] =
    health.reason === 'no_drivers'
      ? [`No drivers for the ${stage.toLowerCase()} stage`, `No enabled driver has a weight for ${stage}. Give one a weight on the Drivers page to score these accounts.`]
      : health.reason === 'no_values'
        ? ['No product data yet', 'None of the drivers of this stage has a value for this account yet. Health appears once the product sends events (Segment track calls tied to this account) or the account fields the drivers use are filled in.']
        : ['Not computed yet', 'Health for this account has not been computed yet. It is computed when events arrive and on the nightly run; an admin can recompute all on the Health page.'];
  return (
    <Stack gap={4} py="sm" data-testid="health-no-data" data-reason={health.reason ?? ''}>
      <Text fw={600}>{title}</Text>
      <Text size="sm" c="dimmed" maw={560}>
        {text}
      </Text>
      {health.reason === 'no_drivers' && (
        <Anchor component={Link} to="/drivers" size="sm">
          Open drivers
        </Anchor>
      )}
    </Stack>
  );
}

export function HealthCard({ accountId, canEdit }: { accountId: string; canEdit: boolean }) {
  const health = useAccountHealth(accountId);
  const history = useHealthHistory(accountId, DAYS);
  const drivers = useDrivers();
  const clear = useClearOverride(accountId);
  const [overriding, override] = useDisclosure(false);
  const definitions = useMemo(() => new Map((drivers.data ?? []).map((d) => [d.id, d])), [drivers.data]);
  const h = health.data;

  const onClear = () =>
    clear.mutate(undefined, {
      onSuccess: () => notifySuccess('Override cleared'),
      onError: (err) => notifyError(err, 'Could not clear the override'),
    });

  const points = history.data ?? [];
  const scored = h?.state === 'scored' && h.score !== null && h.band !== null;

  return (
    <Card padding="lg" data-testid="health-card">
      <Group justify="space-between" align="flex-start" mb="md">
        <div>
          <Title order={4}>Health</Title>
          <Text size="sm" c="dimmed">
            {h ? `Drivers of the ${stageLabel[h.stage]?.toLowerCase() ?? h.stage} stage, and what each cost` : 'The driver portfolio, explained'}
          </Text>
        </div>
        {canEdit && h && (
          <Button size="xs" variant="light" leftSection={<Icon name="edit" size={14} />} onClick={override.open}>
            Override
          </Button>
        )}
      </Group>
      {health.isPending && <Skeleton height={220} radius="md" />}
      {health.isError && <QueryError error={health.error} onRetry={() => void health.refetch()} title="Could not load health" />}
      {h && (
        <Stack gap="lg">
          <Grid gap="lg" align="stretch">
            <Grid.Col span={{ base: 12, md: h.override ? 5 : 3 }}>
              {/* Wraps on a narrow screen: the override card goes below the score instead of off the edge (390 px). */}
              <Group align="flex-start" gap="lg" wrap="wrap">
                <ComputedScore health={h} />
                {h.override && (
                  <div style={{ flex: '1 1 200px', minWidth: 0 }}>
                    <OverrideBox override={h.override} canEdit={canEdit} clearing={clear.isPending} onClear={onClear} />
                  </div>
                )}
              </Group>
            </Grid.Col>
            <Grid.Col span={{ base: 12, md: h.override ? 7 : 9 }}>
              <Text size="xs" c="dimmed" tt="uppercase" fw={600} style={{ letterSpacing: '0.04em' }}>
                Last {DAYS} days
              </Text>
              {history.isPending ? (
                <Skeleton height={160} radius="md" mt={4} />
              ) : points.length === 0 ? (
                <Text size="sm" c="dimmed" py="xl" ta="center">
                  No daily snapshots yet: the trend fills in day by day.
                </Text>
              ) : (
                <HealthTrendChart points={points} days={DAYS} override={h.override?.score ?? null} height={170} />
              )}
            </Grid.Col>
          </Grid>
          {!scored && <NoHealth health={h} />}
          {scored && h.score !== null && h.band !== null && (
            <Grid gap="lg">
              <Grid.Col span={{ base: 12, lg: 5 }}>
                <Text size="xs" c="dimmed" tt="uppercase" fw={600} mb={4} style={{ letterSpacing: '0.04em' }}>
                  From 100 to {h.score}
                </Text>
                <HealthExplainChart score={h.score} band={h.band} drivers={h.drivers} />
              </Grid.Col>
              <Grid.Col span={{ base: 12, lg: 7 }}>
                <HealthDriversTable drivers={h.drivers} definitions={definitions} />
              </Grid.Col>
            </Grid>
          )}
          {!scored && h.drivers.length > 0 && <HealthDriversTable drivers={h.drivers} definitions={definitions} />}
        </Stack>
      )}
      {canEdit && <OverrideModal accountId={accountId} opened={overriding} computed={h?.score ?? null} onClose={override.close} />}
    </Card>
  );
}
