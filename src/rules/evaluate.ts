import type { Cmp, Condition, Leaf, LeafResult } from './schema.js';

type Band = 'good' | 'watch' | 'poor';

/** Everything a rule can look at for one account, loaded in bulk by ./facts.ts. */
export type Facts = {
  accountId: string;
  stage: string;
  segment: string | null;
  arr: number;
  renewalDate: string | null;
  fields: Record<string, unknown>;
  /**
   * Effective health: a CSM's valid override, else the computed score (see rules/README.md).
   * `changes` stay the computed history: a score change compares past computed scores with this.
   */
  health: { score: number | null; band: Band | null; overridden?: boolean; computedScore?: number | null };
  drivers: Record<string, { value: number | null; score: number | null }>;
  /** Health moves, newest first, as far back as the longest window any rule asks about. */
  changes: { at: Date; fromScore: number | null; toScore: number | null; toBand: Band | null }[];
  /** Last day each referenced event was seen (YYYY-MM-DD), or null. */
  eventLastSeen: Record<string, string | null>;
  /** When each field last changed (from the audit log). */
  fieldChangedAt: Record<string, Date>;
  /** The stored autopilot verdict (loaded when a rule asks; no verdict is not on autopilot). */
  autopilot?: boolean;
  /** The statuses of the account's success plans (loaded when a rule asks). */
  planStatuses?: string[];
  /** How many of the account's seeds are in each stage (loaded when a rule asks). */
  seedStages?: Record<string, number>;
};

/** Worst first: an account's plan status is its worst plan's, so one plan slipping is never hidden by another on track. */
export const PLAN_STATUS_ORDER = ['off_track', 'at_risk', 'on_track', 'achieved'] as const;
export function worstPlanStatus(statuses: readonly string[]): string | null {
  for (const s of PLAN_STATUS_ORDER) if (statuses.includes(s)) return s;
  return null;
}

const DAY = 86_400_000;
const CMP_LABEL: Record<Cmp, string> = { lt: '<', lte: '≤', gt: '>', gte: '≥', eq: '=', neq: '≠' };

export function compare(a: number | string | boolean | null | undefined, op: Cmp, b: number | string | boolean | undefined): boolean {
  if (a === null || a === undefined || b === undefined) return op === 'neq' ? a !== b : false;
  switch (op) {
    case 'eq': return a === b || (typeof a !== typeof b && String(a) === String(b));
    case 'neq': return !(a === b || (typeof a !== typeof b && String(a) === String(b)));
    case 'lt': return Number(a) < Number(b);
    case 'lte': return Number(a) <= Number(b);
    case 'gt': return Number(a) > Number(b);
    case 'gte': return Number(a) >= Number(b);
  }
}

export function daysBetween(fromDay: string, now: Date): number {
  return Math.round((Date.parse(`${fromDay}T00:00:00Z`) - Date.parse(`${now.toISOString().slice(0, 10)}T00:00:00Z`)) / DAY);
}

function fieldValue(f: Facts, field: string): unknown {
  if (field.startsWith('custom.')) return (f.fields.custom as Record<string, unknown> | undefined)?.[field.slice(7)];
  return f.fields[field];
}

/** The health value a leaf saw; under an override it says so ("good (override; computed 32)"). */
function seen(f: Facts, v: string | number | null): string | number | null {
  if (v === null || !f.health.overridden) return v;
  return `${v} (override; computed ${f.health.computedScore ?? 'none'})`;
}

/** One leaf against one account: whether it holds, the value it saw, and a readable label. */
export function evaluateLeaf(c: Leaf, f: Facts, now: Date): LeafResult {
  const r = (label: string, actual: unknown, ok: boolean): LeafResult => ({ type: c.type, label, actual: actual ?? null, ok });
  switch (c.type) {
    case 'health_band': {
      const inSet = f.health.band !== null && c.bands.includes(f.health.band);
      return r(`Health band ${c.op === 'in' ? 'is' : 'is not'} ${c.bands.join(' or ')}`, seen(f, f.health.band), c.op === 'in' ? inSet : f.health.band !== null && !inSet);
    }
    case 'health_band_changed': {
      const since = now.getTime() - c.withinDays * DAY;
      const move = f.changes.find((m) => m.at.getTime() >= since && m.toBand !== null && c.to.includes(m.toBand));
      // Still in that band now: a move that has been undone since does not count.
      const ok = move !== undefined && f.health.band !== null && c.to.includes(f.health.band);
      return r(`Health moved to ${c.to.join(' or ')} within ${c.withinDays} days`, move ? { band: move.toBand, at: move.at.toISOString() } : null, ok);
    }
    case 'health_score':
      return r(`Health score ${CMP_LABEL[c.op]} ${c.value}`, seen(f, f.health.score), compare(f.health.score, c.op, c.value));
    case 'health_score_change': {
      const since = now.getTime() - c.withinDays * DAY;
      const score = f.health.score;
      const past = f.changes.filter((m) => m.at.getTime() >= since).flatMap((m) => (m.fromScore === null ? [] : [m.fromScore]));
      if (score === null || past.length === 0) return r(`Health ${c.direction === 'drop' ? 'dropped' : 'rose'} ≥ ${c.points} points within ${c.withinDays} days`, null, false);
      const change = c.direction === 'drop' ? Math.max(...past) - score : score - Math.min(...past);
      return r(`Health ${c.direction === 'drop' ? 'dropped' : 'rose'} ≥ ${c.points} points within ${c.withinDays} days`, change, change >= c.points);
    }
    case 'driver': {
      const d = f.drivers[c.driver];
      const v = d ? d[c.measure] : null;
      return r(`Driver ${c.driver} ${c.measure} ${CMP_LABEL[c.op]} ${c.value}`, v, compare(v, c.op, c.value));
    }
    case 'stage':
      return r(`Stage ${c.op === 'in' ? 'is' : 'is not'} ${c.values.join(' or ')}`, f.stage, (c.values as readonly string[]).includes(f.stage) === (c.op === 'in'));
    case 'segment': {
      const inSet = f.segment !== null && c.values.includes(f.segment);
      return r(`Segment ${c.op === 'in' ? 'is' : 'is not'} ${c.values.join(' or ')}`, f.segment, c.op === 'in' ? inSet : !inSet);
    }
    case 'arr':
      return r(`ARR ${CMP_LABEL[c.op]} ${c.value}`, f.arr, compare(f.arr, c.op, c.value));
    case 'days_to_renewal': {
      const d = f.renewalDate ? daysBetween(f.renewalDate, now) : null;
      return r(`Days to renewal ${CMP_LABEL[c.op]} ${c.value}`, d, compare(d, c.op, c.value));
    }
    case 'event': {
      const last = f.eventLastSeen[c.event] ?? null;
      const ago = last === null ? null : -daysBetween(last, now);
      const seen = ago !== null && ago < c.withinDays;
      return r(`"${c.event}" ${c.seen ? 'seen' : 'not seen'} in the last ${c.withinDays} days`, last === null ? 'never' : `${ago} days ago`, seen === c.seen);
    }
    case 'field': {
      const v = fieldValue(f, c.field);
      const empty = v === null || v === undefined || v === '';
      let ok: boolean;
      if (c.op === 'is_empty') ok = empty;
      else if (c.op === 'is_not_empty') ok = !empty;
      else if (c.op === 'contains') ok = !empty && String(v).toLowerCase().includes(String(c.value ?? '').toLowerCase());
      else ok = compare(v as string | number | boolean | null, c.op, c.value);
      const label = c.op === 'is_empty' || c.op === 'is_not_empty' ? `${c.field} ${c.op.replace(/_/g, ' ')}` : `${c.field} ${c.op === 'contains' ? 'contains' : CMP_LABEL[c.op]} ${String(c.value)}`;
      return r(label, v, ok);
    }
    case 'field_changed': {
      const at = f.fieldChangedAt[c.field];
      const ok = at !== undefined && at.getTime() >= now.getTime() - c.withinDays * DAY;
      return r(`${c.field} changed within ${c.withinDays} days`, at ? at.toISOString() : null, ok);
    }
    case 'autopilot': {
      const on = f.autopilot ?? false;
      return r(c.value ? 'On autopilot' : 'Not on autopilot', on ? 'on autopilot' : 'not on autopilot', on === c.value);
    }
    case 'plan_status': {
      const worst = worstPlanStatus(f.planStatuses ?? []);
      const inSet = worst !== null && (c.statuses as readonly string[]).includes(worst);
      const plans = f.planStatuses?.length ?? 0;
      const actual = worst === null ? 'no success plan' : plans > 1 ? `${worst} (worst of ${plans} plans)` : worst;
      return r(`Success plan status ${c.op === 'in' ? 'is' : 'is not'} ${c.statuses.join(' or ')}`, actual, worst !== null && (c.op === 'in' ? inSet : !inSet));
    }
    case 'seed_stage': {
      const counts = f.seedStages ?? {};
      const present = Object.entries(counts).filter(([, n]) => n > 0);
      const ok = present.some(([s]) => (c.stages as readonly string[]).includes(s));
      return r(`Has a seed ${c.stages.join(' or ')}`, present.length ? present.map(([s, n]) => `${s} ${n}`).join(', ') : 'no seeds', ok);
    }
  }
}

export function evaluate(c: Condition, f: Facts, now: Date): { matched: boolean; results: LeafResult[] } {
  const results = c.conditions.map((l) => evaluateLeaf(l, f, now));
  const matched = c.match === 'all' ? results.every((x) => x.ok) : results.some((x) => x.ok);
  return { matched, results };
}

/** What facts a set of conditions needs: referenced events, the longest window, whether fields' history matters. */
export function needs(conditions: Condition[]) {
  const events = new Set<string>();
  let windowDays = 0;
  let fieldHistory = false;
  let autopilot = false;
  let plans = false;
  let seeds = false;
  for (const c of conditions) {
    for (const l of c.conditions) {
      if (l.type === 'autopilot') autopilot = true;
      if (l.type === 'plan_status') plans = true;
      if (l.type === 'seed_stage') seeds = true;
      if (l.type === 'event') events.add(l.event);
      if (l.type === 'health_band_changed' || l.type === 'health_score_change') windowDays = Math.max(windowDays, l.withinDays);
      if (l.type === 'field_changed') { fieldHistory = true; windowDays = Math.max(windowDays, l.withinDays); }
    }
  }
  return { events: [...events], windowDays, fieldHistory, autopilot, plans, seeds };
}
