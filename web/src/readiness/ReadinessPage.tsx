import { Alert, Button, Card, Grid, Group, NumberInput, SegmentedControl, Skeleton, Stack, Text, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useSearchParams } from 'react-router';
import { can, useMe } from '../api/auth';
import { type CapacitySettings, useCapacitySettings, useSaveCapacitySettings } from '../api/capacity';
import { ApiError } from '../api/client';
import { QUADRANT_FILTERS, QUADRANTS, useReadinessSettings, useReadinessSummary, useSaveReadinessSettings } from '../api/readiness';
import { AXIS, Chart, type ChartOption } from '../components/Chart';
import { FormError, notifySuccess, QueryError } from '../components/feedback';
import { money } from '../components/format';
import { QUADRANT_META, whole, wholeError } from './logic';
import { QuadrantAccountsCard } from './QuadrantAccounts';
import { QuadrantGrid } from './QuadrantSummary';

/** Readiness across the book: accounts and ARR per quadrant, the thresholds, the default capacity. */
export default function ReadinessPage() {
  const summary = useReadinessSummary();
  const [params] = useSearchParams();
  const asked = params.get('quadrant');
  const quadrant = QUADRANT_FILTERS.find((q) => q === asked) ?? null;
  const option: ChartOption | null = summary.data
    ? {
        grid: { left: 8, right: 16, top: 8, bottom: 8, containLabel: true },
        tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v) => money(Number(v)) },
        xAxis: { type: 'value', axisLine: AXIS.line, axisLabel: { ...AXIS.label, formatter: (v: number) => money(v) }, splitLine: AXIS.split },
        yAxis: { type: 'category', inverse: true, data: [...QUADRANTS.map((q) => QUADRANT_META[q].label), 'No check-in'], axisLine: AXIS.line, axisLabel: AXIS.label },
        series: [
          {
            name: 'ARR',
            type: 'bar',
            barMaxWidth: 18,
            data: [
              ...QUADRANTS.map((q) => ({ value: summary.data.quadrants.find((x) => x.quadrant === q)?.arr ?? 0, itemStyle: { color: QUADRANT_META[q].hex } })),
              { value: summary.data.noCheckIn.arr, itemStyle: { color: '#ced4da' } },
            ],
          },
        ],
      }
    : null;
  return (
    <Stack gap="md">
      <div>
        <Title order={2}>Readiness</Title>
        <Text size="sm" c="dimmed">
          How important acting is to each customer and how confident they are, from their latest check-in on an active initiative; and how
          many spoons (time, attention, energy) we may ask of them.
        </Text>
      </div>
      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Card padding="lg" h="100%">
            <Title order={4} mb="xs">
              Accounts per quadrant
            </Title>
            {summary.isPending && <Skeleton height={260} />}
            {summary.isError && <QueryError error={summary.error} onRetry={() => void summary.refetch()} />}
            {summary.data && <QuadrantGrid summary={summary.data} selected={quadrant} />}
          </Card>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <Card padding="lg" h="100%">
            <Title order={4} mb="xs">
              ARR per quadrant
            </Title>
            {option && <Chart option={option} height={220} label="ARR per readiness quadrant" testId="readiness-arr-chart" />}
          </Card>
        </Grid.Col>
        {asked !== null && (
          <Grid.Col span={12}>
            {quadrant ? (
              <QuadrantAccountsCard quadrant={quadrant} />
            ) : (
              <Alert color="orange" title="Unknown quadrant">
                “{asked}” is not a quadrant: choose Ready, Enable, Align, Nurture or No check-in yet above.
              </Alert>
            )}
          </Grid.Col>
        )}
        <Grid.Col span={{ base: 12, md: 6 }}>
          <ThresholdsCard />
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 6 }}>
          <CapacitySettingsCard />
        </Grid.Col>
      </Grid>
    </Stack>
  );
}

function ThresholdsCard() {
  const me = useMe();
  const editable = can.audit(me);
  const settings = useReadinessSettings();
  const save = useSaveReadinessSettings();
  const [edited, setEdited] = useState<{ imp?: number | string; conf?: number | string }>({});
  const imp = edited.imp ?? settings.data?.importanceThreshold ?? '';
  const conf = edited.conf ?? settings.data?.confidenceThreshold ?? '';
  const setImp = (v: number | string) => setEdited((e) => ({ ...e, imp: v }));
  const setConf = (v: number | string) => setEdited((e) => ({ ...e, conf: v }));
  const fields = save.error instanceof ApiError ? save.error.fieldMap() : {};
  const [tried, setTried] = useState(false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (!whole(imp, 1, 10) || !whole(conf, 1, 10)) return;
    save.mutate({ importanceThreshold: Number(imp), confidenceThreshold: Number(conf) }, { onSuccess: () => notifySuccess('Thresholds saved: every quadrant is recomputed') });
  };
  return (
    <Card padding="lg" h="100%" data-testid="readiness-thresholds">
      <Title order={4}>Thresholds</Title>
      <Text size="xs" c="dimmed" mb="xs">
        A score at or above its threshold is high. {editable ? '' : 'Admins and managers change them.'}
      </Text>
      {settings.isError && <QueryError error={settings.error} onRetry={() => void settings.refetch()} />}
      <form onSubmit={submit} aria-label="Readiness thresholds" noValidate>
        <Stack gap="sm">
          <FormError error={save.error} shownFields={['importanceThreshold', 'confidenceThreshold']} />
          <Group grow>
            <NumberInput label="Importance" min={1} max={10} clampBehavior="none" allowDecimal={false} value={imp} onChange={setImp} disabled={!editable} error={fields.importanceThreshold ?? wholeError(imp, 1, 10, tried)} />
            <NumberInput label="Confidence" min={1} max={10} clampBehavior="none" allowDecimal={false} value={conf} onChange={setConf} disabled={!editable} error={fields.confidenceThreshold ?? wholeError(conf, 1, 10, tried)} />
          </Group>
          {editable && (
            <Group justify="flex-end">
              <Button type="submit" loading={save.isPending} disabled={!settings.data}>
                Save thresholds
              </Button>
            </Group>
          )}
        </Stack>
      </form>
    </Card>
  );
}

function CapacitySettingsCard() {
  const me = useMe();
  const editable = can.audit(me);
  const settings = useCapacitySettings();
  const save = useSaveCapacitySettings();
  const [edited, setEdited] = useState<{ spoons?: number | string; period?: CapacitySettings['period'] }>({});
  const spoons = edited.spoons ?? settings.data?.defaultSpoons ?? '';
  const period = edited.period ?? settings.data?.period ?? 'week';
  const setSpoons = (v: number | string) => setEdited((e) => ({ ...e, spoons: v }));
  const setPeriod = (v: CapacitySettings['period']) => setEdited((e) => ({ ...e, period: v }));
  const fields = save.error instanceof ApiError ? save.error.fieldMap() : {};
  const [tried, setTried] = useState(false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (!whole(spoons, 0, 100)) return;
    save.mutate({ defaultSpoons: Number(spoons), period }, { onSuccess: () => notifySuccess('Default capacity saved') });
  };
  return (
    <Card padding="lg" h="100%" data-testid="capacity-settings">
      <Title order={4}>Default capacity</Title>
      <Text size="xs" c="dimmed" mb="xs">
        The spoons of an account without its own capacity. Weeks start Monday (UTC). {editable ? '' : 'Admins and managers change it.'}
      </Text>
      {settings.isError && <QueryError error={settings.error} onRetry={() => void settings.refetch()} />}
      <form onSubmit={submit} aria-label="Default capacity" noValidate>
        <Stack gap="sm">
          <FormError error={save.error} shownFields={['defaultSpoons', 'period']} />
          <Group grow align="flex-end">
            <NumberInput label="Spoons" min={0} max={100} clampBehavior="none" allowDecimal={false} value={spoons} onChange={setSpoons} disabled={!editable} error={fields.defaultSpoons ?? wholeError(spoons, 0, 100, tried)} />
            <SegmentedControl
              aria-label="Per"
              value={period}
              onChange={(v) => setPeriod(v as CapacitySettings['period'])}
              disabled={!editable}
              data={[
                { value: 'week', label: 'per week' },
                { value: 'month', label: 'per month' },
              ]}
            />
          </Group>
          {editable && (
            <Group justify="flex-end">
              <Button type="submit" loading={save.isPending} disabled={!settings.data}>
                Save default
              </Button>
            </Group>
          )}
        </Stack>
      </form>
    </Card>
  );
}
