import { Alert, Anchor, Button, Card, Checkbox, Group, Loader, Radio, SimpleGrid, Stack, Stepper, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { QueryError } from '../components/feedback';
import { errorMessage } from '../api/client';
import { type ImportKind, importKeys, isTerminal, type Mapping, type Mode, type OnError, type Preview, previewFile, runForReal, startImport, useImport, useImportKinds } from './api';
import { FileDrop } from './FileDrop';
import { ImportProgress } from './ImportProgress';
import { ImportRows } from './ImportRows';
import { mappingProblems, MODE_TEXT } from './logic';
import { MappingStep } from './MappingStep';

const KIND_TEXT: Record<string, string> = {
  accounts: 'Companies you look after: name, domain, ARR, stage, owner, renewal date.',
  contacts: 'People at those accounts: name, e-mail, role, and which account.',
  subscriptions: 'Plans over time: plan, seats, ARR or MRR, start and end dates; ARR history follows.',
  activities: 'Calls, meetings, notes and support tickets (with priority and status).',
  outcomes: 'What happened at renewals: churned, downgraded, renewed, expanded, with dates and reasons.',
  usage_events: 'Product usage, one row per event: account, user (optional), event, timestamp.',
  usage_daily: 'Product usage, one row per account, event and day, with a count.',
};

export default function ImportWizardPage() {
  const kinds = useImportKinds();
  const qc = useQueryClient();
  const [step, setStep] = useState(0);
  const [kind, setKind] = useState<ImportKind | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [mapping, setMapping] = useState<Mapping>({ columns: {} });
  const [mode, setMode] = useState<Mode>('upsert');
  const [onError, setOnError] = useState<OnError>('skip');
  const [mrr, setMrr] = useState(false);
  const [dryId, setDryId] = useState<string | null>(null);
  const [runId, setRunId] = useState<string | null>(null);
  const dry = useImport(dryId);
  const run = useImport(runId);

  const doPreview = useMutation({
    mutationFn: ({ f, k }: { f: File; k: ImportKind }) => previewFile(f, k.name),
    onSuccess: (p) => {
      setPreview(p);
      setMapping(p.suggested);
      setStep(2);
    },
  });
  const modes = kind?.modes?.length ? kind.modes : (['create', 'update', 'upsert'] as const);
  const fullMapping: Mapping = { ...mapping, options: { ...mapping.options, ...(mrr ? { mrr: true } : {}) } };
  const input = () => ({ file: file as File, kind: kind?.name ?? '', mapping: fullMapping, mode: modes.includes(mode) ? mode : (modes[0] ?? 'create'), onError });
  const doDry = useMutation({
    mutationFn: () => startImport({ ...input(), dryRun: true }),
    onSuccess: (r) => {
      setDryId(r.id);
      setStep(4);
    },
  });
  const doRun = useMutation({
    mutationFn: () => runForReal(dryId ?? '', { ...input(), dryRun: false }),
    onSuccess: (r) => {
      setRunId(r.id);
      setStep(5);
      void qc.invalidateQueries({ queryKey: importKeys.list });
    },
  });

  const problems = useMemo(() => (kind && preview ? mappingProblems(mapping, preview.columns, kind.fields) : []), [kind, preview, mapping]);
  const dryDone = dry.data && isTerminal(dry.data.status);
  const hasArr = kind?.fields.some((f) => f.key === 'arr');

  return (
    <Stack gap="md">
      <div>
        <Anchor component={Link} to="/imports" size="sm">
          ← Imports
        </Anchor>
        <Title order={2}>New import</Title>
      </div>
      <Card padding="lg">
        <Stepper active={step} onStepClick={(s) => s < step && step < 5 && setStep(s)} size="sm" allowNextStepsSelect={false} wrap>
          <Stepper.Step label="Kind" description="What the file holds">
            {kinds.isPending && <Loader size="sm" />}
            {kinds.isError && <QueryError error={kinds.error} onRetry={() => void kinds.refetch()} />}
            <Radio.Group value={kind?.name ?? ''} onChange={(v) => setKind(kinds.data?.find((k) => k.name === v) ?? null)} aria-label="Kind of import">
              <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="sm" mt="sm">
                {(kinds.data ?? []).map((k) => (
                  <Radio.Card key={k.name} value={k.name} p="sm" radius="md" data-kind={k.name}>
                    <Group wrap="nowrap" align="flex-start" gap="sm">
                      <Radio.Indicator />
                      <div style={{ minWidth: 0 }}>
                        <Text fw={600}>{k.label}</Text>
                        <Text size="sm" c="dimmed">
                          {k.description ?? KIND_TEXT[k.name] ?? ''}
                        </Text>
                        <Text size="xs" c="dimmed" mt={4} style={{ overflowWrap: 'anywhere' }}>
                          Fields: {k.fields.map((f) => f.label + (f.required ? '*' : '')).join(', ')}
                        </Text>
                      </div>
                    </Group>
                  </Radio.Card>
                ))}
              </SimpleGrid>
            </Radio.Group>
            <Group justify="flex-end" mt="md">
              <Button disabled={!kind} onClick={() => setStep(1)}>
                Next: upload
              </Button>
            </Group>
          </Stepper.Step>

          <Stepper.Step label="Upload" description="A CSV file">
            <FileDrop file={file} onFile={(f) => { setFile(f); if (f && kind) doPreview.mutate({ f, k: kind }); }} busy={doPreview.isPending} />
            {doPreview.isError && (
              <Alert color="red" variant="light" mt="sm" title="Could not read this file">
                {errorMessage(doPreview.error)}
              </Alert>
            )}
            <Group justify="space-between" mt="md">
              <Button variant="default" onClick={() => setStep(0)}>
                Back
              </Button>
              <Button disabled={!file || !kind || !preview} onClick={() => setStep(2)}>
                Next: mapping
              </Button>
            </Group>
          </Stepper.Step>

          <Stepper.Step label="Mapping" description="Columns to fields">
            {kind && preview && <MappingStep kind={kind} preview={preview} mapping={mapping} onChange={setMapping} problems={problems} />}
            <Group justify="space-between" mt="md">
              <Button variant="default" onClick={() => setStep(1)}>
                Back
              </Button>
              <Button disabled={problems.length > 0} onClick={() => setStep(3)}>
                Confirm mapping
              </Button>
            </Group>
          </Stepper.Step>

          <Stepper.Step label="Options" description="Create, update, errors">
            <Stack gap="md" mt="sm">
              <Radio.Group label="What to do with each row" value={mode} onChange={(v) => setMode(v as Mode)}>
                <Stack gap="xs" mt={6}>
                  {modes.map((m) => (
                    <Radio key={m} value={m} label={MODE_TEXT[m]} />
                  ))}
                </Stack>
              </Radio.Group>
              {!!kind?.matchBy?.length && (
                <Text size="sm" c="dimmed">
                  A row matches an existing record by {kind.matchBy.join(', then by ')}. A row with none of these is always new.
                </Text>
              )}
              <Radio.Group label="When a row has an error" value={onError} onChange={(v) => setOnError(v as OnError)}>
                <Stack gap="xs" mt={6}>
                  <Radio value="skip" label="Skip it: import the good rows and keep the bad ones to download." />
                  <Radio value="stop" label="Stop: if any row has an error, nothing is written." />
                </Stack>
              </Radio.Group>
              {hasArr && <Checkbox label="Amounts are monthly (MRR): ARR is 12 × the amount" checked={mrr} onChange={(e) => setMrr(e.currentTarget.checked)} />}
              {doDry.isError && <Alert color="red" variant="light" title="Could not start the dry run">{errorMessage(doDry.error)}</Alert>}
              <Group justify="space-between">
                <Button variant="default" onClick={() => setStep(2)}>
                  Back
                </Button>
                <Button onClick={() => doDry.mutate()} loading={doDry.isPending}>
                  Dry run
                </Button>
              </Group>
            </Stack>
          </Stepper.Step>

          <Stepper.Step label="Dry run" description="Nothing written yet">
            <Stack gap="sm" mt="sm" data-testid="dry-run">
              {dry.isError && <QueryError error={dry.error} onRetry={() => void dry.refetch()} />}
              {dry.data && !dryDone && <ImportProgress item={dry.data} at={dry.dataUpdatedAt} />}
              {dryDone && dry.data && (
                <>
                  <Text size="sm" c="dimmed">
                    What the import would do, row by row. Nothing has been written.
                  </Text>
                  {dry.data.status === 'failed' && (dry.data.message ?? dry.data.error) && (
                    <Alert color="red" variant="light">{dry.data.message ?? dry.data.error}</Alert>
                  )}
                  <ImportRows item={dry.data} dry />
                </>
              )}
              {doRun.isError && <Alert color="red" variant="light" title="Could not start the import">{errorMessage(doRun.error)}</Alert>}
              <Group justify="space-between">
                <Button variant="default" onClick={() => setStep(3)}>
                  Back
                </Button>
                <Button onClick={() => doRun.mutate()} loading={doRun.isPending} disabled={!dryDone || (onError === 'stop' && (dry.data?.counts.errors ?? 0) > 0)}>
                  Import
                </Button>
              </Group>
              {onError === 'stop' && (dry.data?.counts.errors ?? 0) > 0 && (
                <Text size="sm" c="red.7">
                  “Stop on error” is chosen and the dry run found errors: fix the file or choose to skip bad rows.
                </Text>
              )}
            </Stack>
          </Stepper.Step>

          <Stepper.Completed>
            <Stack gap="sm" mt="sm">
              {run.isError && <QueryError error={run.error} onRetry={() => void run.refetch()} />}
              {run.isPending && <Loader size="sm" />}
              {run.data && <ImportProgress item={run.data} at={run.dataUpdatedAt} />}
            </Stack>
          </Stepper.Completed>
        </Stepper>
      </Card>
    </Stack>
  );
}
