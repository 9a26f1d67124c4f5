import { Badge, Button, Card, Group, Stack, Switch, Text, Title, Tooltip } from '@mantine/core';
import { useState } from 'react';
import { type Criterion, type Goal, type Milestone, useDeleteCriterion, useDeleteGoal, useDeleteMilestone, useUpdateGoal } from '../api/plans';
import { ConfirmModal } from '../components/ConfirmModal';
import { notifyError, notifySuccess } from '../components/feedback';
import { daysLabel, daysUntil, formatDay } from '../components/format';
import { Icon } from '../components/icons';
import { CriterionFormModal } from './CriterionFormModal';
import { CriterionRow } from './CriterionRow';
import { GoalFormModal } from './GoalFormModal';
import { MilestoneFormModal } from './MilestoneForms';
import { MilestoneRow } from './MilestoneRow';
import { isUnmeasured, PlanStatusBadge, ProgressBar, Reasons } from './planUi';
import { ActionsMenu } from './ActionsMenu';

type Deleting = { kind: 'goal' } | { kind: 'criterion'; c: Criterion } | { kind: 'milestone'; m: Milestone } | null;

export function GoalCard({ goal, accountId, canEdit }: { goal: Goal; accountId: string; canEdit: boolean }) {
  const updateGoal = useUpdateGoal();
  const deleteGoal = useDeleteGoal();
  const deleteCriterion = useDeleteCriterion();
  const deleteMilestone = useDeleteMilestone();
  const [editingGoal, setEditingGoal] = useState(false);
  const [criterion, setCriterion] = useState<Criterion | null | 'new'>(null);
  const [milestone, setMilestone] = useState<Milestone | null | 'new'>(null);
  const [deleting, setDeleting] = useState<Deleting>(null);
  const days = daysUntil(goal.targetDate);
  const milestones = [...goal.milestones].sort((a, b) => Number(!!a.completedAt) - Number(!!b.completedAt) || (a.dueAt ?? '9999').localeCompare(b.dueAt ?? '9999'));

  const confirmDelete = () => {
    const close = { onSuccess: () => setDeleting(null), onError: (err: unknown) => notifyError(err, 'Could not delete') };
    if (deleting?.kind === 'goal') deleteGoal.mutate(goal.id, { ...close, onSuccess: () => {
      setDeleting(null);
      notifySuccess('Goal deleted');
    } });
    else if (deleting?.kind === 'criterion') deleteCriterion.mutate(deleting.c.id, close);
    else if (deleting?.kind === 'milestone') deleteMilestone.mutate(deleting.m.id, close);
  };

  return (
    <Card padding="lg" data-testid="goal" data-goal-id={goal.id}>
      <Group justify="space-between" wrap="nowrap" align="flex-start" mb="xs">
        <div style={{ minWidth: 0 }}>
          <Title order={4} style={{ wordBreak: 'break-word' }}>
            {goal.statement}
          </Title>
          {goal.why ? (
            <Text size="sm" mt={4}>
              <Text span fw={600} size="sm">
                Why it matters to them:{' '}
              </Text>
              {goal.why}
            </Text>
          ) : (
            canEdit && (
              <Text size="sm" c="dimmed" mt={4}>
                Add why it matters to them — in their words, it is what keeps the plan theirs.
              </Text>
            )
          )}
          {goal.harvestedFromSeedId && (
            <Tooltip label="It started as a question planted with the customer and grew into their goal">
              <Badge size="xs" variant="light" color="lime" mt={6} tt="none">
                Grew from a seed
              </Badge>
            </Tooltip>
          )}
          <Text size="xs" c="dimmed" mt={4}>
            {goal.targetDate ? `Target ${formatDay(goal.targetDate)}${days !== null ? ` (${daysLabel(days)})` : ''}` : 'No target date'}
          </Text>
        </div>
        <Group gap={6} wrap="nowrap">
          <PlanStatusBadge status={goal.status} unmeasured={isUnmeasured(goal)} />
          {canEdit && (
            <ActionsMenu
              label="Goal actions"
              actions={[
                { label: 'Edit goal', icon: 'edit', onClick: () => setEditingGoal(true) },
                { label: 'Delete goal', icon: 'trash', danger: true, onClick: () => setDeleting({ kind: 'goal' }) },
              ]}
            />
          )}
        </Group>
      </Group>
      <Stack gap="sm">
        <ProgressBar percent={goal.progress.percent} status={goal.status} label="Goal progress" />
        <Reasons reasons={goal.statusReasons} />
        {canEdit ? (
          <Switch
            size="xs"
            label="Hide this goal from the customer"
            checked={goal.hiddenFromCustomer}
            onChange={(e) =>
              updateGoal.mutate({ id: goal.id, patch: { hiddenFromCustomer: e.currentTarget.checked } }, { onError: (err) => notifyError(err, 'Could not change the goal') })
            }
          />
        ) : (
          goal.hiddenFromCustomer && (
            <Text size="xs" c="dimmed">
              Hidden from the customer
            </Text>
          )
        )}

        <Group justify="space-between" mt="xs">
          <Text size="xs" fw={600} c="dimmed" tt="uppercase">
            Success criteria ({goal.progress.criteriaMet}/{goal.progress.criteriaTotal} met)
          </Text>
          {canEdit && (
            <Button size="compact-xs" variant="light" leftSection={<Icon name="plus" size={12} />} onClick={() => setCriterion('new')}>
              Add criterion
            </Button>
          )}
        </Group>
        {goal.criteria.length === 0 && (
          <Text size="sm" c="dimmed">
            No criteria yet: how will both sides know the goal is reached? Tie one to a health driver or a usage metric so it
            measures itself.
          </Text>
        )}
        {goal.criteria.map((c) => (
          <CriterionRow key={c.id} c={c} start={goal.startDate} canEdit={canEdit} onEdit={() => setCriterion(c)} onDelete={() => setDeleting({ kind: 'criterion', c })} />
        ))}

        <Group justify="space-between" mt="xs">
          <Text size="xs" fw={600} c="dimmed" tt="uppercase">
            Milestones ({goal.progress.milestonesDone}/{goal.progress.milestonesTotal} done)
          </Text>
          {canEdit && (
            <Button size="compact-xs" variant="light" leftSection={<Icon name="plus" size={12} />} onClick={() => setMilestone('new')}>
              Add milestone
            </Button>
          )}
        </Group>
        {goal.milestones.length === 0 && (
          <Text size="sm" c="dimmed">
            No milestones yet: the steps on the way, each with a date and an owner on either side.
          </Text>
        )}
        {milestones.map((m) => (
          <MilestoneRow key={m.id} accountId={accountId} m={m} canEdit={canEdit} onEdit={() => setMilestone(m)} onDelete={() => setDeleting({ kind: 'milestone', m })} />
        ))}
      </Stack>

      <GoalFormModal planId={goal.planId} goal={goal} opened={editingGoal} onClose={() => setEditingGoal(false)} />
      <CriterionFormModal goalId={goal.id} criterion={criterion === 'new' ? null : criterion} opened={criterion !== null} onClose={() => setCriterion(null)} />
      <MilestoneFormModal accountId={accountId} goalId={goal.id} milestone={milestone === 'new' ? null : milestone} opened={milestone !== null} onClose={() => setMilestone(null)} />
      <ConfirmModal
        opened={deleting !== null}
        title={deleting?.kind === 'goal' ? 'Delete this goal?' : deleting?.kind === 'criterion' ? `Delete “${deleting.c.name}”?` : deleting?.kind === 'milestone' ? `Delete “${deleting.m.title}”?` : ''}
        confirmLabel="Delete"
        loading={deleteGoal.isPending || deleteCriterion.isPending || deleteMilestone.isPending}
        onConfirm={confirmDelete}
        onClose={() => setDeleting(null)}
      >
        {deleting?.kind === 'goal'
          ? 'The goal, its criteria with their history, and its milestones leave the plan. A seed harvested into it goes back to rooted. This cannot be undone.'
          : deleting?.kind === 'criterion'
            ? 'The criterion and the values recorded for it are deleted.'
            : 'The milestone and what it tracks leave the plan. This cannot be undone.'}
      </ConfirmModal>
    </Card>
  );
}
