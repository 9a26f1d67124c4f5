import { Anchor, Badge, Button, Collapse, Group, List, Menu, Stack, Text, Tooltip } from '@mantine/core';
import { useRef, useState } from 'react';
import { Link } from 'react-router';
import { type Initiative, type RecommendedAction, type Thresholds, usePatchInitiative, useSpoonTask } from '../api/readiness';
import { useStartPlaybook } from '../api/playbooks';
import { notifyError, notifySuccess } from '../components/feedback';
import { formatDay } from '../components/format';
import { Icon } from '../components/icons';
import { CheckInAnswers } from './CheckInAnswers';
import { movementWords } from './logic';
import { QuadrantBadge } from './QuadrantBadge';
import { MovementChart } from './ReadinessCharts';

interface Props {
  initiative: Initiative;
  thresholds: Thresholds;
  canEdit: boolean;
  onCheckIn: () => void;
  onAsk: () => void;
  onLinkGoal: () => void;
  onDelete: () => void;
}

/** One initiative: its quadrant, the recommendation with its reasons and actions, the movement chart and the history. */
export function InitiativeRow({ initiative: i, thresholds, canEdit, onCheckIn, onAsk, onLinkGoal, onDelete }: Props) {
  const [open, setOpen] = useState(false);
  const patch = usePatchInitiative();
  const rec = i.recommendation;
  const moved = movementWords(i.checkIns);
  const edit = canEdit && i.canEdit;
  const history = [...i.checkIns].reverse();

  return (
    <Stack gap={8} py="sm" style={{ borderTop: '1px solid var(--mantine-color-default-border)' }} data-testid="initiative" data-initiative-id={i.id}>
      <Group justify="space-between" align="flex-start" wrap="wrap" gap="xs">
        <div style={{ flex: '1 1 220px', minWidth: 0 }}>
          <Group gap={6} wrap="wrap">
            <Text fw={600} size="sm">
              {i.title}
            </Text>
            <QuadrantBadge quadrant={i.latest?.quadrant ?? null} size="xs" />
            {i.status !== 'active' && (
              <Badge size="xs" variant="outline" color="gray">
                {i.status}
              </Badge>
            )}
          </Group>
          <Text size="xs" c="dimmed">
            {i.latest ? `Importance ${i.latest.importance} · confidence ${i.latest.confidence} · ${formatDay(i.latest.at)}` : 'No check-in yet: ask the two questions on your next call'}
            {i.goalStatement ? ` · goal: “${i.goalStatement}”` : ''}
            {i.openRequest ? ` · asked by e-mail on ${formatDay(i.openRequest.sentAt)}, link open until ${formatDay(i.openRequest.expiresAt)}` : ''}
          </Text>
        </div>
        {edit && (
          <Group gap={4} wrap="wrap">
            <Button size="compact-xs" variant="light" onClick={onCheckIn}>
              Log a check-in
            </Button>
            <Button size="compact-xs" variant="default" onClick={onAsk} disabled={i.status !== 'active'}>
              Ask by e-mail
            </Button>
            <Menu position="bottom-end" withinPortal>
              <Menu.Target>
                <Button size="compact-xs" variant="subtle" aria-label={`More for “${i.title}”`}>
                  <Icon name="chevronDown" size={12} />
                </Button>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Item onClick={onLinkGoal}>{i.goalId ? 'Change the linked goal' : 'Link to a goal'}</Menu.Item>
                {i.status === 'active' ? (
                  <>
                    <Menu.Item onClick={() => patch.mutate({ id: i.id, patch: { status: 'done' } }, { onError: (e) => notifyError(e) })}>Mark done</Menu.Item>
                    <Menu.Item onClick={() => patch.mutate({ id: i.id, patch: { status: 'dropped' } }, { onError: (e) => notifyError(e) })}>Drop it</Menu.Item>
                  </>
                ) : (
                  <Menu.Item onClick={() => patch.mutate({ id: i.id, patch: { status: 'active' } }, { onError: (e) => notifyError(e) })}>Make it active again</Menu.Item>
                )}
                <Menu.Divider />
                <Menu.Item color="red" onClick={onDelete}>
                  Delete
                </Menu.Item>
              </Menu.Dropdown>
            </Menu>
          </Group>
        )}
      </Group>
      {rec && i.status === 'active' && <RecommendationBox initiative={i} canEdit={edit} onLinkGoal={onLinkGoal} />}
      {i.checkIns.length > 0 && (
        <>
          <Group gap="xs">
            <Anchor component="button" type="button" size="xs" onClick={() => setOpen((o) => !o)} aria-expanded={open}>
              {open ? 'Hide' : 'Show'} the {i.checkIns.length} check-in{i.checkIns.length === 1 ? '' : 's'}
            </Anchor>
            {moved && (
              <Text size="xs" c="dimmed">
                {moved}
              </Text>
            )}
          </Group>
          <Collapse expanded={open}>
            {open && (
              <Stack gap="sm">
                {i.checkIns.length > 1 && <MovementChart checkIns={i.checkIns} thresholds={thresholds} />}
                {history.map((c) => (
                  <CheckInAnswers key={c.id} checkIn={c} />
                ))}
              </Stack>
            )}
          </Collapse>
        </>
      )}
    </Stack>
  );
}

/** A short button text; the tooltip carries the recommendation's full label. */
function actionWords(a: RecommendedAction): string {
  if (a.kind === 'give_spoon_task') return 'Give a spoon: create our task';
  if (a.kind === 'start_playbook') return a.label.replace(/^Start the playbook/, 'Start');
  if (a.goalId) return a.label.length > 60 ? `${a.label.slice(0, 57)}…` : a.label;
  return 'Link to a goal';
}

function RecommendationBox({ initiative: i, canEdit, onLinkGoal }: { initiative: Initiative; canEdit: boolean; onLinkGoal: () => void }) {
  const rec = i.recommendation;
  const spoon = useSpoonTask();
  const start = useStartPlaybook(i.accountId);
  const link = usePatchInitiative();
  // A second click before the first answer must not send again (the pending state renders a moment later).
  const spoonSending = useRef(false);
  const [given, setGiven] = useState<{ id: string; title: string } | null>(null);
  if (!rec) return null;
  const act = (a: RecommendedAction) => {
    if (a.kind === 'give_spoon_task') {
      if (spoonSending.current) return;
      spoonSending.current = true;
      spoon.mutate(
        { initiativeId: i.id, title: a.taskTitle },
        {
          onSuccess: (t) => {
            setGiven(t);
            notifySuccess(`Our task added: ${t.title}`, 'A spoon given');
          },
          onError: (e) => notifyError(e, 'Could not add the task'),
          onSettled: () => {
            spoonSending.current = false;
          },
        },
      );
    }
    else if (a.kind === 'start_playbook' && a.playbookId)
      start.mutate(a.playbookId, { onSuccess: () => notifySuccess('Playbook started'), onError: (e) => notifyError(e, 'Could not start the playbook') });
    else if (a.kind === 'link_goal' && a.goalId)
      link.mutate({ id: i.id, patch: { goalId: a.goalId } }, { onSuccess: () => notifySuccess('Linked to their goal'), onError: (e) => notifyError(e, 'Could not link the goal') });
    else if (a.kind === 'link_goal') onLinkGoal();
  };
  const actionable = (a: RecommendedAction) => a.kind === 'give_spoon_task' || (a.kind === 'start_playbook' && !!a.playbookId) || a.kind === 'link_goal';
  return (
    <Stack gap={4} p="xs" style={{ borderRadius: 6, background: 'var(--mantine-color-gray-light)' }} data-testid="recommendation">
      <Text size="sm" fw={600}>
        {rec.headline}
      </Text>
      {rec.because.length > 0 && (
        <List size="xs" spacing={2} c="dimmed">
          {rec.because.map((b) => (
            <List.Item key={b}>{b}</List.Item>
          ))}
        </List>
      )}
      <Group gap={6} mt={4}>
        {rec.actions.map((a) =>
          a.kind === 'give_spoon_task' && given ? (
            <Text key={a.kind} size="xs" data-testid="spoon-given">
              Spoon given:{' '}
              <Anchor component={Link} to={`/accounts/${i.accountId}#task-${given.id}`} inherit>
                {given.title}
              </Anchor>{' '}
              (open)
            </Text>
          ) : canEdit && actionable(a) ? (
            <Tooltip key={a.kind + (a.goalId ?? a.playbookId ?? '')} label={a.label} multiline w={300} withArrow>
              <Button
                size="compact-xs"
                variant={a.kind === 'give_spoon_task' ? 'filled' : 'light'}
                color={a.kind === 'give_spoon_task' ? 'teal' : undefined}
                disabled={a.kind === 'give_spoon_task' && spoon.isPending}
                loading={(a.kind === 'give_spoon_task' && spoon.isPending) || (a.kind === 'start_playbook' && start.isPending) || (a.kind === 'link_goal' && link.isPending)}
                onClick={() => act(a)}
              >
                {actionWords(a)}
              </Button>
            </Tooltip>
          ) : (
            <Text key={a.kind + a.label} size="xs">
              → {a.label}
            </Text>
          ),
        )}
      </Group>
    </Stack>
  );
}
