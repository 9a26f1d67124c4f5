import { Anchor, Button, Group, Switch, Text, Tooltip } from '@mantine/core';
import { Link } from 'react-router';
import { can, useMe } from '../api/auth';
import { type Activation, type Rule, useEvaluateRules, useRules, useUpdateRule } from '../api/rules';
import { notifyError, notifySuccess } from '../components/feedback';
import { count, formatDateTime, relative } from '../components/format';
import { Icon } from '../components/icons';
import { ListPage, listColumns } from '../components/ListPage';
import { actionTypeLabel, leafTypeLabel } from './labels';
import { SaveConfirmModal, useStartConfirm } from './SaveConfirmModal';

function summary(r: Rule): string {
  const when = r.condition.conditions.map((c) => leafTypeLabel[c.type].toLowerCase()).join(r.condition.match === 'all' ? ' and ' : ' or ');
  const then = r.actions.map((a) => actionTypeLabel[a.type].toLowerCase()).join(', ');
  return `When ${when}: ${then}`;
}

function windowLabel(hours: number): string {
  return hours % 24 === 0 ? `${hours / 24} day${hours === 24 ? '' : 's'}` : `${hours} hour${hours === 1 ? '' : 's'}`;
}

const col = listColumns<Rule>();

export default function RulesPage() {
  const me = useMe();
  const editable = can.audit(me);
  const rules = useRules();
  const update = useUpdateRule();
  const evaluate = useEvaluateRules();

  const confirm = useStartConfirm();
  const patch = (r: Rule, p: { enabled: boolean; activation?: Activation }) =>
    update.mutate({ id: r.id, patch: p }, {
      onSuccess: confirm.close,
      onError: (err) => {
        confirm.close();
        notifyError(err, `Could not ${p.enabled ? 'enable' : 'disable'} ${r.name}`);
      },
    });
  // Enabling asks first, as saving does: fire now over the whole book, or from now on only.
  const toggle = (r: Rule, enabled: boolean) =>
    enabled
      ? confirm.ask({ condition: r.condition, actions: r.actions, windowHours: r.windowHours, ruleId: r.id }, (c) => (c.enabled ? patch(r, c) : confirm.close()))
      : patch(r, { enabled: false });
  const runNow = () =>
    evaluate.mutate(undefined, {
      onSuccess: (res) => notifySuccess(`${count(res.evaluated)} accounts evaluated; ${res.fired} firing${res.fired === 1 ? '' : 's'}`),
      onError: (err) => notifyError(err, 'Could not evaluate the rules'),
    });

  const columns = [
    col.display({
      id: 'rule',
      header: 'Rule',
      meta: { td: { maw: 460 } },
      cell: ({ row: { original: r } }) => (
        <>
          <Anchor component={Link} to={`/rules/${r.id}`} fw={600} size="sm" c="var(--mantine-color-text)">
            {r.name}
          </Anchor>
          <Text size="xs" c="dimmed" lineClamp={2}>
            {r.description || summary(r)}
          </Text>
        </>
      ),
    }),
    col.display({
      id: 'enabled',
      header: 'Enabled',
      cell: ({ row: { original: r } }) => (
        <Switch
          checked={r.enabled}
          disabled={!editable || (update.isPending && update.variables?.id === r.id)}
          onChange={(e) => toggle(r, e.currentTarget.checked)}
          aria-label={`${r.name} enabled`}
        />
      ),
    }),
    col.display({
      id: 'firings',
      header: 'Firings',
      meta: { align: 'right', td: { className: 'canopy-num' } },
      cell: ({ row: { original: r } }) => (
        <Anchor component={Link} to={`/rules/${r.id}?tab=firings`} size="sm">
          {count(r.firings.total)}
        </Anchor>
      ),
    }),
    col.display({ id: 'last7d', header: 'Last 7 days', meta: { align: 'right', td: { className: 'canopy-num' } }, cell: ({ row }) => count(row.original.firings.last7d) }),
    col.display({
      id: 'lastFired',
      header: 'Last fired',
      meta: { td: { className: 'nowrap' } },
      cell: ({ row: { original: r } }) =>
        r.firings.lastAt ? (
          <Tooltip label={formatDateTime(r.firings.lastAt)} openDelay={300}>
            <Text span size="sm">
              {relative(r.firings.lastAt)}
            </Text>
          </Tooltip>
        ) : (
          <Text span size="sm" c="dimmed">
            Never
          </Text>
        ),
    }),
    col.display({
      id: 'window',
      header: 'Window',
      meta: { td: { className: 'nowrap' } },
      cell: ({ row }) => (
        <Text span size="sm">
          once per {windowLabel(row.original.windowHours)}
        </Text>
      ),
    }),
  ];

  return (
    <>
      <ListPage
      title="Rules"
      description="When a signal appears on an account, act: create a task, start a playbook, tell someone. Each rule fires at most once per account per window."
      actions={
        editable && (
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
        )
      }
      query={rules}
      rows={rules.data}
      columns={columns}
      getRowId={(r) => r.id}
      rowProps={(r) => ({ 'data-rule-id': r.id, style: { opacity: r.enabled ? 1 : 0.65 } })}
      empty={`No rules yet.${editable ? ' Start with one signal you act on by hand today, such as a big account turning poor.' : ' Admins and managers build them.'}`}
      tableLabel="Rules"
      minWidth={900}
      skeletonRows={4}
      />
      <SaveConfirmModal {...confirm.props} saving={update.isPending} disabledLabel="Keep disabled" />
    </>
  );
}
