import { Anchor, Button, Card, Group, Stack, Switch, Table, Text, Title, Tooltip } from '@mantine/core';
import { Link } from 'react-router';
import { can, useMe } from '../api/auth';
import { type Rule, useEvaluateRules, useRules, useUpdateRule } from '../api/rules';
import { notifyError, notifySuccess, QueryError, TableSkeleton } from '../components/feedback';
import { count, formatDateTime, relative } from '../components/format';
import { Icon } from '../components/icons';
import { actionTypeLabel, leafTypeLabel } from './labels';

function summary(r: Rule): string {
  const when = r.condition.conditions.map((c) => leafTypeLabel[c.type].toLowerCase()).join(r.condition.match === 'all' ? ' and ' : ' or ');
  const then = r.actions.map((a) => actionTypeLabel[a.type].toLowerCase()).join(', ');
  return `When ${when}: ${then}`;
}

function windowLabel(hours: number): string {
  return hours % 24 === 0 ? `${hours / 24} day${hours === 24 ? '' : 's'}` : `${hours} hour${hours === 1 ? '' : 's'}`;
}

export default function RulesPage() {
  const me = useMe();
  const editable = can.audit(me);
  const rules = useRules();
  const update = useUpdateRule();
  const evaluate = useEvaluateRules();

  const toggle = (r: Rule, enabled: boolean) =>
    update.mutate({ id: r.id, patch: { enabled } }, { onError: (err) => notifyError(err, `Could not ${enabled ? 'enable' : 'disable'} ${r.name}`) });
  const runNow = () =>
    evaluate.mutate(undefined, {
      onSuccess: (res) => notifySuccess(`${count(res.evaluated)} accounts evaluated; ${res.fired} firing${res.fired === 1 ? '' : 's'}`),
      onError: (err) => notifyError(err, 'Could not evaluate the rules'),
    });

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={2}>Rules</Title>
          <Text c="dimmed" size="sm">
            When a signal appears on an account, act: create a task, start a playbook, tell someone. Each rule fires at most once per account per window.
          </Text>
        </div>
        {editable && (
          <Group gap="xs">
            <Tooltip label="Rules run by themselves as health, usage and accounts change; this checks the whole book now">
              <Button variant="default" leftSection={<Icon name="refresh" size={16} />} onClick={runNow} loading={evaluate.isPending}>
                Evaluate now
              </Button>
            </Tooltip>
            <Button component={Link} to="/rules/new" leftSection={<Icon name="plus" size={16} />}>
              New rule
            </Button>
          </Group>
        )}
      </Group>
      {rules.isError && <QueryError error={rules.error} onRetry={() => void rules.refetch()} />}
      <Card padding={0}>
        {rules.isPending && <TableSkeleton rows={4} height={40} />}
        {rules.data?.length === 0 && (
          <Text c="dimmed" ta="center" py={48} px="md">
            No rules yet.{editable ? ' Start with one signal you act on by hand today, such as a big account turning poor.' : ' Admins and managers build them.'}
          </Text>
        )}
        {rules.data && rules.data.length > 0 && (
          <Table.ScrollContainer minWidth={900}>
            <Table className="canopy-table" highlightOnHover verticalSpacing="sm" horizontalSpacing="md" aria-label="Rules">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Rule</Table.Th>
                  <Table.Th>Enabled</Table.Th>
                  <Table.Th ta="right">Firings</Table.Th>
                  <Table.Th ta="right">Last 7 days</Table.Th>
                  <Table.Th>Last fired</Table.Th>
                  <Table.Th>Window</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {rules.data.map((r) => (
                  <Table.Tr key={r.id} data-rule-id={r.id} style={{ opacity: r.enabled ? 1 : 0.65 }}>
                    <Table.Td maw={460}>
                      <Anchor component={Link} to={`/rules/${r.id}`} fw={600} size="sm" c="var(--mantine-color-text)">
                        {r.name}
                      </Anchor>
                      <Text size="xs" c="dimmed" lineClamp={2}>
                        {r.description || summary(r)}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Switch
                        checked={r.enabled}
                        disabled={!editable || (update.isPending && update.variables?.id === r.id)}
                        onChange={(e) => toggle(r, e.currentTarget.checked)}
                        aria-label={`${r.name} enabled`}
                      />
                    </Table.Td>
                    <Table.Td ta="right" className="canopy-num">
                      <Anchor component={Link} to={`/rules/${r.id}?tab=firings`} size="sm">
                        {count(r.firings.total)}
                      </Anchor>
                    </Table.Td>
                    <Table.Td ta="right" className="canopy-num">
                      {count(r.firings.last7d)}
                    </Table.Td>
                    <Table.Td className="nowrap">
                      {r.firings.lastAt ? (
                        <Tooltip label={formatDateTime(r.firings.lastAt)} openDelay={300}>
                          <Text span size="sm">
                            {relative(r.firings.lastAt)}
                          </Text>
                        </Tooltip>
                      ) : (
                        <Text span size="sm" c="dimmed">
                          Never
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td className="nowrap">
                      <Text span size="sm">
                        once per {windowLabel(r.windowHours)}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </Card>
    </Stack>
  );
}
