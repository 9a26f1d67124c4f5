/**
 * The rollup step shared by ingestion and late attribution. Given a CTE named `src` with
 * (account_id, type, event, user_id, anonymous_id, ts, count) of newly attributed messages, it adds
 * them to usage_daily (count — an event row may carry a count above 1, an imported daily count —,
 * unattributed for those with no user at all, and distinct users through usage_daily_users) — per event name and
 * under ALL_EVENTS for the account as a whole (exact distinct users across events) — and moves
 * accounts.last_activity_at and contacts.last_seen_at forward. Rows are written in key order
 * so concurrent transactions take row locks in the same order.
 */
/** The rollup row of an account's whole usage: every event, users distinct across events. */
export const ALL_EVENTS = '$all';

export const ROLLUP_CTES = `
usage_one AS (
  SELECT account_id,
         CASE type WHEN 'track' THEN event WHEN 'page' THEN '$page' ELSE '$screen' END AS event,
         (ts AT TIME ZONE 'UTC')::date AS day,
         coalesce(user_id, anonymous_id) AS user_key,
         user_id, ts, coalesce(count, 1) AS n
    FROM src
   WHERE account_id IS NOT NULL AND type IN ('track', 'page', 'screen') AND (type <> 'track' OR event IS NOT NULL)
),
usage_in AS (
  SELECT * FROM usage_one
  UNION ALL
  SELECT account_id, '$all', day, user_key, user_id, ts, n FROM usage_one
),
new_users AS (
  INSERT INTO usage_daily_users (account_id, event, day, user_key)
  SELECT DISTINCT account_id, event, day, user_key FROM usage_in WHERE user_key IS NOT NULL
   ORDER BY account_id, event, day, user_key
  ON CONFLICT DO NOTHING
  RETURNING account_id, event, day
),
rolled AS (
  INSERT INTO usage_daily (account_id, event, day, count, users, unattributed)
  SELECT u.account_id, u.event, u.day, u.n, coalesce(nu.n, 0), u.unattributed
    FROM (SELECT account_id, event, day, sum(n)::int AS n, coalesce(sum(n) FILTER (WHERE user_key IS NULL), 0)::int AS unattributed
            FROM usage_in GROUP BY 1, 2, 3) u
    LEFT JOIN (SELECT account_id, event, day, count(*)::int AS n FROM new_users GROUP BY 1, 2, 3) nu USING (account_id, event, day)
   ORDER BY u.account_id, u.event, u.day
  ON CONFLICT (account_id, event, day) DO UPDATE
    SET count = usage_daily.count + EXCLUDED.count, users = usage_daily.users + EXCLUDED.users,
        unattributed = usage_daily.unattributed + EXCLUDED.unattributed
  RETURNING 1
),
touched_accounts AS (
  UPDATE accounts a SET last_activity_at = greatest(a.last_activity_at, m.last_ts),
                        first_activity_at = least(a.first_activity_at, m.first_ts)
    -- Lock the rows in id order first: concurrent batches touching the same accounts then wait
    -- for each other instead of deadlocking.
    FROM (SELECT a2.id, m0.last_ts, m0.first_ts
            FROM (SELECT account_id, max(ts) AS last_ts, min(ts) AS first_ts FROM usage_one GROUP BY 1) m0
            JOIN accounts a2 ON a2.id = m0.account_id
           WHERE a2.last_activity_at IS NULL OR a2.last_activity_at < m0.last_ts OR a2.first_activity_at IS NULL OR a2.first_activity_at > m0.first_ts
           ORDER BY a2.id
             FOR NO KEY UPDATE OF a2) m
   WHERE a.id = m.id
  RETURNING 1
),
dirty AS (
  INSERT INTO health_dirty (account_id, cause)
  SELECT DISTINCT account_id, 'usage' FROM usage_one ORDER BY account_id
  ON CONFLICT (account_id) DO NOTHING
  RETURNING 1
),
touched_contacts AS (
  UPDATE contacts c SET last_seen_at = m.ts
    FROM (SELECT c2.id, m0.ts
            FROM (SELECT user_id, max(ts) AS ts FROM usage_one WHERE user_id IS NOT NULL GROUP BY 1) m0
            JOIN contacts c2 ON c2.external_id = m0.user_id
           WHERE c2.last_seen_at IS NULL OR c2.last_seen_at < m0.ts
           ORDER BY c2.id
             FOR NO KEY UPDATE OF c2) m
   WHERE c.id = m.id AND (c.last_seen_at IS NULL OR c.last_seen_at < m.ts)
  RETURNING 1
)`;

/**
 * Late attribution's accounts, locked in id order before ATTRIBUTE_PENDING_SQL writes their
 * rollups (the same candidates, so the statement then waits on no account a batch holds).
 */
export const LOCK_PENDING_ACCOUNTS_SQL = `
SELECT a.id FROM accounts a
 WHERE a.id IN (
   SELECT coalesce(ga.id, c.account_id)
     FROM events e
     LEFT JOIN accounts ga ON ga.external_id = e.group_id
     LEFT JOIN contacts c ON e.group_id IS NULL AND c.external_id = e.user_id
    WHERE e.account_id IS NULL AND coalesce(ga.id, c.account_id) IS NOT NULL
    ORDER BY e.id
    LIMIT $1)
 ORDER BY a.id
   FOR NO KEY UPDATE OF a`;

/** Late attribution: events kept without an account whose group or user is now known. */
export const ATTRIBUTE_PENDING_SQL = `
WITH cand AS (
  SELECT e.id, e.ts, coalesce(a.id, c.account_id) AS account_id
    FROM events e
    LEFT JOIN accounts a ON a.external_id = e.group_id
    LEFT JOIN contacts c ON e.group_id IS NULL AND c.external_id = e.user_id
   WHERE e.account_id IS NULL AND coalesce(a.id, c.account_id) IS NOT NULL
   ORDER BY e.id
   LIMIT $1
   FOR UPDATE OF e SKIP LOCKED
),
src AS (
  UPDATE events e SET account_id = cand.account_id FROM cand
   WHERE e.id = cand.id AND e.ts = cand.ts
  RETURNING e.account_id, e.type, e.event, e.user_id, e.anonymous_id, e.ts, e.count
),
${ROLLUP_CTES}
SELECT (SELECT count(*) FROM src)::int AS attributed`;
