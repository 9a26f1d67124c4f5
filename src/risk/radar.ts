// The risk radar: the book ranked by compound risk (score desc, then account id; keyset cursor), with
// ARR at risk, renewal, the top signals, owner and whether anyone has acted; and the summary per level.
// Churned accounts are left out: there is nothing left to save.
import { z } from 'zod';
import type { Queryable } from '../db/connect.js';
import { decodeCursor, encodeCursor, cursorInt } from '../http/cursor.js';
import { ACTIVE } from '../accounts/book.js';
import type { RiskLevel } from './model.js';
import { contributingSignals, judgments, riskRecords, type Judgment, type Signal } from './queries.js';

export type RadarQuery = {
  cursor?: string | undefined; limit: number; level?: RiskLevel | undefined; ownerId?: string | undefined; teamId?: string | undefined;
  segment?: string | undefined; renewalWithinDays?: number | undefined; acted?: 'true' | 'false' | undefined;
};
export type RadarItem = {
  account: { id: string; name: string; arr: number; renewalDate: string | null; owner: { id: string; name: string } | null; segment: string | null };
  score: number; level: RiskLevel; probability: number; arrAtRisk: number; topSignals: Signal[]; acted: boolean; lastActionAt: string | null; judgment: Judgment | null;
};

const cursorSchema = z.tuple([cursorInt, z.guid()]);

/**
 * "Acted": a person did something about the account. Automation does not count: a task is a person's
 * when a user created it and it did not come from a rule, a playbook or a recommendation (the critical
 * dates pass and the risk escalation create tasks without created_by); an activity when it has an
 * author; a playbook run when a user started it. Since the top signal started: any such action; no
 * signal: a person's open task or running playbook. The last action: the latest such action.
 */
const HUMAN_TASK = `t.created_by IS NOT NULL AND t.source NOT IN ('rule', 'playbook', 'recommendation')`;
const HUMAN_ACTIVITY = 'x.author_id IS NOT NULL';
const HUMAN_RUN = 'p.started_by IS NOT NULL';
const ACTED = `LEFT JOIN LATERAL (
    SELECT s.started_at FROM risk_signals s WHERE s.id = (r.contributions -> 0 ->> 'signalId')::uuid
  ) top ON true
  LEFT JOIN LATERAL (
    SELECT CASE WHEN top.started_at IS NULL THEN
             EXISTS (SELECT 1 FROM tasks t WHERE t.account_id = a.id AND t.status = 'open' AND ${HUMAN_TASK})
          OR EXISTS (SELECT 1 FROM playbook_runs p WHERE p.account_id = a.id AND p.status = 'running' AND ${HUMAN_RUN})
           ELSE
             EXISTS (SELECT 1 FROM tasks t WHERE t.account_id = a.id AND t.created_at >= top.started_at AND ${HUMAN_TASK})
          OR EXISTS (SELECT 1 FROM activities x WHERE x.account_id = a.id AND x.occurred_at >= top.started_at AND ${HUMAN_ACTIVITY})
          OR EXISTS (SELECT 1 FROM playbook_runs p WHERE p.account_id = a.id AND p.started_at >= top.started_at AND ${HUMAN_RUN})
           END AS acted
  ) act ON true`;

function filters(q: RadarQuery, values: unknown[]): string[] {
  const param = (v: unknown) => {
    values.push(v);
    return `$${values.length}`;
  };
  const where = [ACTIVE];
  if (q.level) where.push(`r.level = ${param(q.level)}`);
  if (q.ownerId === 'none') where.push('a.owner_id IS NULL');
  else if (q.ownerId) where.push(`a.owner_id = ${param(q.ownerId)}::uuid`);
  if (q.teamId) where.push(`a.team_id = ${param(q.teamId)}::uuid`);
  if (q.segment) where.push(`a.segment = ${param(q.segment)}`);
  if (q.renewalWithinDays !== undefined) where.push(`a.renewal_date BETWEEN current_date AND current_date + ${param(q.renewalWithinDays)}::int`);
  if (q.acted === 'true') where.push('act.acted');
  else if (q.acted === 'false') where.push('NOT act.acted');
  return where;
}

/** `totals: false` skips the count (total is then 0): an export reading every page needs no count per page. */
export async function radar(db: Queryable, q: RadarQuery, opts: { totals?: boolean } = {}): Promise<{ items: RadarItem[]; nextCursor: string | null; total: number }> {
  const values: unknown[] = [];
  const where = filters(q, values);
  const countWhere = [...where];
  const countValues = [...values];
  if (q.cursor) {
    const [score, id] = decodeCursor(q.cursor, cursorSchema);
    values.push(score, id);
    where.push(`(r.score, a.id) < ($${values.length - 1}::int, $${values.length}::uuid)`);
  }
  values.push(q.limit + 1);
  const from = `FROM account_risk r JOIN accounts a ON a.id = r.account_id ${ACTED}`;
  const [{ rows }, total] = await Promise.all([
    db.query<{ id: string; name: string; arr: number; renewal_date: string | null; owner_id: string | null; owner_name: string | null; segment: string | null; score: number; acted: boolean; last_action_at: Date | null }>(
      `SELECT a.id, a.name, a.arr::float8 AS arr, a.renewal_date::text AS renewal_date, a.owner_id, u.name AS owner_name, a.segment, r.score, act.acted,
              greatest((SELECT max(x.occurred_at) FROM activities x WHERE x.account_id = a.id AND ${HUMAN_ACTIVITY}),
                       (SELECT max(t.created_at) FROM tasks t WHERE t.account_id = a.id AND ${HUMAN_TASK}),
                       (SELECT max(p.started_at) FROM playbook_runs p WHERE p.account_id = a.id AND ${HUMAN_RUN})) AS last_action_at
         ${from} LEFT JOIN users u ON u.id = a.owner_id
        WHERE ${where.join(' AND ')}
        ORDER BY r.score DESC, a.id DESC LIMIT $${values.length}`, values),
    opts.totals === false ? Promise.resolve({ rows: [] as { n: number }[] }) : db.query<{ n: number }>(`SELECT count(*)::int AS n ${from} WHERE ${countWhere.join(' AND ')}`, countValues),
  ]);
  const page = rows.slice(0, q.limit);
  const ids = page.map((r) => r.id);
  const records = await riskRecords(db, ids);
  const [signals, judged] = await Promise.all([contributingSignals(db, [...records.values()]), judgments(db, ids)]);
  const last = page[page.length - 1];
  return {
    items: page.flatMap((r): RadarItem[] => {
      const risk = records.get(r.id);
      if (!risk) return [];
      return [{
        account: { id: r.id, name: r.name, arr: r.arr, renewalDate: r.renewal_date, owner: r.owner_id ? { id: r.owner_id, name: r.owner_name ?? '' } : null, segment: r.segment },
        score: risk.score, level: risk.level, probability: risk.probability, arrAtRisk: Math.round(r.arr * risk.probability * 100) / 100,
        topSignals: (signals.get(r.id) ?? []).slice(0, 3), acted: r.acted, lastActionAt: r.last_action_at ? new Date(r.last_action_at).toISOString() : null,
        judgment: judged.get(r.id) ?? null,
      }];
    }),
    nextCursor: rows.length > q.limit && last ? encodeCursor([last.score, last.id]) : null,
    total: total.rows[0]?.n ?? 0,
  };
}

/** Accounts and ARR per level (active accounts), the ARR at risk (Σ ARR × probability). */
export async function summary(db: Queryable) {
  const { rows } = await db.query<{ level: RiskLevel; accounts: number; arr: number; at_risk: number }>(
    `SELECT r.level, count(*)::int AS accounts, coalesce(sum(a.arr), 0)::float8 AS arr, coalesce(sum(a.arr * r.probability), 0)::float8 AS at_risk
       FROM account_risk r JOIN accounts a ON a.id = r.account_id WHERE ${ACTIVE} GROUP BY r.level`);
  const by = new Map(rows.map((r) => [r.level, r]));
  const levels = (['critical', 'high', 'medium', 'low'] as const).map((level) => ({ level, accounts: by.get(level)?.accounts ?? 0, arr: by.get(level)?.arr ?? 0 }));
  return { levels, arrAtRisk: Math.round(rows.reduce((s, r) => s + r.at_risk, 0) * 100) / 100 };
}
