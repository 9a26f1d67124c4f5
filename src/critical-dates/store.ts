import type { Queryable } from '../db/connect.js';
import { cursorTimestamp, decodeCursor, encodeCursor } from '../http/cursor.js';
import { z } from 'zod';
import type { CriticalDateKind } from './schedule.js';
import { daysLeft } from './schedule.js';
import type { CriticalDateCheckDto } from './schema.js';

/** SQL of critical dates and their checks. */

export type DateRow = {
  id: string; account_id: string; account_name: string; owner_id: string | null; owner_name: string | null; team_id: string | null;
  kind: CriticalDateKind; label: string; target: string | null; expires_at: Date | null; lead_days: number[]; auto_check: boolean;
  last_checked_at: Date | null; last_check_ok: boolean | null; last_error: string | null; next_check_at: Date | null; archived_at: Date | null;
};
type CheckRow = { id: string; critical_date_id: string; at: Date; ok: boolean; expires_at: Date | null; result: Record<string, unknown>; error: string | null; duration_ms: number | null };

const SELECT = `SELECT d.id, d.account_id, a.name AS account_name, a.owner_id, u.name AS owner_name, a.team_id, d.kind, d.label, d.target,
       d.expires_at, d.lead_days, d.auto_check, d.last_checked_at, d.last_check_ok, d.last_error, d.next_check_at, d.archived_at
  FROM critical_dates d JOIN accounts a ON a.id = d.account_id LEFT JOIN users u ON u.id = a.owner_id`;

export const checkDto = (c: CheckRow): CriticalDateCheckDto => ({
  id: c.id, ok: c.ok, expiresAt: c.expires_at?.toISOString() ?? null, result: c.result ?? {}, error: c.error, at: c.at.toISOString(), durationMs: c.duration_ms,
});

export type DateWithChecks = DateRow & { checks: CriticalDateCheckDto[] };

export function dateDto(r: DateWithChecks, now: Date, canEdit: boolean, withChecks: boolean) {
  return {
    id: r.id, accountId: r.account_id, account: { id: r.account_id, name: r.account_name },
    owner: r.owner_id ? { id: r.owner_id, name: r.owner_name ?? '' } : null,
    kind: r.kind, label: r.label, target: r.target, expiresAt: r.expires_at?.toISOString() ?? null,
    daysLeft: r.expires_at ? daysLeft(r.expires_at, now) : null, leadDays: r.lead_days, autoCheck: r.auto_check,
    lastCheckedAt: r.last_checked_at?.toISOString() ?? null, lastCheckOk: r.last_check_ok, lastError: r.last_error,
    nextCheckAt: r.next_check_at?.toISOString() ?? null, archivedAt: r.archived_at?.toISOString() ?? null,
    lastCheck: r.checks[0] ?? null, ...(withChecks ? { checks: r.checks } : {}), canEdit,
  };
}

/** The last `n` checks of each date, newest first. */
async function attachChecks(q: Queryable, rows: DateRow[], n: number): Promise<DateWithChecks[]> {
  if (rows.length === 0) return [];
  const { rows: checks } = await q.query<CheckRow>(
    `SELECT c.* FROM unnest($1::uuid[]) AS ids(id)
       CROSS JOIN LATERAL (SELECT * FROM critical_date_checks c WHERE c.critical_date_id = ids.id ORDER BY c.at DESC, c.id LIMIT $2) c`,
    [rows.map((r) => r.id), n],
  );
  const by = new Map<string, CriticalDateCheckDto[]>();
  for (const c of checks) by.set(c.critical_date_id, [...(by.get(c.critical_date_id) ?? []), checkDto(c)]);
  return rows.map((r) => ({ ...r, checks: by.get(r.id) ?? [] }));
}

export async function getDate(q: Queryable, id: string, lock = false): Promise<DateRow | undefined> {
  const { rows } = await q.query<DateRow>(`${SELECT} WHERE d.id = $1${lock ? ' FOR UPDATE OF d' : ''}`, [id]);
  return rows[0];
}

export async function getDateWithChecks(q: Queryable, id: string): Promise<DateWithChecks | undefined> {
  const row = await getDate(q, id);
  return row ? (await attachChecks(q, [row], 5))[0] : undefined;
}

export async function accountDates(q: Queryable, accountId: string): Promise<DateWithChecks[]> {
  const { rows } = await q.query<DateRow>(`${SELECT} WHERE d.account_id = $1 AND d.archived_at IS NULL ORDER BY d.expires_at ASC NULLS LAST, d.id`, [accountId]);
  return attachChecks(q, rows, 5);
}

const bookCursor = z.tuple([cursorTimestamp, z.guid()]);

/** The book's next expiries: expired first, then soonest; dates with no known expiry last. Keyset by (expires_at, id). */
export async function bookDates(q: Queryable, f: { withinDays?: number | undefined; kind?: CriticalDateKind | undefined; cursor?: string | undefined; limit: number }, now: Date) {
  const values: unknown[] = [];
  const where = ['d.archived_at IS NULL'];
  if (f.withinDays !== undefined) where.push(`d.expires_at <= $${values.push(new Date(now.getTime() + f.withinDays * 86_400_000))}::timestamptz`);
  if (f.kind) where.push(`d.kind = $${values.push(f.kind)}`);
  if (f.cursor) {
    const [at, id] = decodeCursor(f.cursor, bookCursor);
    where.push(`(coalesce(d.expires_at, 'infinity'), d.id) > ($${values.push(at)}::timestamptz, $${values.push(id)}::uuid)`);
  }
  const { rows } = await q.query<DateRow & { sort_at: string }>(
    `${SELECT.replace('SELECT ', "SELECT coalesce(d.expires_at, 'infinity')::text AS sort_at, ")}
      WHERE ${where.join(' AND ')} ORDER BY coalesce(d.expires_at, 'infinity'), d.id LIMIT $${values.push(f.limit + 1)}`, values,
  );
  const page = rows.slice(0, f.limit);
  const last = page[page.length - 1];
  return { rows: await attachChecks(q, page, 1), nextCursor: rows.length > f.limit && last ? encodeCursor([last.sort_at, last.id]) : null };
}

export async function insertDate(q: Queryable, d: { accountId: string; kind: CriticalDateKind; label: string; target: string | null; expiresAt: Date | null; leadDays: number[]; autoCheck: boolean; nextCheckAt: Date | null; by: string | null }): Promise<string> {
  const { rows } = await q.query<{ id: string }>(
    `INSERT INTO critical_dates (account_id, kind, label, target, expires_at, lead_days, auto_check, next_check_at, created_by)
     VALUES ($1, $2, $3, $4, $5, $6::int[], $7, $8, $9) RETURNING id`,
    [d.accountId, d.kind, d.label, d.target, d.expiresAt, d.leadDays, d.autoCheck, d.nextCheckAt, d.by],
  );
  return (rows[0] as { id: string }).id;
}

export async function updateDate(q: Queryable, id: string, set: Record<string, unknown>): Promise<void> {
  const cols = Object.entries(set).filter(([, v]) => v !== undefined);
  if (cols.length === 0) return;
  const values: unknown[] = [id];
  const sql = cols.map(([c, v]) => `${c} = $${values.push(v)}${c === 'lead_days' ? '::int[]' : ''}`).join(', ');
  await q.query(`UPDATE critical_dates SET ${sql}, updated_at = now() WHERE id = $1`, values);
}

/** Failures in a row, newest first, among the last few checks (for the retry backoff). */
export async function failuresInRow(q: Queryable, id: string): Promise<number> {
  const { rows } = await q.query<{ ok: boolean }>('SELECT ok FROM critical_date_checks WHERE critical_date_id = $1 ORDER BY at DESC LIMIT 6', [id]);
  const i = rows.findIndex((r) => r.ok);
  return i === -1 ? rows.length : i;
}

export async function insertCheck(q: Queryable, c: { dateId: string; at: Date; ok: boolean; expiresAt: Date | null; result: Record<string, unknown>; error: string | null; durationMs: number | null }): Promise<CriticalDateCheckDto> {
  const { rows } = await q.query<CheckRow>(
    `INSERT INTO critical_date_checks (critical_date_id, at, ok, expires_at, result, error, duration_ms) VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7) RETURNING *`,
    [c.dateId, c.at, c.ok, c.expiresAt, JSON.stringify(c.result), c.error?.slice(0, 2000) ?? null, c.durationMs],
  );
  return checkDto(rows[0] as CheckRow);
}

/** Auto-check dates whose next check is due, soonest first; claimed by pushing next_check_at on (another worker skips them). */
export async function claimDue(q: Queryable, now: Date, limit: number): Promise<string[]> {
  const { rows } = await q.query<{ id: string }>(
    `UPDATE critical_dates SET next_check_at = $1::timestamptz + interval '10 minutes'
      WHERE id IN (SELECT id FROM critical_dates WHERE archived_at IS NULL AND auto_check AND kind IN ('domain', 'tls')
                     AND next_check_at <= $1 ORDER BY next_check_at LIMIT $2 FOR UPDATE SKIP LOCKED)
      RETURNING id`,
    [now, limit],
  );
  return rows.map((r) => r.id);
}
