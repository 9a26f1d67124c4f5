import type { Queryable } from '../db/connect.js';
import { ALL_EVENTS } from '../ingest/rollup-sql.js';
import { eventFilterSql, filteredDailySql, type EventSelection } from './event-filter.js';
import { activityCond, surveyMetricSql, withUnknown, type AccountFacts, type MeasuredDriver, type Measurements, type RawValue } from './metrics.js';

/** Accounts by id, or a keyset chunk (ordered by id). */
export type DaysScope = { ids: string[] } | { afterId: string | null; limit: number };

export type DayMeasurements = { day: string; measurements: Measurements[] };

/**
 * `measure()` for a run of past days at once, for the history back-fill: the same raw values that
 * `measure(q, drivers, scope, day)` returns for each day from `from` to `to` (both past), for the
 * days on which each account already had usage (`first_activity_at` before the day ended), in
 * two queries instead of one per day.
 *
 * Instead of re-aggregating every window for every day, the rollups are read once: per account
 * and calendar day the daily figure of each driver, then running sums over a dense calendar
 * (window value = running sum at the day minus running sum `w` days earlier), running maxima for
 * "days since", and for distinct events a +1/−1 interval per (event, active day) that lasts until
 * the next active day of that event or the end of the window. A new source type that `measure()`
 * learns must be taught here too: the back-fill test compares both, day by day.
 */
export async function measureDays(q: Queryable, drivers: MeasuredDriver[], scope: DaysScope, from: string, to: string): Promise<DayMeasurements[]> {
  const facts = await accountFacts(q, scope);
  if (facts.length === 0) return [];
  const ids = facts.map((f) => f.id);
  const values: unknown[] = [from, to, ids];
  const p = (v: unknown) => `$${values.push(v)}`;
  const eventCond = (s: EventSelection, allowAll: boolean) => eventFilterSql(s, allowAll, p);

  // How far back measure() reads usage_daily (the longest usage window, twice it for a trend): an
  // account without a rollup row in that span has no usage values at all that day. The calendar
  // reaches back far enough for every window, contact sightings included.
  let usageDays = 1;
  let scanDays = 1;
  for (const d of drivers) {
    const s = d.source;
    if (s.type === 'event_metric') usageDays = Math.max(usageDays, d.trend ? 2 * s.windowDays : s.windowDays);
    if (s.type === 'days_since_event') usageDays = Math.max(usageDays, s.maxDays);
    if (s.type === 'days_since_contact_seen' || s.type === 'days_since_activity') scanDays = Math.max(scanDays, s.maxDays);
  }
  scanDays = Math.max(scanDays, usageDays);
  const daily: string[] = [`count(*) AS n`]; // any rollup row: measure() has no usage row at all without one
  const extraCtes: string[] = [];
  const joins: string[] = [];
  const running: string[] = [`sum(coalesce(ud.n, 0)) OVER w AS k_rows`];
  const out: string[] = [];
  // Survey metrics: the same expression as measure(), per account and day of the result.
  const surveyCols: string[] = [];
  const present = `(k_rows - lag(k_rows, ${usageDays}) OVER v) > 0`;
  drivers.forEach((d, i) => {
    const s = d.source;
    if (s.type === 'event_metric') {
      const w = s.windowDays;
      // With property filters the driver reads the stored events (as measure() does), not the rollups.
      const filtered = (s.filters ?? []).length > 0;
      if (filtered) extraCtes.push(`\n          fd${i} AS ${filteredDailySql(s.filters ?? [], '$3::uuid[]', `$1::date - ${scanDays}`, '$2::date', p)}`);
      const source = filtered ? `fd${i} d WHERE true` : `usage_daily d WHERE d.account_id = ANY($3::uuid[]) AND d.day >= $1::date - ${scanDays} AND d.day <= $2::date`;
      const myDaily = filtered ? [] as string[] : daily;
      const dailyAlias = filtered ? `ud${i}` : 'ud';
      if (s.measure === 'distinct_events') {
        // +1 from each active day of an event until its next active day or the window's end.
        extraCtes.push(`
          e${i} AS (SELECT d.account_id, d.day, lead(d.day) OVER (PARTITION BY d.account_id, d.event ORDER BY d.day) AS nxt
                      FROM ${source} AND d.count > 0 AND ${eventCond(s, false)}),
          x${i} AS (SELECT account_id, day, sum(delta) AS delta FROM (
                      SELECT account_id, day, 1 AS delta FROM e${i}
                      UNION ALL SELECT account_id, least(nxt, day + ${w}), -1 FROM e${i}) t GROUP BY 1, 2)`);
        joins.push(`LEFT JOIN x${i} ON x${i}.account_id = cal.account_id AND x${i}.day = cal.day`);
        running.push(`sum(coalesce(x${i}.delta, 0)) OVER w AS k${i}`);
        out.push(`CASE WHEN ${present} THEN k${i}::float8 END AS m${i}_c`);
        if (d.trend) out.push(`CASE WHEN ${present} THEN (lag(k${i}, ${w}) OVER v)::float8 END AS m${i}_p`);
        return;
      }
      const cond = eventCond(s, true);
      if (s.measure === 'count') myDaily.push(`coalesce(sum(d.count) FILTER (WHERE ${cond}), 0) AS x${i}`);
      if (s.measure === 'avg_daily_users') myDaily.push(`coalesce(sum(d.users) FILTER (WHERE ${cond}), 0) AS x${i}`);
      if (s.measure === 'active_days') myDaily.push(`(count(*) FILTER (WHERE d.count > 0 AND ${cond}) > 0)::int AS x${i}`);
      running.push(`sum(coalesce(${dailyAlias}.x${i}, 0)) OVER w AS k${i}`);
      const per = s.measure === 'avg_daily_users' ? ` / ${w}` : '';
      // Daily users: a window with rows, none of them naming a user, is no data (as in measure()).
      let unknownNow = 'false';
      let unknownBefore = 'false';
      if (s.measure === 'avg_daily_users') {
        myDaily.push(`count(*) FILTER (WHERE ${cond}) AS r${i}`, `count(*) FILTER (WHERE ${cond} AND d.count > d.unattributed) AS a${i}`);
        running.push(`sum(coalesce(${dailyAlias}.r${i}, 0)) OVER w AS kr${i}`, `sum(coalesce(${dailyAlias}.a${i}, 0)) OVER w AS ka${i}`);
        const inWindow = (k: string, lo: number, hi: number) => `(${hi ? `lag(${k}, ${hi}) OVER v` : k} - lag(${k}, ${lo}) OVER v)`;
        const unknown = (lo: number, hi: number) => `(${inWindow(`kr${i}`, lo, hi)} > 0 AND ${inWindow(`ka${i}`, lo, hi)} = 0)`;
        unknownNow = unknown(w, 0);
        unknownBefore = unknown(2 * w, w);
        out.push(`CASE WHEN ${present} THEN ${unknownNow} END AS m${i}_cu`);
        if (d.trend) out.push(`CASE WHEN ${present} THEN ${unknownBefore} END AS m${i}_pu`);
      }
      if (filtered) {
        extraCtes.push(`\n          ud${i} AS (SELECT d.account_id, d.day, ${myDaily.join(', ')} FROM fd${i} d GROUP BY 1, 2)`);
        joins.push(`LEFT JOIN ud${i} ON ud${i}.account_id = cal.account_id AND ud${i}.day = cal.day`);
      }
      out.push(`CASE WHEN ${present} AND NOT ${unknownNow} THEN (k${i} - lag(k${i}, ${w}) OVER v)::float8${per} END AS m${i}_c`);
      if (d.trend) out.push(`CASE WHEN ${present} AND NOT ${unknownBefore} THEN (lag(k${i}, ${w}) OVER v - lag(k${i}, ${2 * w}) OVER v)::float8${per} END AS m${i}_p`);
    } else if (s.type === 'days_since_event') {
      daily.push(`CASE WHEN bool_or(d.count > 0 AND ${eventCond(s, true)}) THEN d.day END AS x${i}`);
      running.push(`max(ud.x${i}) OVER w AS k${i}`);
      out.push(`CASE WHEN k${i} > day - ${s.maxDays} THEN (day - k${i})::float8 END AS m${i}_c`);
    } else if (s.type === 'days_since_contact_seen') {
      // As measure() does for a past day: the days a contact of the role appears in the rollups.
      extraCtes.push(`
        x${i} AS (SELECT c.account_id, ud.day FROM contacts c
                    JOIN usage_daily_users ud ON ud.account_id = c.account_id AND ud.event = '${ALL_EVENTS}' AND ud.user_key = c.external_id
                   WHERE c.account_id = ANY($3::uuid[]) AND c.role = ${p(s.role)} AND ud.day >= $1::date - ${scanDays} AND ud.day <= $2::date
                   GROUP BY 1, 2)`);
      joins.push(`LEFT JOIN x${i} ON x${i}.account_id = cal.account_id AND x${i}.day = cal.day`);
      running.push(`max(x${i}.day) OVER w AS k${i}`);
      out.push(`CASE WHEN k${i} > day - ${s.maxDays} THEN (day - k${i})::float8 END AS m${i}_c`);
    } else if (s.type === 'days_since_activity') {
      // As measure() does for each day: the UTC days with such an activity, then a running maximum,
      // so a day only sees activities that had happened by its end.
      extraCtes.push(`
        x${i} AS (SELECT x.account_id, (x.occurred_at AT TIME ZONE 'UTC')::date AS day FROM activities x
                   WHERE x.account_id = ANY($3::uuid[]) AND ${activityCond(s, p)}
                     AND x.occurred_at >= (($1::date - ${scanDays})::timestamp AT TIME ZONE 'UTC') AND x.occurred_at < (($2::date + 1)::timestamp AT TIME ZONE 'UTC')
                   GROUP BY 1, 2)`);
      joins.push(`LEFT JOIN x${i} ON x${i}.account_id = cal.account_id AND x${i}.day = cal.day`);
      running.push(`max(x${i}.day) OVER w AS k${i}`);
      out.push(`CASE WHEN k${i} > day - ${s.maxDays} THEN (day - k${i})::float8 END AS m${i}_c`);
    } else if (s.type === 'survey_metric') {
      surveyCols.push(`${surveyMetricSql(s, 's2.account_id', 's2.day', p)} AS m${i}_c`);
    } else if (s.type === 'autopilot') {
      // A past day has no stored verdict: no data (health/README.md).
      out.push(`NULL::float8 AS m${i}_c`);
    }
  });

  const sql = `
    WITH acc AS (SELECT id, first_activity_at FROM accounts WHERE id = ANY($3::uuid[])),
    cal AS (SELECT acc.id AS account_id, g::date AS day FROM acc CROSS JOIN generate_series($1::date - ${scanDays}, $2::date, interval '1 day') g),
    ud AS (SELECT d.account_id, d.day, ${daily.join(', ')} FROM usage_daily d
            WHERE d.account_id = ANY($3::uuid[]) AND d.day >= $1::date - ${scanDays} AND d.day <= $2::date GROUP BY d.account_id, d.day)
    ${extraCtes.map((c) => `,${c}`).join('')},
    s1 AS (SELECT cal.account_id, cal.day, ${running.join(', ')}
             FROM cal LEFT JOIN ud ON ud.account_id = cal.account_id AND ud.day = cal.day ${joins.join(' ')}
           WINDOW w AS (PARTITION BY cal.account_id ORDER BY cal.day ROWS UNBOUNDED PRECEDING)),
    s2 AS (SELECT account_id, day ${out.map((c) => `, ${c}`).join('')} FROM s1 WINDOW v AS (PARTITION BY account_id ORDER BY day))
    SELECT s2.*, s2.day::text AS as_of ${surveyCols.map((c) => `, ${c}`).join('')} FROM s2 JOIN acc ON acc.id = s2.account_id
     WHERE s2.day >= $1::date AND acc.first_activity_at < s2.day + 1
     ORDER BY s2.day, s2.account_id`;
  const { rows } = await q.query<Record<string, unknown>>(sql, values);
  const byId = new Map(facts.map((f) => [f.id, f]));
  const byDay = new Map<string, Measurements[]>();
  for (const r of rows) {
    const f = byId.get(String(r.account_id));
    if (!f) continue;
    const raw = new Map<string, RawValue>();
    drivers.forEach((d, i) => raw.set(d.key, withUnknown({ current: num(r[`m${i}_c`]), previous: num(r[`m${i}_p`]) }, r[`m${i}_cu`], r[`m${i}_pu`])));
    const day = String(r.as_of);
    const list = byDay.get(day) ?? [];
    list.push({ facts: { ...f, hasUsage: true }, raw });
    byDay.set(day, list);
  }
  return [...byDay].map(([day, measurements]) => ({ day, measurements }));
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/** The facts measure() reads from the account row (today's: the stage and fields have no history). */
async function accountFacts(q: Queryable, scope: DaysScope): Promise<Omit<AccountFacts, 'hasUsage'>[]> {
  const values: unknown[] = [];
  const where = 'ids' in scope
    ? `WHERE a.id = ANY($${values.push(scope.ids)}::uuid[]) ORDER BY a.id`
    : `${scope.afterId ? `WHERE a.id > $${values.push(scope.afterId)}::uuid` : ''} ORDER BY a.id LIMIT $${values.push(scope.limit)}`;
  const { rows } = await q.query<{ id: string; name: string; stage: string; seats: number | null; arr: number; renewal_date: string | null; customer_since: string; custom: Record<string, unknown> | null }>(
    `SELECT a.id, a.name, a.stage, a.seats, a.arr::float8 AS arr, a.renewal_date::text AS renewal_date, coalesce(a.customer_since, a.contract_start, (a.created_at AT TIME ZONE 'UTC')::date)::text AS customer_since, a.custom FROM accounts a ${where}`,
    values,
  );
  return rows.map((r) => ({
    id: r.id, name: r.name, stage: r.stage, seats: r.seats === null ? null : Number(r.seats), arr: Number(r.arr),
    renewalDate: r.renewal_date ?? null, customerSince: r.customer_since, custom: r.custom ?? {},
  }));
}
