import { Alert, Anchor, Breadcrumbs, Button, Card, Divider, Grid, Group, Skeleton, Stack, Switch, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useDebouncedValue, useDisclosure } from '@mantine/hooks';
import { type FormEvent, useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { can, useMe } from '../api/auth';
import { useCreateDriver, useDeleteDriver, useDriverCatalog, useDriverPreview, useDrivers, useUpdateDriver } from '../api/drivers';
import { errorMessage } from '../api/client';
import type { Driver, PreviewBody } from '../api/healthTypes';
import { ConfirmModal } from '../components/ConfirmModal';
import { notifyError, notifySuccess, QueryError } from '../components/feedback';
import { slugify } from '../components/health';
import { Icon } from '../components/icons';
import { NotFound } from '../components/NotFound';
import { DriverPreview } from './DriverPreview';
import type { DriversPageState } from './DriversPage';
import { type DriverForm, initialForm, serverFieldErrors, toInput, toPreview, validate } from './driverForm';
import { ScoringFields, StageWeightFields } from './ScoringFields';
import { SourceFields } from './SourceFields';

/** The API field paths that an input shows beside it; others are listed above the form. */
const INPUT_PATHS = ['name', 'key', 'description', 'enabled', 'scoring', 'stageWeights', 'source.type']
  .concat(['events', 'measure', 'windowDays', 'perSeat', 'field', 'maxDays', 'role', 'expression'].map((k) => `source.${k}`));

export default function DriverEditorPage() {
  const { id } = useParams();
  const drivers = useDrivers();
  const isNew = !id || id === 'new';
  const driver = isNew ? undefined : drivers.data?.find((d) => d.id === id);
  const crumbs = (
    <Breadcrumbs separator="/" fz="sm">
      <Anchor component={Link} to="/drivers" size="sm">
        Drivers
      </Anchor>
      <Text size="sm" c="dimmed">
        {isNew ? 'New driver' : (driver?.name ?? '…')}
      </Text>
    </Breadcrumbs>
  );
  if (drivers.isError) return <QueryError error={drivers.error} onRetry={() => void drivers.refetch()} />;
  if (!isNew && drivers.data && !driver) return <NotFound message="This driver does not exist or was deleted." />;
  return (
    <Stack gap="md">
      {crumbs}
      {!isNew && !driver ? <Skeleton height={480} radius="md" /> : <Editor key={driver?.id ?? 'new'} driver={driver} all={drivers.data ?? []} />}
    </Stack>
  );
}

function Editor({ driver, all }: { driver?: Driver; all: Driver[] }) {
  const me = useMe();
  const editable = can.audit(me);
  const isNew = !driver;
  const navigate = useNavigate();
  const [f, setF] = useState<DriverForm>(() => initialForm(driver));
  const [keyTouched, setKeyTouched] = useState(false);
  const set = <K extends keyof DriverForm>(k: K, v: DriverForm[K]) =>
    setF((s) => ({ ...s, [k]: v, ...(k === 'name' && isNew && !keyTouched ? { key: slugify(String(v)) } : {}) }));
  const catalog = useDriverCatalog();
  const create = useCreateDriver();
  const update = useUpdateDriver();
  const remove = useDeleteDriver();
  const [deleting, del] = useDisclosure(false);
  const save = isNew ? create : update;

  const clientErrors = useMemo(() => validate(f, isNew), [f, isNew]);
  const previewJson = useMemo(() => JSON.stringify(toPreview(f, clientErrors)), [f, clientErrors]);
  const [debounced] = useDebouncedValue(previewJson, 400);
  const previewBody = useMemo(() => JSON.parse(debounced) as PreviewBody | null, [debounced]);
  const [asOf, setAsOf] = useState<string | null>(null);
  const preview = useDriverPreview(previewBody, asOf);
  // Field errors of the last save, else of the preview (unknown event, cyclic formula…), beside their inputs.
  const server = serverFieldErrors(save.error ?? preview.error);
  const [touched, setTouched] = useState(!isNew);
  const error = (path: string) => server.get(path) ?? (touched ? clientErrors[path] : undefined);
  const unclaimed = server.unclaimed(INPUT_PATHS);
  const otherKeys = all.filter((d) => d.id !== driver?.id).map((d) => d.key);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (Object.keys(clientErrors).length > 0) return;
    const input = toInput(f);
    const onSuccess = () => {
      notifySuccess(isNew ? `${input.name} created` : `${input.name} saved: health is being recomputed`);
      const state: DriversPageState = { driverChanged: `${input.name} ${isNew ? 'created' : 'saved'}` };
      void navigate('/drivers', { state });
    };
    if (driver) {
      const { key: _key, ...patch } = input;
      update.mutate({ id: driver.id, patch }, { onSuccess });
    } else {
      create.mutate(input, { onSuccess });
    }
  };

  const confirmDelete = () =>
    driver &&
    remove.mutate(driver.id, {
      onSuccess: () => {
        notifySuccess(`${driver.name} deleted`);
        const state: DriversPageState = { driverChanged: `${driver.name} deleted` };
        void navigate('/drivers', { replace: true, state });
      },
      onError: (err) => notifyError(err, 'Could not delete the driver'),
    });

  return (
    <form onSubmit={submit} noValidate>
      <Group justify="space-between" align="flex-end" mb="md">
        <div>
          <Title order={2}>{isNew ? 'New driver' : driver.name}</Title>
          <Text c="dimmed" size="sm">
            {editable ? 'A leading indicator: where its value comes from, how it scores, and where it counts' : 'Read only: admins and managers edit drivers'}
          </Text>
        </div>
        {editable && (
          <Group gap="xs">
            {driver && (
              <Button variant="subtle" color="red" leftSection={<Icon name="trash" size={16} />} onClick={del.open}>
                Delete
              </Button>
            )}
            <Button variant="default" component={Link} to="/drivers">
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              {isNew ? 'Create driver' : 'Save driver'}
            </Button>
          </Group>
        )}
      </Group>
      <Grid gap="md" align="flex-start">
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <Card padding="lg">
            <Stack gap="md">
              {save.error !== null && (
                <Alert color="red" variant="light" role="alert" title="The driver was not saved">
                  <Text size="sm">{errorMessage(save.error)}</Text>
                  {(save.error ? unclaimed : []).map((u) => (
                    <Text size="sm" key={u.path}>
                      {u.path}: {u.message}
                    </Text>
                  ))}
                </Alert>
              )}
              <Group grow align="flex-start">
                <TextInput label="Name" required value={f.name} onChange={(e) => set('name', e.currentTarget.value)} error={error('name')} readOnly={!editable} />
                <TextInput
                  label="Key"
                  description={isNew ? 'Used in formulas; cannot change later' : 'Used in formulas'}
                  value={f.key}
                  onChange={(e) => {
                    setKeyTouched(true);
                    set('key', e.currentTarget.value);
                  }}
                  error={error('key')}
                  readOnly={!isNew || !editable}
                  disabled={!isNew}
                  styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
                />
              </Group>
              <Textarea label="Description" autosize minRows={2} value={f.description} onChange={(e) => set('description', e.currentTarget.value)} error={error('description')} readOnly={!editable} />
              <Divider label="Value" labelPosition="left" />
              <SourceFields f={f} set={set} error={error} catalog={catalog.data} otherKeys={otherKeys} readOnly={!editable} />
              <Divider label="Scoring" labelPosition="left" />
              <ScoringFields f={f} set={set} error={error} readOnly={!editable} />
              <Divider label="Where it counts" labelPosition="left" />
              <StageWeightFields f={f} set={set} error={error} readOnly={!editable} />
              <Switch label="Enabled" description="A disabled driver counts nowhere" checked={f.enabled} onChange={(e) => set('enabled', e.currentTarget.checked)} disabled={!editable} />
            </Stack>
          </Card>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }} style={{ position: 'sticky', top: 72 }}>
          {/* Read-only for everyone: the preview changes nothing. */}
          <DriverPreview body={previewBody} preview={preview} asOf={asOf} onAsOf={setAsOf} problem={Object.entries(clientErrors).find(([k]) => !['name', 'key', 'stageWeights'].includes(k))?.[1] ?? null} />
        </Grid.Col>
      </Grid>
      {driver && (
        <ConfirmModal opened={deleting} title={`Delete ${driver.name}?`} confirmLabel="Delete driver" loading={remove.isPending} onConfirm={confirmDelete} onClose={del.close}>
          The driver leaves every stage and every account’s health is recomputed without it. Formulas that use{' '}
          <code>{driver.key}</code> stop working. To stop it counting for now, disable it instead.
        </ConfirmModal>
      )}
    </form>
  );
}
