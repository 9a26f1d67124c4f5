import type { Band } from '../api/healthTypes';
import type { AssigneeRole } from '../api/playbooks';
import type { ActionType, Cmp, Leaf, LeafType, NotifyRole, PlanStatus, Rule, RuleAction, RuleInput, SeedStageName } from '../api/rules';
import type { TaskKind } from '../api/tasks';
import type { Stage } from '../api/types';

type NumText = number | string;

/** One condition row: every type's fields at once, so switching type keeps what still fits. */
export interface LeafDraft {
  id: number;
  type: LeafType;
  op: string;
  bands: Band[];
  value: NumText;
  direction: 'drop' | 'rise';
  points: NumText;
  withinDays: NumText;
  driver: string | null;
  measure: 'value' | 'score';
  values: string[];
  event: string;
  seen: boolean;
  field: string;
  fieldValue: string;
  /** autopilot: true = on autopilot, false = not on it. */
  onAutopilot: boolean;
}

export interface ActionDraft {
  id: number;
  type: ActionType;
  playbookId: string | null;
  title: string;
  reason: string;
  assignee: AssigneeRole;
  priority: string;
  dueInDays: NumText;
  kind: TaskKind;
  recipients: NotifyRole[];
  message: string;
  webhookId: string | null;
  /** raise_risk: the signal kind, an optional strength (0–1 exclusive; empty: the kind's) and the note. */
  signalKind: string | null;
  strength: NumText;
  note: string;
}

export type WindowUnit = 'hours' | 'days';

export interface RuleForm {
  name: string;
  description: string;
  enabled: boolean;
  match: 'all' | 'any';
  conditions: LeafDraft[];
  actions: ActionDraft[];
  windowValue: NumText;
  windowUnit: WindowUnit;
}

const SET_TYPES: LeafType[] = ['health_band', 'stage', 'segment', 'plan_status'];
const defaultOp = (t: LeafType) => (SET_TYPES.includes(t) ? 'in' : t === 'field' ? 'eq' : t === 'arr' ? 'gte' : t === 'days_to_renewal' ? 'lte' : 'lt');

let nextId = 0;

export function newLeaf(type: LeafType = 'health_band', from?: Leaf): LeafDraft {
  const d: LeafDraft = {
    id: ++nextId, type, op: defaultOp(type), bands: ['poor'], value: type === 'days_to_renewal' ? 90 : type === 'arr' ? 50000 : 40,
    direction: 'drop', points: 10, withinDays: 7, driver: null, measure: 'value', values: [], event: '', seen: false, field: 'seats', fieldValue: '',
    onAutopilot: true,
  };
  if (!from) return d;
  switch (from.type) {
    case 'health_band': return { ...d, op: from.op, bands: from.bands };
    case 'health_band_changed': return { ...d, bands: from.to, withinDays: from.withinDays };
    case 'health_score':
    case 'arr':
    case 'days_to_renewal': return { ...d, op: from.op, value: from.value };
    case 'health_score_change': return { ...d, direction: from.direction, points: from.points, withinDays: from.withinDays };
    case 'driver': return { ...d, driver: from.driver, measure: from.measure, op: from.op, value: from.value };
    case 'stage':
    case 'segment': return { ...d, op: from.op, values: from.values };
    case 'event': return { ...d, event: from.event, seen: from.seen, withinDays: from.withinDays };
    case 'field': return { ...d, field: from.field, op: from.op, fieldValue: from.value === undefined ? '' : String(from.value) };
    case 'field_changed': return { ...d, field: from.field, withinDays: from.withinDays };
    case 'autopilot': return { ...d, onAutopilot: from.value };
    case 'plan_status': return { ...d, op: from.op, values: from.statuses };
    case 'seed_stage': return { ...d, values: from.stages };
  }
}

/**
 * The row after its condition type changes: the type's own defaults for the comparison, value and
 * choices ("ARR ≥ $50,000", not the previous type's "40"), keeping only what means the same for
 * every type (the bands, the days window).
 */
export function switchType(d: LeafDraft, type: LeafType): LeafDraft {
  const fresh = newLeaf(type);
  return { ...fresh, id: d.id, bands: d.bands, withinDays: d.withinDays };
}

export function newAction(type: ActionType = 'create_task', from?: RuleAction): ActionDraft {
  const d: ActionDraft = {
    id: ++nextId, type, playbookId: null, title: 'Call the customer', reason: '', assignee: 'owner', priority: '3', dueInDays: 2, kind: 'todo',
    recipients: ['owner'], message: '', webhookId: null, signalKind: null, strength: '', note: '',
  };
  if (!from) return d;
  switch (from.type) {
    case 'start_playbook': return { ...d, playbookId: from.playbookId };
    case 'create_task': return { ...d, title: from.title, reason: from.reason ?? '', assignee: from.assignee, priority: String(from.priority), dueInDays: from.dueInDays, kind: from.kind };
    case 'notify': return { ...d, recipients: from.recipients, message: from.message };
    case 'webhook': return { ...d, webhookId: from.webhookId };
    case 'raise_risk': return { ...d, signalKind: from.kind, strength: from.strength ?? '', note: from.note };
  }
}

export function initialForm(r?: Rule): RuleForm {
  const hours = r?.windowHours ?? 168;
  const inDays = hours % 24 === 0;
  return {
    name: r?.name ?? '',
    description: r?.description ?? '',
    enabled: r?.enabled ?? true,
    match: r?.condition.match ?? 'all',
    conditions: r ? r.condition.conditions.map((c) => newLeaf(c.type, c)) : [newLeaf('health_band')],
    actions: r ? r.actions.map((a) => newAction(a.type, a)) : [newAction('create_task')],
    windowValue: inDays ? hours / 24 : hours,
    windowUnit: inDays ? 'days' : 'hours',
  };
}

/** Numbers as typed; an empty box is sent as-is so the server names the field. */
const num = (v: NumText): number => (typeof v === 'number' ? v : v.trim() === '' ? Number.NaN : Number(v));
const fieldValue = (s: string): string | number | boolean => (s === 'true' ? true : s === 'false' ? false : s.trim() !== '' && Number.isFinite(Number(s)) ? Number(s) : s);

export function toLeaf(d: LeafDraft): Leaf {
  const op = d.op as Cmp;
  switch (d.type) {
    case 'health_band': return { type: d.type, op: d.op as 'in' | 'not_in', bands: d.bands };
    case 'health_band_changed': return { type: d.type, to: d.bands, withinDays: num(d.withinDays) };
    case 'health_score':
    case 'arr':
    case 'days_to_renewal': return { type: d.type, op, value: num(d.value) };
    case 'health_score_change': return { type: d.type, direction: d.direction, points: num(d.points), withinDays: num(d.withinDays) };
    case 'driver': return { type: d.type, driver: d.driver ?? '', measure: d.measure, op, value: num(d.value) };
    case 'stage': return { type: d.type, op: d.op as 'in' | 'not_in', values: d.values as Stage[] };
    case 'segment': return { type: d.type, op: d.op as 'in' | 'not_in', values: d.values };
    case 'event': return { type: d.type, event: d.event.trim(), seen: d.seen, withinDays: num(d.withinDays) };
    case 'field':
      return d.op === 'is_empty' || d.op === 'is_not_empty'
        ? { type: d.type, field: d.field.trim(), op: d.op }
        : { type: d.type, field: d.field.trim(), op: d.op as Cmp | 'contains', value: d.op === 'contains' ? d.fieldValue : fieldValue(d.fieldValue) };
    case 'field_changed': return { type: d.type, field: d.field.trim(), withinDays: num(d.withinDays) };
    case 'autopilot': return { type: d.type, value: d.onAutopilot };
    case 'plan_status': return { type: d.type, op: d.op as 'in' | 'not_in', statuses: d.values as PlanStatus[] };
    case 'seed_stage': return { type: d.type, stages: d.values as SeedStageName[] };
  }
}

export function toAction(d: ActionDraft): RuleAction {
  switch (d.type) {
    case 'start_playbook': return { type: d.type, playbookId: d.playbookId ?? '' };
    case 'create_task':
      return { type: d.type, title: d.title.trim(), ...(d.reason.trim() ? { reason: d.reason.trim() } : {}), assignee: d.assignee, priority: Number(d.priority), dueInDays: num(d.dueInDays), kind: d.kind };
    case 'notify': return { type: d.type, recipients: d.recipients, message: d.message.trim() };
    case 'webhook': return { type: d.type, webhookId: d.webhookId ?? '' };
    case 'raise_risk': {
      const strength = typeof d.strength === 'string' && d.strength.trim() === '' ? null : num(d.strength);
      return { type: d.type, kind: d.signalKind ?? '', ...(strength === null ? {} : { strength }), note: d.note.trim() };
    }
  }
}

export const toCondition = (f: RuleForm) => ({ match: f.match, conditions: f.conditions.map(toLeaf) });

export function toInput(f: RuleForm): RuleInput {
  const n = num(f.windowValue);
  return {
    name: f.name.trim(), description: f.description.trim(), enabled: f.enabled, condition: toCondition(f), actions: f.actions.map(toAction),
    windowHours: f.windowUnit === 'days' ? Math.round(n * 24) : n,
  };
}

const LEAF_FIELDS: Record<LeafType, string[]> = {
  health_band: ['op', 'bands'], health_band_changed: ['to', 'withinDays'], health_score: ['op', 'value'],
  health_score_change: ['direction', 'points', 'withinDays'], driver: ['driver', 'measure', 'op', 'value'], stage: ['op', 'values'],
  segment: ['op', 'values'], arr: ['op', 'value'], days_to_renewal: ['op', 'value'], event: ['event', 'seen', 'withinDays'],
  field: ['field', 'op', 'value'], field_changed: ['field', 'withinDays'],
  autopilot: ['value'], plan_status: ['op', 'statuses'], seed_stage: ['stages'],
};
const ACTION_FIELDS: Record<ActionType, string[]> = {
  start_playbook: ['playbookId'], create_task: ['title', 'reason', 'assignee', 'priority', 'dueInDays', 'kind'], notify: ['recipients', 'message'], webhook: ['webhookId'],
  raise_risk: ['kind', 'strength', 'note'],
};

/** The API paths an input shows beside it (`condition.conditions.0.driver`, `actions.1.title`). */
export function shownPaths(f: RuleForm): Set<string> {
  const out = new Set(['name', 'description', 'enabled', 'windowHours', 'condition.conditions', 'actions']);
  f.conditions.forEach((c, i) => LEAF_FIELDS[c.type].forEach((k) => out.add(`condition.conditions.${i}.${k}`)));
  f.actions.forEach((a, i) => ACTION_FIELDS[a.type].forEach((k) => out.add(`actions.${i}.${k}`)));
  return out;
}

const bad = (v: NumText) => !Number.isFinite(num(v));
const badDays = (v: NumText) => !(Number.isInteger(num(v)) && num(v) >= 1 && num(v) <= 365);

/** What the form can see by itself, keyed by API paths; `condition` only covers what a dry run needs. */
export function validate(f: RuleForm): { all: Record<string, string>; condition: Record<string, string> } {
  const c: Record<string, string> = {};
  f.conditions.forEach((l, i) => {
    const at = (k: string) => `condition.conditions.${i}.${k}`;
    const fields = LEAF_FIELDS[l.type];
    if ((l.type === 'health_band' || l.type === 'health_band_changed') && l.bands.length === 0) c[at(l.type === 'health_band' ? 'bands' : 'to')] = 'Pick at least one band';
    if ((l.type === 'stage' || l.type === 'segment') && l.values.length === 0) c[at('values')] = `Pick at least one ${l.type}`;
    if (fields.includes('value') && l.type !== 'field' && l.type !== 'autopilot' && bad(l.value)) c[at('value')] = 'Enter a number';
    if (l.type === 'plan_status' && l.values.length === 0) c[at('statuses')] = 'Pick at least one status';
    if (l.type === 'seed_stage' && l.values.length === 0) c[at('stages')] = 'Pick at least one stage';
    if (fields.includes('withinDays') && badDays(l.withinDays)) c[at('withinDays')] = 'Whole days, 1 to 365';
    if (l.type === 'health_score_change' && !(Number.isInteger(num(l.points)) && num(l.points) >= 1 && num(l.points) <= 100)) c[at('points')] = 'Whole points, 1 to 100';
    if (l.type === 'driver' && !l.driver) c[at('driver')] = 'Choose a driver';
    if (l.type === 'event' && !l.event.trim()) c[at('event')] = 'Name the event';
    if ((l.type === 'field' || l.type === 'field_changed') && !l.field.trim()) c[at('field')] = 'Name the field';
  });
  if (f.conditions.length === 0) c['condition.conditions'] = 'Add at least one condition';
  const all: Record<string, string> = { ...c };
  if (!f.name.trim()) all.name = 'Give the rule a name';
  if (f.actions.length === 0) all.actions = 'Add at least one action';
  f.actions.forEach((a, i) => {
    const at = (k: string) => `actions.${i}.${k}`;
    if (a.type === 'start_playbook' && !a.playbookId) all[at('playbookId')] = 'Choose a playbook';
    if (a.type === 'create_task' && !a.title.trim()) all[at('title')] = 'Say what needs doing';
    if (a.type === 'create_task' && !(Number.isInteger(num(a.dueInDays)) && num(a.dueInDays) >= 0 && num(a.dueInDays) <= 365)) all[at('dueInDays')] = 'Whole days, 0 to 365';
    if (a.type === 'notify' && a.recipients.length === 0) all[at('recipients')] = 'Pick at least one recipient';
    if (a.type === 'notify' && !a.message.trim()) all[at('message')] = 'Write the message';
    if (a.type === 'webhook' && !a.webhookId) all[at('webhookId')] = 'Choose a webhook';
    if (a.type === 'raise_risk' && !a.signalKind) all[at('kind')] = 'Choose a signal kind';
    if (a.type === 'raise_risk' && !a.note.trim()) all[at('note')] = 'Say why the rule raises it';
    if (a.type === 'raise_risk' && !(typeof a.strength === 'string' && a.strength.trim() === '') && !(num(a.strength) > 0 && num(a.strength) < 1)) {
      all[at('strength')] = 'Between 0 and 1 (exclusive), or empty for the kind\'s';
    }
  });
  const hours = f.windowUnit === 'days' ? num(f.windowValue) * 24 : num(f.windowValue);
  if (!(Number.isInteger(hours) && hours >= 1 && hours <= 8760)) all.windowHours = 'Between 1 hour and 365 days';
  return { all, condition: c };
}
