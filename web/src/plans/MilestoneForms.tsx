import { Button, Group, Modal, Slider, Stack, Switch, Text, TextInput } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { type FormEvent, useState } from 'react';
import { useMe } from '../api/auth';
import { type Milestone, useCreateMilestone, useCreatePlanTask, useUpdateMilestone } from '../api/plans';
import type { PlanTaskInput } from '../api/planTypes';
import { CapacityExceededDialog } from '../capacity/CapacityExceededDialog';
import { milestoneCreate, milestoneTaskCreate } from '../api/schemas';
import { FormError, notifySuccess } from '../components/feedback';
import { schemaErrors, useSchemaCheck } from '../components/schemaErrors';
import { addDays, type OwnerChoice, OwnerPicker, ownerFields, today } from './formBits';

interface MilestoneProps {
  accountId: string;
  goalId: string;
  milestone?: Milestone | null;
  opened: boolean;
  onClose: () => void;
}

export function MilestoneFormModal(props: MilestoneProps) {
  return (
    <Modal opened={props.opened} onClose={props.onClose} title={props.milestone ? 'Edit milestone' : 'Add a milestone'} centered>
      {props.opened && <MilestoneForm {...props} />}
    </Modal>
  );
}

function initialOwner(m: Milestone | null | undefined, meId: string): OwnerChoice {
  if (!m) return { side: 'vendor', userId: meId, contactId: null };
  if (m.owner?.side === 'customer') return { side: 'customer', userId: null, contactId: m.owner.contactId };
  return { side: 'vendor', userId: m.owner?.side === 'vendor' ? m.owner.userId : null, contactId: null };
}

function MilestoneForm({ accountId, goalId, milestone, onClose }: MilestoneProps) {
  const me = useMe();
  const create = useCreateMilestone(goalId);
  const update = useUpdateMilestone();
  const m = milestone ? update : create;
  const [title, setTitle] = useState(milestone?.title ?? '');
  const [dueAt, setDueAt] = useState<string | null>(milestone?.dueAt ?? addDays(today(), 30));
  const [owner, setOwner] = useState<OwnerChoice>(() => initialOwner(milestone, me.id));
  const [hidden, setHidden] = useState(milestone?.hiddenFromCustomer ?? false);
  const local: Record<string, string> = {};
  if (!title.trim()) local.title = 'Name the milestone, e.g. “SSO live”.';
  if (!dueAt) local.dueAt = 'Pick a due date.';
  const body = { title: title.trim(), dueAt, hiddenFromCustomer: hidden, ...ownerFields(owner, 'ownerUserId', 'ownerContactId') };
  const { fields, validate } = useSchemaCheck(() => ({ ...schemaErrors(milestoneCreate, body), ...local }), m.error);
  const shown = fields;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!validate()) return;
    const onSuccess = () => {
      notifySuccess(milestone ? 'Milestone saved' : 'Milestone added');
      onClose();
    };
    if (milestone) {
      // Editing: say explicitly which side lost its owner.
      const patch = { ...body, ownerUserId: owner.side === 'vendor' ? owner.userId : null, ownerContactId: owner.side === 'customer' ? owner.contactId : null };
      update.mutate({ id: milestone.id, patch }, { onSuccess });
    } else create.mutate(body, { onSuccess });
  };

  return (
    <form onSubmit={submit} noValidate aria-label={milestone ? 'Edit milestone' : 'Add a milestone'}>
      <Stack gap="md">
        <FormError error={m.error} shownFields={['title', 'dueAt', 'ownerUserId', 'ownerContactId', 'owner', 'hiddenFromCustomer']} />
        <TextInput label="Milestone" placeholder="SSO live" value={title} onChange={(e) => setTitle(e.currentTarget.value)} error={shown.title} required data-autofocus />
        <DateInput label="Due" valueFormat="YYYY-MM-DD" placeholder="YYYY-MM-DD" value={dueAt} onChange={setDueAt} error={shown.dueAt} required />
        <OwnerPicker accountId={accountId} value={owner} onChange={setOwner} error={fields.ownerUserId ?? fields.ownerContactId ?? fields.owner} />
        <Switch label="Hide from the customer" checked={hidden} onChange={(e) => setHidden(e.currentTarget.checked)} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={m.isPending}>
            Cancel
          </Button>
          <Button type="submit" loading={m.isPending}>
            {milestone ? 'Save milestone' : 'Add milestone'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

interface TaskProps {
  accountId: string;
  milestone: Milestone;
  opened: boolean;
  onClose: () => void;
}

export function PlanTaskFormModal(props: TaskProps) {
  return (
    <Modal opened={props.opened} onClose={props.onClose} title={`Add a task to “${props.milestone.title}”`} centered>
      {props.opened && <PlanTaskForm {...props} />}
    </Modal>
  );
}

function PlanTaskForm({ accountId, milestone, onClose }: TaskProps) {
  const me = useMe();
  const create = useCreatePlanTask(milestone.id);
  const [title, setTitle] = useState('');
  const [dueAt, setDueAt] = useState<string | null>(milestone.dueAt);
  const [owner, setOwner] = useState<OwnerChoice>(
    milestone.owner?.side === 'customer' ? { side: 'customer', userId: null, contactId: milestone.owner.contactId } : { side: 'vendor', userId: me.id, contactId: null },
  );
  const [effort, setEffort] = useState(3);
  const [hidden, setHidden] = useState(false);
  const body = {
    title: title.trim(),
    dueAt,
    hiddenFromCustomer: hidden,
    ...ownerFields(owner, 'assigneeUserId', 'assigneeContactId'),
    ...(owner.side === 'customer' ? { customerEffort: effort } : {}),
  };
  const { fields, validate } = useSchemaCheck(
    () => ({ ...schemaErrors(milestoneTaskCreate, body), ...(title.trim() ? {} : { title: 'Say what is to be done.' }) }),
    create.error,
  );
  const titleError = fields.title;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!validate()) return;
    send(body);
  };
  const send = (input: PlanTaskInput) =>
    create.mutate(input, {
        onSuccess: () => {
          notifySuccess(input.giveSpoon ? 'A spoon given: the task is ours' : 'Task added');
          onClose();
        },
    });

  return (
    <form onSubmit={submit} noValidate aria-label="Add a task">
      <CapacityExceededDialog error={create.error} pending={create.isPending} onChoose={(choice) => send({ ...body, ...choice })} onCancel={() => create.reset()} />
      <Stack gap="md">
        <FormError error={create.error} shownFields={['title', 'dueAt', 'assigneeUserId', 'assigneeContactId', 'customerEffort', 'hiddenFromCustomer']} />
        <TextInput label="Task" value={title} onChange={(e) => setTitle(e.currentTarget.value)} error={titleError} required data-autofocus />
        <DateInput label="Due" valueFormat="YYYY-MM-DD" placeholder="YYYY-MM-DD" value={dueAt} onChange={setDueAt} clearable error={fields.dueAt} />
        <OwnerPicker accountId={accountId} label="Owner" value={owner} onChange={setOwner} error={fields.assigneeUserId ?? fields.assigneeContactId} />
        {owner.side === 'customer' && (
          <div>
            <Text size="sm" fw={500}>
              Customer effort: {effort} / 10
            </Text>
            <Text size="xs" c="dimmed" mb={6}>
              What it costs them. Keep the customer’s total small: the plan should feel like help.
            </Text>
            <Slider aria-label="Customer effort" min={0} max={10} step={1} value={effort} onChange={setEffort} marks={[{ value: 0 }, { value: 5 }, { value: 10 }]} />
            {fields.customerEffort && (
              <Text size="xs" c="red">
                {fields.customerEffort}
              </Text>
            )}
          </div>
        )}
        <Switch label="Hide from the customer" checked={hidden} onChange={(e) => setHidden(e.currentTarget.checked)} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={create.isPending}>
            Cancel
          </Button>
          <Button type="submit" loading={create.isPending}>
            Add task
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
