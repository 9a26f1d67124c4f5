import { Button, Group, Modal, Select, Stack, Text, Textarea } from '@mantine/core';
import { DatePickerInput } from '@mantine/dates';
import dayjs from 'dayjs';
import { type FormEvent, type KeyboardEvent, useState } from 'react';
import { type HarvestInput, type Seed, useAccountPlanRefs, useHarvest } from '../api/seeds';
import { FormError, notifySuccess } from '../components/feedback';
import { nestedFieldErrors } from './PlantSeedFields';

interface Props {
  seed: Seed | null;
  onClose: () => void;
}

/** "Harvest into a goal": the seed becomes a goal of the account's success plan, in one click. */
export function HarvestModal({ seed, onClose }: Props) {
  return (
    <Modal opened={!!seed} onClose={onClose} title="Harvest into a goal" size="lg" centered>
      {seed && <HarvestForm key={seed.id} seed={seed} onClose={onClose} />}
    </Modal>
  );
}

function HarvestForm({ seed, onClose }: { seed: Seed; onClose: () => void }) {
  const harvest = useHarvest();
  const plans = useAccountPlanRefs(seed.accountId);
  // Empty to start: the question is what we asked, the goal is what the customer says they want.
  const [statement, setStatement] = useState('');
  const [tried, setTried] = useState(false);
  const [why, setWhy] = useState('');
  const [targetDate, setTargetDate] = useState<string | null>(null);
  const [planId, setPlanId] = useState<string | null>(null);
  const fields = nestedFieldErrors(harvest.error);
  const planList = plans.data ?? [];

  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    if (harvest.isPending) return;
    setTried(true);
    if (!statement.trim()) return;
    const body: HarvestInput = { statement: statement.trim() };
    if (why.trim()) body.why = why.trim();
    if (targetDate) body.targetDate = dayjs(targetDate).format('YYYY-MM-DD');
    const plan = planId ?? (planList.length === 1 ? planList[0]?.id : undefined);
    if (plan) body.planId = plan;
    harvest.mutate(
      { seedId: seed.id, ...body },
      {
        onSuccess: (s) => {
          notifySuccess(`Harvested: “${s.goalStatement ?? statement}” is a goal of the success plan`);
          onClose();
        },
      },
    );
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) submit();
  };

  return (
    <form onSubmit={submit} onKeyDown={onKeyDown} noValidate aria-label="Harvest into a goal">
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          The customer carries this idea now: make it a goal of their success plan, in their words — “from X to Y by a date” —
          {planList.length === 0 && plans.isSuccess ? ' a plan is created for the account with it.' : ' the seed links to it.'}
        </Text>
        <FormError error={harvest.error} shownFields={['statement', 'why', 'targetDate', 'planId', 'goalId']} />
        <Text size="xs" c="dimmed" data-testid="harvest-grew-from">
          Grew from: “{seed.text}”
        </Text>
        <Textarea
          label="Goal, in the customer’s words"
          placeholder="From 10 days to 4 by June"
          autosize
          minRows={2}
          value={statement}
          onChange={(e) => setStatement(e.currentTarget.value)}
          error={(tried && !statement.trim() ? 'Write the goal as the customer put it, e.g. “from 10 days to 4 by June”.' : undefined) ?? fields.statement ?? fields.goalId}
          required
          data-autofocus
        />
        <Textarea label="Why it matters to them" placeholder="Optional" autosize minRows={1} maxRows={4} value={why} onChange={(e) => setWhy(e.currentTarget.value)} error={fields.why} />
        <Group grow align="flex-start">
          <DatePickerInput label="Target date" placeholder="Optional" value={targetDate} onChange={setTargetDate} minDate={dayjs().format('YYYY-MM-DD')} clearable error={fields.targetDate} valueFormat="MMM D, YYYY" />
          {planList.length > 1 && (
            <Select
              label="Into the plan"
              data={planList.map((p) => ({ value: p.id, label: p.title }))}
              value={planId ?? planList[0]?.id ?? null}
              onChange={setPlanId}
              allowDeselect={false}
              error={fields.planId}
            />
          )}
        </Group>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={harvest.isPending}>
            Cancel
          </Button>
          <Button type="submit" color="green" loading={harvest.isPending}>
            Harvest into a goal
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
