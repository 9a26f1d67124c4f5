import type { Queryable } from '../db/connect.js';
import type { AccountHealth } from './engine.js';

/** The webhook event a band move sends (see WEBHOOK_EVENT_TYPES). */
export const BAND_CHANGED = 'health.band_changed';

/**
 * Writes computed health: the current row per account, today's snapshot, and a health change
 * for every account whose score or band moved. A band move (from one band to another; not an
 * account's first score) also queues a `health.band_changed` delivery for every enabled webhook
 * subscribed to it, in the same statement and so in the caller's transaction (the outbox).
 * Returns how many changed and how many deliveries were queued.
 */
export async function saveHealth(q: Queryable, results: AccountHealth[], day: string, cause: string): Promise<{ changed: number; queued: number }> {
  if (results.length === 0) return { changed: 0, queued: 0 };
  const rows = results.map((r) => ({
    account_id: r.facts.id,
    score: r.health.score,
    band: r.health.band,
    state: r.health.state,
    stage: r.facts.stage,
    drivers: { reason: r.health.state === 'no_data' ? r.health.reason : null, items: r.health.drivers },
  }));
  const { rows: out } = await q.query<{ changed: number; queued: number }>(
    `WITH r AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(account_id uuid, score int, band text, state text, stage text, drivers jsonb)
     ),
     -- MATERIALIZED: inlined into the health_changes insert this rescans r for every row (quadratic).
     prev AS MATERIALIZED (SELECT h.account_id, h.score, h.band FROM account_health h JOIN r USING (account_id)),
     up AS (
       INSERT INTO account_health (account_id, score, band, state, stage, drivers, computed_at)
       SELECT account_id, score, band, state, stage, drivers, now() FROM r ORDER BY account_id
       ON CONFLICT (account_id) DO UPDATE SET score = EXCLUDED.score, band = EXCLUDED.band, state = EXCLUDED.state,
         stage = EXCLUDED.stage, drivers = EXCLUDED.drivers, computed_at = EXCLUDED.computed_at
       RETURNING 1
     ),
     snap AS (
       INSERT INTO health_snapshots (account_id, day, score, band)
       SELECT account_id, $2::date, score, band FROM r ORDER BY account_id
       -- An unchanged snapshot (most of them in a recompute) is left as it is: no new row version.
       ON CONFLICT (account_id, day) DO UPDATE SET score = EXCLUDED.score, band = EXCLUDED.band
         WHERE (health_snapshots.score, health_snapshots.band) IS DISTINCT FROM (EXCLUDED.score, EXCLUDED.band)
       RETURNING 1
     ),
     ch AS (
       INSERT INTO health_changes (account_id, from_score, to_score, from_band, to_band, cause)
       SELECT r.account_id, p.score, r.score, p.band, r.band, $3 FROM r LEFT JOIN prev p USING (account_id)
        WHERE (p.score, p.band) IS DISTINCT FROM (r.score, r.band)
       RETURNING id, account_id, at, from_score, to_score, from_band, to_band, cause
     ),
     moved AS (
       SELECT gen_random_uuid() AS event_id, c.* FROM ch c
        WHERE c.from_band IS NOT NULL AND c.from_band IS DISTINCT FROM c.to_band
     ),
     hooks AS (
       INSERT INTO webhook_deliveries (webhook_id, event_id, event_type, payload)
       SELECT w.id, m.event_id, '${BAND_CHANGED}', jsonb_build_object(
                'id', m.event_id, 'type', '${BAND_CHANGED}',
                'occurredAt', to_char(m.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                'accountId', m.account_id,
                'data', jsonb_build_object(
                  'account', jsonb_build_object('id', a.id, 'name', a.name, 'externalId', a.external_id),
                  'fromBand', m.from_band, 'toBand', m.to_band, 'fromScore', m.from_score, 'toScore', m.to_score,
                  'cause', m.cause, 'changeId', m.id))
         FROM moved m JOIN accounts a ON a.id = m.account_id
         JOIN webhooks w ON w.enabled AND '${BAND_CHANGED}' = ANY (w.events)
       ON CONFLICT (webhook_id, event_id) DO NOTHING
       RETURNING 1
     )
     SELECT (SELECT count(*) FROM ch)::int AS changed, (SELECT count(*) FROM hooks)::int AS queued`,
    [JSON.stringify(rows), day, cause],
  );
  return { changed: out[0]?.changed ?? 0, queued: out[0]?.queued ?? 0 };
}

export async function markDirty(q: Queryable, where: { ids: string[] } | { stages: string[] }, cause: string): Promise<number> {
  const r = 'ids' in where
    ? await q.query(`INSERT INTO health_dirty (account_id, cause) SELECT unnest($1::uuid[]), $2 ON CONFLICT DO NOTHING`, [where.ids, cause])
    : await q.query(`INSERT INTO health_dirty (account_id, cause) SELECT id, $2 FROM accounts WHERE stage = ANY($1::text[]) ORDER BY id ON CONFLICT DO NOTHING`, [where.stages, cause]);
  return r.rowCount;
}
