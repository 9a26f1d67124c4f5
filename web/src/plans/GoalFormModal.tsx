import { Button, Group, Modal, SimpleGrid, Stack, Switch, Text, Textarea } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { type FormEvent, useState } from 'react';
import { type Goal, useCreateGoal, useUpdateGoal } from '../api/plans';
import { goalCreate } from '../api/schemas';
import { FormError, notifySuccess } from '../components/feedback';
import { schemaErrors, useSchemaCheck } from '../components/schemaErrors';

interface Props {
  planId: string;
  goal?: Goal | null;
  opened: boolean;
  onClose: () => void;
}

export function GoalFormModal(props: Props) {
  return (
    <Modal opened={props.opened} onClose={props.onClose} title={props.goal ? 'Edit goal' : 'Add a goal'} size="lg" centered>
      {props.opened && <GoalForm {...props} />}
    </Modal>
  );
}

function GoalForm({ planId, goal, onClose }: Props) {
  const create = useCreateGoal(planId);
  const update = useUpdateGoal();
  const m = goal ? update : create;
  const [statement, setStatement] = useState(goal?.statement ?? '');
  const [why, setWhy] = useState(goal?.why ?? '');
  const [targetDate, setTargetDate] = useState<string | null>(goal?.targetDate ?? null);
  const [startDate, setStartDate] = useState<string | null>(goal?.startDate ?? null);
  const [hidden, setHidden] = useState(goal?.hiddenFromCustomer ?? false);
  const body = { statement: statement.trim(), why: why.trim(), targetDate, ...(startDate || goal ? { startDate } : {}), hiddenFromCustomer: hidden };
  const { fields, validate } = useSchemaCheck(
    () => ({ ...schemaErrors(goalCreate, body), ...(statement.trim() ? {} : { statement: 'Write the goal as the customer says it.' }) }),
    m.error,
  );
  const statementError = fields.statement;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!validate()) return;
    const done = {
      onSuccess: () => {
        notifySuccess(goal ? 'Goal saved' : 'Goal added');
        onClose();
      },
    };
    if (goal) update.mutate({ id: goal.id, patch: body }, done);
    else create.mutate(body, done);
  };

  return (
    <form
      onSubmit={submit}
      noValidate
      aria-label={goal ? 'Edit goal' : 'Add a goal'}
      // Enter writes a new line in the long fields; Ctrl+Enter (⌘+Enter) saves from anywhere in the form.
      onKeyDown={(e) => {
        if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
          e.preventDefault();
          e.currentTarget.requestSubmit();
        }
      }}
    >
      <Stack gap="md">
        <FormError error={m.error} shownFields={['statement', 'why', 'targetDate', 'startDate', 'hiddenFromCustomer']} />
        <Textarea
          label="Goal, in the customer’s words"
          description="From X to Y by a date: “Cut month-end close from 10 days to 4 by June”"
          placeholder="From … to … by …"
          autosize
          minRows={2}
          value={statement}
          onChange={(e) => setStatement(e.currentTarget.value)}
          error={statementError}
          required
          data-autofocus
        />
        <Textarea
          label="Why it matters to them"
          description="Their reason, not ours: what changes for their business when it is done"
          autosize
          minRows={2}
          value={why}
          onChange={(e) => setWhy(e.currentTarget.value)}
          error={fields.why}
        />
        <SimpleGrid cols={2}>
          <DateInput label="Target date" valueFormat="YYYY-MM-DD" placeholder="YYYY-MM-DD" value={targetDate} onChange={setTargetDate} clearable error={fields.targetDate} />
          <DateInput
            label="Counting from"
            description="Defaults to the day it is added"
            valueFormat="YYYY-MM-DD"
            placeholder="YYYY-MM-DD"
            value={startDate}
            onChange={setStartDate}
            clearable
            error={fields.startDate}
          />
        </SimpleGrid>
        <Switch
          label="Hide from the customer"
          description="Keep it off the shared page (e.g. a goal you are still framing)"
          checked={hidden}
          onChange={(e) => setHidden(e.currentTarget.checked)}
        />
        {!targetDate && (
          <Text size="xs" c="dimmed">
            Without a target date there is no pace to keep: the status follows milestones only.
          </Text>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={m.isPending}>
            Cancel
          </Button>
          <Button type="submit" loading={m.isPending}>
            {goal ? 'Save goal' : 'Add goal'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
