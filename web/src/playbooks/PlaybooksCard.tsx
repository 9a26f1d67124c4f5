import { Anchor, Button, Card, Collapse, Group, Modal, Select, Stack, Text, Title, Tooltip } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import { ApiError } from '../api/client';
import { type PlaybookRun, useAccountRuns, useCancelRun, usePlaybooks, useStartPlaybook } from '../api/playbooks';
import { ConfirmModal } from '../components/ConfirmModal';
import { FormError, notifyError, notifySuccess, QueryError, TableSkeleton } from '../components/feedback';
import { formatDateTime, relative } from '../components/format';
import { Icon } from '../components/icons';
import { useHashTarget } from '../inbox/useHashTarget';
import { RunProgressBar, RunStatusBadge, RunSteps } from './RunProgress';
import { StepSummary } from './StepSummary';

function StartModal({ accountId, opened, onClose }: { accountId: string; opened: boolean; onClose: () => void }) {
  const playbooks = usePlaybooks();
  const start = useStartPlaybook(accountId);
  const [choice, setChoice] = useState<string | null>(null);
  const chosen = playbooks.data?.find((p) => p.id === choice);
  const fields = start.error instanceof ApiError ? start.error.fieldMap() : {};
  const close = () => {
    start.reset();
    setChoice(null);
    onClose();
  };
  const submit = () =>
    choice &&
    start.mutate(choice, {
      onSuccess: (run) => {
        notifySuccess(`${run.playbookName} started`);
        close();
      },
    });
  return (
    <Modal opened={opened} onClose={close} title="Start playbook" centered>
      <Stack gap="md">
        <FormError error={start.error} shownFields={['playbookId']} />
        <Select
          label="Playbook"
          placeholder={playbooks.data?.length === 0 ? 'No playbooks yet' : 'Choose a playbook'}
          data={(playbooks.data ?? []).map((p) => ({ value: p.id, label: `${p.name} (v${p.version}, ${p.steps.length} steps)` }))}
          value={choice}
          onChange={setChoice}
          searchable
          error={fields.playbookId}
          comboboxProps={{ withinPortal: true }}
          data-autofocus
        />
        {chosen && (
          <Stack gap={2} component="ol" pl="md" m={0}>
            {chosen.steps.map((s, i) => (
              <Text key={i} size="xs" component="li">
                <StepSummary step={s} />
              </Text>
            ))}
          </Stack>
        )}
        {playbooks.data?.length === 0 && (
          <Text size="sm" c="dimmed">
            Build one under{' '}
            <Anchor component={Link} to="/playbooks" size="sm">
              Playbooks
            </Anchor>
            .
          </Text>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={close} disabled={start.isPending}>
            Cancel
          </Button>
          <Button onClick={submit} loading={start.isPending} disabled={!choice}>
            Start playbook
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function RunRow({ run, canEdit, onCancel }: { run: PlaybookRun; canEdit: boolean; onCancel: () => void }) {
  const [open, setOpen] = useState(run.status === 'running');
  return (
    <Card withBorder padding="sm" radius="md" id={`run-${run.id}`} data-run-id={run.id}>
      <Group justify="space-between" wrap="nowrap" gap="xs">
        <Group gap="xs" style={{ minWidth: 0 }}>
          <Anchor component={Link} to={`/playbooks/${run.playbookId}`} fw={600} size="sm">
            {run.playbookName}
          </Anchor>
          <Text size="xs" c="dimmed">
            v{run.version}
          </Text>
          <RunStatusBadge status={run.status} />
        </Group>
        <Group gap={4} wrap="nowrap">
          <Button size="compact-xs" variant="subtle" onClick={() => setOpen((o) => !o)} aria-expanded={open}>
            {open ? 'Hide steps' : 'Steps'}
          </Button>
          {canEdit && run.status === 'running' && (
            <Button size="compact-xs" variant="subtle" color="red" onClick={onCancel}>
              Cancel
            </Button>
          )}
        </Group>
      </Group>
      <Stack gap={4} mt={6}>
        <RunProgressBar run={run} />
        <Tooltip label={formatDateTime(run.startedAt)} openDelay={300}>
          <Text size="xs" c="dimmed" w="fit-content">
            {run.ruleFiringId ? 'Started by a rule' : 'Started'} {relative(run.startedAt)}
            {run.finishedAt ? ` · ended ${relative(run.finishedAt)}` : ''}
          </Text>
        </Tooltip>
      </Stack>
      <Collapse expanded={open}>
        <Stack mt="sm">
          <RunSteps run={run} />
        </Stack>
      </Collapse>
    </Card>
  );
}

/** The account's playbook runs with their progress, "Start playbook" and "Cancel". */
export function PlaybooksCard({ accountId, canEdit }: { accountId: string; canEdit: boolean }) {
  const runs = useAccountRuns(accountId);
  const cancel = useCancelRun();
  const [starting, setStarting] = useState(false);
  const [cancelling, setCancelling] = useState<PlaybookRun | null>(null);
  useHashTarget('run-', !!runs.data);
  const items = runs.data ?? [];

  const confirmCancel = () =>
    cancelling &&
    cancel.mutate(cancelling.id, {
      onSuccess: () => {
        notifySuccess(`${cancelling.playbookName} cancelled`);
        setCancelling(null);
      },
      onError: (err) => notifyError(err, 'Could not cancel the playbook'),
    });

  return (
    <Card padding="lg" data-testid="playbooks-card">
      <Group justify="space-between" mb="sm" align="flex-start">
        <div>
          <Title order={4}>Playbooks</Title>
          <Text size="sm" c="dimmed">
            Plays running on this account, step by step
          </Text>
        </div>
        {canEdit && (
          <Button size="xs" variant="light" leftSection={<Icon name="plus" size={14} />} onClick={() => setStarting(true)}>
            Start playbook
          </Button>
        )}
      </Group>
      {runs.isPending && <TableSkeleton rows={2} />}
      {runs.isError && <QueryError error={runs.error} onRetry={() => void runs.refetch()} />}
      {runs.data && items.length === 0 && (
        <Text size="sm" c="dimmed" py="md" ta="center">
          No playbook has run here.{canEdit ? ' Start one by hand, or let a rule start it when a signal appears.' : ''}
        </Text>
      )}
      <Stack gap="xs">
        {items.map((r) => (
          <RunRow key={r.id} run={r} canEdit={canEdit} onCancel={() => setCancelling(r)} />
        ))}
      </Stack>
      <StartModal accountId={accountId} opened={starting} onClose={() => setStarting(false)} />
      <ConfirmModal
        opened={cancelling !== null}
        title={`Cancel ${cancelling?.playbookName ?? 'playbook'}?`}
        confirmLabel="Cancel playbook"
        loading={cancel.isPending}
        onConfirm={confirmCancel}
        onClose={() => setCancelling(null)}
      >
        Its pending steps will not run, and its open tasks are cancelled. Steps already done stay done.
      </ConfirmModal>
    </Card>
  );
}
