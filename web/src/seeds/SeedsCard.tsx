import { Anchor, Badge, Button, Card, Collapse, Group, Menu, Stack, Text, Timeline, Title, Tooltip, UnstyledButton } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import { activityKindLabel, type ActivityKind } from '../activities/api';
import { type Seed, type SeedEvent, type SeedEventKind, type SeedStage, useAccountActivityRefs, useAccountPlanRefs, useAccountSeeds } from '../api/seeds';
import { QueryError, TableSkeleton } from '../components/feedback';
import { daysLabel, daysUntil, formatDateTime, formatDay, relative } from '../components/format';
import { Icon } from '../components/icons';
import { HarvestModal } from './HarvestModal';
import { requestPlantSeed } from './PlantSeedSection';
import { RECORDABLE, SeedEventModal } from './SeedEventModal';
import { eventLabel, isReaction, reactionColor, reactionLabel, stageColor, stageLabel, StageTrack } from './stages';

type Recordable = Exclude<SeedEventKind, 'harvested'>;

/** Growing seeds first (the next re-ask soonest), then harvested, then dormant. */
const ORDER: Record<SeedStage, number> = { rooted: 0, sprouted: 1, reacted: 2, planted: 3, harvested: 4, dormant: 5 };
function bySeedOrder(a: Seed, b: Seed): number {
  const o = ORDER[a.stage] - ORDER[b.stage];
  if (o !== 0) return o;
  return (b.askedAt ?? '').localeCompare(a.askedAt ?? '');
}

/**
 * The seeds planted with this customer (seed 000): each crazy question, who it was asked to and
 * when, how far it grew and on what evidence, the next re-ask; record what happened, harvest it
 * into a goal of the success plan.
 */
export function SeedsCard({ accountId, canEdit }: { accountId: string; canEdit: boolean }) {
  const seeds = useAccountSeeds(accountId);
  const [recording, setRecording] = useState<{ seed: Seed; kind: Recordable } | null>(null);
  const [harvesting, setHarvesting] = useState<Seed | null>(null);
  const list = [...(seeds.data ?? [])].sort(bySeedOrder);
  const harvested = list.some((s) => s.goalId);
  const plans = useAccountPlanRefs(accountId, harvested);
  const planOfGoal = new Map((plans.data ?? []).flatMap((p) => p.goals.map((g) => [g.id, p.id] as const)));
  const growing = list.filter((s) => s.stage !== 'harvested' && s.stage !== 'dormant').length;

  return (
    <Card padding="lg" h="100%" data-testid="seeds-card">
      <Group justify="space-between" align="flex-start" mb="sm" wrap="nowrap">
        <div>
          <Title order={4}>Seeds</Title>
          <Text size="sm" c="dimmed">
            {list.length === 0
              ? 'Crazy questions planted with this customer'
              : `${growing} growing · ${list.filter((s) => s.stage === 'harvested').length} harvested · ${list.filter((s) => s.stage === 'dormant').length} dormant`}
            {' · '}
            <Anchor component={Link} to="/seeds" inherit>
              library
            </Anchor>
          </Text>
        </div>
        {canEdit && list.length > 0 && (
          <Button size="xs" variant="light" color="lime" leftSection={<Icon name="plus" size={14} />} onClick={requestPlantSeed} style={{ flexShrink: 0 }}>
            Plant a seed
          </Button>
        )}
      </Group>
      {seeds.isPending && <TableSkeleton rows={2} height={48} />}
      {seeds.isError && <QueryError error={seeds.error} onRetry={() => void seeds.refetch()} />}
      {seeds.data && list.length === 0 && <EmptySeeds canEdit={canEdit} />}
      <Stack gap={0}>
        {list.map((s) => (
          <SeedRow
            key={s.id}
            seed={s}
            canEdit={canEdit && s.canEdit}
            planId={s.goalId ? (planOfGoal.get(s.goalId) ?? null) : null}
            onRecord={(kind) => setRecording({ seed: s, kind })}
            onHarvest={() => setHarvesting(s)}
          />
        ))}
      </Stack>
      {canEdit && (
        <>
          <SeedEventModal seed={recording?.seed ?? null} kind={recording?.kind ?? null} onClose={() => setRecording(null)} />
          <HarvestModal seed={harvesting} onClose={() => setHarvesting(null)} />
        </>
      )}
    </Card>
  );
}

function EmptySeeds({ canEdit }: { canEdit: boolean }) {
  return (
    <Stack gap="xs" align="center" py="lg" px="md" ta="center" data-testid="seeds-empty">
      <Text size="sm" fw={500}>
        No seed planted with this customer yet
      </Text>
      <Text size="sm" c="dimmed" maw={460}>
        A seed is a “crazy” question — “what if nobody on your team ever built that report by hand again?” — that jolts the
        conversation off autopilot. It works when it draws a strong reaction and, days later, the customer comes back to it.
        Canopy follows it from planted to harvested: a goal of their success plan.
      </Text>
      {canEdit && (
        <>
          <Text size="xs" c="dimmed">
            Asked one in a call or a meeting? Log it with “Plant a seed” on.
          </Text>
          <Button size="xs" variant="light" color="lime" leftSection={<Icon name="plus" size={14} />} onClick={requestPlantSeed}>
            Plant a seed
          </Button>
        </>
      )}
    </Stack>
  );
}

interface RowProps {
  seed: Seed;
  canEdit: boolean;
  planId: string | null;
  onRecord: (kind: Recordable) => void;
  onHarvest: () => void;
}

function SeedRow({ seed: s, canEdit, planId, onRecord, onHarvest }: RowProps) {
  const [open, setOpen] = useState(false);
  const due = s.reaskDueAt ? daysUntil(s.reaskDueAt.slice(0, 10)) : null;
  const overdue = due !== null && due < 0;
  const finished = s.stage === 'harvested';
  const events = [...s.events].sort((a, b) => a.at.localeCompare(b.at));

  return (
    <Stack gap={6} py="sm" style={{ borderTop: '1px solid var(--mantine-color-default-border)' }} data-seed-id={s.id} data-testid="seed-row">
      <Group justify="space-between" wrap="wrap" align="flex-start" gap={6}>
        <StageTrack stage={s.stage} />
        {canEdit && (
          <Group gap={6} wrap="nowrap">
            {!finished && (
              <Menu position="bottom-end" shadow="md" width={230}>
                <Menu.Target>
                  <Button size="compact-xs" variant="default" rightSection={<Icon name="chevronDown" size={12} />} aria-label={`Record for “${s.text}”`}>
                    Record
                  </Button>
                </Menu.Target>
                <Menu.Dropdown>
                  <Menu.Label>What happened</Menu.Label>
                  {RECORDABLE.map((k) => (
                    <Menu.Item key={k} onClick={() => onRecord(k)} disabled={k === 'engaged' && s.variantsAsked === 0} color={k === 'dormant' ? 'gray' : undefined}>
                      {k === 'variant_asked' && s.nextVariant ? 'Variant asked (the next one)' : eventLabel[k]}
                    </Menu.Item>
                  ))}
                </Menu.Dropdown>
              </Menu>
            )}
            {!finished && (
              <Button size="compact-xs" variant={s.stage === 'rooted' ? 'filled' : 'light'} color="green" onClick={onHarvest}>
                Harvest into a goal
              </Button>
            )}
          </Group>
        )}
      </Group>
      <Text size="sm" fw={500} data-testid="seed-text">
        “{s.text}”
      </Text>
      <Group gap={6} wrap="wrap">
        <Text size="xs" c="dimmed">
          {s.contactName ? `Asked to ${s.contactName} on` : 'Asked on'}{' '}
          <Tooltip label={formatDateTime(s.askedAt)} openDelay={300}>
            <span>{formatDay(s.askedAt)}</span>
          </Tooltip>
          {s.plantedBy ? ` by ${s.plantedBy.name}` : ''}
          {s.theme ? ` · ${s.theme}` : ''}
        </Text>
        {isReaction(s.reaction) && (
          <Badge size="xs" variant="light" color={reactionColor[s.reaction]} tt="none" data-testid="seed-reaction">
            {reactionLabel[s.reaction]}
          </Badge>
        )}
      </Group>
      {s.goalId && s.goalStatement && (
        <Text size="xs" data-testid="seed-goal">
          Became the goal{' '}
          {planId ? (
            <Anchor component={Link} to={`/plans/${planId}`} size="xs" fw={500}>
              “{s.goalStatement}”
            </Anchor>
          ) : (
            <Text span size="xs" fw={500}>
              “{s.goalStatement}”
            </Text>
          )}{' '}
          of the success plan
        </Text>
      )}
      {s.reaskDueAt && s.stage !== 'harvested' && s.stage !== 'dormant' && (
        <Text size="xs" c={overdue ? 'orange.8' : 'dimmed'} data-testid="seed-reask">
          {s.nextVariant ? (
            <>
              Re-ask{' '}
              <Text span size="xs" fs="italic">
                “{s.nextVariant}”
              </Text>{' '}
              {due === null ? '' : overdue ? `(due ${daysLabel(due)})` : `on ${formatDay(s.reaskDueAt)} (${daysLabel(due)})`}
              {canEdit && overdue && (
                <>
                  {' · '}
                  <Anchor component="button" type="button" size="xs" onClick={() => onRecord('variant_asked')}>
                    I asked it
                  </Anchor>
                </>
              )}
            </>
          ) : overdue ? (
            <>
              No movement since {formatDay(s.lastMovedAt)} and no variant left to ask
              {canEdit && (
                <>
                  {' · '}
                  <Anchor component="button" type="button" size="xs" onClick={() => onRecord('dormant')}>
                    Let it rest
                  </Anchor>
                </>
              )}
            </>
          ) : (
            <>No variant left: if nothing moves by {formatDay(s.reaskDueAt)}, let it rest.</>
          )}
        </Text>
      )}
      <UnstyledButton onClick={() => setOpen((o) => !o)} aria-expanded={open} fz="xs" c="dimmed" style={{ alignSelf: 'flex-start' }}>
        <Group gap={4}>
          <span style={{ display: 'inline-flex', transform: open ? 'rotate(90deg)' : undefined, transition: 'transform 120ms' }}>
            <Icon name="chevronRight" size={12} />
          </span>
          Evidence ({events.length}) · last moved {relative(s.lastMovedAt)}
        </Group>
      </UnstyledButton>
      <Collapse expanded={open}>{open && <SeedEvents seed={s} events={events} />}</Collapse>
    </Stack>
  );
}

function SeedEvents({ seed, events }: { seed: Seed; events: SeedEvent[] }) {
  const activities = useAccountActivityRefs(seed.accountId, events.some((e) => e.activityId));
  const activity = new Map((activities.data ?? []).map((a) => [a.id, a]));
  return (
    <Timeline bulletSize={14} lineWidth={2} pl={4} pt={4} data-testid="seed-events">
      {events.map((e) => {
        const a = e.activityId ? activity.get(e.activityId) : undefined;
        return (
          <Timeline.Item
            key={e.id}
            color={e.moved ? stageColor[e.toStage ?? seed.stage] : 'gray'}
            lineVariant={e.moved ? 'solid' : 'dashed'}
            data-event-kind={e.kind}
            title={
              <Group gap={6} wrap="wrap">
                <Text size="xs" fw={600}>
                  {e.kind === 'planted' ? 'Planted' : e.kind === 'goal_deleted' ? 'Its goal was deleted' : eventLabel[e.kind]}
                  {e.kind === 'reaction' && isReaction(e.strength) ? `: ${reactionLabel[e.strength].toLowerCase()}` : ''}
                </Text>
                {e.moved && e.toStage && e.kind !== 'planted' && (
                  <Badge size="xs" variant="light" color={stageColor[e.toStage]} tt="none">
                    {e.fromStage ? `${stageLabel[e.fromStage]} → ` : ''}
                    {stageLabel[e.toStage]}
                  </Badge>
                )}
              </Group>
            }
          >
            <Text size="xs" c="dimmed">
              {formatDateTime(e.at)}
              {e.by ? ` · ${e.by.name}` : ''}
            </Text>
            {e.text && <Text size="xs">Objection: {e.text}</Text>}
            {e.variant && <Text size="xs" fs="italic">“{e.variant}”</Text>}
            {a && (
              <Text size="xs">
                In: {activityKindLabel[a.kind as ActivityKind] ?? a.kind} “{a.subject}”
              </Text>
            )}
            {e.activityId && !a && <Text size="xs" c="dimmed">In an activity of the timeline</Text>}
            {e.note && (
              <Text size="xs" style={{ whiteSpace: 'pre-wrap' }}>
                {e.note}
              </Text>
            )}
          </Timeline.Item>
        );
      })}
    </Timeline>
  );
}
