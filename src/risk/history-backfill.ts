// Risk history from the past (issue 12): the compound risk of each account as of the end of each of the
// last `days` days, from the signals as they were then (signalsAsOf, the decay of model.ts) with the
// strengths the live refresh uses (calibrated or default: toModel), written to risk_changes by the live
// refresh's own rule (isRiskMove). Only days before the account's earliest recorded change are written,
// so a second run writes nothing; the earliest recorded change, when it was a first computation (no
// from_score), is then joined to the last backfilled point.
import type { Database, Queryable } from '../db/connect.js';
import { loadDefinitions, signalsAsOf } from './signals/index.js';
import { compoundRisk, type RiskLevel } from './model.js';
import { toModel } from './evaluate.js';
import { isRiskMove, loadCalibration } from './store.js';

export const BACKFILL_BATCH = 500;
const DAY_MS = 86_400_000;

export type BackfillOptions = { days: number; now?: Date; accountIds?: string[] };
export type BackfillResult = { accounts: number; changes: number; connected: number };

type Point = { accountId: string; at: Date; fromScore: number | null; fromLevel: RiskLevel | null; toScore: number; toLevel: RiskLevel };

/** The end of each of the `days` whole UTC days before `now`'s day, oldest first. */
export function backfillDays(days: number, now: Date): Date[] {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Array.from({ length: Math.max(0, Math.floor(days)) }, (_, i) => new Date(today - (days - i) * DAY_MS + DAY_MS - 1));
}

export async function backfillRiskHistory(db: Database, opts: BackfillOptions): Promise<BackfillResult> {
  const now = opts.now ?? new Date();
  const days = backfillDays(opts.days, now);
  const [definitions, cal] = await Promise.all([loadDefinitions(db), loadCalibration(db)]);
  const enabled = new Set(definitions.filter((d) => d.enabled).map((d) => d.kind));
  const ids = opts.accountIds ?? (await db.query<{ id: string }>(`SELECT id FROM accounts WHERE stage <> 'churned' ORDER BY id`)).rows.map((r) => r.id);
  const out: BackfillResult = { accounts: 0, changes: 0, connected: 0 };
  if (days.length === 0) return out;
  for (let i = 0; i < ids.length; i += BACKFILL_BATCH) {
    const batch = ids.slice(i, i + BACKFILL_BATCH);
    const r = await db.transaction(async (tx) => {
      await tx.query('SET LOCAL jit = off');
      return backfillBatch(tx, batch, days, enabled, cal.strengths);
    });
    out.accounts += r.accounts;
    out.changes += r.changes;
    out.connected += r.connected;
  }
  return out;
}

async function backfillBatch(tx: Queryable, ids: string[], days: Date[], enabled: Set<string>, calibrated: Map<string, number>): Promise<BackfillResult> {
  // The earliest recorded change per account: only days before it are backfilled.
  const { rows: firsts } = await tx.query<{ account_id: string; id: string; at: Date; from_score: number | null }>(
    `SELECT DISTINCT ON (account_id) account_id, id::text AS id, at, from_score FROM risk_changes
      WHERE account_id = ANY($1::uuid[]) ORDER BY account_id, at, id`, [ids]);
  const first = new Map(firsts.map((f) => [f.account_id, f]));
  const before = (id: string, at: Date) => { const f = first.get(id); return !f || at.getTime() < new Date(f.at).getTime(); };
  const state = new Map<string, { prev: { score: number; level: RiskLevel } | null; last: number | null }>();
  const points: Point[] = [];
  for (const at of days) {
    const todo = ids.filter((id) => before(id, at));
    if (todo.length === 0) continue;
    const byAccount = await signalsAsOf(tx, todo, at);
    for (const accountId of todo) {
      const risk = compoundRisk(toModel((byAccount.get(accountId) ?? []).filter((s) => enabled.has(s.kind)), at, calibrated));
      const s = state.get(accountId) ?? { prev: null, last: null };
      const next = { score: risk.score, level: risk.level };
      if (isRiskMove(s.prev, s.last, next)) {
        points.push({ accountId, at, fromScore: s.prev?.score ?? null, fromLevel: s.prev?.level ?? null, toScore: next.score, toLevel: next.level });
        s.last = next.score;
      }
      s.prev = next;
      state.set(accountId, s);
    }
  }
  if (points.length > 0) {
    await tx.query(
      `INSERT INTO risk_changes (account_id, at, from_score, to_score, from_level, to_level)
       SELECT account_id, at, from_score, to_score, from_level, to_level
         FROM jsonb_to_recordset($1::jsonb) AS x(account_id uuid, at timestamptz, from_score int, to_score int, from_level text, to_level text)`,
      [JSON.stringify(points.map((p) => ({ account_id: p.accountId, at: p.at.toISOString(), from_score: p.fromScore, to_score: p.toScore, from_level: p.fromLevel, to_level: p.toLevel })))]);
  }
  // Join the live history on: its first computation moved from the last backfilled point (every level
  // change is recorded, so the last computed level is the last recorded one).
  const joins = [...state.entries()].flatMap(([accountId, s]) => {
    const f = first.get(accountId);
    return f && f.from_score === null && s.prev && s.last !== null ? [{ id: f.id, score: s.last, level: s.prev.level }] : [];
  });
  if (joins.length > 0) {
    await tx.query(
      `UPDATE risk_changes c SET from_score = x.score, from_level = x.level
         FROM jsonb_to_recordset($1::jsonb) AS x(id bigint, score int, level text) WHERE c.id = x.id AND c.from_score IS NULL`,
      [JSON.stringify(joins)]);
  }
  return { accounts: new Set(points.map((p) => p.accountId)).size, changes: points.length, connected: joins.length };
}
