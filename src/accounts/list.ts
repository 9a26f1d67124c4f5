import type { Database } from '../db/connect.js';
import { z } from 'zod';
import { cursorDate, cursorInt, cursorNumeric, cursorText, cursorTimestamp, decodeCursor, encodeCursor } from '../http/cursor.js';
import type { AccountListItem, AccountListQuery } from './schema.js';
import { ACTIVE } from './book.js';
import { denseSeries, percentChange, utcToday } from './usage.js';

const withId = <T extends z.ZodType>(value: T) => z.tuple([value, z.guid()]);

/**
 * Sort keys for keyset pagination. Nullable columns are coalesced to ±infinity so that rows
 * without a value sort last in both directions and the (key, id) comparison stays total.
 * `cursor` is what a cursor of that sort must hold, so that its value reaches the cast as the
 * type the cast reads (a wrong-typed cursor is a 400, not an SQL error).
 */
const SORT_KEYS = {
  name: { asc: 'lower(a.name)', desc: 'lower(a.name)', cast: 'text', cursor: withId(cursorText) },
  arr: { asc: 'a.arr', desc: 'a.arr', cast: 'numeric', cursor: withId(cursorNumeric) },
  renewalDate: { asc: "coalesce(a.renewal_date, 'infinity'::date)", desc: "coalesce(a.renewal_date, '-infinity'::date)", cast: 'date', cursor: withId(cursorDate) },
  lastActivityAt: {
    asc: "coalesce(a.last_activity_at, 'infinity'::timestamptz)",
    desc: "coalesce(a.last_activity_at, '-infinity'::timestamptz)",
    cast: 'timestamptz',
    cursor: withId(cursorTimestamp),
  },
  // The latest activity through activities_account_idx (account_id, occurred_at DESC): one index probe per account.
  lastTouchAt: {
    asc: "coalesce((SELECT max(x.occurred_at) FROM activities x WHERE x.account_id = a.id AND x.kind <> 'ticket'), 'infinity'::timestamptz)",
    desc: "coalesce((SELECT max(x.occurred_at) FROM activities x WHERE x.account_id = a.id AND x.kind <> 'ticket'), '-infinity'::timestamptz)",
    cast: 'timestamptz',
    cursor: withId(cursorTimestamp),
  },
  createdAt: { asc: 'a.created_at', desc: 'a.created_at', cast: 'timestamptz', cursor: withId(cursorTimestamp) },
  health: { asc: 'coalesce(h.score, 1000)', desc: 'coalesce(h.score, -1000)', cast: 'int', cursor: withId(cursorInt) },
  healthChange30d: { asc: 'coalesce(h.computed_score - s30.score, 1000)', desc: 'coalesce(h.computed_score - s30.score, -1000)', cast: 'int', cursor: withId(cursorInt) },
  // Not on autopilot (0) before on autopilot (1) ascending; no stored verdict is not on autopilot.
  onAutopilot: { asc: 'coalesce(ap.on_autopilot, false)::int', desc: 'coalesce(ap.on_autopilot, false)::int', cast: 'int', cursor: withId(cursorInt) },
  // Compound risk (issue 12); accounts not computed yet sort last both ways.
  risk: { asc: 'coalesce(rk.score, 1000)', desc: 'coalesce(rk.score, -1000)', cast: 'int', cursor: withId(cursorInt) },
} as const;

/**
 * Effective health (a valid override, else the computed score: view account_health_effective) for
 * the health column, its sort and the band and score filters; the snapshot of 30 days ago for the
 * 30-day change. Snapshots are the computed history, so the change compares computed with computed:
 * an override is a CSM's judgement now, not a move of the account.
 */
const HEALTH_JOIN = `LEFT JOIN account_health_effective h ON h.account_id = a.id
  LEFT JOIN health_snapshots s30 ON s30.account_id = a.id AND s30.day = current_date - 30
  LEFT JOIN account_autopilot ap ON ap.account_id = a.id
  LEFT JOIN account_risk rk ON rk.account_id = a.id`;

export type ListViewer = { userId: string | null };

/** Escapes LIKE wildcards so that a search for "50%" means the characters. */
const likePattern = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export function buildFilters(q: AccountListQuery, viewer: ListViewer, values: unknown[]): string[] {
  const where: string[] = [];
  const param = (v: unknown) => {
    values.push(v);
    return `$${values.length}`;
  };
  if (q.search) {
    const p = param(likePattern(q.search));
    where.push(`(a.name ILIKE ${p} OR a.domain ILIKE ${p} OR a.external_id ILIKE ${p})`);
  }
  if (q.stage) where.push(`a.stage = ${param(q.stage)}`);
  if (q.segment) where.push(`a.segment = ${param(q.segment)}`);
  if (q.ownerId === 'none') where.push('a.owner_id IS NULL');
  else if (q.ownerId === 'me') where.push(`a.owner_id = ${param(viewer.userId ?? '00000000-0000-0000-0000-000000000000')}`);
  else if (q.ownerId) where.push(`a.owner_id = ${param(q.ownerId)}`);
  if (q.renewalWithinDays !== undefined) {
    where.push(`a.renewal_date BETWEEN current_date AND current_date + ${param(q.renewalWithinDays)}::int`);
  }
  if (q.arrMin !== undefined) where.push(`a.arr >= ${param(q.arrMin)}`);
  if (q.arrMax !== undefined) where.push(`a.arr <= ${param(q.arrMax)}`);
  if (q.band === 'none') where.push('h.band IS NULL');
  else if (q.band) where.push(`h.band = ${param(q.band)}`);
  if (q.healthMax !== undefined) where.push(`h.score <= ${param(q.healthMax)}`);
  if (q.healthDropMin !== undefined) where.push(`s30.score - h.computed_score >= ${param(q.healthDropMin)}`);
  // No stored verdict is not on autopilot (see migration 0015).
  if (q.autopilot === 'true') where.push('ap.on_autopilot');
  else if (q.autopilot === 'false') where.push('ap.on_autopilot IS NOT TRUE');
  if (q.riskLevel === 'none') where.push('rk.level IS NULL');
  else if (q.riskLevel) where.push(`rk.level = ${param(q.riskLevel)}`);
  return where;
}

type Row = {
  id: string; name: string; domain: string | null; external_id: string | null; owner_id: string | null; owner_name: string | null;
  segment: string | null; stage: AccountListItem['stage']; arr: number; seats: number | null; renewal_date: string | null;
  last_activity_at: string | null; last_touch_at: string | null; sort_value: string; health: number | null; health_band: AccountListItem['healthBand']; health_change: number | null;
  health_source: 'override' | 'computed' | null; computed_health: number | null; computed_band: AccountListItem['healthBand'];
  on_autopilot: boolean; risk_score: number | null; risk_level: AccountListItem['riskLevel'];
};

/** `totals: false` skips the book totals (an export reads every page and needs them never). */
export async function listAccounts(database: Database, q: AccountListQuery, viewer: ListViewer, opts: { totals?: boolean } = {}) {
  const desc = q.sort.startsWith('-');
  const key = SORT_KEYS[q.sort.replace(/^-/, '') as keyof typeof SORT_KEYS];
  const expr = desc ? key.desc : key.asc;
  const values: unknown[] = [];
  const where = buildFilters(q, viewer, values);
  const countWhere = [...where];
  const countValues = [...values];
  if (q.cursor) {
    const [v, id] = decodeCursor(q.cursor, key.cursor);
    values.push(String(v), String(id));
    where.push(`(${expr}, a.id) ${desc ? '<' : '>'} ($${values.length - 1}::${key.cast}, $${values.length}::uuid)`);
  }
  values.push(q.limit + 1);
  const dir = desc ? 'DESC' : 'ASC';
  const { rows } = await database.query<Row>(
    `SELECT a.id, a.name, a.domain, a.external_id, a.owner_id, u.name AS owner_name, a.segment, a.stage,
            a.arr::float8 AS arr, a.seats, a.renewal_date::text AS renewal_date,
            to_char(a.last_activity_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS last_activity_at,
            to_char((SELECT max(x.occurred_at) FROM activities x WHERE x.account_id = a.id AND x.kind <> 'ticket') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS last_touch_at,
            (${expr})::text AS sort_value, h.score AS health, h.band AS health_band, (h.computed_score - s30.score) AS health_change,
            h.source AS health_source, h.computed_score AS computed_health, h.computed_band AS computed_band,
            coalesce(ap.on_autopilot, false) AS on_autopilot, rk.score AS risk_score, rk.level AS risk_level
       FROM accounts a LEFT JOIN users u ON u.id = a.owner_id ${HEALTH_JOIN}
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY ${expr} ${dir}, a.id ${dir}
      LIMIT $${values.length}`,
    values,
  );
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  const noTotals = { rows: [] as { n: number; active: number; arr: number; active_arr: number; churned_arr: number }[] };
  const [total, usage] = await Promise.all([
    opts.totals === false ? noTotals : database.query<{ n: number; active: number; arr: number; active_arr: number; churned_arr: number }>(
      `SELECT count(*)::int AS n, (count(*) FILTER (WHERE ${ACTIVE}))::int AS active, coalesce(sum(a.arr), 0)::float8 AS arr,
              coalesce(sum(a.arr) FILTER (WHERE ${ACTIVE}), 0)::float8 AS active_arr,
              coalesce(sum(a.arr) FILTER (WHERE NOT ${ACTIVE}), 0)::float8 AS churned_arr
         FROM accounts a ${HEALTH_JOIN} ${countWhere.length ? `WHERE ${countWhere.join(' AND ')}` : ''}`,
      countValues,
    ),
    sparklines(database, page.map((r) => r.id)),
  ]);
  return {
    items: page.map((r): AccountListItem => {
      const series = usage.get(r.id) ?? new Array<number>(30).fill(0);
      return {
        id: r.id, name: r.name, domain: r.domain, externalId: r.external_id, ownerId: r.owner_id, ownerName: r.owner_name,
        segment: r.segment, stage: r.stage, arr: r.arr, seats: r.seats, renewalDate: r.renewal_date,
        lastActivityAt: r.last_activity_at, lastTouchAt: r.last_touch_at, usage: series, usageChange: percentChange(series),
        health: r.health, healthBand: r.health_band, healthChange30d: r.health_change,
        healthSource: r.health_source, computedHealth: r.computed_health, computedHealthBand: r.computed_band,
        onAutopilot: r.on_autopilot, riskScore: r.risk_score, riskLevel: r.risk_level,
      };
    }),
    nextCursor: rows.length > q.limit && last ? encodeCursor([last.sort_value, last.id]) : null,
    total: total.rows[0]?.n ?? 0,
    active: total.rows[0]?.active ?? 0,
    totalArr: total.rows[0]?.arr ?? 0,
    activeArr: total.rows[0]?.active_arr ?? 0,
    churnedArr: total.rows[0]?.churned_arr ?? 0,
  };
}

/** 30 days of total daily events per account, for the portfolio's sparklines. */
async function sparklines(database: Database, ids: string[]): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  if (ids.length === 0) return out;
  const today = utcToday();
  const { rows } = await database.query<{ account_id: string; day: string; n: number }>(
    `SELECT account_id, day::text AS day, sum(count)::int AS n FROM usage_daily
      WHERE account_id = ANY($1::uuid[]) AND event = '$all' AND day > $2::date - 30 AND day <= $2::date
      GROUP BY 1, 2`,
    [ids, today],
  );
  const byAccount = new Map<string, { day: string; count: number }[]>();
  for (const r of rows) {
    const list = byAccount.get(r.account_id) ?? [];
    list.push({ day: r.day, count: r.n });
    byAccount.set(r.account_id, list);
  }
  for (const [id, points] of byAccount) out.set(id, denseSeries(points, today, 30));
  return out;
}
