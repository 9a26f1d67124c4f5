import type { Queryable } from '../db/connect.js';
import type { Category } from './forecast.js';

/** SQL of renewals: the renewals in a range, the top risks lowering them, overrides, and retention's inputs. */

export type RenewalRow = {
  accountId: string; name: string; ownerId: string | null; ownerName: string | null; teamId: string | null; segment: string | null;
  stage: 'onboarding' | 'adoption' | 'renewal' | 'churned'; renewalDate: string; arr: number; riskProbability: number | null;
  override: { category: Category; reason: string; by: { id: string; name: string } | null; at: string } | null;
};

type Raw = {
  id: string; name: string; owner_id: string | null; owner_name: string | null; team_id: string | null; segment: string | null; stage: RenewalRow['stage'];
  renewal_date: string; arr: number; risk: number | null; o_category: Category | null; o_reason: string | null; o_by: string | null; o_by_name: string | null; o_at: string | null;
};

const SELECT = `SELECT a.id, a.name, a.owner_id, u.name AS owner_name, a.team_id, a.segment, a.stage, a.renewal_date::text AS renewal_date,
       a.arr::float8 AS arr, ar.probability::float8 AS risk,
       o.category AS o_category, o.reason AS o_reason, o.by_user_id AS o_by, ob.name AS o_by_name,
       to_char(o.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS o_at
  FROM accounts a
  LEFT JOIN users u ON u.id = a.owner_id
  LEFT JOIN account_risk ar ON ar.account_id = a.id
  LEFT JOIN renewal_overrides o ON o.account_id = a.id AND o.renewal_date = a.renewal_date
  LEFT JOIN users ob ON ob.id = o.by_user_id`;

const toRow = (r: Raw): RenewalRow => ({
  accountId: r.id, name: r.name, ownerId: r.owner_id, ownerName: r.owner_name, teamId: r.team_id, segment: r.segment, stage: r.stage,
  renewalDate: r.renewal_date, arr: r.arr, riskProbability: r.risk,
  override: r.o_category && r.o_at ? { category: r.o_category, reason: r.o_reason ?? '', by: r.o_by ? { id: r.o_by, name: r.o_by_name ?? '' } : null, at: r.o_at } : null,
});

/** Accounts not churned whose renewal date falls in [from, to), by renewal date then id. */
export async function renewalsIn(q: Queryable, from: string, to: string): Promise<RenewalRow[]> {
  const { rows } = await q.query<Raw>(
    `${SELECT} WHERE a.stage <> 'churned' AND a.renewal_date >= $1::date AND a.renewal_date < $2::date ORDER BY a.renewal_date, a.id`,
    [from, to],
  );
  return rows.map(toRow);
}

/** One account's renewal (whatever its stage), or null. `lock` for a write. */
export async function renewalOf(q: Queryable, accountId: string, lock = false): Promise<RenewalRow | null> {
  const { rows } = await q.query<Raw>(`${SELECT} WHERE a.id = $1${lock ? ' FOR UPDATE OF a' : ''}`, [accountId]);
  const r = rows[0];
  return r ? toRow(r) : null;
}

export type RiskSignal = {
  id: string; accountId: string; kind: string; family: string; label: string; strength: number; effective: number; contribution: number;
  startedAt: string | null; endedAt: string | null; evidence: { summary: string; facts?: Record<string, unknown>; refs?: { type: string; id: string; label?: string }[] };
  source: string | null; note: string | null; raisedBy: { id: string; name: string } | null;
};

const num = (e: string) => `CASE WHEN jsonb_typeof(e.value->'${e}') = 'number' THEN (e.value->>'${e}')::float8 ELSE 0 END`;
const ts = (c: string) => `to_char(${c} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * The `limit` signals that contribute most to each account's compound risk (account_risk.contributions,
 * written by src/risk), with their definitions' labels and the stored signal's evidence.
 */
export async function topRisks(q: Queryable, accountIds: string[], limit = 3): Promise<Map<string, RiskSignal[]>> {
  const out = new Map<string, RiskSignal[]>();
  if (accountIds.length === 0) return out;
  const { rows } = await q.query<{
    account_id: string; id: string; kind: string; family: string | null; label: string | null; strength: number; effective: number; contribution: number;
    started_at: string | null; ended_at: string | null; evidence: unknown; source: string | null; note: string | null; raised_by: string | null; raised_by_name: string | null;
  }>(
    `SELECT ar.account_id, t.id, t.kind, d.family, d.label, t.strength, t.effective, t.contribution,
            ${ts('s.started_at')} AS started_at, ${ts('s.ended_at')} AS ended_at, s.evidence, s.source, s.note, s.raised_by, ru.name AS raised_by_name
       FROM account_risk ar
       CROSS JOIN LATERAL (
         SELECT coalesce(e.value->>'signalId', '') AS id, coalesce(e.value->>'kind', '') AS kind,
                ${num('strength')} AS strength, ${num('effective')} AS effective, ${num('contribution')} AS contribution
           FROM jsonb_array_elements(CASE WHEN jsonb_typeof(ar.contributions) = 'array' THEN ar.contributions ELSE '[]'::jsonb END) e
          WHERE jsonb_typeof(e.value) = 'object'
          ORDER BY 5 DESC, 1 LIMIT $2
       ) t
       LEFT JOIN risk_signals s ON s.id::text = t.id
       LEFT JOIN signal_definitions d ON d.kind = t.kind
       LEFT JOIN users ru ON ru.id = s.raised_by
      WHERE ar.account_id = ANY($1::uuid[])
      ORDER BY ar.account_id, t.contribution DESC, t.id`,
    [accountIds, limit],
  );
  for (const r of rows) {
    const ev = (r.evidence && typeof r.evidence === 'object' ? r.evidence : {}) as Record<string, unknown>;
    const list = out.get(r.account_id) ?? [];
    list.push({
      id: r.id, accountId: r.account_id, kind: r.kind, family: r.family ?? 'other', label: r.label ?? r.kind,
      strength: r.strength, effective: r.effective, contribution: r.contribution, startedAt: r.started_at, endedAt: r.ended_at,
      evidence: {
        summary: typeof ev.summary === 'string' ? ev.summary : '',
        ...(ev.facts && typeof ev.facts === 'object' && !Array.isArray(ev.facts) ? { facts: ev.facts as Record<string, unknown> } : {}),
        ...(Array.isArray(ev.refs) ? { refs: ev.refs as { type: string; id: string; label?: string }[] } : {}),
      },
      source: r.source, note: r.note, raisedBy: r.raised_by ? { id: r.raised_by, name: r.raised_by_name ?? '' } : null,
    });
    out.set(r.account_id, list);
  }
  return out;
}

export async function upsertOverride(tx: Queryable, o: { accountId: string; renewalDate: string; category: Category; reason: string; by: string | null }) {
  await tx.query(
    `INSERT INTO renewal_overrides (account_id, renewal_date, category, reason, by_user_id) VALUES ($1, $2::date, $3, $4, $5)
     ON CONFLICT (account_id, renewal_date) DO UPDATE SET category = EXCLUDED.category, reason = EXCLUDED.reason, by_user_id = EXCLUDED.by_user_id, at = now()`,
    [o.accountId, o.renewalDate, o.category, o.reason, o.by],
  );
}

/** Deletes the override of that renewal; returns what it was, or null when there was none. */
export async function deleteOverride(tx: Queryable, accountId: string, renewalDate: string): Promise<{ category: Category; reason: string } | null> {
  const { rows } = await tx.query<{ category: Category; reason: string }>(
    'DELETE FROM renewal_overrides WHERE account_id = $1 AND renewal_date = $2::date RETURNING category, reason', [accountId, renewalDate],
  );
  return rows[0] ?? null;
}
