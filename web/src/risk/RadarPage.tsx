import { Alert, Button, Card, Code, EmptyState, Grid, Group, Loader, Select, SimpleGrid, Skeleton, Stack, Text, Title, UnstyledButton } from '@mantine/core';
import { useSearchParams } from 'react-router';
import { useFacets } from '../api/accounts';
import { type RadarFilters, RISK_LEVELS, type RiskLevel, useRadar, useRiskSummary } from '../api/risk';
import { AXIS, Chart, type ChartOption } from '../components/Chart';
import { QueryError, TableSkeleton } from '../components/feedback';
import { count, money } from '../components/format';
import { Icon } from '../components/icons';
import { EvaluationPanel } from './EvaluationPanel';
import { LEVEL_META } from './logic';
import { RadarTable } from './RadarTable';
import type { RiskSummary } from './schemas';

const FILTERS = ['level', 'owner', 'segment', 'renewal', 'acted'] as const;
const RENEWAL = [30, 60, 90, 180, 365].map((d) => ({ value: String(d), label: `Renews within ${d} days` }));
const isLevel = (v: string | null): v is RiskLevel => v !== null && (RISK_LEVELS as readonly string[]).includes(v);

function useRadarParams() {
  const [params, setParams] = useSearchParams();
  const get = (k: (typeof FILTERS)[number]) => params.get(k) ?? '';
  const set = (k: (typeof FILTERS)[number], v: string | null) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    setParams(next, { replace: true });
  };
  const level = get('level');
  const renewal = Number(get('renewal'));
  const filters: RadarFilters = {
    level: isLevel(level) ? level : undefined,
    ownerId: get('owner') || undefined,
    segment: get('segment') || undefined,
    renewalWithinDays: Number.isInteger(renewal) && renewal > 0 ? renewal : undefined,
    acted: get('acted') === 'true' || get('acted') === 'false' ? (get('acted') as 'true' | 'false') : undefined,
  };
  const hasFilters = FILTERS.some((k) => get(k) !== '');
  return { get, set, filters, hasFilters, clear: () => setParams(new URLSearchParams(), { replace: true }) };
}

function LevelSummary({ summary, selected, onSelect }: { summary: RiskSummary; selected: string; onSelect: (l: RiskLevel | null) => void }) {
  const byLevel = (l: RiskLevel) => summary.levels.find((x) => x.level === l) ?? { level: l, accounts: 0, arr: 0 };
  const option: ChartOption = {
    grid: { left: 8, right: 16, top: 8, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v) => money(Number(v)) },
    xAxis: { type: 'category', data: RISK_LEVELS.map((l) => LEVEL_META[l].label), axisLine: AXIS.line, axisLabel: AXIS.label },
    yAxis: { type: 'value', axisLine: AXIS.line, axisLabel: { ...AXIS.label, formatter: (v: number) => money(v) }, splitLine: AXIS.split },
    series: [{ name: 'ARR', type: 'bar', barMaxWidth: 36, data: RISK_LEVELS.map((l) => ({ value: byLevel(l).arr, itemStyle: { color: LEVEL_META[l].hex } })) }],
  };
  return (
    <Grid gap="md">
      <Grid.Col span={{ base: 12, md: 7 }}>
        <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm" data-testid="risk-summary">
          {RISK_LEVELS.map((l) => {
            const s = byLevel(l);
            const on = selected === l;
            return (
              <UnstyledButton
                key={l}
                onClick={() => onSelect(on ? null : l)}
                aria-pressed={on}
                aria-label={`${LEVEL_META[l].label}: ${s.accounts} accounts, ${money(s.arr)} ARR`}
                data-level={l}
                p="sm"
                style={{ border: `2px solid ${on ? LEVEL_META[l].hex : 'var(--mantine-color-default-border)'}`, borderRadius: 8 }}
              >
                <Text size="xs" fw={700} c={LEVEL_META[l].color}>
                  {LEVEL_META[l].label}
                </Text>
                <Text size="xl" fw={700} className="canopy-num" data-testid="level-count">
                  {count(s.accounts)}
                </Text>
                <Text size="xs" c="dimmed" className="canopy-num">
                  {money(s.arr)} ARR
                </Text>
              </UnstyledButton>
            );
          })}
        </SimpleGrid>
        <Text size="sm" mt="sm">
          ARR at risk (ARR × probability of loss, summed): <b>{money(summary.arrAtRisk ?? 0)}</b>
          {summary.model && (
            <Text span size="xs" c="dimmed" data-testid="risk-model">
              {' '}
              · {count(summary.model.outcomes ?? 0)} recorded outcomes;{' '}
              {(summary.model.calibratedKinds ?? 0) > 0
                ? `${count(summary.model.calibratedKinds ?? 0)} signal kinds calibrated on them, the rest on defaults`
                : `strengths are defaults until at least ${count(summary.model.minOutcomes ?? 0)} outcomes calibrate them`}
            </Text>
          )}
        </Text>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 5 }}>
        <Chart option={option} height={150} label={`ARR per risk level. ${RISK_LEVELS.map((l) => `${LEVEL_META[l].label} ${money(byLevel(l).arr)}`).join('; ')}`} testId="risk-level-chart" />
      </Grid.Col>
    </Grid>
  );
}

/** The book ranked by compound risk: who is at risk, how much ARR, why, and whether anyone has acted. */
export default function RadarPage() {
  const p = useRadarParams();
  const summary = useRiskSummary();
  const radar = useRadar(p.filters);
  const facets = useFacets();
  const rows = radar.data?.pages.flatMap((pg) => pg.items) ?? [];
  const total = radar.data?.pages[0]?.total;
  const owners = [{ value: 'none', label: 'Unassigned' }, ...(facets.data?.owners ?? []).map((o) => ({ value: o.id, label: o.name }))];
  return (
    <Stack gap="md">
      <div>
        <Title order={2}>Risk radar</Title>
        <Text size="sm" c="dimmed">
          Compound risk: small signals from different families together rise steeply, so three small problems are not hidden by an average. Ranked
          by score; the CSM’s own judgment stands beside it.
        </Text>
      </div>
      <Card padding="lg">
        {summary.isPending && <Skeleton height={150} />}
        {summary.isError && <QueryError error={summary.error} onRetry={() => void summary.refetch()} />}
        {summary.data && <LevelSummary summary={summary.data} selected={p.get('level')} onSelect={(l) => p.set('level', l)} />}
      </Card>
      <Card padding={0}>
        <Group px="md" py="sm" gap="xs" style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}>
          <Select aria-label="Risk level" placeholder="Any level" data={RISK_LEVELS.map((l) => ({ value: l, label: LEVEL_META[l].label }))} value={p.get('level') || null} onChange={(v) => p.set('level', v)} clearable w={130} />
          <Select aria-label="Owner" placeholder="All owners" data={owners} value={p.get('owner') || null} onChange={(v) => p.set('owner', v)} clearable searchable w={150} />
          <Select aria-label="Segment" placeholder="All segments" data={facets.data?.segments ?? []} value={p.get('segment') || null} onChange={(v) => p.set('segment', v)} clearable w={150} />
          <Select aria-label="Renewal" placeholder="Any renewal date" data={RENEWAL} value={p.get('renewal') || null} onChange={(v) => p.set('renewal', v)} clearable w={200} />
          <Select
            aria-label="Acted"
            placeholder="Acted or not"
            data={[
              { value: 'false', label: 'Nobody acted yet' },
              { value: 'true', label: 'Someone acted' },
            ]}
            value={p.get('acted') || null}
            onChange={(v) => p.set('acted', v)}
            clearable
            w={170}
          />
          {p.hasFilters && (
            <Button variant="subtle" color="gray" size="compact-sm" onClick={p.clear} leftSection={<Icon name="filterOff" size={14} />}>
              Reset filters
            </Button>
          )}
        </Group>
        {radar.isPending && <TableSkeleton rows={8} height={34} />}
        {radar.isError && !radar.data && (
          <Stack p="md">
            <QueryError error={radar.error} onRetry={() => void radar.refetch()} />
          </Stack>
        )}
        {radar.data && rows.length === 0 && (
          <EmptyState
            py={48}
            title={p.hasFilters ? 'No accounts match these filters' : 'No risk computed yet'}
            description={
              p.hasFilters ? (
                'Loosen a filter or reset them to see the whole book.'
              ) : (
                <>
                  Risk is computed from signals after each health refresh. Add accounts with usage and activities, or run <Code>npm start -- --demo</Code>.
                </>
              )
            }
          >
            {p.hasFilters && (
              <EmptyState.Actions>
                <Button variant="light" onClick={p.clear}>
                  Reset filters
                </Button>
              </EmptyState.Actions>
            )}
          </EmptyState>
        )}
        {rows.length > 0 && <RadarTable rows={rows} dimmed={radar.isPlaceholderData} />}
        {radar.isError && radar.data && (
          <Alert color="red" variant="light" m="md">
            Could not load more: {radar.error.message}
          </Alert>
        )}
        {rows.length > 0 && (
          <Group justify="space-between" px="md" py="sm" style={{ borderTop: '1px solid var(--mantine-color-default-border)' }}>
            <Group gap="xs">
              <Text size="sm" c="dimmed" data-testid="radar-count">
                {count(rows.length)}
                {total !== undefined ? ` of ${count(total)}` : ''} accounts
              </Text>
              {radar.isFetching && <Loader size="xs" aria-label="Refreshing" />}
            </Group>
            {radar.hasNextPage && (
              <Button variant="default" size="xs" loading={radar.isFetchingNextPage} onClick={() => void radar.fetchNextPage()}>
                Load more
              </Button>
            )}
          </Group>
        )}
      </Card>
      <EvaluationPanel />
    </Stack>
  );
}
