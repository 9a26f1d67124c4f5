// Writes of the risk model: dirty marks, account_risk, risk_changes, the level-change webhook, the
// calibration table. SQL only; the arithmetic is in model.ts and calibrate.ts.
import type { Queryable } from '../db/connect.js';
import type { RiskLevel } from './model.js';
import type { KindCalibration } from './calibrate.js';

export const LEVEL_CHANGED = 'risk.level_changed';
/** A score move this large is recorded in risk_changes even when the level stays. */
export const SCORE_MOVE = 5;

/**
 * The rule that records a move in risk_changes (saveRisk's WHERE says the same in SQL): the first
 * computation, a level change since the previous computation, or a score SCORE_MOVE or more away from
 * the last recorded change (the previous computation's score when none is recorded).
 */
export function isRiskMove(prev: { score: number; level: RiskLevel } | null, lastRecordedScore: number | null, next: { score: number; level: RiskLevel }): boolean {
  return prev === null || prev.level !== next.level || Math.abs(next.score - (lastRecordedScore ?? prev.score)) >= SCORE_MOVE;
}

export type RiskRow = {
  accountId: string; score: number; level: RiskLevel; probability: number; model: string;
  contributions: { signalId: string; kind: string; family: string; strength: number; effective: number; contribution: number }[];
};
export type LevelChange = { accountId: string; fromLevel: RiskLevel | null; toLevel: RiskLevel; score: number };

export async function markRiskDirty(q: Queryable, ids: string[], cause: string): Promise<void> {
  await q.query('INSERT INTO risk_dirty (account_id, cause) SELECT unnest($1::uuid[]), $2 ON CONFLICT DO NOTHING', [ids, cause]);
}

/**
 * Saves computed risk: the current row per account; a risk change when the level moved or the score
 * moved by SCORE_MOVE or more since the last recorded change (or on the first computation); and, for
 * a level move from an earlier level, a `risk.level_changed` delivery for every subscribed webhook, in
 * the same statement and so in the caller's transaction (the outbox). Returns the level moves (first
 * computations included, fromLevel null) and how many deliveries were queued.
 */
export async function saveRisk(q: Queryable, results: RiskRow[], now: Date): Promise<{ changes: LevelChange[]; queued: number }> {
  if (results.length === 0) return { changes: [], queued: 0 };
  const rows = results.map((r) => ({
    account_id: r.accountId, score: r.score, level: r.level, probability: Math.round(r.probability * 1e5) / 1e5, model: r.model, contributions: r.contributions,
  }));
  const { rows: out } = await q.query<{ kind: 'change' | 'queued'; account_id: string | null; from_level: RiskLevel | null; to_level: RiskLevel | null; score: number | null; n: number | null }>(
    `WITH r AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(account_id uuid, score int, level text, probability numeric, model text, contributions jsonb)
        WHERE EXISTS (SELECT 1 FROM accounts a WHERE a.id = r.account_id)
     ),
     prev AS MATERIALIZED (SELECT x.account_id, x.score, x.level FROM account_risk x JOIN r USING (account_id)),
     last AS MATERIALIZED (
       SELECT DISTINCT ON (c.account_id) c.account_id, c.to_score FROM risk_changes c JOIN r USING (account_id)
        ORDER BY c.account_id, c.at DESC, c.id DESC
     ),
     up AS (
       INSERT INTO account_risk (account_id, score, level, probability, contributions, model, computed_at)
       SELECT account_id, score, level, probability, contributions, model, $2 FROM r ORDER BY account_id
       ON CONFLICT (account_id) DO UPDATE SET score = EXCLUDED.score, level = EXCLUDED.level, probability = EXCLUDED.probability,
         contributions = EXCLUDED.contributions, model = EXCLUDED.model, computed_at = EXCLUDED.computed_at
       RETURNING 1
     ),
     -- isRiskMove, in SQL:
     ch AS (
       INSERT INTO risk_changes (account_id, at, from_score, to_score, from_level, to_level)
       SELECT r.account_id, $2, p.score, r.score, p.level, r.level FROM r LEFT JOIN prev p USING (account_id) LEFT JOIN last l USING (account_id)
        WHERE p.level IS NULL OR p.level <> r.level OR abs(r.score - coalesce(l.to_score, p.score)) >= ${SCORE_MOVE}
       RETURNING id, account_id, at, from_score, to_score, from_level, to_level
     ),
     moved AS (SELECT gen_random_uuid() AS event_id, c.* FROM ch c WHERE c.from_level IS NOT NULL AND c.from_level <> c.to_level),
     hooks AS (
       INSERT INTO webhook_deliveries (webhook_id, event_id, event_type, payload)
       SELECT w.id, m.event_id, '${LEVEL_CHANGED}', jsonb_build_object(
                'id', m.event_id, 'type', '${LEVEL_CHANGED}',
                'occurredAt', to_char(m.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                'accountId', m.account_id,
                'data', jsonb_build_object(
                  'account', jsonb_build_object('id', a.id, 'name', a.name, 'externalId', a.external_id),
                  'fromLevel', m.from_level, 'toLevel', m.to_level, 'fromScore', m.from_score, 'toScore', m.to_score,
                  'changeId', m.id))
         FROM moved m JOIN accounts a ON a.id = m.account_id
         JOIN webhooks w ON w.enabled AND '${LEVEL_CHANGED}' = ANY (w.events)
       ON CONFLICT (webhook_id, event_id) DO NOTHING
       RETURNING 1
     )
     SELECT 'change' AS kind, account_id, from_level, to_level, to_score AS score, NULL::int AS n FROM ch
      WHERE from_level IS NULL OR from_level <> to_level
     UNION ALL SELECT 'queued', NULL, NULL, NULL, NULL, (SELECT count(*) FROM hooks)::int`,
    [JSON.stringify(rows), now],
  );
  const changes = out.filter((r) => r.kind === 'change').map((r) => ({ accountId: r.account_id ?? '', fromLevel: r.from_level, toLevel: r.to_level as RiskLevel, score: r.score ?? 0 }));
  return { changes, queued: out.find((r) => r.kind === 'queued')?.n ?? 0 };
}

/** The calibrated strengths the model uses (kinds with a figure), and the outcomes behind them. */
export async function loadCalibration(q: Queryable): Promise<{ strengths: Map<string, number>; outcomes: number }> {
  const [{ rows }, total] = await Promise.all([
    q.query<{ kind: string; probability: string }>('SELECT kind, probability::text AS probability FROM risk_calibration WHERE probability IS NOT NULL'),
    q.query<{ n: number }>(`SELECT count(*)::int AS n FROM outcomes`),
  ]);
  return { strengths: new Map(rows.map((r) => [r.kind, Number(r.probability)])), outcomes: total.rows[0]?.n ?? 0 };
}

/**
 * Per signal kind, among recorded outcomes: how many had that kind on their account within the lead
 * window before the outcome (started by the outcome, not ended before the window opened), and how
 * many of those were losses. Plus the number of outcomes in the book.
 */
export async function calibrationCounts(q: Queryable, leadDays: number): Promise<{ outcomes: number; counts: { kind: string; defaultStrength: number; accountsWith: number; lossesWith: number }[] }> {
  const [{ rows }, total] = await Promise.all([
    q.query<{ kind: string; strength: string; accounts_with: number; losses_with: number }>(
      `SELECT d.kind, d.strength::text AS strength, count(DISTINCT o.id)::int AS accounts_with,
              (count(DISTINCT o.id) FILTER (WHERE o.kind IN ('churned', 'downgraded')))::int AS losses_with
         FROM signal_definitions d
         LEFT JOIN risk_signals s ON s.kind = d.kind AND s.withdrawn_at IS NULL
         LEFT JOIN outcomes o ON o.account_id = s.account_id AND s.started_at < o.occurred_on + 1
              AND (s.ended_at IS NULL OR s.ended_at >= o.occurred_on - $1::int)
        GROUP BY d.kind, d.strength ORDER BY d.kind`, [leadDays]),
    q.query<{ n: number }>(`SELECT count(*)::int AS n FROM outcomes`),
  ]);
  return {
    outcomes: total.rows[0]?.n ?? 0,
    counts: rows.map((r) => ({ kind: r.kind, defaultStrength: Number(r.strength), accountsWith: r.accounts_with, lossesWith: r.losses_with })),
  };
}

export async function saveCalibration(q: Queryable, kinds: KindCalibration[], leadDays: number, now: Date): Promise<void> {
  await q.query(
    `INSERT INTO risk_calibration (kind, accounts_with, losses_with, probability, lead_days, computed_at)
     SELECT kind, accounts_with, losses_with, probability, $2, $3
       FROM jsonb_to_recordset($1::jsonb) AS x(kind text, accounts_with int, losses_with int, probability numeric)
      WHERE EXISTS (SELECT 1 FROM signal_definitions d WHERE d.kind = x.kind)
     ON CONFLICT (kind) DO UPDATE SET accounts_with = EXCLUDED.accounts_with, losses_with = EXCLUDED.losses_with,
       probability = EXCLUDED.probability, lead_days = EXCLUDED.lead_days, computed_at = EXCLUDED.computed_at`,
    [JSON.stringify(kinds.map((k) => ({ kind: k.kind, accounts_with: k.accountsWith, losses_with: k.lossesWith, probability: k.calibrated }))), leadDays, now],
  );
}

/** The window of the book's loss rate: a year, the cycle of an annual renewal. */
export const BASE_RATE_WINDOW_DAYS = 365;

/**
 * The two loss priors of the calibration's prior shift (calibrate.ts):
 * - outcomes (π_s): losses (churned, downgraded) / all recorded outcomes, the sample the kinds are measured on;
 * - book (π_b): distinct accounts with a loss outcome in the last 365 days / accounts that were customers
 *   during that window: a contract (or, without one, the record) begun by today and no churn recorded before
 *   the window, plus any account with an outcome in it. Null when a count is 0.
 */
export async function baseRates(q: Queryable, now: Date, windowDays = BASE_RATE_WINDOW_DAYS): Promise<{ outcomes: number | null; book: number | null }> {
  const { rows } = await q.query<{ recorded: number; losses: number; book_losses: number; book: number }>(
    `WITH w AS (SELECT ($1::timestamptz)::date AS today, ($1::timestamptz)::date - $2::int AS since)
     SELECT (SELECT count(*)::int FROM outcomes) AS recorded,
            (SELECT count(*)::int FROM outcomes WHERE kind IN ('churned', 'downgraded')) AS losses,
            (SELECT count(DISTINCT o.account_id)::int FROM outcomes o, w
              WHERE o.kind IN ('churned', 'downgraded') AND o.occurred_on > w.since AND o.occurred_on <= w.today) AS book_losses,
            (SELECT count(*)::int FROM accounts a, w
              WHERE (coalesce(a.contract_start, a.created_at::date) <= w.today
                     AND NOT EXISTS (SELECT 1 FROM outcomes o WHERE o.account_id = a.id AND o.kind = 'churned' AND o.occurred_on <= w.since))
                 OR EXISTS (SELECT 1 FROM outcomes o WHERE o.account_id = a.id AND o.occurred_on > w.since AND o.occurred_on <= w.today)) AS book`,
    [now, windowDays]);
  const r = rows[0];
  if (!r) return { outcomes: null, book: null };
  return { outcomes: r.recorded > 0 ? r.losses / r.recorded : null, book: r.book > 0 ? r.book_losses / r.book : null };
}
