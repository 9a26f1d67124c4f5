import { Anchor, Badge, Button, Group, Paper, Select, Stack, Text } from '@mantine/core';
import { Link } from 'react-router';
import { RAISED_STATUSES, type RaisedStatus, usePatchRaisedRisk, useStartFailureModePlaybook } from '../api/risk';
import { notifyError, notifySuccess } from '../components/feedback';
import { money, relative } from '../components/format';
import type { FailureModeRef, RaisedRisk, Signal } from './schemas';

export const STATUS_META: Record<RaisedStatus, { label: string; color: string }> = {
  open: { label: 'Open', color: 'red' },
  mitigating: { label: 'Mitigating', color: 'orange' },
  resolved: { label: 'Resolved', color: 'teal' },
  accepted: { label: 'Accepted', color: 'gray' },
};

/** The failure modes the account's signals point at, each with its playbook and one click to start it; then the risks raised. */
export function FailureModesPanel({
  accountId,
  modes,
  risks,
  signals,
  canEdit,
}: {
  accountId: string;
  modes: FailureModeRef[];
  risks: RaisedRisk[];
  signals: Signal[];
  canEdit: boolean;
}) {
  const start = useStartFailureModePlaybook(accountId);
  const patch = usePatchRaisedRisk();
  const live = (r: RaisedRisk) => r.status === 'open' || r.status === 'mitigating';
  return (
    <Stack gap="sm">
      <div data-testid="risk-failure-modes">
        <Text size="xs" fw={700} c="dimmed" tt="uppercase" mb={4}>
          Failure modes these signals point at
        </Text>
        {modes.length === 0 ? (
          <Text size="sm" c="dimmed">
            None of the register’s failure modes matches these signals. <Anchor component={Link} to="/risk/register" size="sm">See the register</Anchor>
          </Text>
        ) : (
          <Stack gap={6}>
            {modes.map((m) => {
              const raised = risks.find((r) => r.failureMode?.id === m.id && live(r));
              const running = raised?.playbookRun && raised.playbookRun.status === 'running';
              const matched = signals.filter((s) => m.matchedKinds.includes(s.kind)).map((s) => s.id);
              return (
                <Paper key={m.id} withBorder p="xs" radius="md" data-failure-mode-id={m.id}>
                  <Group justify="space-between" wrap="wrap" gap="xs">
                    <div>
                      <Text size="sm" fw={600}>
                        {m.name}
                      </Text>
                      <Text size="xs" c="dimmed">
                        Because of {m.matchedKinds.join(', ') || '—'} ·{' '}
                        {m.playbook ? (
                          <>
                            playbook{' '}
                            <Anchor component={Link} to={`/playbooks/${m.playbook.id}`} size="xs">
                              {m.playbook.name}
                            </Anchor>
                          </>
                        ) : (
                          <>
                            no playbook yet:{' '}
                            <Anchor component={Link} to="/risk/register" size="xs">
                              link one in the register
                            </Anchor>
                          </>
                        )}
                      </Text>
                    </div>
                    {running ? (
                      <Badge color="teal" variant="light" tt="none" data-testid="playbook-running">
                        Playbook running
                      </Badge>
                    ) : (
                      canEdit &&
                      m.playbook && (
                        <Button
                          size="xs"
                          loading={start.isPending && start.variables?.failureModeId === m.id}
                          onClick={() =>
                            start.mutate(
                              { failureModeId: m.id, existingRiskId: raised?.id, signalIds: matched },
                              {
                                onSuccess: () => notifySuccess(`${m.playbook?.name ?? 'Playbook'} started for “${m.name}”`),
                                onError: (e) => notifyError(e, 'Could not start the playbook'),
                              },
                            )
                          }
                        >
                          Start playbook
                        </Button>
                      )
                    )}
                  </Group>
                </Paper>
              );
            })}
          </Stack>
        )}
      </div>
      <div data-testid="raised-risks">
        <Text size="xs" fw={700} c="dimmed" tt="uppercase" mb={4}>
          Raised risks
        </Text>
        {risks.length === 0 ? (
          <Text size="sm" c="dimmed">
            No risk raised on this account. Starting a failure mode’s playbook raises it.
          </Text>
        ) : (
          <Stack gap={6}>
            {risks.map((r) => (
              <Group key={r.id} justify="space-between" wrap="wrap" gap="xs" data-raised-risk-id={r.id}>
                <div>
                  <Text size="sm" fw={600}>
                    {r.title || r.failureMode?.name || 'Risk'}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {r.arrAtRisk !== null && r.arrAtRisk !== undefined ? `${money(r.arrAtRisk)} at risk · ` : ''}
                    {r.ownerTeam ? `${r.ownerTeam.name} · ` : ''}
                    raised {relative(r.createdAt)}
                    {r.playbookRun ? ` · playbook ${r.playbookRun.status}` : ''}
                  </Text>
                </div>
                {canEdit && r.canEdit ? (
                  <Select
                    aria-label={`Status of ${r.title || 'the risk'}`}
                    size="xs"
                    w={130}
                    allowDeselect={false}
                    data={RAISED_STATUSES.map((s) => ({ value: s, label: STATUS_META[s].label }))}
                    value={r.status}
                    onChange={(v) =>
                      v &&
                      patch.mutate(
                        { id: r.id, patch: { status: v as RaisedStatus } },
                        { onSuccess: () => notifySuccess(`Risk ${STATUS_META[v as RaisedStatus].label.toLowerCase()}`), onError: (e) => notifyError(e, 'Could not change the status') },
                      )
                    }
                  />
                ) : (
                  <Badge color={STATUS_META[r.status].color} variant="light" tt="none">
                    {STATUS_META[r.status].label}
                  </Badge>
                )}
              </Group>
            ))}
          </Stack>
        )}
      </div>
    </Stack>
  );
}
