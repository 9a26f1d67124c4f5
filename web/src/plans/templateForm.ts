import type { CriterionKind, Direction, MetricMeasure, PlanTemplate, PlanTemplateInput } from '../api/planTypes';
import { templateCreate } from '../api/schemas';
import { contactRoleLabel } from '../components/format';
import type { ContactRole } from '../api/types';

/** The template editor's state: the API's shape, each list item with a stable key for React. */
let nextKey = 1;
const key = () => nextKey++;

export type TaskForm = { k: number; title: string; offsetDays: number; owner: string | null };
export type MilestoneForm = { k: number; title: string; offsetDays: number; owner: string | null; tasks: TaskForm[] };
export type CriterionForm = {
  k: number;
  name: string;
  kind: CriterionKind;
  driverId: string | null;
  event: string;
  measure: MetricMeasure;
  windowDays: number;
  direction: Direction;
  target: number | '';
};
export type GoalForm = { k: number; statement: string; why: string; targetOffsetDays: number | ''; criteria: CriterionForm[]; milestones: MilestoneForm[] };
export type TemplateFormState = { name: string; description: string; segment: string; stage: string | null; goals: GoalForm[] };

export const newTask = (): TaskForm => ({ k: key(), title: '', offsetDays: 0, owner: 'customer:champion' });
export const newMilestone = (): MilestoneForm => ({ k: key(), title: '', offsetDays: 30, owner: 'csm', tasks: [] });
export const newCriterion = (): CriterionForm => ({ k: key(), name: '', kind: 'driver', driverId: null, event: '', measure: 'count', windowDays: 30, direction: 'up', target: '' });
export const newGoal = (): GoalForm => ({ k: key(), statement: '', why: '', targetOffsetDays: 90, criteria: [], milestones: [newMilestone()] });

export function initialTemplateForm(t?: PlanTemplate): TemplateFormState {
  if (!t) return { name: '', description: '', segment: '', stage: null, goals: [newGoal()] };
  return {
    name: t.name,
    description: t.description,
    segment: t.segment ?? '',
    stage: t.stage,
    goals: t.goals.map((g) => ({
      k: key(),
      statement: g.statement,
      why: g.why,
      targetOffsetDays: g.targetOffsetDays ?? '',
      criteria: g.criteria.map((c) => ({
        k: key(),
        name: c.name,
        kind: c.kind,
        driverId: c.driverId ?? null,
        event: c.metric?.event ?? '',
        measure: c.metric?.measure ?? 'count',
        windowDays: c.metric?.windowDays ?? 30,
        direction: c.direction ?? 'up',
        target: c.target ?? '',
      })),
      milestones: g.milestones.map((m) => ({
        k: key(),
        title: m.title,
        offsetDays: m.offsetDays,
        owner: m.owner,
        tasks: m.tasks.map((x) => ({ k: key(), title: x.title, offsetDays: x.offsetDays, owner: x.owner })),
      })),
    })),
  };
}

export function toTemplateInput(f: TemplateFormState): PlanTemplateInput {
  return {
    name: f.name.trim(),
    description: f.description.trim(),
    segment: f.segment.trim() || null,
    stage: f.stage,
    goals: f.goals.map((g) => ({
      statement: g.statement.trim(),
      why: g.why.trim(),
      targetOffsetDays: g.targetOffsetDays === '' ? null : g.targetOffsetDays,
      criteria: g.criteria.map((c) => ({
        name: c.name.trim(),
        kind: c.kind,
        direction: c.direction,
        target: c.target === '' ? null : c.target,
        ...(c.kind === 'driver' ? { driverId: c.driverId } : {}),
        ...(c.kind === 'metric' ? { metric: { event: c.event.trim(), measure: c.measure, windowDays: c.windowDays } } : {}),
      })),
      milestones: g.milestones.map((m) => ({
        title: m.title.trim(),
        offsetDays: m.offsetDays,
        owner: m.owner,
        tasks: m.tasks.map((x) => ({ title: x.title.trim(), offsetDays: x.offsetDays, owner: x.owner })),
      })),
    })),
  };
}

/** The API's day offsets (src/plans/schema.ts): whole days, up to ten years before or after the start. */
export const OFFSET_DAYS = { min: -3650, max: 3650 } as const;
/** A metric criterion's window: whole days, 1 to 365. */
export const WINDOW_DAYS = { min: 1, max: 365 } as const;
const wholeIn = (v: number, r: { min: number; max: number }) => Number.isInteger(v) && v >= r.min && v <= r.max;
const OFFSET_MESSAGE = `Whole days, ${OFFSET_DAYS.min} to ${OFFSET_DAYS.max}`;
const WINDOW_MESSAGE = `Whole days, ${WINDOW_DAYS.min} to ${WINDOW_DAYS.max}`;

/** A metric window as typed (empty: the default, 30 days): the field's message when out of range, never clamped. */
export const windowDaysError = (v: number | string): string | undefined => (v === '' || (typeof v === 'number' && wholeIn(v, WINDOW_DAYS)) ? undefined : WINDOW_MESSAGE);

/**
 * Messages by dotted path (`goals.0.milestones.1.title`), from the API's own schema; the day
 * numbers get a plain message of their own (the fields never clamp them: issue 9 §7).
 */
export function validateTemplate(f: TemplateFormState): Record<string, string> {
  const out: Record<string, string> = {};
  f.goals.forEach((g, gi) => {
    const p = `goals.${gi}`;
    if (g.targetOffsetDays !== '' && !wholeIn(g.targetOffsetDays, OFFSET_DAYS)) out[`${p}.targetOffsetDays`] = OFFSET_MESSAGE;
    g.criteria.forEach((c, ci) => {
      if (c.kind === 'metric' && !wholeIn(c.windowDays, WINDOW_DAYS)) out[`${p}.criteria.${ci}.metric.windowDays`] = WINDOW_MESSAGE;
    });
    g.milestones.forEach((m, mi) => {
      const mp = `${p}.milestones.${mi}`;
      if (!wholeIn(m.offsetDays, OFFSET_DAYS)) out[`${mp}.offsetDays`] = OFFSET_MESSAGE;
      m.tasks.forEach((t, ti) => {
        if (!wholeIn(t.offsetDays, OFFSET_DAYS)) out[`${mp}.tasks.${ti}.offsetDays`] = OFFSET_MESSAGE;
      });
    });
  });
  const result = templateCreate.safeParse(toTemplateInput(f));
  if (result.success) return out;
  for (const issue of result.error.issues) {
    const path = issue.path.map(String).join('.');
    if (!(path in out)) out[path] = issue.message;
  }
  return out;
}

const ROLES: ContactRole[] = ['champion', 'executive_sponsor', 'admin', 'user'];
/** 'csm' | 'customer:<role>' in words. */
export const OWNER_CHOICES = [
  { value: 'csm', label: 'The account’s CSM' },
  ...ROLES.map((r) => ({ value: `customer:${r}`, label: `Customer: ${contactRoleLabel[r].toLowerCase()}` })),
];
export const ownerLabel = (o: string | null) => OWNER_CHOICES.find((c) => c.value === o)?.label ?? 'No owner';
