import type { Queryable } from '../db/connect.js';
import { ALL_EVENTS } from '../ingest/rollup-sql.js';
import { eventFilterSql, filteredDailySql, isPlainSelection, type EventSelection } from './event-filter.js';
import type { DriverSource } from './schema.js';

/**
 * The filter of a days_since_activity driver over activities `x`: its kinds (none: any activity)
 * and, with a contact role, a participant contact of that role. Shared with measureDays().
 */
export function activityCond(s: Extract<DriverSource, { type: 'days_since_activity' }>, p: (v: unknown) => string): string {
  const conds: string[] = [];
  // "Any activity" is any touch by the CS team: a support ticket (imported, issue 13) is the customer's request, not a touch.
  if (s.kinds && s.kinds.length > 0) conds.push(`x.kind = ANY(${p(s.kinds)}::text[])`);
  else conds.push(`x.kind <> 'ticket'`);
  if (s.contactRole) {
    conds.push(`EXISTS (SELECT 1 FROM activity_participants pp JOIN contacts c ON c.id = pp.contact_id WHERE pp.activity_id = x.id AND c.role = ${p(s.contactRole)})`);
  }
  return conds.join(' AND ');
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
  /** The day the account became a customer (YYYY-MM-DD): customer_since, else contract_start, else its creation day. */
  customerSince: string; custom: Record<string, unknown>; hasUsage: boolean;
};
/**
 * A driver's raw values for the current and previous window. Null is silence (0 for an account
 * with usage, see sources.ts) unless `unknown` marks that window as no data although there was
 * usage: for daily users, a window whose every usage row names no user.
 */
export type RawValue = { current: number | null; previous: number | null; unknown?: { current: boolean; previous: boolean } };
/** Raw measurements per account: for each driver key, the current and previous window. */
export type Measurements = { facts: AccountFacts; raw: Map<string, RawValue> };

/** The raw value with its "no data" marks (only when a window has one, so plain values compare equal). */
export function withUnknown(v: { current: number | null; previous: number | null }, current: unknown, previous: unknown): RawValue {
  return current === true || previous === true ? { ...v, unknown: { current: current === true, previous: previous === true } } : v;
}

/** Accounts by id, a keyset chunk (`limit` after `afterId`), a range of ids (see chunks.ts) or the whole book. */
export type AccountScope = { ids: string[] } | { afterId: string | null; limit: number } | { afterId: string | null; upTo: string | null } | { all: true };

/** The output name of a select-list item `<expression> AS <name>`. */
const columnName = (item: string) => item.slice(item.lastIndexOf(' AS ') + 4);

/**
 * Every driver's raw values for a set of accounts at `asOf`, in one statement: per account, each
 * event-metric window is a FILTERed aggregate over its group of usage_daily rows (see usageGroup),
 * beside the contacts, activities, surveys and autopilot when a driver needs them.
 */
export async function measure(q: Queryable, drivers: MeasuredDriver[], scope: AccountScope, asOf: string): Promise<Measurements[]> {
  const values: unknown[] = [asOf];
  const p = (v: unknown) => `$${values.push(v)}`;
  // Usage columns by the rows they read: the account-wide '$all' rows, the rows of a list of named
  // events, or every real event's rows; each group is one index range per account (usageGroup below).
  const usageGroups = new Map<string, { where: string; days: number; cols: string[] }>();
  const usageGroup = (s: EventSelection, allowAll: boolean, days: number): string[] => {
    const plain = isPlainSelection(s);
    const [key, where] = plain && s.events.length === 0 && allowAll ? ['all', () => `d.event = '${ALL_EVENTS}'`]
      : plain && s.events.length > 0 ? [`named ${JSON.stringify([...s.events].sort())}`, () => `d.event = ANY(${p(s.events)}::text[])`]
        : ['real', () => `d.event <> '${ALL_EVENTS}'`];
    const g = usageGroups.get(key) ?? { where: where(), days, cols: [] };
    g.days = Math.max(g.days, days);
    usageGroups.set(key, g);
    return g.cols;
  };
  const filteredScans: { name: string; cols: string[]; sql: string }[] = [];
  const contactCols: string[] = [];
  const activityCols: string[] = [];
  const autopilotCols: string[] = [];
  const surveyCols: string[] = [];
  let activityDays = 0;
  let scanDays = 1;
  const past = asOf < new Date().toISOString().slice(0, 10);

  const eventCond = (s: EventSelection, allowAll: boolean) => eventFilterSql(s, allowAll, p);

  drivers.forEach((d, i) => {
    const s = d.source;
    if (s.type === 'event_metric') {
      const w = s.windowDays;
      const span = d.trend ? 2 * w : w;
      scanDays = Math.max(scanDays, span);
      // With property filters the driver reads the stored events instead of the rollups (its own scan).
      const filtered = (s.filters ?? []).length > 0;
      const filteredCols: string[] = [];
      const colsFor = (allowAll: boolean) => (filtered ? filteredCols : usageGroup(s, allowAll, span));
      const windows: [string, string][] = [['c', `d.day > $1::date - ${w}`]];
      if (d.trend) windows.push(['p', `d.day > $1::date - ${2 * w} AND d.day <= $1::date - ${w}`]);
      for (const [suffix, within] of windows) {
        const col = `m${i}_${suffix}`;
        // count and daily users read the '$all' row when no events are named (exact across events);
        // active days and breadth look at the named events, or at every real event name.
        if (s.measure === 'count') colsFor(true).push(`coalesce(sum(d.count) FILTER (WHERE ${within} AND ${eventCond(s, true)}), 0)::float8 AS ${col}`);
        if (s.measure === 'avg_daily_users') {
          // Usage that names no user (account-level exports) cannot tell how many people used it:
          // a window whose every row is unattributed has no data ("no users known"), not 0 users.
          const cond = `${within} AND ${eventCond(s, true)}`;
          colsFor(true).push(`CASE WHEN bool_and(d.count <= d.unattributed) FILTER (WHERE ${cond}) THEN NULL ELSE coalesce(sum(d.users) FILTER (WHERE ${cond}), 0)::float8 / ${w} END AS ${col}`,
            `coalesce(bool_and(d.count <= d.unattributed) FILTER (WHERE ${cond}), false) AS ${col}u`);
        }
        // Every row counts at least one event (CHECK, migration 0031): active days and breadth read
        // only the key's columns, so a group of them alone is an index-only scan.
        if (s.measure === 'active_days') colsFor(true).push(`count(DISTINCT d.day) FILTER (WHERE ${within} AND ${eventCond(s, true)})::float8 AS ${col}`);
        if (s.measure === 'distinct_events') colsFor(false).push(`count(DISTINCT d.event) FILTER (WHERE ${within} AND ${eventCond(s, false)})::float8 AS ${col}`);
      }
      if (filtered) {
        const rows = filteredDailySql(s.filters ?? [], 'ARRAY(SELECT id FROM acc)', `$1::date - ${span - 1}`, '$1::date', p);
        filteredScans.push({ name: `f${i}`, cols: filteredCols.map(columnName), sql: `SELECT d.account_id, ${filteredCols.join(', ')} FROM ${rows} d GROUP BY d.account_id` });
      }
    } else if (s.type === 'days_since_event') {
      scanDays = Math.max(scanDays, s.maxDays);
      usageGroup(s, true, s.maxDays).push(`($1::date - max(d.day) FILTER (WHERE d.day > $1::date - ${s.maxDays} AND ${eventCond(s, true)}))::float8 AS m${i}_c`);
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

  // A filtered driver of an account with usage in the scan but no matching event is 0 (as from the
  // rollups); without usage in the scan it is null, as every usage column is (silence, see sources.ts).
  const filteredSelect = filteredScans.flatMap((f) => f.cols.map((c) => (c.endsWith('u')
    ? `, CASE WHEN ${f.name}.account_id IS NULL THEN false ELSE ${f.name}.${c} END AS ${c}`
    : `, CASE WHEN u.u_present IS NOT TRUE THEN NULL WHEN ${f.name}.account_id IS NULL THEN 0 ELSE ${f.name}.${c} END AS ${c}`))).join('');
  let accountWhere = '';
  let limit = '';
  if ('ids' in scope) accountWhere = `WHERE a.id = ANY(${p(scope.ids)}::uuid[])`;
  else if ('upTo' in scope) {
    const conds = [...(scope.afterId ? [`a.id > ${p(scope.afterId)}::uuid`] : []), ...(scope.upTo ? [`a.id <= ${p(scope.upTo)}::uuid`] : [])];
    if (conds.length) accountWhere = `WHERE ${conds.join(' AND ')}`;
    limit = 'ORDER BY a.id';
  } else if ('afterId' in scope) {
    if (scope.afterId) accountWhere = `WHERE a.id > ${p(scope.afterId)}::uuid`;
    limit = `ORDER BY a.id LIMIT ${p(scope.limit)}`;
  }
  // Per account (LATERAL): each group's rows come from the primary key's index (account, event, day)
  // as one range per account, so the aggregates (distinct counts included) run over one account's
  // rows at a time, each row only through its own group's FILTERs, with no sort of the whole chunk.
  // An account with no usage row at all within the scan is silence: every usage column is NULL
  // (sources.ts); with one, a group without matching rows gives its aggregates over nothing (0).
  const groups = [...usageGroups.values()];
  const usageScan = groups.length > 0 || filteredScans.length > 0
    ? ` LEFT JOIN LATERAL (SELECT true AS u_present FROM usage_daily d
        WHERE d.account_id = acc.id AND d.day > $1::date - ${scanDays} AND d.day <= $1::date LIMIT 1) u ON true`
      + groups.map((g, k) => ` LEFT JOIN LATERAL (SELECT ${g.cols.join(', ')} FROM usage_daily d
        WHERE d.account_id = acc.id AND ${g.where} AND d.day > $1::date - ${g.days} AND d.day <= $1::date) u${k} ON true`).join('')
    : '';
  const usageSelect = groups.flatMap((g, k) => g.cols.map(columnName).map((name) => `, CASE WHEN u.u_present THEN u${k}.${name} END AS ${name}`)).join('');
  const contactScan = contactCols.length
    ? ` LEFT JOIN LATERAL (SELECT c.account_id, ${contactCols.join(', ')} FROM contacts c
        ${past ? `LEFT JOIN usage_daily_users ud ON ud.account_id = c.account_id AND ud.event = '${ALL_EVENTS}' AND ud.user_key = c.external_id AND ud.day <= $1::date` : ''}
        WHERE c.account_id = acc.id GROUP BY c.account_id) cs ON true`
    : '';
  const activityScan = activityCols.length
    ? ` LEFT JOIN LATERAL (SELECT x.account_id, ${activityCols.join(', ')} FROM activities x
        WHERE x.account_id = acc.id AND x.occurred_at >= (($1::date - ${activityDays - 1})::timestamp AT TIME ZONE 'UTC') AND x.occurred_at < (($1::date + 1)::timestamp AT TIME ZONE 'UTC')
        GROUP BY x.account_id) act ON true`
    : '';
  const sql = `
    WITH acc AS (
      SELECT a.id, a.name, a.stage, a.seats, a.arr::float8 AS arr, a.renewal_date::text AS renewal_date, coalesce(a.customer_since, a.contract_start, (a.created_at AT TIME ZONE 'UTC')::date)::text AS customer_since, a.custom,
             (a.first_activity_at IS NOT NULL AND a.first_activity_at < $1::date + 1) AS has_usage
        FROM accounts a ${accountWhere} ${limit}
    )${filteredScans.map((f) => `, ${f.name} AS (${f.sql})`).join('')}
    SELECT acc.* ${usageSelect} ${filteredSelect} ${contactCols.length ? ', cs.*' : ''} ${activityCols.length ? ', act.*' : ''} ${autopilotCols.map((c) => `, ${c}`).join('')} ${surveyCols.map((c) => `, ${c}`).join('')}
      FROM acc${usageScan}${contactScan}${activityScan}
      ${filteredScans.map((f) => `LEFT JOIN ${f.name} ON ${f.name}.account_id = acc.id`).join(' ')} ${autopilotCols.length ? 'LEFT JOIN account_autopilot ap ON ap.account_id = acc.id' : ''}
     ORDER BY acc.id`;
  const { rows } = await q.query<Record<string, unknown>>(sql, values);
  return rows.map((r) => {
    const facts: AccountFacts = {
      id: String(r.id), name: String(r.name), stage: String(r.stage), seats: r.seats === null ? null : Number(r.seats), arr: Number(r.arr),
      renewalDate: (r.renewal_date as string | null) ?? null, customerSince: String(r.customer_since),
      custom: (r.custom as Record<string, unknown>) ?? {}, hasUsage: r.has_usage === true,
    };
    const raw = new Map<string, RawValue>();
    drivers.forEach((d, i) => {
      const cur = r[`m${i}_c`];
      const prev = r[`m${i}_p`];
      raw.set(d.key, withUnknown({ current: cur === null || cur === undefined ? null : Number(cur), previous: prev === null || prev === undefined ? null : Number(prev) }, r[`m${i}_cu`], r[`m${i}_pu`]));
    });
    return { facts, raw };
  });
}
