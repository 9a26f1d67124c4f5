import { Alert, Anchor, Breadcrumbs, Button, Card, Group, Select, SimpleGrid, Skeleton, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { type FormEvent, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { can, useMe } from '../api/auth';
import { ApiError } from '../api/client';
import { useDriverCatalog, useDrivers } from '../api/drivers';
import { type PlanTemplate, useCreateTemplate, useDeleteTemplate, usePlanTemplate, useUpdateTemplate } from '../api/plans';
import { ConfirmModal } from '../components/ConfirmModal';
import { notifyError, notifySuccess, QueryError } from '../components/feedback';
import { stageLabel } from '../components/format';
import { Icon } from '../components/icons';
import { NotFound } from '../components/NotFound';
import { pathErrors } from '../components/pathErrors';
import { initialTemplateForm, newGoal, type TemplateFormState, toTemplateInput, validateTemplate } from './templateForm';
import { TemplateGoalEditor } from './TemplateGoalEditor';

export default function TemplateEditorPage() {
  const { id } = useParams();
  const isNew = !id || id === 'new';
  const template = usePlanTemplate(isNew ? null : id);
  const crumbs = (
    <Breadcrumbs separator="/" fz="sm">
      <Anchor component={Link} to="/plan-templates" size="sm">
        Plan templates
      </Anchor>
      <Text size="sm" c="dimmed">
        {isNew ? 'New template' : (template.data?.name ?? '…')}
      </Text>
    </Breadcrumbs>
  );
  if (template.isError) {
    if (template.error instanceof ApiError && template.error.status === 404) return <NotFound message="This template does not exist." />;
    return <QueryError error={template.error} onRetry={() => void template.refetch()} />;
  }
  return (
    <Stack gap="md">
      {crumbs}
      {!isNew && !template.data ? <Skeleton height={480} radius="md" /> : <Editor key={template.data ? `${template.data.id}:${template.data.updatedAt}` : 'new'} template={template.data} />}
    </Stack>
  );
}

function Editor({ template }: { template?: PlanTemplate | undefined }) {
  const me = useMe();
  const editable = template ? template.canEdit : can.audit(me);
  const navigate = useNavigate();
  const drivers = useDrivers();
  const catalog = useDriverCatalog();
  const create = useCreateTemplate();
  const update = useUpdateTemplate();
  const remove = useDeleteTemplate();
  const save = template ? update : create;
  const [f, setF] = useState<TemplateFormState>(() => initialTemplateForm(template));
  const [touched, setTouched] = useState(false);
  const [deleting, del] = useDisclosure(false);
  const local = touched ? validateTemplate(f) : {};
  const server = pathErrors(save.error);
  const error = (path: string) => local[path] ?? server.get(path);
  const localCount = Object.keys(local).length;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (Object.keys(validateTemplate(f)).length > 0) return;
    const input = toTemplateInput(f);
    if (template) update.mutate({ id: template.id, input }, { onSuccess: (t) => notifySuccess(`${t.name} saved`) });
    else
      create.mutate(input, {
        onSuccess: (t) => {
          notifySuccess(`${t.name} created`);
          void navigate(`/plan-templates/${t.id}`, { replace: true });
        },
      });
  };
  const confirmDelete = () =>
    template &&
    remove.mutate(template.id, {
      onSuccess: () => {
        notifySuccess('Template deleted');
        void navigate('/plan-templates', { replace: true });
      },
      onError: (err) => notifyError(err, 'Could not delete the template'),
    });

  return (
    <form onSubmit={submit} noValidate aria-label="Plan template">
      <Stack gap="md">
        <Group justify="space-between" align="flex-end">
          <div>
            <Title order={2}>{template ? template.name : 'New plan template'}</Title>
            <Text size="sm" c="dimmed">
              Offsets count from the day the template is applied; “the account’s CSM” and customer roles become people on the account.
            </Text>
          </div>
          {editable && (
            <Group gap="xs">
              {template && (
                <Button variant="default" color="red" onClick={del.open}>
                  Delete
                </Button>
              )}
              <Button type="submit" loading={save.isPending}>
                {template ? 'Save template' : 'Create template'}
              </Button>
            </Group>
          )}
        </Group>
        {!editable && (
          <Alert variant="light" color="gray">
            Read only: admins and managers edit templates.
          </Alert>
        )}
        {(localCount > 0 || (save.error && !(save.error instanceof ApiError && save.error.fields.length > 0))) && (
          <Alert color="red" variant="light" role="alert">
            {localCount > 0 ? `Check the highlighted field${localCount === 1 ? '' : 's'}.` : save.error instanceof Error ? save.error.message : 'Could not save.'}
          </Alert>
        )}
        <Card padding="lg">
          <Stack gap="sm">
            <SimpleGrid cols={{ base: 1, sm: 3 }}>
              <TextInput label="Name" description="What CSMs pick from" placeholder="Onboarding, mid-market" value={f.name} onChange={(e) => setF({ ...f, name: e.currentTarget.value })} error={error('name')} readOnly={!editable} required data-autofocus />
              <TextInput label="Segment" description="Optional" placeholder="Any segment" value={f.segment} onChange={(e) => setF({ ...f, segment: e.currentTarget.value })} error={error('segment')} readOnly={!editable} />
              <Select
                label="Stage"
                description="Optional"
                placeholder="Any stage"
                data={(['onboarding', 'adoption', 'renewal', 'churned'] as const).map((s) => ({ value: s, label: stageLabel[s] }))}
                value={f.stage}
                onChange={(v) => setF({ ...f, stage: v })}
                clearable
                readOnly={!editable}
                error={error('stage')}
              />
            </SimpleGrid>
            <Textarea label="Description" autosize minRows={2} value={f.description} onChange={(e) => setF({ ...f, description: e.currentTarget.value })} error={error('description')} readOnly={!editable} />
          </Stack>
        </Card>
        {f.goals.map((g, i) => (
          <TemplateGoalEditor
            key={g.k}
            goal={g}
            index={i}
            editable={editable}
            drivers={drivers.data ?? []}
            events={catalog.data?.events ?? []}
            error={error}
            onChange={(next) => setF({ ...f, goals: f.goals.map((x) => (x.k === g.k ? next : x)) })}
            onRemove={() => setF({ ...f, goals: f.goals.filter((x) => x.k !== g.k) })}
          />
        ))}
        {editable && (
          <Group>
            <Button variant="light" leftSection={<Icon name="plus" size={14} />} onClick={() => setF({ ...f, goals: [...f.goals, newGoal()] })}>
              Add goal
            </Button>
          </Group>
        )}
      </Stack>
      {template && (
        <ConfirmModal opened={deleting} title={`Delete “${template.name}”?`} confirmLabel="Delete template" loading={remove.isPending} onConfirm={confirmDelete} onClose={del.close}>
          Plans already built from it keep their goals and milestones.
        </ConfirmModal>
      )}
    </form>
  );
}
