import type { Queryable } from '../db/connect.js';
import { AppError } from '../http/errors.js';
import type { RatioQuery, RatioResponse } from './schema.js';

const DAY = 86_400_000;
/** A range longer than this would be a series nobody reads (and a slow query). */
const MAX_DAYS = 3 * 366;

const ratio = (p: number, r: number) => (p + r === 0 ? null : p / (p + r));

/**
 * The proactive ratio: proactive ÷ all activities in [from, to), for one account, one person
 * (the author), one team (activities logged by its members) or everyone. Every kind counts,
 * notes too: a note is work done for the customer, and leaving kinds out would let the ratio be
 * gamed by choosing the kind. The series is dense (periods without activity have ratio null)
 * and in UTC; its first period may start before `from`, but only activities from `from` count.
 */
export async function proactiveRatio(db: Queryable, q: RatioQuery, now = new Date()): Promise<RatioResponse> {
  const to = q.to ? new Date(q.to) : now;
  const from = q.from ? new Date(q.from) : new Date(to.getTime() - 90 * DAY);
  if (from >= to) throw new AppError('request.invalid', 'from must be before to.', [{ path: 'from', message: 'must be before to' }]);
  if (to.getTime() - from.getTime() > MAX_DAYS * DAY) {
    throw new AppError('request.invalid', `The range is longer than ${MAX_DAYS} days.`, [{ path: 'from', message: `at most ${MAX_DAYS} days before to` }]);
  }
  const values: unknown[] = [from.toISOString(), to.toISOString(), q.bucket];
  const param = (v: unknown) => `$${values.push(v)}`;
  const where = ['a.occurred_at >= $1::timestamptz', 'a.occurred_at < $2::timestamptz'];
  if (q.accountId) where.push(`a.account_id = ${param(q.accountId)}`);
  if (q.userId) where.push(`a.author_id = ${param(q.userId)}`);
  if (q.teamId) where.push(`a.author_id IN (SELECT id FROM users WHERE team_id = ${param(q.teamId)})`);
  const acts = `SELECT a.proactive, a.author_id, date_trunc($3, a.occurred_at AT TIME ZONE 'UTC') AS period
                  FROM activities a WHERE ${where.join(' AND ')}`;

  type Counts = { p: number; r: number };
  const [series, byUser] = await Promise.all([
    db.query<Counts & { period: string }>(
      `WITH acts AS (${acts}),
            periods AS (SELECT generate_series(date_trunc($3, $1::timestamptz AT TIME ZONE 'UTC'),
                                               $2::timestamptz AT TIME ZONE 'UTC' - interval '1 microsecond',
                                               ('1 ' || $3)::interval) AS period)
       SELECT p.period::date::text AS period,
              count(acts.*) FILTER (WHERE acts.proactive)::int AS p,
              count(acts.*) FILTER (WHERE NOT acts.proactive)::int AS r
         FROM periods p LEFT JOIN acts ON acts.period = p.period
        GROUP BY p.period ORDER BY p.period`,
      values,
    ),
    db.query<Counts & { user_id: string | null; name: string | null }>(
      `WITH acts AS (${acts})
       SELECT acts.author_id AS user_id, u.name,
              count(*) FILTER (WHERE acts.proactive)::int AS p, count(*) FILTER (WHERE NOT acts.proactive)::int AS r
         FROM acts LEFT JOIN users u ON u.id = acts.author_id
        GROUP BY acts.author_id, u.name
        ORDER BY count(*) DESC, u.name NULLS LAST`,
      values,
    ),
  ]);
  const proactive = series.rows.reduce((n, s) => n + s.p, 0);
  const reactive = series.rows.reduce((n, s) => n + s.r, 0);
  return {
    from: from.toISOString(), to: to.toISOString(), bucket: q.bucket,
    proactive, reactive, ratio: ratio(proactive, reactive),
    series: series.rows.map((s) => ({ periodStart: s.period, proactive: s.p, reactive: s.r, ratio: ratio(s.p, s.r) })),
    byUser: byUser.rows.map((u) => ({ userId: u.user_id, name: u.name ?? 'API key', proactive: u.p, reactive: u.r, ratio: ratio(u.p, u.r) })),
  };
}
