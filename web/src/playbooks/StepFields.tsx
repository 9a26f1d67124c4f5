import { Anchor, Checkbox, Code, Group, NumberInput, Popover, Select, SimpleGrid, Stack, Table, Text, Textarea, TextInput, UnstyledButton } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { usePlanTemplates } from '../api/plans';
import { ASSIGNEE_ROLES, OVERLOAD_ACTIONS, type AssigneeRole, type OverloadAction, type WebhookChoice } from '../api/playbooks';
import { useSurveys } from '../api/surveys';
import { CONTACT_ROLES, type ContactRole } from '../api/types';
import { contactRoleLabel } from '../components/format';
import { priorityOptions } from '../inbox/taskFormat';
import { useTemplateVariables } from '../api/playbooks';
import { assigneeRoleLabel, overloadLabel } from './labels';
import { EmailPreviewPanel } from './EmailPreview';
import type { StepDraft } from './playbookForm';

/** Descriptions below the input, so inputs side by side stay aligned. */
const BELOW: ('label' | 'input' | 'description' | 'error')[] = ['label', 'input', 'description', 'error'];

interface Props {
  step: StepDraft;
  set: (patch: Partial<StepDraft>) => void;
  /** The error at `steps.<i>.<key>`. */
  error: (key: string) => string | undefined;
  readOnly: boolean;
  webhooks: WebhookChoice[] | null | undefined;
}

/** The template variables an e-mail step may use, as a clickable help table. */
function VariablesHelp({ onPick, readOnly }: { onPick: (v: string) => void; readOnly: boolean }) {
  const variables = useTemplateVariables().data?.items ?? [];
  return (
    <Popover width={420} position="bottom-start" shadow="md" withinPortal>
      <Popover.Target>
        <UnstyledButton fz="xs" c="blue" td="underline">
          Template variables
        </UnstyledButton>
      </Popover.Target>
      <Popover.Dropdown>
        <Text size="xs" c="dimmed" mb={6}>
          Write them in double braces. {readOnly ? '' : 'Click one to add it to the message.'}
        </Text>
        <Table fz="xs" verticalSpacing={2} aria-label="Template variables">
          <Table.Tbody>
            {variables.map(({ name: v, help }) => (
              <Table.Tr key={v} style={{ cursor: readOnly ? undefined : 'pointer' }} onClick={() => !readOnly && onPick(`{{${v}}}`)}>
                <Table.Td>
                  <Code fz="xs">{`{{${v}}}`}</Code>
                </Table.Td>
                <Table.Td>{help}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Popover.Dropdown>
    </Popover>
  );
}

/** The plan template an apply-plan-template step applies, chosen by name from GET /api/plan-templates. */
function PlanTemplateSelect({ step: s, set, error, readOnly }: Pick<Props, 'step' | 'set' | 'error' | 'readOnly'>) {
  const templates = usePlanTemplates();
  const items = templates.data ?? [];
  const missing = !!s.templateId && !!templates.data && !items.some((t) => t.id === s.templateId);
  const empty = templates.data?.length === 0;
  let description: ReactNode = 'Applied to the account’s newest success plan (one is made if it has none), dates counted from the day the step runs';
  if (empty) {
    description = (
      <span data-testid="no-plan-templates">
        No plan templates yet — build one in{' '}
        <Anchor component={Link} to="/plan-templates" fz="inherit">
          Plan templates
        </Anchor>
      </span>
    );
  }
  return (
    <Select
      label="Plan template"
      required
      description={description}
      inputWrapperOrder={BELOW}
      placeholder={templates.isPending ? 'Loading plan templates…' : empty ? 'No plan templates yet' : 'Choose a plan template'}
      data={items.map((t) => ({ value: t.id, label: t.name }))}
      value={missing ? null : s.templateId}
      onChange={(v) => set({ templateId: v })}
      searchable
      nothingFoundMessage="No template by that name"
      error={error('templateId') ?? (templates.isError ? 'Could not load the plan templates' : missing ? 'Its template was deleted: choose another' : undefined)}
      readOnly={readOnly}
    />
  );
}

/** The survey a survey step sends, chosen by name from GET /api/surveys (archived ones are not offered). */
function SurveySelect({ step: s, set, error, readOnly }: Pick<Props, 'step' | 'set' | 'error' | 'readOnly'>) {
  const surveys = useSurveys();
  const items = surveys.data ?? [];
  const missing = !!s.surveyId && !!surveys.data && !items.some((x) => x.id === s.surveyId);
  const empty = surveys.data?.length === 0;
  return (
    <Select
      label="Survey"
      required
      description={
        empty ? (
          <span>
            No surveys yet — make one in{' '}
            <Anchor component={Link} to="/surveys" fz="inherit">
              Surveys
            </Anchor>
          </span>
        ) : (
          'Sent by e-mail with a one-time answer link; a contact surveyed recently is skipped (the survey’s throttle)'
        )
      }
      inputWrapperOrder={BELOW}
      placeholder={surveys.isPending ? 'Loading surveys…' : empty ? 'No surveys yet' : 'Choose a survey'}
      data={items.map((x) => ({ value: x.id, label: `${x.name} (${x.kind.toUpperCase()}, ${x.spoonCost} spoon${x.spoonCost === 1 ? '' : 's'})` }))}
      value={missing ? null : s.surveyId}
      onChange={(v) => set({ surveyId: v })}
      searchable
      nothingFoundMessage="No survey by that name"
      error={error('surveyId') ?? (surveys.isError ? 'Could not load the surveys' : missing ? 'Its survey is archived or deleted: choose another' : undefined)}
      readOnly={readOnly}
    />
  );
}

/** Who a survey or check-in asks by e-mail; cleared, the owner gets a task to ask on a call. */
function AskToSelect({ step: s, set, error, readOnly }: Pick<Props, 'step' | 'set' | 'error' | 'readOnly'>) {
  return (
    <Select
      label="Ask"
      description="The account’s contact in this role with an e-mail address (seen most recently); none: the owner asks on a call"
      inputWrapperOrder={BELOW}
      placeholder="Nobody: the owner asks on a call"
      data={CONTACT_ROLES.map((r) => ({ value: r, label: contactRoleLabel[r] }))}
      value={s.askTo}
      onChange={(v) => set({ askTo: (v as ContactRole | null) ?? null })}
      clearable
      error={error('to')}
      readOnly={readOnly}
    />
  );
}

/** What a step that asks the customer does over their capacity (spoons). */
function OverloadSelect({ set, value, error, readOnly }: { set: Props['set']; value: OverloadAction; error: Props['error']; readOnly: boolean }) {
  return (
    <Select
      label="Over the customer’s capacity"
      description="Wait: tried again when the next period starts. Give a spoon: a task of ours does it for them instead"
      inputWrapperOrder={BELOW}
      data={OVERLOAD_ACTIONS.map((a) => ({ value: a, label: overloadLabel[a] }))}
      value={value}
      onChange={(v) => v && set({ onOverload: v as OverloadAction })}
      allowDeselect={false}
      error={error('onOverload')}
      readOnly={readOnly}
    />
  );
}

export function StepFields({ step: s, set, error, readOnly, webhooks }: Props) {
  const titleInput = (required: boolean, placeholder: string) => (
    <TextInput
      label={required ? 'Title' : 'Title (optional)'}
      required={required}
      placeholder={placeholder}
      value={s.title}
      onChange={(e) => set({ title: e.currentTarget.value })}
      error={error('title')}
      readOnly={readOnly}
    />
  );

  switch (s.kind) {
    case 'task':
      return (
        <Stack gap="sm">
          {titleInput(true, 'Kick-off call with the champion')}
          <Textarea label="Description" autosize minRows={1} value={s.description} onChange={(e) => set({ description: e.currentTarget.value })} error={error('description')} readOnly={readOnly} />
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <Select
              label="Assignee"
              data={ASSIGNEE_ROLES.map((r) => ({ value: r, label: assigneeRoleLabel[r] }))}
              value={s.assignee}
              onChange={(v) => v && set({ assignee: v as AssigneeRole })}
              allowDeselect={false}
              error={error('assignee')}
              readOnly={readOnly}
            />
            <NumberInput label="Due after (days)" min={0} max={365} clampBehavior="none" allowDecimal={false} value={s.dueOffsetDays} onChange={(v) => set({ dueOffsetDays: v })} error={error('dueOffsetDays')} readOnly={readOnly} />
            <Select label="Priority" data={priorityOptions} value={s.priority} onChange={(v) => v && set({ priority: v })} allowDeselect={false} error={error('priority')} readOnly={readOnly} />
            <NumberInput label="Customer effort" placeholder="0–10, optional" min={0} max={10} clampBehavior="none" allowDecimal={false} value={s.customerEffort} onChange={(v) => set({ customerEffort: v })} error={error('customerEffort')} readOnly={readOnly} />
            <Select
              label="Kind of task"
              description="Completing a call, meeting or e-mail task with a note logs that activity"
              inputWrapperOrder={BELOW}
              data={[{ value: 'todo', label: 'To-do' }, { value: 'call', label: 'Call' }, { value: 'meeting', label: 'Meeting' }, { value: 'email', label: 'E-mail' }]}
              value={s.taskKind}
              onChange={(v) => v && set({ taskKind: v as StepDraft['taskKind'] })}
              allowDeselect={false}
              error={error('taskKind')}
              readOnly={readOnly}
            />
            {s.assignee.startsWith('customer_') && <OverloadSelect set={set} value={s.onOverload} error={error} readOnly={readOnly} />}
          </SimpleGrid>
          <Checkbox
            label="The next step waits until this task is done"
            description="Otherwise the next step follows as soon as the task is created; either way this step completes only when its task is done"
            checked={s.waitForTask}
            onChange={(e) => set({ waitForTask: e.currentTarget.checked })}
            disabled={readOnly}
          />
        </Stack>
      );
    case 'email':
      return (
        <Stack gap="sm">
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <Select
              label="To"
              description="The account’s contact in this role (seen most recently)"
              inputWrapperOrder={BELOW}
              data={CONTACT_ROLES.map((r) => ({ value: r, label: contactRoleLabel[r] }))}
              value={s.to}
              onChange={(v) => v && set({ to: v as ContactRole })}
              allowDeselect={false}
              error={error('to')}
              readOnly={readOnly}
            />
            {titleInput(false, 'Welcome e-mail')}
          </SimpleGrid>
          <TextInput label="Subject" required value={s.subject} onChange={(e) => set({ subject: e.currentTarget.value })} error={error('subject')} readOnly={readOnly} />
          <Textarea
            label="Message"
            required
            autosize
            minRows={4}
            value={s.body}
            onChange={(e) => set({ body: e.currentTarget.value })}
            error={error('body')}
            readOnly={readOnly}
            description={
              <Group gap={6} component="span">
                <span>Plain text. Use variables such as {'{{account.name}}'} and {'{{contact.firstName}}'}.</span>
                <VariablesHelp readOnly={readOnly} onPick={(v) => set({ body: `${s.body}${v}` })} />
              </Group>
            }
          />
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <NumberInput
              label="Spoon cost"
              description="If it asks them to act: what it costs the customer (0–10). Empty: it asks nothing"
              inputWrapperOrder={BELOW}
              placeholder="Asks nothing"
              min={0}
              max={10}
              clampBehavior="none"
              allowDecimal={false}
              value={s.spoonCost}
              onChange={(v) => set({ spoonCost: v })}
              error={error('spoonCost')}
              readOnly={readOnly}
            />
            {s.spoonCost !== '' && s.spoonCost !== 0 && <OverloadSelect set={set} value={s.onOverload} error={error} readOnly={readOnly} />}
          </SimpleGrid>
          <Checkbox
            label="Send after a CSM approves"
            description="The rendered e-mail waits in an approval task in the owner’s inbox; they may edit it, then approve (it is sent) or reject it."
            checked={s.approval}
            onChange={(e) => set({ approval: e.currentTarget.checked })}
            disabled={readOnly}
          />
          <EmailPreviewPanel step={s} />
        </Stack>
      );
    case 'wait':
      return (
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <NumberInput label="Wait (days)" description="Fractions allowed: 0.5 is 12 hours" inputWrapperOrder={BELOW} min={0} max={365} clampBehavior="none" decimalScale={2} value={s.days} onChange={(v) => set({ days: v })} error={error('days')} readOnly={readOnly} />
          {titleInput(false, 'Give them time to try it')}
        </SimpleGrid>
      );
    case 'webhook':
      return (
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <Select
            label="Webhook"
            required
            description="It receives a signed playbook.step event"
            inputWrapperOrder={BELOW}
            placeholder={webhooks?.length === 0 ? 'No webhooks yet: an admin adds them' : 'Choose a webhook'}
            data={(webhooks ?? []).map((w) => ({ value: w.id, label: `${w.name}${w.enabled ? '' : ' (disabled)'}` }))}
            value={s.webhookId}
            onChange={(v) => set({ webhookId: v })}
            error={error('webhookId')}
            readOnly={readOnly}
          />
          {titleInput(false, 'Tell the billing system')}
        </SimpleGrid>
      );
    case 'apply_plan_template':
      return (
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <PlanTemplateSelect step={s} set={set} error={error} readOnly={readOnly} />
          {titleInput(false, 'Start the onboarding plan')}
        </SimpleGrid>
      );
    case 'checkin':
    case 'survey':
      return (
        <Stack gap="sm">
          {s.kind === 'checkin' ? (
            <TextInput
              label="Initiative"
              required
              description="Found on the account by this title, or created: the contact scores its importance and their confidence (0–10)"
              inputWrapperOrder={BELOW}
              placeholder="Roll out SSO"
              value={s.title}
              onChange={(e) => set({ title: e.currentTarget.value })}
              error={error('title')}
              readOnly={readOnly}
            />
          ) : (
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
              <SurveySelect step={s} set={set} error={error} readOnly={readOnly} />
              {titleInput(true, 'Quarterly NPS')}
            </SimpleGrid>
          )}
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            <AskToSelect step={s} set={set} error={error} readOnly={readOnly} />
            <OverloadSelect set={set} value={s.onOverload} error={error} readOnly={readOnly} />
          </SimpleGrid>
          <Textarea label="Note" description="Added to the owner’s task when they ask on a call" inputWrapperOrder={BELOW} autosize minRows={1} value={s.note} onChange={(e) => set({ note: e.currentTarget.value })} error={error('note')} readOnly={readOnly} />
        </Stack>
      );
  }
}
