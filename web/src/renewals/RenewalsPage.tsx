import { Button, Card, Group, SegmentedControl, Select, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';
import { can, useMe } from '../api/auth';
import { CATEGORIES, type Category, type Renewal, type RenewalGroup, renewalsCsvUrl, useRenewals } from '../api/renewals';
import { QueryError, TableSkeleton } from '../components/feedback';
import { count, money, percentOf, plural } from '../components/format';
import { Icon } from '../components/icons';
import { CATEGORY_META, periodLabel, sortRenewals } from './logic';
import { OverrideModal } from './OverrideModal';
import { RenewalCalendarChart } from './RenewalCharts';
import { RenewalsTable } from './RenewalsTable';
import { RetentionPanel } from './RetentionPanel';

function Figure({ label, value, hint }: { label: string; value: string; hint: string }) {
  return (
    <Card padding="md">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="xl" fw={700} className="canopy-num">
        {value}
      </Text>
      <Text size="xs" c="dimmed">
        {hint}
      </Text>
    </Card>
  );
}

/** /renewals: the calendar of renewals, ARR due and the risk-adjusted forecast per period, categories, retention. */
export default function RenewalsPage() {
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const group: RenewalGroup = params.get('group') === 'month' ? 'month' : 'quarter';
  const catParam = params.get('category');
  const category = (CATEGORIES as readonly string[]).includes(catParam ?? '') ? (catParam as Category) : null;
  const renewals = useRenewals({ group });
  const [sort, setSort] = useState('date');
  const [overriding, setOverriding] = useState<Renewal | null>(null);
  const canOverride = can.audit(me);
  const d = renewals.data;
  const rows = useMemo(() => (d ? sortRenewals(d.items.filter((r) => !category || r.category === category), sort) : []), [d, category, sort]);
  const totals = useMemo(() => (d ? d.periods.reduce((t, p) => ({ due: t.due + p.arrDue, forecast: t.forecast + p.forecast, n: t.n + p.count }), { due: 0, forecast: 0, n: 0 }) : null), [d]);
  const set = (key: string, value: string | null) =>
    setParams(
      (p) => {
        const next = new URLSearchParams(p);
        if (value === null) next.delete(key);
        else next.set(key, value);
        return next;
      },
      { replace: true },
    );

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end" gap="sm">
        <div>
          <Title order={2}>Renewals</Title>
          <Text c="dimmed" size="sm">
            This quarter and the three after it: ARR due, and a forecast you can defend — each renewal's ARR × its renewal probability from compound risk.
          </Text>
        </div>
        <Group gap="xs">
          <SegmentedControl
            aria-label="Group by"
            value={group}
            onChange={(v) => set('group', v === 'quarter' ? null : v)}
            data={[
              { value: 'quarter', label: 'Quarter' },
              { value: 'month', label: 'Month' },
            ]}
          />
          <Button component="a" href={renewalsCsvUrl({ from: renewals.data?.from, to: renewals.data?.to })} download variant="default" leftSection={<Icon name="external" size={14} />}>
            Export CSV
          </Button>
        </Group>
      </Group>
      {renewals.isError && <QueryError error={renewals.error} onRetry={() => void renewals.refetch()} />}
      {totals && (
        <SimpleGrid cols={{ base: 1, xs: 3 }} spacing="md">
          <Figure label="ARR due" value={money(totals.due)} hint={plural(totals.n, 'renewal')} />
          <Figure label="Forecast" value={money(totals.forecast)} hint={`${totals.due > 0 ? percentOf(totals.forecast / totals.due) : '—'} of ARR due, risk-adjusted`} />
          <Figure label="At risk" value={money(d?.items.filter((r) => r.category === 'at_risk').reduce((s, r) => s + (r.arr ?? 0), 0))} hint={`${count(d?.items.filter((r) => r.category === 'at_risk').length ?? 0)} renewals in the at-risk category`} />
        </SimpleGrid>
      )}
      <Card padding="lg">
        <Title order={4}>Calendar</Title>
        <Text size="xs" c="dimmed" mb="xs">
          ARR due per {group} by category (commit: probability ≥ 85%, likely: ≥ 60%, at risk: below, unless a manager overrode it); the line is the risk-adjusted forecast.
        </Text>
        {renewals.isPending && <TableSkeleton rows={4} />}
        {d && d.periods.length === 0 && (
          <Text size="sm" c="dimmed" ta="center" py="lg">
            No renewal in these four quarters. Set renewal dates and ARR on the accounts (Edit on the account page, or the accounts import) and they appear here.
          </Text>
        )}
        {d && d.periods.length > 0 && (
          <>
            <RenewalCalendarChart periods={d.periods} items={d.items} group={group} />
            <Group gap="lg" mt="xs" data-testid="renewal-periods">
              {d.periods.map((p) => (
                <Stack key={p.period} gap={0} data-period={p.period}>
                  <Text size="xs" c="dimmed">
                    {periodLabel(p.period)}
                  </Text>
                  <Text size="sm" fw={600} className="canopy-num">
                    {money(p.arrDue)} → {money(p.forecast)}
                  </Text>
                </Stack>
              ))}
            </Group>
          </>
        )}
      </Card>
      <Card padding={0}>
        <Group gap="md" px="md" py="sm" align="flex-end" style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}>
          <Select
            aria-label="Category"
            placeholder="All categories"
            size="xs"
            w={170}
            clearable
            data={CATEGORIES.map((c) => ({ value: c, label: CATEGORY_META[c].label }))}
            value={category}
            onChange={(v) => set('category', v)}
          />
          {d && (
            <Text size="sm" c="dimmed" ml="auto">
              {plural(rows.length, 'renewal')}
            </Text>
          )}
        </Group>
        {renewals.isPending && <TableSkeleton rows={6} height={36} />}
        {d && rows.length === 0 && (
          <Text c="dimmed" size="sm" ta="center" py="xl" px="md">
            {category ? `No renewal in the ${CATEGORY_META[category].label.toLowerCase()} category.` : 'No renewal in these four quarters.'}
          </Text>
        )}
        {rows.length > 0 && <RenewalsTable rows={rows} sort={sort} onSort={setSort} canOverride={canOverride} onOverride={setOverriding} defaultNote={d?.defaults?.note} />}
        {d && d.total !== undefined && d.total > d.items.length && (
          <Text size="xs" c="dimmed" ta="center" py="xs">
            The first {count(d.items.length)} of {count(d.total)} renewals, soonest first; the calendar and the CSV count them all.
          </Text>
        )}
      </Card>
      <RetentionPanel />
      {overriding && <OverrideModal key={`${overriding.account.id}-${overriding.renewalDate}`} renewal={overriding} onClose={() => setOverriding(null)} />}
    </Stack>
  );
}
