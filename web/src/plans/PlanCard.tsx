import { Anchor, Badge, Button, Card, Divider, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Link } from 'react-router';
import { type Milestone, type PlanTask, type SuccessPlan, useAccountPlans, useShareState } from '../api/plans';
import { QueryError, TableSkeleton } from '../components/feedback';
import { daysLabel, daysUntil, formatDay, plural, relative } from '../components/format';
import { Icon } from '../components/icons';
import { CreatePlanModal } from './CreatePlanModal';
import { isUnmeasured, OwnerLabel, PlanStatusBadge, ProgressBar, Reasons, statusLabel } from './planUi';

/** The account's success plan at a glance: status and why, progress, what is next on both sides, whether the customer looks at it. */
export function PlanCard({ accountId, accountName, canEdit }: { accountId: string; accountName?: string; canEdit: boolean }) {
  const plans = useAccountPlans(accountId);
  const [creating, create] = useDisclosure(false);
  const plan = plans.data?.[0];

  return (
    <Card padding="lg" data-testid="plan-card">
      <Group justify="space-between" mb="sm" wrap="nowrap" align="flex-start">
        <div style={{ minWidth: 0 }}>
          <Title order={4}>Success plan</Title>
          <Text size="sm" c="dimmed" truncate>
            {plan ? plan.title : 'Their goals, in their words'}
          </Text>
        </div>
        {plan && (
          <Group gap="xs" wrap="nowrap">
            <PlanStatusBadge status={plan.status} unmeasured={isUnmeasured(plan)} />
            <Button size="xs" variant="light" component={Link} to={`/plans/${plan.id}`} rightSection={<Icon name="chevronRight" size={14} />}>
              Open plan
            </Button>
          </Group>
        )}
      </Group>
      {plans.isPending && <TableSkeleton rows={3} />}
      {plans.isError && <QueryError error={plans.error} onRetry={() => void plans.refetch()} />}
      {plans.data && !plan && (
        <Stack gap="xs" align="flex-start" data-testid="plan-empty">
          <Text size="sm">
            A success plan holds the customer’s business goals in their words — “from X to Y by a date”, and why it matters to
            them — with the criteria that show progress and the milestones both sides own. Share it with them so the plan stays
            alive instead of being written once and forgotten.
          </Text>
          {canEdit ? (
            <Button size="xs" leftSection={<Icon name="plus" size={14} />} onClick={create.open}>
              Create a plan
            </Button>
          ) : (
            <Text size="xs" c="dimmed">
              No plan yet. The account’s CSM can create one.
            </Text>
          )}
        </Stack>
      )}
      {plan && <PlanSummary plan={plan} />}
      {plans.data && plans.data.length > 1 && (
        <Text size="xs" c="dimmed" mt="xs">
          {plural(plans.data.length - 1, 'other plan')}:{' '}
          {plans.data.slice(1).map((p, i) => (
            <span key={p.id}>
              {i > 0 && ', '}
              <Anchor component={Link} to={`/plans/${p.id}`} size="xs">
                {p.title}
              </Anchor>
            </span>
          ))}
        </Text>
      )}
      <CreatePlanModal accountId={accountId} accountName={accountName} opened={creating} onClose={create.close} />
    </Card>
  );
}

/** "3 goals: 1 on track · 1 at risk · 1 not measured yet"; a goal with no criterion is not counted as on track. */
function goalSummary(plan: SuccessPlan): string {
  const order = ['achieved', 'on_track', 'at_risk', 'off_track', 'not_measured'] as const;
  const counts = new Map<(typeof order)[number], number>();
  for (const g of plan.goals) {
    const k = isUnmeasured(g) ? 'not_measured' : g.status;
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const parts = order.filter((k) => counts.get(k)).map((k) => `${counts.get(k)} ${k === 'not_measured' ? 'not measured yet' : statusLabel[k].toLowerCase()}`);
  return `${plural(plan.goals.length, 'goal')}: ${parts.join(' · ')}`;
}

type NextMilestone = Milestone & { goal: string };

function nextMilestones(plan: SuccessPlan, n: number): NextMilestone[] {
  return plan.goals
    .flatMap((g) => g.milestones.map((m) => ({ ...m, goal: g.statement })))
    .filter((m) => !m.completedAt)
    .sort((a, b) => (a.dueAt ?? '9999').localeCompare(b.dueAt ?? '9999'))
    .slice(0, n);
}

function openTasks(plan: SuccessPlan, side: 'vendor' | 'customer'): PlanTask[] {
  return plan.goals
    .flatMap((g) => g.milestones.flatMap((m) => m.tasks))
    .filter((t) => t.status === 'open' && t.side === side)
    .sort((a, b) => (a.dueAt ?? '9999').localeCompare(b.dueAt ?? '9999'));
}

function PlanSummary({ plan }: { plan: SuccessPlan }) {
  const share = useShareState(plan.id);
  const next = nextMilestones(plan, 3);
  const ours = openTasks(plan, 'vendor');
  const theirs = openTasks(plan, 'customer');
  const p = plan.progress;
  return (
    <Stack gap="sm">
      <Reasons reasons={plan.statusReasons} max={3} />
      <div>
        <ProgressBar percent={p.percent} status={plan.status} label="Plan progress" />
        <Text size="xs" c="dimmed" mt={4} data-testid="criteria-met">
          {p.criteriaTotal === 0 ? 'No success criteria yet' : `${p.criteriaMet}/${p.criteriaTotal} criteria met`} ·{' '}
          {p.milestonesDone}/{p.milestonesTotal} milestones done
        </Text>
        {plan.goals.length > 0 && (
          <Text size="xs" c="dimmed" mt={2} data-testid="goals-by-status">
            {goalSummary(plan)}
          </Text>
        )}
      </div>
      <Divider />
      <div>
        <Text size="xs" fw={600} c="dimmed" tt="uppercase" mb={4}>
          Next milestones
        </Text>
        {next.length === 0 ? (
          <Text size="sm" c="dimmed">
            {p.milestonesTotal === 0 ? 'No milestones yet: open the plan to add the first one.' : 'Every milestone is done.'}
          </Text>
        ) : (
          <Stack gap={6} data-testid="next-milestones">
            {next.map((m) => (
              <MilestoneLine key={m.id} m={m} />
            ))}
          </Stack>
        )}
      </div>
      <SimpleGrid cols={2} spacing="sm">
        <TaskColumn title="Our open tasks" tasks={ours} />
        <TaskColumn title="Customer’s open tasks" tasks={theirs} />
      </SimpleGrid>
      <Divider />
      <Group gap="xs" data-testid="share-state">
        <Icon name="external" size={14} />
        {share.isPending ? (
          <Text size="sm" c="dimmed">
            …
          </Text>
        ) : share.isError ? (
          <Text size="sm" c="dimmed">
            Share state unavailable
          </Text>
        ) : share.data?.link && !share.data.link.revokedAt ? (
          <Text size="sm">
            Shared · {plural(share.data.viewCount, 'view')}
            {share.data.lastViewedAt ? ` · last viewed ${relative(share.data.lastViewedAt)}` : ' · not opened yet'}
          </Text>
        ) : (
          <Text size="sm" c="dimmed">
            Not shared with the customer
          </Text>
        )}
      </Group>
    </Stack>
  );
}

function MilestoneLine({ m }: { m: NextMilestone }) {
  const overdue = m.overdueDays > 0;
  const days = daysUntil(m.dueAt);
  const allDone = m.tasks.length > 0 && m.tasks.every((t) => t.status !== 'open');
  return (
    <Group justify="space-between" wrap="nowrap" gap="xs" data-overdue={overdue ? 'true' : 'false'}>
      <div style={{ minWidth: 0 }}>
        <Text size="sm" fw={500} truncate>
          {m.title}
        </Text>
        <OwnerLabel owner={m.owner} />
      </div>
      <div style={{ textAlign: 'right', flexShrink: 0 }}>
        <Text size="xs" c={overdue ? 'red' : undefined} fw={overdue ? 600 : undefined}>
          {overdue ? `${plural(m.overdueDays, 'day')} overdue` : m.dueAt ? formatDay(m.dueAt) : 'No due date'}
        </Text>
        {!overdue && days !== null && (
          <Text size="xs" c="dimmed">
            {daysLabel(days)}
          </Text>
        )}
        {allDone && (
          <Badge size="xs" variant="light" color="teal">
            All tasks done
          </Badge>
        )}
      </div>
    </Group>
  );
}

function TaskColumn({ title, tasks }: { title: string; tasks: PlanTask[] }) {
  return (
    <div>
      <Text size="xs" fw={600} c="dimmed" tt="uppercase" mb={4}>
        {title} ({tasks.length})
      </Text>
      {tasks.length === 0 ? (
        <Text size="xs" c="dimmed">
          None open
        </Text>
      ) : (
        <Stack gap={2}>
          {tasks.slice(0, 4).map((t) => {
            const late = t.dueAt !== null && (daysUntil(t.dueAt) ?? 0) < 0;
            return (
              <Text key={t.id} size="xs" lineClamp={1}>
                {t.title}
                {t.assigneeName ? <Text span c="dimmed" size="xs">{` · ${t.assigneeName}`}</Text> : null}
                {t.dueAt ? <Text span size="xs" c={late ? 'red' : 'dimmed'}>{` · ${formatDay(t.dueAt)}`}</Text> : null}
              </Text>
            );
          })}
          {tasks.length > 4 && (
            <Text size="xs" c="dimmed">
              and {tasks.length - 4} more
            </Text>
          )}
        </Stack>
      )}
    </div>
  );
}
