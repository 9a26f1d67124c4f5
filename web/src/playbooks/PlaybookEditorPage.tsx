import { Alert, Anchor, Badge, Breadcrumbs, Button, Card, Grid, Group, Skeleton, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { type FormEvent, useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { can, useMe } from '../api/auth';
import { ApiError, errorMessage } from '../api/client';
import { type Playbook, useArchivePlaybook, useCreatePlaybook, usePlaybook, useUpdatePlaybook, useWebhookChoices } from '../api/playbooks';
import { ConfirmModal } from '../components/ConfirmModal';
import { notifyError, notifySuccess, QueryError } from '../components/feedback';
import { Icon } from '../components/icons';
import { NotFound } from '../components/NotFound';
import { pathErrors } from '../components/pathErrors';
import { initialForm, newStep, type PlaybookForm, shownPaths, toInput, validate } from './playbookForm';
import { PlaybookRunsTable, VersionHistory } from './PlaybookSide';
import { StepList } from './StepList';

export default function PlaybookEditorPage() {
  const { id } = useParams();
  const isNew = !id || id === 'new';
  const playbook = usePlaybook(isNew ? null : id);
  const crumbs = (
    <Breadcrumbs separator="/" fz="sm">
      <Anchor component={Link} to="/playbooks" size="sm">
        Playbooks
      </Anchor>
      <Text size="sm" c="dimmed">
        {isNew ? 'New playbook' : (playbook.data?.name ?? '…')}
      </Text>
    </Breadcrumbs>
  );
  if (playbook.isError) {
    if (playbook.error instanceof ApiError && playbook.error.status === 404) return <NotFound message="This playbook does not exist." />;
    return <QueryError error={playbook.error} onRetry={() => void playbook.refetch()} />;
  }
  return (
    <Stack gap="md">
      {crumbs}
      {!isNew && !playbook.data ? (
        <Skeleton height={480} radius="md" />
      ) : (
        <Editor key={playbook.data ? `${playbook.data.id}:${playbook.data.version}` : 'new'} playbook={playbook.data} />
      )}
    </Stack>
  );
}

function Editor({ playbook }: { playbook?: Playbook }) {
  const me = useMe();
  const editable = can.audit(me) && !playbook?.archived;
  const navigate = useNavigate();
  const [f, setF] = useState<PlaybookForm>(() => initialForm(playbook));
  const [touched, setTouched] = useState(false);
  const webhooks = useWebhookChoices();
  const create = useCreatePlaybook();
  const update = useUpdatePlaybook();
  const archive = useArchivePlaybook();
  const [archiving, arch] = useDisclosure(false);
  const save = playbook ? update : create;

  const local = useMemo(() => validate(f), [f]);
  const server = pathErrors(save.error);
  const error = (path: string) => server.get(path) ?? (touched ? local[path] : undefined);
  const unclaimed = server.unclaimed(shownPaths(f));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (Object.keys(local).length > 0) return;
    const input = toInput(f);
    if (playbook) {
      update.mutate(
        { id: playbook.id, patch: input },
        { onSuccess: (p) => notifySuccess(p.version > playbook.version ? `Saved as version ${p.version}` : `${p.name} saved`) },
      );
    } else {
      create.mutate(input, {
        onSuccess: (p) => {
          notifySuccess(`${p.name} created`);
          void navigate(`/playbooks/${p.id}`, { replace: true });
        },
      });
    }
  };

  const confirmArchive = () =>
    playbook &&
    archive.mutate(playbook.id, {
      onSuccess: () => {
        notifySuccess(`${playbook.name} archived`);
        void navigate('/playbooks', { replace: true });
      },
      onError: (err) => notifyError(err, 'Could not archive the playbook'),
    });

  return (
    <form onSubmit={submit} noValidate>
      <Group justify="space-between" align="flex-end" mb="md">
        <div>
          <Group gap="xs">
            <Title order={2}>{playbook ? playbook.name : 'New playbook'}</Title>
            {playbook && <Badge variant="light">v{playbook.version}</Badge>}
            {playbook?.archived && <Badge color="gray">Archived</Badge>}
          </Group>
          <Text c="dimmed" size="sm">
            {editable
              ? 'A play for one failure mode: the steps that run, in order, when it starts on an account'
              : playbook?.archived
                ? 'Archived: it can no longer be started; runs in progress go on'
                : 'Read only: admins and managers edit playbooks'}
          </Text>
        </div>
        {editable && (
          <Group gap="xs">
            {playbook && (
              <Button variant="subtle" color="red" leftSection={<Icon name="trash" size={16} />} onClick={arch.open}>
                Archive
              </Button>
            )}
            <Button variant="default" component={Link} to="/playbooks">
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              {playbook ? 'Save playbook' : 'Create playbook'}
            </Button>
          </Group>
        )}
      </Group>
      <Grid gap="md" align="flex-start">
        <Grid.Col span={{ base: 12, lg: playbook ? 8 : 12 }}>
          <Stack gap="md">
            {save.error !== null && (
              <Alert color="red" variant="light" role="alert" title="The playbook was not saved">
                <Text size="sm">{server.any && unclaimed.length === 0 ? 'Check the highlighted fields.' : errorMessage(save.error)}</Text>
                {unclaimed.map((u) => (
                  <Text size="sm" key={u.path}>
                    {u.path}: {u.message}
                  </Text>
                ))}
              </Alert>
            )}
            <Card padding="lg">
              <Stack gap="sm">
                <TextInput label="Name" required value={f.name} onChange={(e) => setF({ ...f, name: e.currentTarget.value })} error={error('name')} readOnly={!editable} placeholder="Onboarding stalled" />
                <Textarea
                  label="Description"
                  description="The failure mode it answers, and when to start it"
                  autosize
                  minRows={2}
                  value={f.description}
                  onChange={(e) => setF({ ...f, description: e.currentTarget.value })}
                  error={error('description')}
                  readOnly={!editable}
                />
              </Stack>
            </Card>
            <Title order={4}>Steps</Title>
            <StepList steps={f.steps} onChange={(steps) => setF({ ...f, steps })} error={error} readOnly={!editable} webhooks={webhooks.data} />
          </Stack>
        </Grid.Col>
        {playbook && (
          <Grid.Col span={{ base: 12, lg: 4 }}>
            <VersionHistory playbook={playbook} onRestore={editable ? (steps) => setF({ ...f, steps: steps.map((s) => newStep(s.kind, s)) }) : undefined} />
          </Grid.Col>
        )}
        {playbook && (
          <Grid.Col span={12}>
            <PlaybookRunsTable playbookId={playbook.id} />
          </Grid.Col>
        )}
      </Grid>
      {playbook && (
        <ConfirmModal opened={archiving} title={`Archive ${playbook.name}?`} confirmLabel="Archive playbook" loading={archive.isPending} onConfirm={confirmArchive} onClose={arch.close}>
          It can no longer be started by hand or by a rule. Runs in progress go on with their version.
        </ConfirmModal>
      )}
    </form>
  );
}
