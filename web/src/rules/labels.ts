import { decimal, formatDateTime, formatDay } from '../components/format';
import type { ActionType, LeafType, NotifyRole, PlanStatus, SeedStageName } from '../api/rules';

export const leafTypeLabel: Record<LeafType, string> = {
  health_band: 'Health band',
  health_band_changed: 'Health band changed',
  health_score: 'Health score',
  health_score_change: 'Health score moved',
  driver: 'Driver',
  stage: 'Stage',
  segment: 'Segment',
  arr: 'ARR',
  days_to_renewal: 'Days to renewal',
  event: 'Product event',
  field: 'Account field',
  field_changed: 'Field changed',
  autopilot: 'On autopilot',
  plan_status: 'Success plan status',
  seed_stage: 'Has a seed in stage',
};

export const planStatusLabel: Record<PlanStatus, string> = { off_track: 'Off track', at_risk: 'At risk', on_track: 'On track', achieved: 'Achieved' };
export const seedStageLabel: Record<SeedStageName, string> = {
  planted: 'Planted', reacted: 'Reacted', sprouted: 'Sprouted', rooted: 'Rooted', harvested: 'Harvested', dormant: 'Dormant',
};

export const leafTypeGroups: { group: string; items: LeafType[] }[] = [
  { group: 'Health', items: ['health_band', 'health_band_changed', 'health_score', 'health_score_change', 'driver'] },
  { group: 'Account', items: ['stage', 'segment', 'arr', 'days_to_renewal', 'field', 'field_changed'] },
  { group: 'Usage', items: ['event'] },
  { group: 'Success plans and seeds', items: ['autopilot', 'plan_status', 'seed_stage'] },
];

export const cmpOptions = [
  { value: 'lt', label: '< less than' },
  { value: 'lte', label: '≤ at most' },
  { value: 'gt', label: '> more than' },
  { value: 'gte', label: '≥ at least' },
  { value: 'eq', label: '= equals' },
  { value: 'neq', label: '≠ is not' },
];
export const fieldOpOptions = [...cmpOptions, { value: 'contains', label: 'contains' }, { value: 'is_empty', label: 'is empty' }, { value: 'is_not_empty', label: 'is not empty' }];
export const setOpOptions = [
  { value: 'in', label: 'is' },
  { value: 'not_in', label: 'is not' },
];

export const actionTypeLabel: Record<ActionType, string> = {
  create_task: 'Create a task',
  start_playbook: 'Start a playbook',
  notify: 'Notify people',
  webhook: 'Call a webhook',
  raise_risk: 'Raise a risk signal',
};

export const notifyRoleLabel: Record<NotifyRole, string> = {
  owner: 'Account owner',
  manager: 'Owner’s manager',
  support: 'Support',
  exec_sponsor: 'Executive sponsor',
  product: 'Product',
};

/** A leaf result's actual value, readable: "poor", numbers, "never", dates (through the one formatter). */
export function formatActual(v: unknown): string {
  if (v === null || v === undefined) return 'no data';
  if (typeof v === 'number') return decimal(v, 2);
  if (typeof v === 'string') return /^\d{4}-\d{2}-\d{2}T/.test(v) ? formatDateTime(v) : v;
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'object' && 'band' in v) {
    const o = v as { band?: unknown; at?: unknown };
    return `${String(o.band)}${typeof o.at === 'string' ? ` since ${formatDay(o.at)}` : ''}`;
  }
  return JSON.stringify(v);
}
