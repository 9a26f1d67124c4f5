import type { Queryable } from '../db/connect.js';
import { ALL_EVENTS } from '../ingest/rollup-sql.js';
import type { DriverSource } from './schema.js';

/**
 * The filter of a days_since_activity driver over activities `x`: its kinds (none: any activity)
 * and, with a contact role, a participant contact of that role. Shared with measureDays().
 */
export function activityCond(s: Extract<DriverSource, { type: 'days_since_activity' }>, p: (v: unknown) => string): string {
  const conds: string[] = [];
  if (s.kinds && s.kinds.length > 0) conds.push(`x.kind = ANY(${p(s.kinds)}::text[])`);
  if (s.contactRole) {
    conds.push(`EXISTS (SELECT 1 FROM activity_participants pp JOIN contacts c ON c.id = pp.contact_id WHERE pp.activity_id = x.id AND c.role = ${p(s.contactRole)})`);
  }
  return conds.length ? conds.join(' AND ') : 'true';
}

/**
 * A survey_metric driver's value for the account `acct` as of the day `day` (SQL expressions): over
 * people's answers (never bots') given within the window ending with that day, or for the response
 * rate over the recipients sent within it (answered by the end of the day). Null without data.
 * Rounded to one decimal as the survey results are (src/surveys/scores.ts). Shared with measureDays().
 */
export function surveyMetricSql(s: Extract<DriverSource, { type: 'survey_metric' }>, acct: string, day: string, p: (v: unknown) => string): string {
  const from = `((${day} - ${s.windowDays - 1})::timestamp AT TIME ZONE 'UTC')`;
  const to = `((${day} + 1)::timestamp AT TIME ZONE 'UTC')`;
  const pct = (part: string) => `round((100.0 * (${part}) / nullif(count(*), 0))::numeric, 1)::float8`;
  if (s.metric === 'response_rate') {
    const kind = s.surveyKind ? ` AND sv.kind = ${p(s.surveyKind)}` : '';
    return `(SELECT ${pct(`count(*) FILTER (WHERE EXISTS (SELECT 1 FROM survey_responses y WHERE y.recipient_id = r.id AND NOT y.bot AND y.answered_at < ${to}))`)}
      FROM survey_recipients r JOIN surveys sv ON sv.id = r.survey_id WHERE r.account_id = ${acct} AND r.sent_at >= ${from} AND r.sent_at < ${to}${kind})`;
  }
  const kind = s.metric === 'nps' ? 'nps' : s.metric === 'csat' ? 'csat' : s.surveyKind ?? 'nps';
  const value = s.metric === 'nps' ? pct('count(*) FILTER (WHERE y.score >= 9) - count(*) FILTER (WHERE y.score <= 6)')
    : s.metric === 'csat' ? pct('count(*) FILTER (WHERE y.score >= 4)')
      : pct(`count(*) FILTER (WHERE y.score <= ${kind === 'nps' ? 6 : kind === 'csat' ? 2 : 3})`);
  return `(SELECT ${value} FROM survey_responses y JOIN surveys sv ON sv.id = y.survey_id
    WHERE y.account_id = ${acct} AND NOT y.bot AND sv.kind = ${p(kind)} AND y.answered_at >= ${from} AND y.answered_at < ${to})`;
}

/** What a source needs measured; formula drivers need nothing from the database. */
export type MeasuredDriver = { key: string; source: DriverSource; trend: boolean };

export type AccountFacts = {
  id: string; name: string; stage: string; seats: number | null; arr: number; renewalDate: string | null;
  createdAt: Date; custom: Record<string, unknown>; hasUsage: boolean;
};
/** Raw measurements per account: for each driver key, the current and previous window. */
export type Measurements = { facts: AccountFacts; raw: Map<string, { current: number | null; previous: number | null }> };

export type AccountScope = { ids: string[] } | { afterId: string | null; limit: number } | { all: true };

/**
 * One pass over usage_daily (and contacts when a driver needs them) for a set of accounts at
 * `asOf`: every event-metric window of every driver is a FILTERed aggregate of the same GROUP BY.
 */
export async function measure(q: Queryable, drivers: MeasuredDriver[], scope: AccountScope, asOf: string): Promise<Measurements[]> {
  const values: unknown[] = [asOf];
  const p = (v: unknown) => `$${values.push(v)}`;
  const usageCols: string[] = [];
  const contactCols: string[] = [];
  const activityCols: string[] = [];
  const autopilotCols: string[] = [];
  const surveyCols: string[] = [];
  let activityDays = 0;
  let scanDays = 1;
  const past = asOf < new Date().toISOString().slice(0, 10);

  const eventCond = (events: string[], allowAll: boolean) =>
    events.length === 0 ? (allowAll ? `d.event = '${ALL_EVENTS}'` : `d.event <> '${ALL_EVENTS}'`) : `d.event = ANY(${p(events)}::text[])`;

  drivers.forEach((d, i) => {
    const s = d.source;
    if (s.type === 'event_metric') {
      const w = s.windowDays;
      scanDays = Math.max(scanDays, d.trend ? 2 * w : w);
      const windows: [string, string][] = [['c', `d.day > $1::date - ${w}`]];
      if (d.trend) windows.push(['p', `d.day > $1::date - ${2 * w} AND d.day <= $1::date - ${w}`]);
      for (const [suffix, within] of windows) {
        const col = `m${i}_${suffix}`;
        // count and daily users read the '$all' row when no events are named (exact across events);
        // active days and breadth look at the named events, or at every real event name.
        if (s.measure === 'count') usageCols.push(`coalesce(sum(d.count) FILTER (WHERE ${within} AND ${eventCond(s.events, true)}), 0)::float8 AS ${col}`);
        if (s.measure === 'avg_daily_users') usageCols.push(`coalesce(sum(d.users) FILTER (WHERE ${within} AND ${eventCond(s.events, true)}), 0)::float8 / ${w} AS ${col}`);
        if (s.measure === 'active_days') usageCols.push(`count(DISTINCT d.day) FILTER (WHERE ${within} AND d.count > 0 AND ${eventCond(s.events, true)})::float8 AS ${col}`);
        if (s.measure === 'distinct_events') usageCols.push(`count(DISTINCT d.event) FILTER (WHERE ${within} AND d.count > 0 AND ${eventCond(s.events, false)})::float8 AS ${col}`);
      }
    } else if (s.type === 'days_since_event') {
      scanDays = Math.max(scanDays, s.maxDays);
      usageCols.push(`($1::date - max(d.day) FILTER (WHERE d.day > $1::date - ${s.maxDays} AND d.count > 0 AND ${eventCond(s.events, true)}))::float8 AS m${i}_c`);
    } else if (s.type === 'days_since_contact_seen') {
      // Today: each contact's latest sighting. A past date: the days they appear in the rollups
      // (kept 120 days), since a later sighting has overwritten last_seen_at.
      contactCols.push(past
        ? `($1::date - max(ud.day) FILTER (WHERE c.role = ${p(s.role)} AND ud.day > $1::date - ${s.maxDays}))::float8 AS m${i}_c`
        : `extract(epoch FROM $1::date + 1 - max(c.last_seen_at) FILTER (WHERE c.role = ${p(s.role)} AND c.last_seen_at < $1::date + 1)) / 86400 AS m${i}_c`);
    } else if (s.type === 'days_since_activity') {
      // Whole UTC days from the latest such activity to asOf, counting only activities that had
      // happened by the end of asOf (a past day never sees a later call).
      activityDays = Math.max(activityDays, s.maxDays);
      activityCols.push(`($1::date - max((x.occurred_at AT TIME ZONE 'UTC')::date) FILTER (WHERE ${activityCond(s, p)}
        AND x.occurred_at >= (($1::date - ${s.maxDays - 1})::timestamp AT TIME ZONE 'UTC')))::float8 AS m${i}_c`);
    } else if (s.type === 'survey_metric') {
      surveyCols.push(`${surveyMetricSql(s, 'acc.id', '$1::date', p)} AS m${i}_c`);
    } else if (s.type === 'autopilot') {
      autopilotCols.push(past ? `NULL::float8 AS m${i}_c` : `coalesce(ap.on_autopilot, false)::int::float8 AS m${i}_c`);
    }
  });

  let accountWhere = '';
  let limit = '';
  if ('ids' in scope) accountWhere = `WHERE a.id = ANY(${p(scope.ids)}::uuid[])`;
  else if ('afterId' in scope) {
    if (scope.afterId) accountWhere = `WHERE a.id > ${p(scope.afterId)}::uuid`;
    limit = `ORDER BY a.id LIMIT ${p(scope.limit)}`;
  }
  const usageScan = usageCols.length
    ? `, u AS (SELECT d.account_id, ${usageCols.join(', ')} FROM usage_daily d JOIN acc ON acc.id = d.account_id
        WHERE d.day > $1::date - ${scanDays} AND d.day <= $1::date GROUP BY d.account_id)`
    : '';
  const contactScan = contactCols.length
    ? `, cs AS (SELECT c.account_id, ${contactCols.join(', ')} FROM contacts c JOIN acc ON acc.id = c.account_id
        ${past ? `LEFT JOIN usage_daily_users ud ON ud.account_id = c.account_id AND ud.event = '${ALL_EVENTS}' AND ud.user_key = c.external_id AND ud.day <= $1::date` : ''}
        GROUP BY c.account_id)`
    : '';
  const activityScan = activityCols.length
    ? `, act AS (SELECT x.account_id, ${activityCols.join(', ')} FROM activities x JOIN acc ON acc.id = x.account_id
        WHERE x.occurred_at >= (($1::date - ${activityDays - 1})::timestamp AT TIME ZONE 'UTC') AND x.occurred_at < (($1::date + 1)::timestamp AT TIME ZONE 'UTC')
        GROUP BY x.account_id)`
    : '';
  const sql = `
    WITH acc AS (
      SELECT a.id, a.name, a.stage, a.seats, a.arr::float8 AS arr, a.renewal_date::text AS renewal_date, a.created_at, a.custom,
             (a.first_activity_at IS NOT NULL AND a.first_activity_at < $1::date + 1) AS has_usage
        FROM accounts a ${accountWhere} ${limit}
    )${usageScan}${contactScan}${activityScan}
    SELECT acc.* ${usageCols.length ? ', u.*' : ''} ${contactCols.length ? ', cs.*' : ''} ${activityCols.length ? ', act.*' : ''} ${autopilotCols.map((c) => `, ${c}`).join('')} ${surveyCols.map((c) => `, ${c}`).join('')}
      FROM acc ${usageCols.length ? 'LEFT JOIN u ON u.account_id = acc.id' : ''} ${contactCols.length ? 'LEFT JOIN cs ON cs.account_id = acc.id' : ''}
      ${activityCols.length ? 'LEFT JOIN act ON act.account_id = acc.id' : ''} ${autopilotCols.length ? 'LEFT JOIN account_autopilot ap ON ap.account_id = acc.id' : ''}
     ORDER BY acc.id`;
  const { rows } = await q.query<Record<string, unknown>>(sql, values);
  return rows.map((r) => {
    const facts: AccountFacts = {
      id: String(r.id), name: String(r.name), stage: String(r.stage), seats: r.seats === null ? null : Number(r.seats), arr: Number(r.arr),
      renewalDate: (r.renewal_date as string | null) ?? null, createdAt: new Date(r.created_at as string | Date),
      custom: (r.custom as Record<string, unknown>) ?? {}, hasUsage: r.has_usage === true,
    };
    const raw = new Map<string, { current: number | null; previous: number | null }>();
    drivers.forEach((d, i) => {
      const cur = r[`m${i}_c`];
      const prev = r[`m${i}_p`];
      raw.set(d.key, { current: cur === null || cur === undefined ? null : Number(cur), previous: prev === null || prev === undefined ? null : Number(prev) });
    });
    return { facts, raw };
  });
}
