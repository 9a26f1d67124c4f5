import { Anchor, Breadcrumbs, Button, Card, Grid, Group, Modal, Select, Skeleton, Stack, Text, TextInput, Title } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { useDisclosure } from '@mantine/hooks';
import { type FormEvent, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { can, useMe } from '../api/auth';
import { ApiError } from '../api/client';
import { type SuccessPlan, useApplyTemplate, useDeletePlan, usePlan, usePlanTemplates, useUpdatePlan } from '../api/plans';
import { ConfirmModal } from '../components/ConfirmModal';
import { FormError, notifyError, notifySuccess, QueryError } from '../components/feedback';
import { relative } from '../components/format';
import { Icon } from '../components/icons';
import { NotFound } from '../components/NotFound';
import { today } from './formBits';
import { GoalCard } from './GoalCard';
import { GoalFormModal } from './GoalFormModal';
import { isUnmeasured, PlanStatusBadge, ProgressBar, progressLine, Reasons } from './planUi';
import { SharePanel } from './SharePanel';
import { ActionsMenu } from './ActionsMenu';

/** One success plan: the customer's goals in their words, measured, with both sides' milestones, and its shared link. */
export default function PlanPage() {
  const { planId = '' } = useParams();
  const me = useMe();
  const plan = usePlan(planId);
  const navigate = useNavigate();
  const remove = useDeletePlan();
  const [addingGoal, addGoal] = useDisclosure(false);
  const [renaming, rename] = useDisclosure(false);
  const [applying, apply] = useDisclosure(false);
  const [deleting, del] = useDisclosure(false);

  if (plan.isError) {
    if (plan.error instanceof ApiError && plan.error.status === 404) return <NotFound message="This plan does not exist or was deleted." />;
    return <QueryError error={plan.error} onRetry={() => void plan.refetch()} />;
  }
  const p = plan.data;
  const canEdit = !!p && p.canEdit && can.write(me);

  const crumbs = (
    <Breadcrumbs separator="/" fz="sm">
      <Anchor component={Link} to="/plans" size="sm">
        Plans
      </Anchor>
      {p ? (
        <Anchor component={Link} to={`/accounts/${p.accountId}`} size="sm">
          {p.accountName}
        </Anchor>
      ) : (
        <Text size="sm">…</Text>
      )}
      <Text size="sm" c="dimmed">
        {p?.title ?? '…'}
      </Text>
    </Breadcrumbs>
  );

  if (!p) {
    return (
      <Stack>
        {crumbs}
        <Skeleton height={140} radius="md" />
        <Skeleton height={320} radius="md" />
      </Stack>
    );
  }

  const visibleGoals = p.goals.filter((g) => !g.hiddenFromCustomer).length;
  const confirmDelete = () =>
    remove.mutate(p.id, {
      onSuccess: () => {
        notifySuccess('Plan deleted');
        void navigate(`/accounts/${p.accountId}`, { replace: true });
      },
      onError: (err) => notifyError(err, 'Could not delete the plan'),
    });

  return (
    <Stack gap="md">
      {crumbs}
      <Card padding="lg" data-testid="plan-header">
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <div style={{ minWidth: 0 }}>
            <Group gap="sm">
              <Title order={2}>{p.title}</Title>
              <PlanStatusBadge status={p.status} size="lg" unmeasured={isUnmeasured(p)} />
            </Group>
            <Text size="sm" c="dimmed">
              <Anchor component={Link} to={`/accounts/${p.accountId}`} size="sm">
                {p.accountName}
              </Anchor>{' '}
              · updated {relative(p.updatedAt)} · {visibleGoals} of {p.goals.length} goals on the customer’s page
            </Text>
          </div>
          {canEdit && (
            <Group gap="xs" wrap="nowrap">
              <Button size="sm" leftSection={<Icon name="plus" size={14} />} onClick={addGoal.open}>
                Add goal
              </Button>
              <ActionsMenu
                label="Plan actions"
                size="lg"
                actions={[
                  { label: 'Rename plan', icon: 'edit', onClick: rename.open },
                  { label: 'Apply a template', icon: 'playbook', onClick: apply.open },
                  'divider',
                  { label: 'Delete plan', icon: 'trash', danger: true, onClick: del.open },
                ]}
              />
            </Group>
          )}
        </Group>
        <Stack gap={6} mt="md" maw={720}>
          <ProgressBar percent={p.progress.percent} status={p.status} label="Plan progress" />
          <Text size="xs" c="dimmed">
            {progressLine(p.progress)}
          </Text>
          <Reasons reasons={p.statusReasons} />
        </Stack>
      </Card>
      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 8 }}>
          <Stack gap="md">
            {p.goals.length === 0 && (
              <Card padding="xl">
                <Stack align="flex-start" gap="xs">
                  <Title order={4}>Start with the customer’s first goal</Title>
                  <Text size="sm" c="dimmed">
                    Write it as they said it — “from X to Y by a date” — and why it matters to them. Then add how both sides will
                    know it is reached (a health driver, a usage metric, a number or a rating) and the milestones on the way.
                  </Text>
                  {canEdit && (
                    <Group gap="xs">
                      <Button size="sm" leftSection={<Icon name="plus" size={14} />} onClick={addGoal.open}>
                        Add goal
                      </Button>
                      <Button size="sm" variant="default" onClick={apply.open}>
                        Apply a template
                      </Button>
                    </Group>
                  )}
                </Stack>
              </Card>
            )}
            {p.goals.map((g) => (
              <GoalCard key={g.id} goal={g} accountId={p.accountId} canEdit={canEdit} />
            ))}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <SharePanel plan={p} />
        </Grid.Col>
      </Grid>
      {canEdit && (
        <>
          <GoalFormModal planId={p.id} opened={addingGoal} onClose={addGoal.close} />
          <RenameModal plan={p} opened={renaming} onClose={rename.close} />
          <ApplyTemplateModal plan={p} opened={applying} onClose={apply.close} />
          <ConfirmModal opened={deleting} title={`Delete “${p.title}”?`} confirmLabel="Delete plan" loading={remove.isPending} onConfirm={confirmDelete} onClose={del.close}>
            Its {p.goals.length} goal{p.goals.length === 1 ? '' : 's'}, criteria and milestones are deleted and the customer’s link stops
            working. This cannot be undone.
          </ConfirmModal>
        </>
      )}
    </Stack>
  );
}

function RenameModal({ plan, opened, onClose }: { plan: SuccessPlan; opened: boolean; onClose: () => void }) {
  const update = useUpdatePlan(plan.id);
  const [title, setTitle] = useState(plan.title);
  const fields = update.error instanceof ApiError ? update.error.fieldMap() : {};
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!title.trim()) return;
    update.mutate({ title: title.trim() }, { onSuccess: onClose });
  };
  return (
    <Modal opened={opened} onClose={onClose} title="Rename plan" centered>
      <form onSubmit={submit} noValidate aria-label="Rename plan">
        <Stack gap="md">
          <FormError error={update.error} shownFields={['title']} />
          <TextInput label="Title" value={title} onChange={(e) => setTitle(e.currentTarget.value)} error={fields.title ?? (!title.trim() ? 'Give the plan a title.' : undefined)} data-autofocus />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={update.isPending}>
              Save
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function ApplyTemplateModal({ plan, opened, onClose }: { plan: SuccessPlan; opened: boolean; onClose: () => void }) {
  const templates = usePlanTemplates();
  const applyT = useApplyTemplate(plan.id);
  const [templateId, setTemplateId] = useState<string | null>(null);
  const [startDate, setStartDate] = useState<string | null>(today());
  const fields = applyT.error instanceof ApiError ? applyT.error.fieldMap() : {};
  const chosen = templates.data?.find((t) => t.id === templateId);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!templateId) return;
    applyT.mutate(
      { templateId, ...(startDate ? { startDate } : {}) },
      {
        onSuccess: () => {
          notifySuccess(`“${chosen?.name ?? 'Template'}” applied`);
          onClose();
        },
      },
    );
  };
  return (
    <Modal opened={opened} onClose={onClose} title="Apply a template" centered>
      <form onSubmit={submit} noValidate aria-label="Apply a template">
        <Stack gap="md">
          <FormError error={applyT.error} shownFields={['templateId', 'startDate']} />
          <Select
            label="Template"
            placeholder={templates.data?.length === 0 ? 'No templates yet' : 'Choose a template'}
            data={(templates.data ?? []).map((t) => ({ value: t.id, label: [t.name, t.segment, t.stage].filter(Boolean).join(' · ') }))}
            value={templateId}
            onChange={setTemplateId}
            searchable
            error={fields.templateId}
            data-autofocus
          />
          {chosen && (
            <Text size="xs" c="dimmed">
              Adds {chosen.goals.length} goal{chosen.goals.length === 1 ? '' : 's'} with{' '}
              {chosen.goals.reduce((n, g) => n + g.milestones.length, 0)} milestones; dates count from the start date, owners come from the
              account’s CSM and contacts by role.
            </Text>
          )}
          <DateInput label="Start date" valueFormat="YYYY-MM-DD" value={startDate} onChange={setStartDate} error={fields.startDate} />
          {templates.data?.length === 0 && (
            <Text size="sm" c="dimmed">
              Build one under{' '}
              <Anchor component={Link} to="/plan-templates" size="sm">
                Plan templates
              </Anchor>
              .
            </Text>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} disabled={applyT.isPending}>
              Cancel
            </Button>
            <Button type="submit" loading={applyT.isPending} disabled={!templateId}>
              Apply
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
