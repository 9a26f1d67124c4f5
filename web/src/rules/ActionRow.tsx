import type { ReactNode } from 'react';
import { ActionIcon, Group, MultiSelect, NumberInput, Select, SimpleGrid, Stack, Textarea, TextInput, Tooltip } from '@mantine/core';
import { ASSIGNEE_ROLES, type AssigneeRole, type Playbook, type WebhookChoice } from '../api/playbooks';
import { type ActionType, NOTIFY_ROLES, type NotifyRole } from '../api/rules';
import { useSignalDefinitions } from '../api/risk';
import type { TaskKind } from '../api/tasks';
import { Icon } from '../components/icons';
import { kindOptions, priorityOptions } from '../inbox/taskFormat';
import { assigneeRoleLabel } from '../playbooks/labels';
import { actionTypeLabel, notifyRoleLabel } from './labels';
import type { ActionDraft } from './ruleForm';

interface Props {
  index: number;
  action: ActionDraft;
  set: (patch: Partial<ActionDraft>) => void;
  onRemove?: () => void;
  error: (key: string) => string | undefined;
  readOnly: boolean;
  playbooks: Playbook[];
  /** null: this user may not list webhooks, so the webhook action is hidden. */
  webhooks: WebhookChoice[] | null | undefined;
}

/** One "then" row: what the rule does for each account it fires on. */
export function ActionRow({ index, action: a, set, onRemove, error, readOnly, playbooks, webhooks }: Props) {
  const n = index + 1;
  const types = (Object.keys(actionTypeLabel) as ActionType[]).filter((t) => t !== 'webhook' || webhooks || a.type === 'webhook');
  const common = { size: 'sm' as const, readOnly };
  const defs = useSignalDefinitions();

  let inputs: ReactNode = null;
  if (a.type === 'start_playbook') {
    inputs = (
      <Select
        {...common}
        label="Playbook"
        placeholder={playbooks.length ? 'Choose a playbook' : 'No playbooks yet'}
        data={playbooks.map((p) => ({ value: p.id, label: `${p.name} (v${p.version})` }))}
        value={a.playbookId}
        onChange={(v) => set({ playbookId: v })}
        searchable
        error={error('playbookId')}
        aria-label={`Action ${n} playbook`}
      />
    );
  } else if (a.type === 'create_task') {
    inputs = (
      <Stack gap="xs">
        <TextInput {...common} label="Task title" aria-label={`Action ${n} task title`} value={a.title} onChange={(e) => set({ title: e.currentTarget.value })} error={error('title')} />
        <TextInput {...common} label="Reason" placeholder="Defaults to the rule's name" value={a.reason} onChange={(e) => set({ reason: e.currentTarget.value })} error={error('reason')} />
        <SimpleGrid cols={{ base: 2, md: 4 }} spacing="xs">
          <Select {...common} label="Assign to" data={ASSIGNEE_ROLES.map((r) => ({ value: r, label: assigneeRoleLabel[r] }))} value={a.assignee} onChange={(v) => v && set({ assignee: v as AssigneeRole })} allowDeselect={false} error={error('assignee')} />
          <Select {...common} label="Kind" data={kindOptions} value={a.kind} onChange={(v) => v && set({ kind: v as TaskKind })} allowDeselect={false} error={error('kind')} />
          <Select {...common} label="Priority" data={priorityOptions} value={a.priority} onChange={(v) => v && set({ priority: v })} allowDeselect={false} error={error('priority')} />
          <NumberInput {...common} label="Due in (days)" min={0} max={365} clampBehavior="none" allowDecimal={false} value={a.dueInDays} onChange={(v) => set({ dueInDays: v })} error={error('dueInDays')} />
        </SimpleGrid>
      </Stack>
    );
  } else if (a.type === 'notify') {
    inputs = (
      <Stack gap="xs">
        <MultiSelect
          {...common}
          label="Who"
          data={NOTIFY_ROLES.map((r) => ({ value: r, label: notifyRoleLabel[r] }))}
          value={a.recipients}
          onChange={(v) => set({ recipients: v as NotifyRole[] })}
          error={error('recipients')}
          comboboxProps={{ withinPortal: true }}
        />
        <Textarea {...common} label="Message" autosize minRows={2} value={a.message} onChange={(e) => set({ message: e.currentTarget.value })} error={error('message')} />
      </Stack>
    );
  } else if (a.type === 'raise_risk') {
    const kinds = (defs.data ?? []).filter((d) => d.enabled || d.kind === a.signalKind).map((d) => ({ value: d.kind, label: d.enabled ? d.label : `${d.label} (disabled)` }));
    const def = defs.data?.find((d) => d.kind === a.signalKind);
    inputs = (
      <Stack gap="xs">
        <SimpleGrid cols={{ base: 1, md: 2 }} spacing="xs">
          <Select
            {...common}
            label="Signal kind"
            placeholder={defs.isPending ? 'Loading…' : 'Choose a signal kind'}
            data={kinds}
            value={a.signalKind}
            onChange={(v) => set({ signalKind: v })}
            searchable
            error={error('kind') ?? (defs.isError ? 'Could not load the signal kinds' : undefined)}
            aria-label={`Action ${n} signal kind`}
            comboboxProps={{ withinPortal: true }}
          />
          <NumberInput
            {...common}
            label="Strength"
            description={def ? `Empty: the kind's ${def.strength}` : 'Empty: the kind\'s default'}
            placeholder={def ? String(def.strength) : undefined}
            min={0.001}
            max={0.999}
            step={0.05}
            decimalScale={3}
            clampBehavior="none"
            value={a.strength}
            onChange={(v) => set({ strength: v })}
            error={error('strength')}
            aria-label={`Action ${n} strength`}
          />
        </SimpleGrid>
        <Textarea {...common} label="Note" description="Shown as the signal's evidence" autosize minRows={2} value={a.note} onChange={(e) => set({ note: e.currentTarget.value })} error={error('note')} aria-label={`Action ${n} note`} />
      </Stack>
    );
  } else {
    inputs = (
      <Select
        {...common}
        label="Webhook"
        description="It receives a signed rule.fired event"
        placeholder={webhooks?.length === 0 ? 'No webhooks yet: an admin adds them' : 'Choose a webhook'}
        data={(webhooks ?? []).map((w) => ({ value: w.id, label: w.name }))}
        value={a.webhookId}
        onChange={(v) => set({ webhookId: v })}
        error={error('webhookId')}
      />
    );
  }

  return (
    <Group gap="sm" align="flex-start" wrap="nowrap" data-action-index={index}>
      <Select
        size="sm"
        w={200}
        readOnly={readOnly}
        aria-label={`Action ${n} type`}
        data={types.map((t) => ({ value: t, label: actionTypeLabel[t] }))}
        value={a.type}
        onChange={(v) => v && set({ type: v as ActionType })}
        allowDeselect={false}
        comboboxProps={{ withinPortal: true }}
      />
      <div style={{ flex: 1 }}>{inputs}</div>
      {onRemove && !readOnly && (
        <Tooltip label="Remove action">
          <ActionIcon variant="subtle" color="gray" mt={4} onClick={onRemove} aria-label={`Remove action ${n}`}>
            <Icon name="trash" size={16} />
          </ActionIcon>
        </Tooltip>
      )}
    </Group>
  );
}
