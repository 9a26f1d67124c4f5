import { Autocomplete, Button, Group, Modal, NumberInput, SegmentedControl, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useDriverCatalog, useDrivers } from '../api/drivers';
import { CRITERION_KINDS, type Criterion, type CriterionInput, type CriterionKind, type Direction, METRIC_MEASURES, type MetricMeasure, useCreateCriterion, useUpdateCriterion } from '../api/plans';
import { criterionCreate } from '../api/schemas';
import { FormError, notifySuccess } from '../components/feedback';
import { toShown, valueUnit } from '../components/health';
import { schemaErrors, useSchemaCheck } from '../components/schemaErrors';
import { measureLabel } from './planUi';
import { windowDaysError } from './templateForm';

interface Props {
  goalId: string;
  criterion?: Criterion | null;
  opened: boolean;
  onClose: () => void;
}

export function CriterionFormModal(props: Props) {
  return (
    <Modal opened={props.opened} onClose={props.onClose} title={props.criterion ? 'Edit success criterion' : 'Add a success criterion'} size="lg" centered>
      {props.opened && <CriterionForm {...props} />}
    </Modal>
  );
}

const shortKind: Record<CriterionKind, string> = { driver: 'Health driver', metric: 'Usage metric', manual: 'A number', rating: 'Rating 1–5' };

const num = (v: string | number): number | null => (v === '' || v === null ? null : Number(v));

function CriterionForm({ goalId, criterion, onClose }: Props) {
  const create = useCreateCriterion(goalId);
  const update = useUpdateCriterion();
  const m = criterion ? update : create;
  const drivers = useDrivers();
  const catalog = useDriverCatalog();
  const [name, setName] = useState(criterion?.name ?? '');
  const [kind, setKind] = useState<CriterionKind>(criterion?.kind ?? 'driver');
  const [driverId, setDriverId] = useState<string | null>(criterion?.driverId ?? null);
  const [event, setEvent] = useState(criterion?.metric?.event ?? '');
  const [measure, setMeasure] = useState<MetricMeasure>(criterion?.metric?.measure ?? 'count');
  const [windowDays, setWindowDays] = useState<string | number>(criterion?.metric?.windowDays ?? 30);
  const [direction, setDirection] = useState<Direction>(criterion?.direction ?? 'up');
  // A driver criterion's baseline and target are typed in the driver's shown unit (30 for 30% of
  // seats, stored as 0.3), the unit the health card and the criterion row show them in.
  const driver = kind === 'driver' && driverId ? drivers.data?.find((d) => d.id === driverId) : undefined;
  const unit = driver ? valueUnit(driver.source, driver.scoring) : null;
  const scale = unit?.scale ?? 1;
  const [shownScale, setShownScale] = useState(1); // the criterion's values come stored
  const [baseline, setBaseline] = useState<string | number>(criterion?.baseline ?? '');
  const [target, setTarget] = useState<string | number>(criterion?.target ?? '');
  if (shownScale !== scale) {
    // The unit changed (drivers loaded, or another driver picked): keep the stored values, re-shown.
    const convert = (v: string | number) => (v === '' || !Number.isFinite(Number(v)) ? v : toShown(Number(v) / shownScale, { scale }));
    setShownScale(scale);
    setBaseline(convert(baseline));
    setTarget(convert(target));
  }
  const unitSuffix = unit?.suffix.startsWith('%') ? ' %' : undefined;
  const stored = (v: string | number): number | null => {
    const n = num(v);
    return n === null || scale === 1 ? n : Math.round((n / scale) * 1e9) / 1e9;
  };
  const local: Record<string, string> = {};
  if (!name.trim()) local.name = 'Name what is measured, e.g. “weekly reports sent”.';
  if (kind === 'driver' && !driverId) local.driverId = 'Pick the driver it follows.';
  if (kind === 'metric' && !event.trim()) local.metric = 'Name the usage event.';
  const windowError = kind === 'metric' ? windowDaysError(windowDays) : undefined;
  if (windowError) local.windowDays = windowError;
  const body: CriterionInput = {
    name: name.trim(),
    kind,
    direction,
    target: stored(target),
    baseline: stored(baseline),
    ...(kind === 'driver' && driverId ? { driverId } : {}),
    ...(kind === 'metric' ? { metric: { event: event.trim(), measure, windowDays: Number(windowDays) || 30 } } : {}),
  };
  // The window has its own message on its field; the schema, which would put one on the event, sees a valid window.
  const checked = windowError && body.metric ? { ...body, metric: { ...body.metric, windowDays: 30 } } : body;
  const { fields: shown, validate } = useSchemaCheck(() => ({ ...schemaErrors(criterionCreate, checked), ...local }), m.error);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!validate()) return;
    const done = {
      onSuccess: () => {
        notifySuccess(criterion ? 'Criterion saved' : 'Criterion added');
        onClose();
      },
    };
    // The kind is fixed once created: a patch sends what may change.
    const { kind: _kind, ...patch } = body;
    if (criterion) update.mutate({ id: criterion.id, patch }, done);
    else create.mutate(body, done);
  };

  const isRating = kind === 'rating';
  return (
    <form onSubmit={submit} noValidate aria-label={criterion ? 'Edit success criterion' : 'Add a success criterion'}>
      <Stack gap="md">
        <FormError error={m.error} shownFields={['name', 'kind', 'driverId', 'metric', 'direction', 'baseline', 'target']} />
        <TextInput label="Name" placeholder="Weekly reports sent" value={name} onChange={(e) => setName(e.currentTarget.value)} error={shown.name} required data-autofocus />
        <div>
          <Text size="sm" fw={500} mb={4}>
            Measured by
          </Text>
          <SegmentedControl
            aria-label="Measured by"
            fullWidth
            value={kind}
            onChange={(v) => setKind(v as CriterionKind)}
            data={CRITERION_KINDS.map((k) => ({ value: k, label: shortKind[k] }))}
            disabled={!!criterion}
          />
          {shown.kind && (
            <Text size="xs" c="red" mt={4}>
              {shown.kind}
            </Text>
          )}
        </div>
        {kind === 'driver' && (
          <Select
            label="Driver"
            description="Follows the driver’s value each time health is computed"
            placeholder={drivers.data?.length === 0 ? 'No drivers yet' : 'Pick a driver'}
            data={(drivers.data ?? []).map((d) => ({ value: d.id, label: d.name }))}
            value={driverId}
            onChange={setDriverId}
            searchable
            error={shown.driverId}
          />
        )}
        {kind === 'metric' && (
          <SimpleGrid cols={3}>
            <Autocomplete label="Usage event" placeholder="report_sent" data={catalog.data?.events ?? []} value={event} onChange={setEvent} error={shown.metric} />
            <Select
              label="Measure"
              data={METRIC_MEASURES.map((x) => ({ value: x, label: measureLabel[x] }))}
              value={measure}
              onChange={(v) => v && setMeasure(v as MetricMeasure)}
              allowDeselect={false}
            />
            <NumberInput label="Window (days)" min={1} max={365} clampBehavior="none" allowDecimal={false} value={windowDays} onChange={setWindowDays} error={shown.windowDays} />
          </SimpleGrid>
        )}
        {kind === 'manual' && (
          <Text size="xs" c="dimmed">
            A number entered by hand: you (or the customer, on a call) record it with its date; the chart shows each entry.
          </Text>
        )}
        {isRating && (
          <Text size="xs" c="dimmed">
            Both sides rate it from 1 to 5 — how far we are, seen from each side. A gap between the two ratings is worth a conversation.
          </Text>
        )}
        <SimpleGrid cols={3}>
          <Select
            label="Direction"
            description="Which way is better"
            data={[
              { value: 'up', label: 'Higher is better' },
              { value: 'down', label: 'Lower is better' },
            ]}
            value={direction}
            onChange={(v) => v && setDirection(v as Direction)}
            allowDeselect={false}
            error={shown.direction}
          />
          <NumberInput
            label="Baseline"
            description={unit ? `Where they start, in ${unit.suffix}` : 'Where they start'}
            value={baseline}
            onChange={setBaseline}
            suffix={unitSuffix}
            min={isRating ? 1 : undefined}
            max={isRating ? 5 : undefined}
            clampBehavior="none"
            error={shown.baseline}
          />
          <NumberInput
            label="Target"
            description={unit ? `Where they want to be, in ${unit.suffix}` : 'Where they want to be'}
            value={target}
            onChange={setTarget}
            suffix={unitSuffix}
            min={isRating ? 1 : undefined}
            max={isRating ? 5 : undefined}
            clampBehavior="none"
            error={shown.target}
          />
        </SimpleGrid>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={m.isPending}>
            Cancel
          </Button>
          <Button type="submit" loading={m.isPending}>
            {criterion ? 'Save criterion' : 'Add criterion'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
