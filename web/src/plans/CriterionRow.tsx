import { Badge, Button, Group, NumberInput, Paper, Select, Stack, Text } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { type FormEvent, useState } from 'react';
import { ApiError } from '../api/client';
import { useDrivers } from '../api/drivers';
import { type Criterion, type CriterionValue, type Side, useAddCriterionValue, useCriterionValues } from '../api/plans';
import { AXIS, Chart, type ChartOption, shortDay } from '../components/Chart';
import { notifyError, notifySuccess } from '../components/feedback';
import { decimal, formatDay } from '../components/format';
import { today } from './formBits';
import { criterionFormatter, describeCriterionSource, progressNote, valueVsTarget } from './planUi';
import { ActionsMenu } from './ActionsMenu';

const DAY = 86_400_000;
const dayOf = (ms: number) => {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};

const stateNote: Record<Criterion['state'], string | null> = {
  measured: null,
  no_data: 'No data yet',
  no_target: null, // said in full under the value: "No target yet: set one to measure progress"
  no_baseline: 'Needs a baseline (lower is better)',
};

export function CriterionRow({ c, start, canEdit, onEdit, onDelete }: { c: Criterion; start?: string; canEdit: boolean; onEdit: () => void; onDelete: () => void }) {
  const drivers = useDrivers();
  // A driver criterion shows its values in the driver's unit, as the health card does ("3.1% of seats").
  const fmt = criterionFormatter(c, c.driverId ? drivers.data?.find((d) => d.id === c.driverId) : undefined);
  return (
    <Paper withBorder p="sm" radius="md" data-testid="criterion" data-criterion-name={c.name}>
      <Group justify="space-between" wrap="nowrap" align="flex-start">
        <div style={{ minWidth: 0 }}>
          <Group gap={6}>
            <Text size="sm" fw={600}>
              {c.name}
            </Text>
            {c.met ? (
              <Badge size="xs" color="teal" variant="light">
                Met
              </Badge>
            ) : stateNote[c.state] ? (
              <Badge size="xs" color="gray" variant="outline" tt="none">
                {stateNote[c.state]}
              </Badge>
            ) : null}
          </Group>
          <Text size="xs" c="dimmed">
            {describeCriterionSource(c)}
            {c.baseline != null ? ` · from ${fmt(c.baseline)}` : ''} · {c.direction === 'down' ? 'lower is better' : 'higher is better'}
          </Text>
        </div>
        <Group gap={4} wrap="nowrap">
          <div style={{ textAlign: 'right' }}>
            <Text size="sm" fw={500} data-testid="criterion-value">
              {valueVsTarget(c, fmt)}
            </Text>
            <Text size="xs" c="dimmed">
              {progressNote(c)}
              {c.measuredAt ? ` · ${formatDay(c.measuredAt)}` : ''}
            </Text>
          </div>
          {canEdit && (
            <ActionsMenu
              label={`Actions for criterion ${c.name}`}
              actions={[
                { label: 'Edit', icon: 'edit', onClick: onEdit },
                { label: 'Delete', icon: 'trash', danger: true, onClick: onDelete },
              ]}
            />
          )}
        </Group>
      </Group>
      <CriterionChart c={c} start={start} fmt={fmt} />
      {canEdit && c.kind === 'manual' && <ManualEntry c={c} />}
      {canEdit && c.kind === 'rating' && <RatingEntry c={c} />}
    </Paper>
  );
}

/** The path toward the target: measured values over time, the target as a dashed line. */
/** A day ("2026-03-04", the goal's start) at its local midnight, or a full timestamp as is. */
const dayStart = (d: string | undefined): number => (d ? new Date(d.length === 10 ? `${d}T00:00:00` : d).getTime() : NaN);

function CriterionChart({ c, start, fmt }: { c: Criterion; start?: string; fmt: (v: number) => string }) {
  const values = useCriterionValues(c.id);
  const items = values.data ?? [];
  if (values.isPending || values.isError) return null;
  if (items.length === 0) {
    return (
      <Text size="xs" c="dimmed" mt={6}>
        {c.kind === 'driver' || c.kind === 'metric'
          ? 'No measurement yet: it fills in the next time health is computed.'
          : c.kind === 'rating'
            ? 'No rating yet: ask the customer for theirs and set ours.'
            : 'No value yet: enter the first one below.'}
      </Text>
    );
  }
  const series = (side: Side | null, name: string, color: string) => {
    const data = items.filter((v) => v.side === side || (side === null && c.kind !== 'rating')).map((v: CriterionValue) => [new Date(v.at).getTime(), v.value]);
    return { type: 'line' as const, name, data, showSymbol: data.length < 20, symbolSize: 5, lineStyle: { width: 2, color }, itemStyle: { color } };
  };
  const lines =
    c.kind === 'rating'
      ? [series('vendor', 'Us', '#228be6'), series('customer', 'Customer', '#ae3ec9')]
      : [series(null, c.name, '#228be6')];
  const first = lines[0];
  if (first && c.target != null) {
    Object.assign(first, {
      markLine: {
        silent: true,
        symbol: 'none',
        lineStyle: { type: 'dashed', color: '#12b886' },
        label: { formatter: `target ${fmt(c.target)}`, color: '#12b886', fontSize: 10, position: 'insideEndTop' },
        data: [{ yAxis: c.target }],
      },
    });
  }
  const times = items.map((v) => new Date(v.at).getTime());
  const xMax = Math.max(Date.now(), ...times);
  const goalStart = dayStart(start);
  const xMin = Math.min(Number.isFinite(goalStart) ? goalStart : Infinity, ...times, xMax - 7 * DAY);
  const all = items.map((v) => v.value).concat(c.target != null ? [c.target] : []);
  const option: ChartOption = {
    grid: { left: 4, right: 12, top: 14, bottom: 4, containLabel: true },
    tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => (typeof v === 'number' ? fmt(v) : String(v ?? '—')) },
    legend: c.kind === 'rating' ? { top: 0, right: 0, itemWidth: 10, textStyle: { fontSize: 10 } } : undefined,
    xAxis: {
      type: 'time',
      // Fixed bounds: from the goal's start (or the first value) to now (or the last value, if later),
      // so a value recorded now is inside the axis and the criteria of one goal share their range;
      // at least a week wide and a day per tick, so a single measurement is not a row of identical dates.
      min: xMin - DAY / 2,
      max: xMax + DAY / 2,
      minInterval: DAY,
      splitNumber: 5,
      axisLine: AXIS.line,
      axisLabel: { ...AXIS.label, hideOverlap: true, formatter: (v: number) => shortDay(dayOf(v)) },
    },
    yAxis: {
      type: 'value',
      min: c.kind === 'rating' ? 1 : Math.min(0, ...all),
      max: c.kind === 'rating' ? 5 : undefined,
      axisLabel: c.kind === 'driver' ? { ...AXIS.label, formatter: (v: number) => fmt(v).replace(' of seats', '') } : AXIS.label,
      splitLine: AXIS.split,
    },
    series: lines,
  };
  return (
    <div style={{ marginTop: 6 }}>
      <Chart option={option} height={120} label={`${c.name}: path toward the target`} testId="criterion-chart" />
    </div>
  );
}

function ManualEntry({ c }: { c: Criterion }) {
  const add = useAddCriterionValue(c.id);
  const [value, setValue] = useState<string | number>('');
  const [at, setAt] = useState<string | null>(today());
  const fields = add.error instanceof ApiError ? add.error.fieldMap() : {};
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (value === '') return;
    add.mutate(
      // A day picked in the past is recorded at its noon; today is recorded as now.
      { value: Number(value), ...(at && at !== today() ? { at: new Date(`${at}T12:00:00`).toISOString() } : {}) },
      {
        onSuccess: () => {
          notifySuccess(`${c.name}: ${decimal(Number(value), 2)} recorded`);
          setValue('');
        },
      },
    );
  };
  return (
    <form onSubmit={submit} noValidate aria-label={`Enter a value for ${c.name}`}>
      <Group gap="xs" mt="xs" align="flex-start" wrap="nowrap">
        <NumberInput size="xs" aria-label="Value" placeholder="New value" value={value} onChange={setValue} error={fields.value} style={{ flex: 1 }} />
        <DateInput size="xs" aria-label="Measured on" valueFormat="YYYY-MM-DD" value={at} onChange={setAt} error={fields.at} w={130} />
        <Button size="xs" type="submit" variant="light" loading={add.isPending} disabled={value === ''}>
          Record
        </Button>
      </Group>
    </form>
  );
}

const RATINGS = ['1', '2', '3', '4', '5'].map((v) => ({ value: v, label: v }));

function RatingEntry({ c }: { c: Criterion }) {
  const add = useAddCriterionValue(c.id);
  const rate = (side: Side, v: string | null) =>
    v &&
    add.mutate(
      { value: Number(v), side },
      {
        onSuccess: () => notifySuccess(`${side === 'vendor' ? 'Our' : 'The customer’s'} rating: ${v}`),
        onError: (err) => notifyError(err, 'Could not record the rating'),
      },
    );
  return (
    <Stack gap={2} mt="xs">
      <Group gap="xs" wrap="nowrap">
        <Select size="xs" label="Our rating" data={RATINGS} value={c.ratings?.vendor != null ? String(c.ratings.vendor) : null} onChange={(v) => rate('vendor', v)} w={110} />
        <Select size="xs" label="Customer’s rating" data={RATINGS} value={c.ratings?.customer != null ? String(c.ratings.customer) : null} onChange={(v) => rate('customer', v)} w={140} />
      </Group>
    </Stack>
  );
}
