// Reads of the risk model for the API: an account's risk with its signals, its history, the judgment,
// the calibration table. The radar and the summary are in radar.ts.
import type { Queryable } from '../db/connect.js';
import type { Evidence, SignalFamily, SignalSource } from './signals/types.js';
import type { RiskLevel } from './model.js';
import { compoundRisk, effectiveStrength } from './model.js';

export type Signal = {
  id: string; accountId: string; kind: string; family: SignalFamily; label: string; strength: number; effective: number;
  startedAt: string; endedAt: string | null; evidence: Evidence; source: SignalSource; note: string | null;
  raisedBy: { id: string; name: string } | null; contribution: number;
};
export type Judgment = { level: 'low' | 'medium' | 'high'; note: string; by: { id: string; name: string } | null; at: string };
export type StoredContribution = { signalId: string; kind: string; family: SignalFamily; strength: number; effective: number; contribution: number };
export type RiskRecord = {
  accountId: string; score: number; level: RiskLevel; probability: number; model: { kind: 'default' | 'calibrated'; outcomes: number };
  computedAt: string; contributions: StoredContribution[]; families: { family: SignalFamily; probability: number }[];
};

type SignalRow = {
  id: string; account_id: string; kind: string; family: SignalFamily; label: string; strength: string; started_at: Date; ended_at: Date | null;
  decay_from: 'end' | 'start'; half_life_days: number; evidence: Evidence | null; source: SignalSource; note: string | null;
  raised_by: string | null; raised_by_name: string | null;
};
const SIGNALS = `SELECT s.id, s.account_id, s.kind, d.family, d.label, s.strength::text AS strength, s.started_at, s.ended_at,
        d.decay_from, d.half_life_days, s.evidence, s.source, s.note, s.raised_by, u.name AS raised_by_name
   FROM risk_signals s JOIN signal_definitions d ON d.kind = s.kind LEFT JOIN users u ON u.id = s.raised_by`;

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/** A stored signal as the API shows it; strength and effective as the model used them when it did. */
function toSignal(r: SignalRow, at: Date, used: StoredContribution | undefined): Signal {
  const stored = Number(r.strength);
  const strength = used?.strength ?? stored;
  const effective = used?.effective ?? effectiveStrength({ strength, startedAt: r.started_at, endedAt: r.ended_at, decayFrom: r.decay_from, halfLifeDays: r.half_life_days }, at);
  return {
    id: r.id, accountId: r.account_id, kind: r.kind, family: r.family, label: r.label, strength, effective: Math.round(effective * 1e5) / 1e5,
    startedAt: iso(r.started_at) ?? '', endedAt: iso(r.ended_at), evidence: r.evidence && typeof r.evidence.summary === 'string' ? r.evidence : { summary: '' },
    source: r.source, note: r.note, raisedBy: r.raised_by ? { id: r.raised_by, name: r.raised_by_name ?? '' } : null, contribution: used?.contribution ?? 0,
  };
}

/** 'default' or 'calibrated:<outcomes>' (service.ts) as the API shows it. */
export function parseModel(model: string): { kind: 'default' | 'calibrated'; outcomes: number } {
  const m = /^calibrated:(\d+)$/.exec(model);
  return m ? { kind: 'calibrated', outcomes: Number(m[1]) } : { kind: 'default', outcomes: 0 };
}

/** Families' probabilities, exactly, from the stored inputs of the model (effective strengths are kept). */
function familiesOf(contributions: StoredContribution[]) {
  return compoundRisk(contributions.map((c) => ({ id: c.signalId, kind: c.kind, family: c.family, strength: c.strength, effective: c.effective })))
    .families.map((f) => ({ family: f.family, probability: Math.round(f.probability * 1e5) / 1e5 }));
}

export async function riskRecords(q: Queryable, ids: string[]): Promise<Map<string, RiskRecord>> {
  const { rows } = await q.query<{ account_id: string; score: number; level: RiskLevel; probability: string; model: string; computed_at: Date; contributions: StoredContribution[] }>(
    'SELECT account_id, score, level, probability::text AS probability, model, computed_at, contributions FROM account_risk WHERE account_id = ANY($1::uuid[])', [ids]);
  return new Map(rows.map((r) => {
    const contributions = Array.isArray(r.contributions) ? r.contributions : [];
    const probability = Number(r.probability);
    return [r.account_id, {
      accountId: r.account_id, score: r.score, level: r.level, probability, model: parseModel(r.model), computedAt: iso(r.computed_at) ?? '',
      contributions, families: familiesOf(contributions),
    }];
  }));
}

/** The signals behind stored contributions, by contribution (largest first). */
export async function contributingSignals(q: Queryable, records: RiskRecord[]): Promise<Map<string, Signal[]>> {
  const used = new Map(records.flatMap((r) => r.contributions.map((c) => [c.signalId, c] as const)));
  const out = new Map<string, Signal[]>();
  if (used.size === 0) return out;
  const at = new Map(records.map((r) => [r.accountId, new Date(r.computedAt)]));
  const { rows } = await q.query<SignalRow>(`${SIGNALS} WHERE s.id = ANY($1::uuid[])`, [[...used.keys()]]);
  for (const r of rows) {
    const list = out.get(r.account_id) ?? [];
    list.push(toSignal(r, at.get(r.account_id) ?? new Date(), used.get(r.id)));
    out.set(r.account_id, list);
  }
  for (const list of out.values()) list.sort((a, b) => b.contribution - a.contribution || b.effective - a.effective || (a.id < b.id ? -1 : 1));
  return out;
}

/** The account's signals that bore on risk within the last `days` days, ended ones too, newest first. */
export async function signalHistory(q: Queryable, accountId: string, days: number, now: Date): Promise<Signal[]> {
  const { rows } = await q.query<SignalRow>(
    `${SIGNALS} WHERE s.account_id = $1 AND (s.ended_at IS NULL OR s.ended_at >= $2::timestamptz - make_interval(days => $3::int))
      ORDER BY s.started_at DESC, s.id LIMIT 500`, [accountId, now, days]);
  return rows.map((r) => toSignal(r, now, undefined));
}

export async function riskChanges(q: Queryable, accountId: string, days: number, now: Date) {
  const { rows } = await q.query<{ id: string; at: Date; from_score: number | null; to_score: number; from_level: RiskLevel | null; to_level: RiskLevel }>(
    `SELECT id::text AS id, at, from_score, to_score, from_level, to_level FROM risk_changes
      WHERE account_id = $1 AND at >= $2::timestamptz - make_interval(days => $3::int) ORDER BY at DESC, id DESC LIMIT 1000`, [accountId, now, days]);
  return rows.map((r) => ({ id: r.id, at: iso(r.at) ?? '', fromScore: r.from_score, toScore: r.to_score, fromLevel: r.from_level, toLevel: r.to_level }));
}

/** The latest judgment per account. */
export async function judgments(q: Queryable, ids: string[]): Promise<Map<string, Judgment>> {
  const { rows } = await q.query<{ account_id: string; level: Judgment['level']; note: string; by_user_id: string | null; by_name: string | null; at: Date }>(
    `SELECT DISTINCT ON (j.account_id) j.account_id, j.level, j.note, j.by_user_id, u.name AS by_name, j.at
       FROM risk_judgments j LEFT JOIN users u ON u.id = j.by_user_id
      WHERE j.account_id = ANY($1::uuid[]) ORDER BY j.account_id, j.at DESC, j.id`, [ids]);
  return new Map(rows.map((r) => [r.account_id, { level: r.level, note: r.note, by: r.by_user_id ? { id: r.by_user_id, name: r.by_name ?? '' } : null, at: iso(r.at) ?? '' }]));
}

export async function insertJudgment(q: Queryable, accountId: string, input: { level: Judgment['level']; note: string }, by: string | null): Promise<string> {
  const { rows } = await q.query<{ id: string }>('INSERT INTO risk_judgments (account_id, level, note, by_user_id) VALUES ($1, $2, $3, $4) RETURNING id', [accountId, input.level, input.note, by]);
  return rows[0]?.id ?? '';
}

/** Every kind with its default, its calibrated strength (null below the floor or never run) and the counts. */
export async function calibrationTable(q: Queryable) {
  const { rows } = await q.query<{ kind: string; strength: string; probability: string | null; accounts_with: number | null; losses_with: number | null; lead_days: number | null; computed_at: Date | null }>(
    `SELECT d.kind, d.strength::text AS strength, c.probability::text AS probability, c.accounts_with, c.losses_with, c.lead_days, c.computed_at
       FROM signal_definitions d LEFT JOIN risk_calibration c ON c.kind = d.kind ORDER BY d.kind`);
  return rows.map((r) => ({
    kind: r.kind, default: Number(r.strength), calibrated: r.probability === null ? null : Number(r.probability),
    accountsWith: r.accounts_with ?? 0, lossesWith: r.losses_with ?? 0, leadDays: r.lead_days, computedAt: iso(r.computed_at),
  }));
}

export async function healthComputedAt(q: Queryable, accountId: string): Promise<string | null> {
  const { rows } = await q.query<{ computed_at: Date }>('SELECT computed_at FROM account_health WHERE account_id = $1', [accountId]);
  return rows[0] ? iso(rows[0].computed_at) : null;
}
