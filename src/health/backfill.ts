// History back-fill: daily health snapshots (and their health_changes) for past days, computed
// from the stored usage rollups with today's drivers, "as of" each day. See README.md.
import type { Database, Queryable } from '../db/connect.js';
import { utcToday } from '../accounts/usage.js';
import { evaluate, measuredDrivers, type EngineDriver } from './engine.js';
import { measureDays } from './metrics-days.js';

/** The cause of back-filled health_changes: rebuilt (replaced) by the next back-fill, never sent as news. */
export const BACKFILL_CAUSE = 'backfill';
export const BACKFILL_MAX_DAYS = 365;
export const BACKFILL_DEFAULT_DAYS = 90;
/** How far back an import's history rebuild goes (three years of imported usage). */
export const BACKFILL_MAX_IMPORT_DAYS = 1100;
// Accounts per chunk, and days per measuring query: a chunk's days are measured in one pass over
// its rollups, so a 100k-account book stays bounded (500 accounts × 30 days per statement).
const CHUNK = 500;
const DAY_BATCH = 30;
const NO_JIT = 'SET LOCAL jit = off';

const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** The days a back-fill of `days` rebuilds: from today − days to yesterday (UTC). */
export function backfillRange(days: number, today = utcToday()): { from: string; to: string } {
  return { from: addDays(today, -days), to: addDays(today, -1) };
}

/** Account-days to compute: for each account, the days of the range on or after its first activity. */
export async function backfillTotal(q: Queryable, range: { from: string; to: string }, ids: string[] | null = null): Promise<number> {
  const { rows } = await q.query<{ n: number }>(
    `SELECT coalesce(sum(greatest(0, $2::date - greatest($1::date, first_activity_at::date) + 1)), 0)::int AS n
       FROM accounts WHERE first_activity_at IS NOT NULL AND ($3::uuid[] IS NULL OR id = ANY($3::uuid[]))`,
    [range.from, range.to, ids],
  );
  return rows[0]?.n ?? 0;
}

/**
 * Accounts whose history has a hole at its start: usage before their earliest snapshot, within the
 * last `days` days (past events imported or sent late, a bulk load). Their first activity moved back
 * while the snapshots only began when Canopy first scored them. At most `limit` of them.
 */
export async function historyGaps(q: Queryable, days: number, limit: number): Promise<string[]> {
  const { rows } = await q.query<{ id: string }>(
    `SELECT a.id FROM accounts a
      WHERE a.first_activity_at IS NOT NULL AND a.first_activity_at::date < current_date
        AND NOT EXISTS (SELECT 1 FROM health_snapshots s WHERE s.account_id = a.id
                           AND s.day <= greatest(a.first_activity_at::date, current_date - $1::int))
      ORDER BY a.id LIMIT $2`,
    [days, limit],
  );
  return rows.map((r) => r.id);
}

type SnapshotRow = { account_id: string; day: string; score: number | null; band: string | null };

/**
 * Back-fills the range for the whole book, in keyset chunks of accounts: measures the chunk over
 * the range in batches of days, scores each day with `evaluate` (the live scoring code), upserts
 * health_snapshots, then rebuilds the chunk's back-filled health_changes. Never touches
 * account_health or today's snapshot, and queues no webhooks: a back-filled move is not news.
 * `progress` is called with the account-days done so far.
 */
export async function backfillHistory(
  database: Database, drivers: EngineDriver[], range: { from: string; to: string }, progress: (done: number) => Promise<void>,
  scope: { ids: string[] } | null = null,
): Promise<{ accounts: number; snapshots: number; changes: number }> {
  const measured = measuredDrivers(drivers);
  let done = 0;
  let accounts = 0;
  let changes = 0;
  for await (const ids of chunks(database, scope, range.to)) {
    accounts += ids.length;
    for (let from = range.from; from <= range.to; from = addDays(from, DAY_BATCH)) {
      const end = addDays(from, DAY_BATCH - 1);
      const to = end < range.to ? end : range.to;
      done += await database.transaction(async (tx) => {
        await tx.query(NO_JIT);
        const rows: SnapshotRow[] = [];
        for (const { day, measurements } of await measureDays(tx, measured, { ids }, from, to)) {
          for (const r of evaluate(drivers, measurements, day)) rows.push({ account_id: r.facts.id, day, score: r.health.score, band: r.health.band });
        }
        await upsertSnapshots(tx, rows);
        return rows.length;
      });
      await progress(done);
    }
    changes += await rebuildChanges(database, ids, range);
  }
  return { accounts, snapshots: done, changes };
}

/** The accounts to back-fill, CHUNK at a time: those with usage before the range ended (keyset). */
async function* chunks(q: Queryable, scope: { ids: string[] } | null, to: string): AsyncGenerator<string[]> {
  if (scope) {
    for (let i = 0; i < scope.ids.length; i += CHUNK) {
      const { rows } = await q.query<{ id: string }>(
        `SELECT id FROM accounts WHERE id = ANY($1::uuid[]) AND first_activity_at < $2::date + 1 ORDER BY id`, [scope.ids.slice(i, i + CHUNK), to]);
      if (rows.length) yield rows.map((r) => r.id);
    }
    return;
  }
  let afterId: string | null = null;
  for (;;) {
    const ids: string[] = (await q.query<{ id: string }>(
      `SELECT id FROM accounts WHERE ($1::uuid IS NULL OR id > $1::uuid) AND first_activity_at < $2::date + 1 ORDER BY id LIMIT $3`,
      [afterId, to, CHUNK])).rows.map((r) => r.id);
    const last: string | undefined = ids[ids.length - 1];
    if (last === undefined) return;
    yield ids;
    if (ids.length < CHUNK) return;
    afterId = last;
  }
}

async function upsertSnapshots(q: Queryable, rows: SnapshotRow[]) {
  if (rows.length === 0) return;
  await q.query(
    `INSERT INTO health_snapshots (account_id, day, score, band)
     SELECT account_id, day, score, band FROM jsonb_to_recordset($1::jsonb) AS r(account_id uuid, day date, score int, band text)
      ORDER BY account_id, day
     ON CONFLICT (account_id, day) DO UPDATE SET score = EXCLUDED.score, band = EXCLUDED.band`,
    [JSON.stringify(rows)],
  );
}

/**
 * The day-to-day moves of the chunk's snapshots in the range, as health_changes with cause
 * 'backfill' at the end of the day they happened (the snapshot is the state after that day's
 * usage). Earlier back-filled changes of the range are replaced, so a rebuild is idempotent; live
 * changes (any other cause) are never deleted, and a day that has one keeps it alone, so no move
 * is counted twice. The insert marks the accounts for rule evaluation (trigger
 * health_changes_mark_rules); rules read health_changes only within their own "within N days"
 * window, so only recent history can make one fire.
 */
async function rebuildChanges(database: Database, ids: string[], range: { from: string; to: string }): Promise<number> {
  return database.transaction(async (tx) => {
    // Two back-fills at once would each insert the moves: one at a time.
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('canopy.health.backfill'))`);
    await tx.query(
      `DELETE FROM health_changes WHERE cause = '${BACKFILL_CAUSE}' AND account_id = ANY($1::uuid[])
          AND at >= $2::date::timestamp AT TIME ZONE 'UTC' AND at < ($3::date + 1)::timestamp AT TIME ZONE 'UTC'`,
      [ids, range.from, range.to],
    );
    const r = await tx.query(
      `INSERT INTO health_changes (account_id, at, from_score, to_score, from_band, to_band, cause)
       SELECT s.account_id, (s.day + 1)::timestamp AT TIME ZONE 'UTC' - interval '1 second', s.prev_score, s.score, s.prev_band, s.band, '${BACKFILL_CAUSE}'
         FROM (SELECT account_id, day, score, band, lag(score) OVER w AS prev_score, lag(band) OVER w AS prev_band
                 FROM health_snapshots WHERE account_id = ANY($1::uuid[]) AND day <= $3::date
               WINDOW w AS (PARTITION BY account_id ORDER BY day)) s
        WHERE s.day >= $2::date AND (s.prev_score, s.prev_band) IS DISTINCT FROM (s.score, s.band)
          AND NOT EXISTS (SELECT 1 FROM health_changes h WHERE h.account_id = s.account_id AND h.cause <> '${BACKFILL_CAUSE}'
                             AND h.at >= s.day::timestamp AT TIME ZONE 'UTC' AND h.at < (s.day + 1)::timestamp AT TIME ZONE 'UTC')
        ORDER BY s.account_id, s.day`,
      [ids, range.from, range.to],
    );
    return r.rowCount;
  });
}
