import { Anchor, Badge, Breadcrumbs, Button, Group, Skeleton, Stack, Tabs, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { can, useMe } from '../api/auth';
import { ApiError } from '../api/client';
import { type Rule, useDeleteRule, useRule } from '../api/rules';
import { ConfirmModal } from '../components/ConfirmModal';
import { notifyError, notifySuccess, QueryError } from '../components/feedback';
import { count, relative } from '../components/format';
import { Icon } from '../components/icons';
import { NotFound } from '../components/NotFound';
import { FiringsTab } from './FiringsTab';
import { RuleBuilder } from './RuleBuilder';

export default function RuleEditorPage() {
  const { id } = useParams();
  const isNew = !id || id === 'new';
  const rule = useRule(isNew ? null : id);
  const crumbs = (
    <Breadcrumbs separator="/" fz="sm">
      <Anchor component={Link} to="/rules" size="sm">
        Rules
      </Anchor>
      <Text size="sm" c="dimmed">
        {isNew ? 'New rule' : (rule.data?.name ?? '…')}
      </Text>
    </Breadcrumbs>
  );
  if (rule.isError) {
    if (rule.error instanceof ApiError && rule.error.status === 404) return <NotFound message="This rule does not exist or was deleted." />;
    return <QueryError error={rule.error} onRetry={() => void rule.refetch()} />;
  }
  return (
    <Stack gap="md">
      {crumbs}
      {isNew ? <NewRule /> : rule.data ? <SavedRule key={rule.data.id} rule={rule.data} /> : <Skeleton height={480} radius="md" />}
    </Stack>
  );
}

function NewRule() {
  const me = useMe();
  const editable = can.audit(me);
  return (
    <>
      <div>
        <Title order={2}>New rule</Title>
        <Text c="dimmed" size="sm">
          {editable ? 'When a signal appears on an account, act on it: a task, a playbook, a heads-up' : 'Only admins and managers build rules.'}
        </Text>
      </div>
      {editable && <RuleBuilder editable />}
    </>
  );
}

function SavedRule({ rule }: { rule: Rule }) {
  const me = useMe();
  const editable = can.audit(me);
  const navigate = useNavigate();
  const [sp, setSp] = useSearchParams();
  const tab = sp.get('tab') === 'firings' ? 'firings' : 'builder';
  const remove = useDeleteRule();
  const [deleting, del] = useDisclosure(false);

  const confirmDelete = () =>
    remove.mutate(rule.id, {
      onSuccess: () => {
        notifySuccess(`${rule.name} deleted`);
        void navigate('/rules', { replace: true });
      },
      onError: (err) => notifyError(err, 'Could not delete the rule'),
    });

  return (
    <>
      <Group justify="space-between" align="flex-end">
        <div>
          <Group gap="xs">
            <Title order={2}>{rule.name}</Title>
            <Badge variant="light" color={rule.enabled ? 'teal' : 'gray'}>
              {rule.enabled ? 'Enabled' : 'Disabled'}
            </Badge>
          </Group>
          <Text c="dimmed" size="sm">
            Fired {count(rule.firings.total)} time{rule.firings.total === 1 ? '' : 's'}
            {rule.firings.lastAt ? `, last ${relative(rule.firings.lastAt)}` : ''}
            {rule.enabled && rule.activation === 'from_now_on' && rule.activatedAt ? ` · fires only for accounts that started matching after it was started (${relative(rule.activatedAt)})` : ''}
            {editable ? '' : ' · read only: admins and managers edit rules'}
          </Text>
        </div>
        {editable && (
          <Button variant="subtle" color="red" leftSection={<Icon name="trash" size={16} />} onClick={del.open}>
            Delete
          </Button>
        )}
      </Group>
      <Tabs value={tab} onChange={(v) => setSp(v === 'firings' ? { tab: 'firings' } : {}, { replace: true })} keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="builder">Rule</Tabs.Tab>
          <Tabs.Tab value="firings">
            Firings{' '}
            <Badge size="xs" variant="light" ml={4}>
              {rule.firings.total}
            </Badge>
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="builder">
          <RuleBuilder rule={rule} editable={editable} />
        </Tabs.Panel>
        <Tabs.Panel value="firings">
          <Stack gap="xs">
            <Text size="sm" c="dimmed">
              Why did this fire? Each firing keeps the values that made it fire and what its actions did.
            </Text>
            <FiringsTab ruleId={rule.id} />
          </Stack>
        </Tabs.Panel>
      </Tabs>
      <ConfirmModal opened={deleting} title={`Delete ${rule.name}?`} confirmLabel="Delete rule" loading={remove.isPending} onConfirm={confirmDelete} onClose={del.close}>
        The rule stops firing and its firing log is deleted. Tasks and playbooks it started stay. To pause it, disable it instead.
      </ConfirmModal>
    </>
  );
}
