// From driver definitions and measurements to each account's health and explanation.
// Pure: the database work is in metrics.ts.
import { evaluateFormula, formulaOrder, isFormulaError, parseFormula } from './formula.js';
import type { AccountFacts, MeasuredDriver, Measurements } from './metrics.js';
import { computeHealth, scoreValue, scoredValue, type Health } from './score.js';
import type { Driver } from './schema.js';
import { sourceValue } from './sources.js';

export type DriverValue = { value: number | null; score: number | null };
export type AccountHealth = { facts: AccountFacts; health: Health; values: Map<string, DriverValue> };

export type EngineDriver = Pick<Driver, 'id' | 'key' | 'name' | 'source' | 'scoring' | 'stageWeights'>;

/** What must be measured in the database for these drivers. */
export function measuredDrivers(drivers: EngineDriver[]): MeasuredDriver[] {
  return drivers.filter((d) => d.source.type !== 'formula').map((d) => ({ key: d.key, source: d.source, trend: d.scoring.type === 'trend' }));
}

/** Formula drivers in an order where every formula comes after the drivers it uses. */
function planFormulas(drivers: EngineDriver[]) {
  const parsed = new Map<string, NonNullable<ReturnType<typeof parseFormula>>>();
  const deps = new Map<string, string[]>();
  for (const d of drivers) {
    if (d.source.type !== 'formula') {
      deps.set(d.key, []);
      continue;
    }
    const f = parseFormula(d.source.expression);
    parsed.set(d.key, f);
    deps.set(d.key, isFormulaError(f) ? [] : f.refs.filter((r) => deps.has(r) || drivers.some((x) => x.key === r)));
  }
  const plan = formulaOrder(deps);
  return { parsed, order: 'order' in plan ? plan.order : drivers.map((d) => d.key), byKey: new Map(drivers.map((d) => [d.key, d])) };
}

/** Values and scores of every driver for one account (formulas after their inputs). */
export function driverValues(drivers: EngineDriver[], m: Measurements, asOf: string, plan = planFormulas(drivers)): Map<string, DriverValue> {
  const raw = new Map<string, number | null>();
  const out = new Map<string, DriverValue>();
  for (const key of plan.order) {
    const d = plan.byKey.get(key);
    if (!d) continue;
    let value: number | null;
    let previous: number | null = null;
    if (d.source.type === 'formula') {
      const f = plan.parsed.get(key);
      value = f && !isFormulaError(f) ? evaluateFormula(f.ast, raw) : null;
    } else {
      ({ value, previous } = sourceValue(d.source, m.raw.get(key), m.facts, asOf));
    }
    raw.set(key, value);
    // Scored as shown: the value rounded to 3 decimals is the one that gets the score.
    const scored = scoredValue(d.scoring, value, previous);
    const shown = scored === null ? null : round(scored);
    out.set(key, { value: shown, score: scoreValue(shown, d.scoring) });
  }
  return out;
}

/** Health of each measured account from the drivers of its stage. */
export function evaluate(drivers: EngineDriver[], measurements: Measurements[], asOf: string): AccountHealth[] {
  const plan = planFormulas(drivers);
  // The weighted drivers of each stage, worked out once per call rather than once per account.
  const byStage = new Map<string, { d: EngineDriver; weight: number }[]>();
  const weighted = (stage: string) => {
    let list = byStage.get(stage);
    if (!list) {
      list = drivers.map((d) => ({ d, weight: d.stageWeights[stage as keyof EngineDriver['stageWeights']] ?? 0 })).filter((x) => x.weight > 0);
      byStage.set(stage, list);
    }
    return list;
  };
  return measurements.map((m) => {
    const values = driverValues(drivers, m, asOf, plan);
    const inputs = weighted(m.facts.stage).map(({ d, weight }) => {
      const v = values.get(d.key);
      return { id: d.id, key: d.key, name: d.name, weight, value: v?.value ?? null, score: v?.score ?? null };
    });
    return { facts: m.facts, health: computeHealth(inputs), values };
  });
}

const round = (n: number) => Math.round(n * 1000) / 1000;
