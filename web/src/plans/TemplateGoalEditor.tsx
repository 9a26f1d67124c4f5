import { ActionIcon, Autocomplete, Button, Card, Group, NumberInput, Paper, Select, SimpleGrid, Stack, Text, Textarea, TextInput } from '@mantine/core';
import type { Driver } from '../api/healthTypes';
import { CRITERION_KINDS, type CriterionKind, type Direction, METRIC_MEASURES, type MetricMeasure } from '../api/planTypes';
import { Icon } from '../components/icons';
import { measureLabel } from './planUi';
import { type CriterionForm, type GoalForm, type MilestoneForm, newCriterion, newMilestone, newTask, OWNER_CHOICES, ownerLabel, type TaskForm } from './templateForm';

/** The owner option list as wide as its longest label ("Customer: executive sponsor"), not cut at the field's width. */
const FULL_WIDTH_OPTIONS = { width: 'max-content', position: 'bottom-start' } as const;

interface Props {
  goal: GoalForm;
  index: number;
  editable: boolean;
  drivers: Driver[];
  events: string[];
  error: (path: string) => string | undefined;
  onChange: (g: GoalForm) => void;
  onRemove: () => void;
}

const SHORT_KIND: Record<CriterionKind, string> = { driver: 'Health driver', metric: 'Usage metric', manual: 'A number', rating: 'Rating 1–5' };

const int = (v: string | number, fallback = 0) => (v === '' ? fallback : Math.trunc(Number(v)));

/** One goal of a template: its words, target offset, criteria and milestones (with their tasks). */
export function TemplateGoalEditor({ goal, index, editable, drivers, events, error, onChange, onRemove }: Props) {
  const p = `goals.${index}`;
  const set = (patch: Partial<GoalForm>) => onChange({ ...goal, ...patch });
  const setCriterion = (k: number, patch: Partial<CriterionForm>) => set({ criteria: goal.criteria.map((c) => (c.k === k ? { ...c, ...patch } : c)) });
  const setMilestone = (k: number, patch: Partial<MilestoneForm>) => set({ milestones: goal.milestones.map((m) => (m.k === k ? { ...m, ...patch } : m)) });
  const setTask = (m: MilestoneForm, k: number, patch: Partial<TaskForm>) => setMilestone(m.k, { tasks: m.tasks.map((t) => (t.k === k ? { ...t, ...patch } : t)) });

  return (
    <Card padding="lg" data-testid="template-goal">
      <Group justify="space-between" mb="sm">
        <Text fw={600}>Goal {index + 1}</Text>
        {editable && (
          <Button size="compact-xs" variant="subtle" color="red" leftSection={<Icon name="trash" size={12} />} onClick={onRemove}>
            Remove goal
          </Button>
        )}
      </Group>
      <Stack gap="sm">
        <Textarea
          label="Goal"
          description="A pattern the CSM rewrites in the customer’s words: “From … to … by …”"
          autosize
          minRows={1}
          value={goal.statement}
          onChange={(e) => set({ statement: e.currentTarget.value })}
          error={error(`${p}.statement`)}
          readOnly={!editable}
        />
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <Textarea
            label="Why it usually matters"
            autosize
            minRows={1}
            value={goal.why}
            onChange={(e) => set({ why: e.currentTarget.value })}
            error={error(`${p}.why`)}
            readOnly={!editable}
            style={{ gridColumn: 'span 2' }}
          />
          <NumberInput
            label="Target (days after start)"
            min={-3650}
            max={3650}
            clampBehavior="none"
            allowDecimal={false}
            value={goal.targetOffsetDays}
            onChange={(v) => set({ targetOffsetDays: v === '' ? '' : int(v) })}
            error={error(`${p}.targetOffsetDays`)}
            readOnly={!editable}
          />
        </SimpleGrid>

        <Text size="xs" fw={600} c="dimmed" tt="uppercase" mt="xs">
          Success criteria
        </Text>
        {goal.criteria.length === 0 && (
          <Text size="sm" c="dimmed">
            None: a goal without criteria is never achieved. Tie one to a driver or a usage metric.
          </Text>
        )}
        {goal.criteria.map((c, ci) => {
          const cp = `${p}.criteria.${ci}`;
          return (
            <Paper key={c.k} withBorder p="xs" radius="md">
              <Group gap="xs" align="flex-start" wrap="nowrap">
                <TextInput aria-label={`Criterion ${ci + 1} name`} placeholder="Weekly reports sent" value={c.name} onChange={(e) => setCriterion(c.k, { name: e.currentTarget.value })} error={error(`${cp}.name`)} readOnly={!editable} style={{ flex: 1 }} />
                <Select
                  aria-label={`Criterion ${ci + 1} kind`}
                  data={CRITERION_KINDS.map((k) => ({ value: k, label: SHORT_KIND[k] }))}
                  value={c.kind}
                  onChange={(v) => v && setCriterion(c.k, { kind: v as CriterionKind })}
                  allowDeselect={false}
                  readOnly={!editable}
                  w={150}
                />
                {editable && (
                  <ActionIcon variant="subtle" color="gray" mt={6} aria-label={`Remove criterion ${ci + 1}`} onClick={() => set({ criteria: goal.criteria.filter((x) => x.k !== c.k) })}>
                    <Icon name="trash" size={16} />
                  </ActionIcon>
                )}
              </Group>
              <Group gap="xs" align="flex-start" wrap="wrap" mt={6}>
                {c.kind === 'driver' && (
                  <Select
                    aria-label={`Criterion ${ci + 1} driver`}
                    placeholder="Driver"
                    data={drivers.map((d) => ({ value: d.id, label: d.name }))}
                    value={c.driverId}
                    onChange={(v) => setCriterion(c.k, { driverId: v })}
                    searchable
                    error={error(`${cp}.driverId`)}
                    readOnly={!editable}
                    style={{ flex: 1, minWidth: 220 }}
                  />
                )}
                {c.kind === 'metric' && (
                  <>
                    <Autocomplete aria-label={`Criterion ${ci + 1} event`} placeholder="Event" data={events} value={c.event} onChange={(v) => setCriterion(c.k, { event: v })} error={error(`${cp}.metric`) ?? error(`${cp}.metric.event`)} readOnly={!editable} style={{ flex: 1, minWidth: 180 }} />
                    <Select aria-label={`Criterion ${ci + 1} measure`} data={METRIC_MEASURES.map((x) => ({ value: x, label: measureLabel[x] }))} value={c.measure} onChange={(v) => v && setCriterion(c.k, { measure: v as MetricMeasure })} allowDeselect={false} readOnly={!editable} w={140} />
                    <NumberInput aria-label={`Criterion ${ci + 1} window in days`} suffix=" days" min={1} max={365} clampBehavior="none" allowDecimal={false} value={c.windowDays} onChange={(v) => setCriterion(c.k, { windowDays: int(v, 30) })} error={error(`${cp}.metric.windowDays`)} readOnly={!editable} w={100} />
                  </>
                )}
                {(c.kind === 'manual' || c.kind === 'rating') && (
                  <Text size="xs" c="dimmed" style={{ flex: 1, alignSelf: 'center' }}>
                    {c.kind === 'manual' ? 'Entered by hand on the plan, with its date.' : 'Both sides rate it 1–5 on the plan.'}
                  </Text>
                )}
                <Select
                  aria-label={`Criterion ${ci + 1} direction`}
                  data={[
                    { value: 'up', label: 'Higher is better' },
                    { value: 'down', label: 'Lower is better' },
                  ]}
                  value={c.direction}
                  onChange={(v) => v && setCriterion(c.k, { direction: v as Direction })}
                  allowDeselect={false}
                  readOnly={!editable}
                  w={165}
                />
                <NumberInput aria-label={`Criterion ${ci + 1} target`} placeholder="Target" leftSection={<Text size="xs" c="dimmed">target</Text>} leftSectionWidth={52} value={c.target} onChange={(v) => setCriterion(c.k, { target: v === '' ? '' : Number(v) })} error={error(`${cp}.target`)} readOnly={!editable} w={140} />
              </Group>
            </Paper>
          );
        })}
        {editable && (
          <Group>
            <Button size="compact-xs" variant="light" leftSection={<Icon name="plus" size={12} />} onClick={() => set({ criteria: [...goal.criteria, newCriterion()] })}>
              Add criterion
            </Button>
          </Group>
        )}

        <Text size="xs" fw={600} c="dimmed" tt="uppercase" mt="xs">
          Milestones
        </Text>
        {goal.milestones.map((m, mi) => {
          const mp = `${p}.milestones.${mi}`;
          return (
            <Paper key={m.k} withBorder p="xs" radius="md">
              <Group gap="xs" align="flex-start" wrap="nowrap">
                <TextInput aria-label={`Milestone ${mi + 1} title`} placeholder="SSO live" value={m.title} onChange={(e) => setMilestone(m.k, { title: e.currentTarget.value })} error={error(`${mp}.title`)} readOnly={!editable} style={{ flex: 1 }} />
                <NumberInput aria-label={`Milestone ${mi + 1} due, days after start`} prefix="day " min={-3650} max={3650} clampBehavior="none" allowDecimal={false} value={m.offsetDays} onChange={(v) => setMilestone(m.k, { offsetDays: int(v) })} error={error(`${mp}.offsetDays`)} readOnly={!editable} w={110} />
                <Select aria-label={`Milestone ${mi + 1} owner`} placeholder="No owner" data={OWNER_CHOICES} value={m.owner} onChange={(v) => setMilestone(m.k, { owner: v })} clearable readOnly={!editable} w={280} title={m.owner ? ownerLabel(m.owner) : undefined} comboboxProps={FULL_WIDTH_OPTIONS} />
                {editable && (
                  <ActionIcon variant="subtle" color="gray" mt={6} aria-label={`Remove milestone ${mi + 1}`} onClick={() => set({ milestones: goal.milestones.filter((x) => x.k !== m.k) })}>
                    <Icon name="trash" size={16} />
                  </ActionIcon>
                )}
              </Group>
              <Stack gap={4} mt={6} pl="lg">
                {m.tasks.map((t, ti) => (
                  <Group key={t.k} gap="xs" wrap="nowrap" align="flex-start">
                    <TextInput size="xs" aria-label={`Milestone ${mi + 1} task ${ti + 1}`} placeholder="Task" value={t.title} onChange={(e) => setTask(m, t.k, { title: e.currentTarget.value })} error={error(`${mp}.tasks.${ti}.title`)} readOnly={!editable} style={{ flex: 1 }} />
                    <NumberInput size="xs" aria-label={`Task ${ti + 1} due, days after start`} prefix="day " allowDecimal={false} min={-3650} max={3650} clampBehavior="none" value={t.offsetDays} onChange={(v) => setTask(m, t.k, { offsetDays: int(v) })} error={error(`${mp}.tasks.${ti}.offsetDays`)} readOnly={!editable} w={100} />
                    <Select size="xs" aria-label={`Task ${ti + 1} owner`} placeholder="No owner" data={OWNER_CHOICES} value={t.owner} onChange={(v) => setTask(m, t.k, { owner: v })} clearable readOnly={!editable} w={260} title={t.owner ? ownerLabel(t.owner) : undefined} comboboxProps={FULL_WIDTH_OPTIONS} />
                    {editable && (
                      <ActionIcon size="sm" variant="subtle" color="gray" mt={4} aria-label={`Remove task ${ti + 1}`} onClick={() => setMilestone(m.k, { tasks: m.tasks.filter((x) => x.k !== t.k) })}>
                        <Icon name="trash" size={14} />
                      </ActionIcon>
                    )}
                  </Group>
                ))}
                {editable && (
                  <Group>
                    <Button size="compact-xs" variant="subtle" leftSection={<Icon name="plus" size={12} />} onClick={() => setMilestone(m.k, { tasks: [...m.tasks, { ...newTask(), offsetDays: m.offsetDays }] })}>
                      Add task
                    </Button>
                  </Group>
                )}
              </Stack>
            </Paper>
          );
        })}
        {editable && (
          <Group>
            <Button size="compact-xs" variant="light" leftSection={<Icon name="plus" size={12} />} onClick={() => set({ milestones: [...goal.milestones, newMilestone()] })}>
              Add milestone
            </Button>
          </Group>
        )}
      </Stack>
    </Card>
  );
}
