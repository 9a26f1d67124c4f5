import { Anchor, Button, Card, Group, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { Link } from 'react-router';
import { type Initiative, useAccountReadiness, useDeleteInitiative } from '../api/readiness';
import { ConfirmModal } from '../components/ConfirmModal';
import { notifyError, notifySuccess, QueryError, TableSkeleton } from '../components/feedback';
import { Icon } from '../components/icons';
import { InitiativeRow } from './InitiativeRow';
import { QuadrantBadge } from './QuadrantBadge';
import { QuadrantPlot } from './ReadinessCharts';
import { AskByEmailModal, CheckInModal, LinkGoalModal, NewInitiativeModal } from './ReadinessModals';

const ORDER = { active: 0, done: 1, dropped: 2 } as const;

/**
 * Readiness (seed 004): what we ask this customer to act on, how important it is to them and how
 * confident they are (two 0–10 scales asked in check-ins), the quadrant that puts it in and the
 * next move, with the movement over successive check-ins.
 */
export function ReadinessCard({ accountId, canEdit }: { accountId: string; canEdit: boolean }) {
  const readiness = useAccountReadiness(accountId);
  const remove = useDeleteInitiative();
  const [creating, setCreating] = useState(false);
  const [checkingIn, setCheckingIn] = useState<{ initiativeId: string | null } | null>(null);
  const [asking, setAsking] = useState<Initiative | null>(null);
  const [linking, setLinking] = useState<Initiative | null>(null);
  const [deleting, setDeleting] = useState<Initiative | null>(null);
  const [show, setShow] = useState<'active' | 'all'>('active');
  const all = [...(readiness.data?.initiatives ?? [])].sort((a, b) => ORDER[a.status] - ORDER[b.status] || b.createdAt.localeCompare(a.createdAt));
  const list = show === 'active' ? all.filter((i) => i.status === 'active') : all;
  const thresholds = readiness.data?.thresholds ?? { importance: 7, confidence: 7 };
  const anyCheckIn = all.some((i) => i.checkIns.length > 0);

  return (
    <Card padding="lg" h="100%" data-testid="readiness-card">
      <Group justify="space-between" align="flex-start" mb="sm" gap="xs" wrap="wrap">
        <div style={{ flex: '1 1 240px', minWidth: 0 }}>
          <Group gap="xs">
            <Title order={4}>Readiness</Title>
            {readiness.data && <QuadrantBadge quadrant={readiness.data.accountQuadrant} />}
          </Group>
          <Text size="sm" c="dimmed">
            Importance and confidence, asked before we ask them to act (high is {thresholds.importance}+ and {thresholds.confidence}+) ·{' '}
            <Anchor component={Link} to="/readiness" inherit>
              all accounts
            </Anchor>
          </Text>
        </div>
        {canEdit && all.length > 0 && (
          <Group gap={6} wrap="wrap">
            <Button size="xs" variant="default" onClick={() => setCreating(true)} leftSection={<Icon name="plus" size={14} />}>
              New initiative
            </Button>
            <Button size="xs" variant="light" onClick={() => setCheckingIn({ initiativeId: null })}>
              Log a check-in
            </Button>
          </Group>
        )}
      </Group>
      {readiness.isPending && <TableSkeleton rows={3} height={40} />}
      {readiness.isError && <QueryError error={readiness.error} onRetry={() => void readiness.refetch()} />}
      {readiness.data && all.length === 0 && <EmptyReadiness canEdit={canEdit} onCreate={() => setCreating(true)} />}
      {anyCheckIn && <QuadrantPlot initiatives={list} thresholds={thresholds} height={list.filter((i) => i.checkIns.length > 0).length > 1 ? 280 : 240} />}
      {all.some((i) => i.status !== 'active') && (
        <SegmentedControl
          size="xs"
          mt="xs"
          value={show}
          onChange={(v) => setShow(v as 'active' | 'all')}
          data={[
            { value: 'active', label: 'Active' },
            { value: 'all', label: 'All, with done and dropped' },
          ]}
        />
      )}
      <Stack gap={0} mt="xs">
        {list.map((i) => (
          <InitiativeRow
            key={i.id}
            initiative={i}
            thresholds={thresholds}
            canEdit={canEdit}
            onCheckIn={() => setCheckingIn({ initiativeId: i.id })}
            onAsk={() => setAsking(i)}
            onLinkGoal={() => setLinking(i)}
            onDelete={() => setDeleting(i)}
          />
        ))}
        {readiness.data && all.length > 0 && list.length === 0 && (
          <Text size="sm" c="dimmed" py="sm">
            No active initiative: start a new one, or show the done and dropped ones.
          </Text>
        )}
      </Stack>
      {canEdit && (
        <>
          <NewInitiativeModal accountId={accountId} opened={creating} onClose={() => setCreating(false)} />
          <CheckInModal accountId={accountId} initiativeId={checkingIn?.initiativeId ?? null} opened={checkingIn !== null} onClose={() => setCheckingIn(null)} />
          <AskByEmailModal initiative={asking} onClose={() => setAsking(null)} />
          <LinkGoalModal initiative={linking} onClose={() => setLinking(null)} />
          <ConfirmModal
            opened={deleting !== null}
            title={`Delete “${deleting?.title ?? ''}”?`}
            confirmLabel="Delete initiative"
            loading={remove.isPending}
            onClose={() => setDeleting(null)}
            onConfirm={() =>
              deleting &&
              remove.mutate(deleting.id, {
                onSuccess: () => {
                  notifySuccess('Initiative deleted');
                  setDeleting(null);
                },
                onError: (e) => notifyError(e, 'Could not delete the initiative'),
              })
            }
          >
            The initiative and its {deleting?.checkIns.length ?? 0} check-in{deleting?.checkIns.length === 1 ? '' : 's'} are deleted. To keep the history, mark it done or drop it instead.
          </ConfirmModal>
        </>
      )}
    </Card>
  );
}

function EmptyReadiness({ canEdit, onCreate }: { canEdit: boolean; onCreate: () => void }) {
  return (
    <Stack gap="xs" align="center" py="lg" px="md" ta="center" data-testid="readiness-empty">
      <Text size="sm" fw={500}>
        No initiative with this customer yet
      </Text>
      <Text size="sm" c="dimmed" maw={480}>
        An initiative is something you will ask them to act on — “roll out SSO”, “adopt scheduled reports”. Before asking, ask two
        questions: on a scale of 0 to 10, how important is it to you, and how confident are you that you can do it? Then: why that
        number and not a lower one, and what would it take to move it higher?
      </Text>
      {canEdit && (
        <>
          <Text size="xs" c="dimmed">
            On a call? Log it with “Check-in” on in the log-activity form.
          </Text>
          <Button size="xs" variant="light" leftSection={<Icon name="plus" size={14} />} onClick={onCreate}>
            New initiative
          </Button>
        </>
      )}
    </Stack>
  );
}
