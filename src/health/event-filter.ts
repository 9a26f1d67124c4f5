// Which usage rows an event driver counts: named events, name patterns (`*` is any run of
// characters, e.g. `Feature *`) and exclusions (names or patterns). Shared by measure() and
// measureDays() so that past and present values agree. SQL over usage_daily rows `d`.
import { ALL_EVENTS } from '../ingest/rollup-sql.js';

export type EventSelection = { events: string[]; patterns?: string[] | undefined; exclude?: string[] | undefined };

/** A `*` pattern as a LIKE pattern: LIKE's own wildcards and its escape are taken literally. */
export function likePattern(pattern: string): string {
  return pattern.replace(/[\\%_]/g, (c) => `\\${c}`).replace(/\*/g, '%');
}

/** Does `name` match the `*` pattern (the same test as the SQL)? */
export function matchesPattern(name: string, pattern: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's');
  return re.test(name);
}

/** Does the selection pick only by name (or everything), so the '$all' row can stand for it? */
export const isPlainSelection = (s: EventSelection) => (s.patterns ?? []).length === 0 && (s.exclude ?? []).length === 0;

/**
 * The condition on `d.event`. Nothing named, no pattern and no exclusion: every event, as the
 * '$all' row when `allowAll` (exact for counts and users across events), else every real name.
 */
export function eventFilterSql(s: EventSelection, allowAll: boolean, p: (v: unknown) => string): string {
  const patterns = s.patterns ?? [];
  const exclude = s.exclude ?? [];
  const real = `d.event <> '${ALL_EVENTS}'`;
  if (s.events.length === 0 && patterns.length === 0 && exclude.length === 0) return allowAll ? `d.event = '${ALL_EVENTS}'` : real;
  const picks: string[] = [];
  if (s.events.length) picks.push(`d.event = ANY(${p(s.events)}::text[])`);
  if (patterns.length) picks.push(`d.event LIKE ANY(${p(patterns.map(likePattern))}::text[])`);
  const pick = picks.length ? `(${picks.join(' OR ')})` : 'true';
  const out = exclude.length ? ` AND NOT (d.event LIKE ANY(${p(exclude.map(likePattern))}::text[]))` : '';
  return `${real} AND ${pick}${out}`;
}

/** A filter on an event property (top-level key of `properties`); filters are ANDed. */
export type PropertyFilter =
  | { property: string; op: 'equals'; value: string | number | boolean }
  | { property: string; op: 'in'; value: (string | number | boolean)[] }
  | { property: string; op: 'exists' };

/** The condition on events `e` (JSON equality: 1 equals 1.0, "1" does not equal 1). */
export function propertyFilterSql(filters: PropertyFilter[], p: (v: unknown) => string): string {
  return filters.map((f) => {
    const prop = `(e.properties -> ${p(f.property)}::text)`;
    if (f.op === 'exists') return `${prop} IS NOT NULL`;
    if (f.op === 'equals') return `${prop} = ${p(JSON.stringify(f.value))}::jsonb`;
    return `${p(JSON.stringify(f.value))}::jsonb @> jsonb_build_array(${prop})`;
  }).join(' AND ') || 'true';
}

/**
 * Rows shaped like usage_daily (account_id, event, day, count, users, unattributed), built from the
 * stored events that pass the property filters — per event name as the rollup names it, and under
 * '$all' with users distinct across events — for the accounts `accounts` (SQL uuid[]) and the days
 * `fromDay`..`toDay` (SQL dates, both included). A driver with filters reads these instead of
 * usage_daily, live and in the back-fill, so both agree.
 */
export function filteredDailySql(filters: PropertyFilter[], accounts: string, fromDay: string, toDay: string, p: (v: unknown) => string): string {
  const one = `SELECT e.account_id, CASE e.type WHEN 'track' THEN e.event WHEN 'page' THEN '$page' ELSE '$screen' END AS event,
      (e.ts AT TIME ZONE 'UTC')::date AS day, coalesce(e.user_id, e.anonymous_id) AS user_key, e.count AS n
    FROM events e
   WHERE e.account_id = ANY(${accounts}) AND e.type IN ('track', 'page', 'screen') AND (e.type <> 'track' OR e.event IS NOT NULL)
     AND e.ts >= ((${fromDay})::timestamp AT TIME ZONE 'UTC') AND e.ts < ((${toDay} + 1)::timestamp AT TIME ZONE 'UTC')
     AND ${propertyFilterSql(filters, p)}`;
  const agg = `sum(n)::int AS count, count(DISTINCT user_key)::int AS users, coalesce(sum(n) FILTER (WHERE user_key IS NULL), 0)::int AS unattributed`;
  return `(WITH o AS (${one})
    SELECT account_id, event, day, ${agg} FROM o GROUP BY 1, 2, 3
    UNION ALL SELECT account_id, '${ALL_EVENTS}', day, ${agg} FROM o GROUP BY 1, 3)`;
}
