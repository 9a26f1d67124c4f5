import type { FieldError } from '../http/errors.js';
import { formulaOrder, isFormulaError, parseFormula } from './formula.js';
import type { DriverSource } from './schema.js';
import { isPlainSelection, matchesPattern } from './event-filter.js';

type Def = { key: string; source: DriverSource; scoring: { type: 'bands' | 'trend'; thresholds: { value: number }[] }; stageWeights: Partial<Record<string, number>> };

/**
 * Checks a driver against the book and the other drivers: events must have been seen, formulas
 * must parse and use existing drivers without a cycle, a trend needs windows to compare, and
 * the driver must count in at least one stage. `knownEvents` null: the driver is disabled, the
 * checks that need data are left out (see drivers.ts).
 */
export function validateDriver(def: Def, others: { key: string; source: DriverSource }[], knownEvents: ReadonlySet<string> | null): FieldError[] {
  const errors: FieldError[] = [];
  const s = def.source;
  if (!Object.values(def.stageWeights).some((w) => (w ?? 0) > 0)) {
    errors.push({ path: 'stageWeights', message: 'give the driver a weight in at least one lifecycle stage' });
  }
  const values = def.scoring.thresholds.map((t) => t.value);
  if (new Set(values).size !== values.length) errors.push({ path: 'scoring.thresholds', message: 'two thresholds have the same value' });
  if (def.scoring.type === 'trend' && s.type !== 'event_metric') {
    errors.push({ path: 'scoring.type', message: 'a trend compares two windows of product usage: use an event metric source' });
  }
  if (s.type === 'event_metric' || s.type === 'days_since_event') {
    s.events.forEach((e, i) => {
      if (knownEvents && !knownEvents.has(e)) errors.push({ path: `source.events.${i}`, message: `no event named "${e}" has been received` });
    });
  }
  if (s.type === 'event_metric' || s.type === 'days_since_event') {
    (s.patterns ?? []).forEach((pat, i) => {
      if (knownEvents && ![...knownEvents].some((e) => matchesPattern(e, pat))) errors.push({ path: `source.patterns.${i}`, message: `no event received matches "${pat}"` });
    });
    if (s.events.length === 0 && (s.patterns ?? []).length === 0 && (s.exclude ?? []).length > 0 && knownEvents) {
      const left = [...knownEvents].filter((e) => !(s.exclude ?? []).some((x) => matchesPattern(e, x)));
      if (left.length === 0) errors.push({ path: 'source.exclude', message: 'these exclusions leave no event received to count' });
    }
  }
  if (s.type === 'event_metric' && s.measure === 'avg_daily_users' && (s.events.length > 1 || !isPlainSelection(s))) {
    errors.push({ path: s.events.length > 1 ? 'source.events' : 'source.patterns', message: 'daily users are counted for one event or for all events together: patterns and exclusions cannot be used for them (a person using two events would count twice)' });
  }
  if (s.type === 'survey_metric' && s.surveyKind && (s.metric === 'nps' || s.metric === 'csat') && s.surveyKind !== s.metric) {
    errors.push({ path: 'source.surveyKind', message: `${s.metric === 'nps' ? 'NPS' : 'CSAT'} comes from ${s.metric} surveys only: leave the survey kind out or choose ${s.metric}` });
  }
  if (s.type === 'formula') {
    const f = parseFormula(s.expression);
    if (isFormulaError(f)) errors.push({ path: 'source.expression', message: f.message });
    else {
      const keys = new Set(others.map((o) => o.key));
      const unknown = f.refs.filter((r) => !keys.has(r) && r !== def.key);
      if (unknown.length) errors.push({ path: 'source.expression', message: `unknown driver(s): ${unknown.join(', ')}` });
      const deps = new Map<string, string[]>();
      for (const o of others) {
        if (o.key === def.key) continue;
        const of = o.source.type === 'formula' ? parseFormula(o.source.expression) : null;
        deps.set(o.key, of && !isFormulaError(of) ? of.refs : []);
      }
      deps.set(def.key, f.refs);
      const plan = formulaOrder(deps);
      if ('cycle' in plan) errors.push({ path: 'source.expression', message: `formula cycle: ${plan.cycle.join(' → ')}` });
    }
  }
  return errors;
}

/** Keys of the drivers whose formulas use `key`. */
export function usedBy(key: string, drivers: { key: string; source: DriverSource }[]): string[] {
  return drivers.filter((d) => {
    if (d.source.type !== 'formula') return false;
    const f = parseFormula(d.source.expression);
    return !isFormulaError(f) && f.refs.includes(key);
  }).map((d) => d.key);
}
