import { Alert, Button, Card, Divider, Group, NumberInput, Select, Stack, Switch, Text, Textarea, TextInput, Title } from '@mantine/core';
import { type FormEvent, useMemo, useState } from 'react';
import { useNavigate } from 'react-router';
import { useFacets } from '../api/accounts';
import { errorMessage } from '../api/client';
import { useDriverCatalog, useDrivers } from '../api/drivers';
import { usePlaybooks, useWebhookChoices } from '../api/playbooks';
import { type Rule, type RuleInput, useCreateRule, useDryRun, useUpdateRule } from '../api/rules';
import { notifySuccess } from '../components/feedback';
import { Icon } from '../components/icons';
import { pathErrors } from '../components/pathErrors';
import { ActionRow } from './ActionRow';
import { ConditionRow } from './ConditionRow';
import { DryRunPanel } from './DryRunPanel';
import { SaveConfirmModal, useStartConfirm } from './SaveConfirmModal';
import { initialForm, newAction, newLeaf, type RuleForm, shownPaths, toCondition, toInput, validate, type WindowUnit } from './ruleForm';

/** The no-code builder: when [all|any] of these conditions hold, then these actions; a dry run; save. */
export function RuleBuilder({ rule, editable }: { rule?: Rule; editable: boolean }) {
  const navigate = useNavigate();
  const [f, setF] = useState<RuleForm>(() => initialForm(rule));
  const [touched, setTouched] = useState(false);
  const drivers = useDrivers();
  const catalog = useDriverCatalog();
  const facets = useFacets();
  const playbooks = usePlaybooks();
  const webhooks = useWebhookChoices();
  const create = useCreateRule();
  const update = useUpdateRule();
  const dryRun = useDryRun();
  const save = rule ? update : create;
  const [ranFor, setRanFor] = useState<string | null>(null);
  const confirm = useStartConfirm();
  const savedCondition = useMemo(() => (rule ? JSON.stringify(toCondition(initialForm(rule))) : null), [rule]);

  const checks = useMemo(() => validate(f), [f]);
  const conditionJson = JSON.stringify(toCondition(f));
  // A dry run's field errors belong to the conditions it ran on; once they change, they are gone.
  const server = pathErrors(save.error, ranFor === conditionJson ? dryRun.error : null);
  const [dryTouched, setDryTouched] = useState(false);
  const error = (path: string) => server.get(path) ?? (touched ? checks.all[path] : dryTouched ? checks.condition[path] : undefined);
  const unclaimed = server.unclaimed(shownPaths(f));
  const choices = {
    drivers: (drivers.data ?? []).map((d) => ({ key: d.key, name: d.name })),
    segments: facets.data?.segments ?? [],
    events: catalog.data?.events ?? [],
  };
  const setCond = (i: number, patch: Partial<RuleForm['conditions'][number]>) => setF({ ...f, conditions: f.conditions.map((c, j) => (j === i ? { ...c, ...patch } : c)) });
  const setAction = (i: number, patch: Partial<RuleForm['actions'][number]>) => setF({ ...f, actions: f.actions.map((a, j) => (j === i ? { ...a, ...patch } : a)) });

  const runDry = () => {
    setDryTouched(true);
    if (Object.keys(checks.condition).length > 0) return;
    setRanFor(conditionJson);
    dryRun.mutate({ condition: toCondition(f), limit: 200 });
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (Object.keys(checks.all).length > 0) return;
    const input = toInput(f);
    // A save that starts the rule (new and enabled, enabled again, or a new condition) asks first:
    // firing now acts on the whole book.
    const starts = input.enabled && (!rule || !rule.enabled || JSON.stringify(input.condition) !== savedCondition);
    if (!starts) return persist(input);
    confirm.ask({ condition: input.condition, actions: input.actions, windowHours: input.windowHours, ...(rule ? { ruleId: rule.id } : {}) }, (c) => persist({ ...input, ...c }));
  };

  const persist = (input: RuleInput) => {
    const said = (r: Rule) =>
      !r.enabled ? 'saved disabled: it never fires until enabled'
        : input.activation === 'from_now_on' ? 'saved: it fires for accounts that start matching from now on'
          : input.activation === 'now' ? 'saved: it fires now for the accounts that match' : 'saved';
    if (rule) {
      update.mutate({ id: rule.id, patch: input }, {
        onSuccess: (r) => {
          confirm.close();
          setF((cur) => ({ ...cur, enabled: r.enabled }));
          notifySuccess(`${r.name} ${said(r)}`);
        },
        onError: confirm.close,
      });
    } else {
      create.mutate(input, {
        onSuccess: (r) => {
          confirm.close();
          notifySuccess(`${r.name} ${said(r)}`);
          void navigate('/rules');
        },
        onError: confirm.close,
      });
    }
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="md">
        {save.error !== null && (
          <Alert color="red" variant="light" role="alert" title="The rule was not saved">
            <Text size="sm">{server.any && unclaimed.length === 0 ? 'Check the highlighted fields.' : errorMessage(save.error)}</Text>
            {unclaimed.map((u) => (
              <Text size="sm" key={u.path}>
                {u.path}: {u.message}
              </Text>
            ))}
          </Alert>
        )}
        <Card padding="lg">
          <Stack gap="sm">
            <Group grow align="flex-start">
              <TextInput label="Name" required value={f.name} onChange={(e) => setF({ ...f, name: e.currentTarget.value })} error={error('name')} readOnly={!editable} placeholder="Big account turned poor" />
              <Switch label="Enabled" description="A disabled rule never fires; saving an enabled rule asks whether it fires now" mt={28} checked={f.enabled} onChange={(e) => setF({ ...f, enabled: e.currentTarget.checked })} disabled={!editable} />
            </Group>
            <Textarea label="Description" autosize minRows={1} value={f.description} onChange={(e) => setF({ ...f, description: e.currentTarget.value })} error={error('description')} readOnly={!editable} />
          </Stack>
        </Card>
        <Card padding="lg">
          <Group gap="xs" mb="md">
            <Title order={4}>When</Title>
            <Select
              size="sm"
              w={90}
              aria-label="Match"
              data={[{ value: 'all', label: 'all' }, { value: 'any', label: 'any' }]}
              value={f.match}
              onChange={(v) => v && setF({ ...f, match: v as 'all' | 'any' })}
              allowDeselect={false}
              readOnly={!editable}
            />
            <Title order={4}>of these are true</Title>
          </Group>
          <Stack gap="sm">
            {f.conditions.map((c, i) => (
              <ConditionRow
                key={c.id}
                index={i}
                leaf={c}
                set={(p) => setCond(i, p)}
                onRemove={f.conditions.length > 1 ? () => setF({ ...f, conditions: f.conditions.filter((_, j) => j !== i) }) : undefined}
                error={(k) => error(`condition.conditions.${i}.${k}`)}
                readOnly={!editable}
                choices={choices}
              />
            ))}
            {error('condition.conditions') && <Text size="sm" c="red">{error('condition.conditions')}</Text>}
          </Stack>
          {editable && (
            <Group mt="md" gap="sm">
              <Button variant="light" size="xs" leftSection={<Icon name="plus" size={14} />} onClick={() => setF({ ...f, conditions: [...f.conditions, newLeaf('arr')] })} disabled={f.conditions.length >= 20}>
                Add condition
              </Button>
              <Button variant="default" size="xs" onClick={runDry} loading={dryRun.isPending}>
                Dry run
              </Button>
              <Text size="xs" c="dimmed">
                Lists the accounts that match now; nothing fires.
              </Text>
            </Group>
          )}
        </Card>
        {editable && <DryRunPanel result={dryRun.data} stale={ranFor !== null && ranFor !== conditionJson} error={dryRun.error && !pathErrors(dryRun.error).any ? errorMessage(dryRun.error) : null} />}
        <Card padding="lg">
          <Title order={4} mb="md">
            Then
          </Title>
          <Stack gap="md">
            {f.actions.map((a, i) => (
              <Stack key={a.id} gap="md">
                {i > 0 && <Divider />}
                <ActionRow
                  index={i}
                  action={a}
                  set={(p) => setAction(i, p)}
                  onRemove={f.actions.length > 1 ? () => setF({ ...f, actions: f.actions.filter((_, j) => j !== i) }) : undefined}
                  error={(k) => error(`actions.${i}.${k}`)}
                  readOnly={!editable}
                  playbooks={playbooks.data ?? []}
                  webhooks={webhooks.data}
                />
              </Stack>
            ))}
            {error('actions') && <Text size="sm" c="red">{error('actions')}</Text>}
          </Stack>
          {editable && (
            <Button mt="md" w="fit-content" variant="light" size="xs" leftSection={<Icon name="plus" size={14} />} onClick={() => setF({ ...f, actions: [...f.actions, newAction('notify')] })} disabled={f.actions.length >= 10}>
              Add action
            </Button>
          )}
          <Divider my="md" />
          <Group gap="xs" align="flex-start">
            <Text size="sm" mt={6}>
              At most once per account every
            </Text>
            <NumberInput size="sm" w={90} min={1} clampBehavior="none" allowDecimal={false} aria-label="Window" value={f.windowValue} onChange={(v) => setF({ ...f, windowValue: v })} error={error('windowHours')} readOnly={!editable} />
            <Select
              size="sm"
              w={100}
              aria-label="Window unit"
              data={[{ value: 'hours', label: 'hours' }, { value: 'days', label: 'days' }]}
              value={f.windowUnit}
              onChange={(v) => v && setF({ ...f, windowUnit: v as WindowUnit })}
              allowDeselect={false}
              readOnly={!editable}
            />
          </Group>
        </Card>
        {editable && (
          <Group justify="flex-end">
            <Button variant="default" onClick={() => void navigate('/rules')}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              {rule ? 'Save rule' : 'Create rule'}
            </Button>
          </Group>
        )}
      </Stack>
      <SaveConfirmModal {...confirm.props} saving={save.isPending} />
    </form>
  );
}
