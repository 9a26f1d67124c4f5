// Canopy measures itself (issue 12): on the recorded outcomes, how well compound risk, a weighted
// average of the same signals (what a typical tool computes) and health separated the accounts that
// were lost from those that stayed, `leadDays` before each outcome. AUC (Mann–Whitney with ties:
// src/health/impact.ts) with a seeded bootstrap 95 % interval, and a plain verdict.
import type { Queryable } from '../db/connect.js';
import { auc, isRetained, type Sample } from '../health/impact.js';
import { loadDefinitions, signalsAsOf } from './signals/index.js';
import { compoundRisk, effectiveStrength, weightedAverageRisk, type ModelSignal } from './model.js';
import type { StoredSignal } from './signals/types.js';

export const RESAMPLES = 500;
export const SEED = 12;

export type AucResult = { auc: number | null; low: number | null; high: number | null; n: number };

/** A small seeded generator (mulberry32): the same book gives the same interval. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * AUC of a risk value (higher = more likely lost) and its bootstrap 95 % interval: losses and
 * retained resampled separately with replacement (so every resample has both), percentiles 2.5 and
 * 97.5. Samples without a value do not count (n says how many did).
 */
export function riskAuc(samples: Sample[], opts: { resamples?: number; seed?: number } = {}): AucResult {
  const known = samples.filter((s) => s.value !== null && Number.isFinite(s.value));
  const point = auc(known, false);
  if (point.auc === null) return { auc: null, low: null, high: null, n: known.length };
  const kept = known.filter((s) => s.retained);
  const lost = known.filter((s) => !s.retained);
  const rnd = seededRandom(opts.seed ?? SEED);
  const pick = <T>(list: T[]) => Array.from({ length: list.length }, () => list[Math.floor(rnd() * list.length)] as T);
  const values: number[] = [];
  for (let i = 0; i < (opts.resamples ?? RESAMPLES); i++) {
    const v = auc([...pick(kept), ...pick(lost)], false).auc;
    if (v !== null) values.push(v);
  }
  values.sort((a, b) => a - b);
  const q = (p: number) => values[Math.min(values.length - 1, Math.max(0, Math.round(p * (values.length - 1))))] ?? null;
  return { auc: point.auc, low: q(0.025), high: q(0.975), n: known.length };
}

const fmt = (x: number) => x.toFixed(2);

/** Says plainly which measure separated losses from retained best, a loss of compound risk included. */
/**
 * `signalled`: how many outcomes had at least one signal at the lead date (unknown when absent). With
 * none, compound risk and the weighted average score every account alike: that is no data, not a tie.
 */
export function verdict(r: { n: number; losses: number; retained: number; leadDays: number; compound: AucResult; weightedAverage: AucResult; health: AucResult; signalled?: number }): string {
  if (r.compound.auc === null) {
    return `No verdict yet: it needs at least one lost and one retained account with a score ${r.leadDays} days before its outcome (${r.losses} lost, ${r.retained} retained recorded).`;
  }
  const healthNote = r.health.auc !== null ? ''
    : r.health.n === 0 ? ' Health could not be compared: no health history at the lead date.'
      : ` Health could not be compared: no health history at the lead date for both lost and retained accounts (${r.health.n} of ${r.n} outcome(s) had a score).`;
  if (r.signalled === 0) {
    const health = r.health.auc === null ? healthNote : ` Health alone could be measured: AUC ${fmt(r.health.auc)} (n = ${r.health.n}).`;
    return `No signal data at this lead time: none of the ${r.n} outcome(s) had a signal ${r.leadDays} days before it, so compound risk and the weighted average scored every account alike and cannot be compared.${health}`;
  }
  const rivals = [
    { name: 'compound risk', x: r.compound },
    { name: 'the weighted average of the same signals', x: r.weightedAverage },
    { name: 'health', x: r.health },
  ].filter((c): c is { name: string; x: AucResult & { auc: number } } => c.x.auc !== null);
  const ranked = [...rivals].sort((a, b) => b.x.auc - a.x.auc);
  const best = ranked[0];
  if (!best) return 'No verdict yet.';
  const others = rivals.filter((c) => c !== best && c.name !== 'compound risk');
  const compound = r.compound.auc;
  const against = (list: typeof rivals) => list.map((c) => `${fmt(c.x.auc)} for ${c.name} (n = ${c.x.n})`).join(' and ');
  let s: string;
  if (best.name === 'compound risk' && (ranked[1]?.x.auc ?? -1) < compound) {
    s = `Compound risk separated lost from retained accounts best, ${r.leadDays} days ahead: AUC ${fmt(compound)} (n = ${r.compound.n})${others.length ? ` against ${against(others)}` : ''}.`;
  } else if (best.name === 'compound risk' || best.x.auc === compound) {
    const tied = ranked.filter((c) => c.name !== 'compound risk' && c.x.auc === compound);
    s = `Compound risk tied with ${tied.map((c) => c.name).join(' and ')}: AUC ${fmt(compound)} (n = ${r.compound.n}).`;
  } else {
    s = `Compound risk lost to ${best.name}, ${r.leadDays} days ahead: AUC ${fmt(compound)} (n = ${r.compound.n}) against ${against(others)}.`;
  }
  const runnerUp = ranked[1];
  if (runnerUp && best.x.low !== null && runnerUp.x.high !== null && best.x.low <= runnerUp.x.high) {
    s += ' The 95 % intervals overlap: the difference may be chance on this many outcomes.';
  }
  s += healthNote;
  if (Math.min(r.losses, r.retained) < 10) s += ` Only ${Math.min(r.losses, r.retained)} ${r.losses < r.retained ? 'lost' : 'retained'} account(s): treat it as a hint, not evidence.`;
  return s;
}

export type Evaluation = {
  n: number; losses: number; retained: number; leadDays: number;
  compound: { auc: number | null; low: number | null; high: number | null };
  weightedAverage: { auc: number | null; low: number | null; high: number | null };
  health: { auc: number | null; low: number | null; high: number | null; n: number };
  verdict: string;
};

const isLoss = (kind: string) => kind === 'churned' || kind === 'downgraded';

/**
 * Every recorded outcome scored as of `occurred_on − leadDays`: signals as they were then
 * (signalsAsOf, decayed to that instant) through compound risk and through the weighted average, both
 * with the signals' own (default) strengths, never calibrated ones (those were fitted on these very
 * outcomes); and the health snapshot of that day (100 − score; an account without one is left out of
 * health's n).
 */
export async function evaluateRisk(q: Queryable, leadDays: number): Promise<Evaluation> {
  const { rows } = await q.query<{ account_id: string; kind: string; as_of: string; health: number | null }>(
    `SELECT o.account_id, o.kind, (o.occurred_on - $1::int)::text AS as_of, hs.score AS health
       FROM outcomes o LEFT JOIN health_snapshots hs ON hs.account_id = o.account_id AND hs.day = o.occurred_on - $1::int
      WHERE o.kind IN ('churned', 'downgraded', 'renewed', 'expanded', 'retained')
      ORDER BY o.occurred_on, o.id`, [leadDays]);
  const definitions = (await loadDefinitions(q)).filter((d) => d.enabled);
  const enabled = new Set(definitions.map((d) => d.kind));
  const byDay = new Map<string, string[]>();
  for (const r of rows) byDay.set(r.as_of, [...(byDay.get(r.as_of) ?? []), r.account_id]);
  const asOf = new Map<string, Map<string, StoredSignal[]>>();
  for (const [day, ids] of byDay) asOf.set(day, await signalsAsOf(q, [...new Set(ids)], endOfDay(day)));
  const compound: Sample[] = [];
  const weighted: Sample[] = [];
  const health: Sample[] = [];
  let signalled = 0;
  for (const r of rows) {
    const retained = isRetained(r.kind);
    const at = endOfDay(r.as_of);
    const signals = toModel((asOf.get(r.as_of)?.get(r.account_id) ?? []).filter((s) => enabled.has(s.kind)), at, new Map());
    if (signals.length > 0) signalled++;
    compound.push({ value: compoundRisk(signals).probability, retained });
    weighted.push({ value: weightedAverageRisk(signals, definitions), retained });
    health.push({ value: r.health === null ? null : 100 - r.health, retained });
  }
  const losses = rows.filter((r) => isLoss(r.kind)).length;
  const c = riskAuc(compound);
  const w = riskAuc(weighted);
  const h = riskAuc(health);
  const result = { n: rows.length, losses, retained: rows.length - losses, leadDays, compound: c, weightedAverage: w, health: h, signalled };
  return {
    n: rows.length, losses, retained: rows.length - losses, leadDays,
    compound: { auc: c.auc, low: c.low, high: c.high },
    weightedAverage: { auc: w.auc, low: w.low, high: w.high },
    health: { auc: h.auc, low: h.low, high: h.high, n: h.n },
    verdict: verdict(result),
  };
}

/** A day's risk is judged with what was known by its end. */
const endOfDay = (day: string) => new Date(`${day}T23:59:59.999Z`);

/** Stored signals as the model reads them at `at`; computed signals take their kind's calibrated strength when given. */
export function toModel(signals: StoredSignal[], at: Date, calibrated: Map<string, number>): (ModelSignal & { calibrated: boolean })[] {
  return signals.map((s) => {
    const c = s.source === 'computed' ? calibrated.get(s.kind) : undefined;
    const strength = c ?? s.strength;
    return { id: s.id, kind: s.kind, family: s.family, strength, effective: effectiveStrength({ ...s, strength }, at), calibrated: c !== undefined };
  });
}
