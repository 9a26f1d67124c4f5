import type { Database } from '../db/connect.js';
import type { Actor } from '../auth/principal.js';
import { recordAuditRaw } from '../audit/record.js';
import { AppError } from '../http/errors.js';
import { ACTIVE, bookCounts } from '../accounts/book.js';
import { bandOf, type DriverExplanation } from './score.js';
import type { HealthExplanation, Run } from './schema.js';

const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());

export function createHealthQueries(database: Database) {
  const q = database;
  return {
    async explanation(accountId: string, stage: string): Promise<HealthExplanation> {
      const [h, o] = await Promise.all([
        q.query<{ score: number | null; band: HealthExplanation['band']; state: HealthExplanation['state']; stage: string; drivers: { reason: string | null; items: DriverExplanation[] }; computed_at: Date }>(
          'SELECT score, band, state, stage, drivers, computed_at FROM account_health WHERE account_id = $1', [accountId]),
        q.query<{ score: number; reason: string; expires_at: Date; created_by_name: string | null; created_at: Date }>(
          `SELECT o.score, o.reason, o.expires_at, u.name AS created_by_name, o.created_at FROM health_overrides o
             LEFT JOIN users u ON u.id = o.created_by
            WHERE o.account_id = $1 AND o.cleared_at IS NULL AND o.expires_at > now() ORDER BY o.created_at DESC LIMIT 1`, [accountId]),
      ]);
      const row = h.rows[0];
      const ov = o.rows[0];
      const override = ov
        ? { score: ov.score, band: bandOf(ov.score), reason: ov.reason, expiresAt: iso(ov.expires_at) ?? '', createdByName: ov.created_by_name, createdAt: iso(ov.created_at) ?? '' }
        : null;
      if (!row) return { accountId, state: 'no_data', score: null, band: null, stage: stage as HealthExplanation['stage'], computedAt: null, reason: 'not_computed', drivers: [], override };
      return {
        accountId,
        state: row.state,
        score: row.score,
        band: row.band,
        stage: row.stage as HealthExplanation['stage'],
        computedAt: iso(row.computed_at),
        ...(row.drivers.reason ? { reason: row.drivers.reason as 'no_drivers' | 'no_values' } : {}),
        drivers: row.drivers.items,
        override,
      };
    },

    async history(accountId: string, days: number) {
      const { rows } = await q.query<{ day: string; score: number | null; band: HealthExplanation['band'] }>(
        `SELECT day::text AS day, score, band FROM health_snapshots WHERE account_id = $1 AND day > current_date - $2::int ORDER BY day`,
        [accountId, days],
      );
      return { items: rows };
    },

    async setOverride(accountId: string, input: { score: number; reason: string; expiresAt: string }, actor: Actor) {
      return q.transaction(async (tx) => {
        await tx.query(`UPDATE health_overrides SET cleared_at = now() WHERE account_id = $1 AND cleared_at IS NULL`, [accountId]);
        await tx.query(
          `INSERT INTO health_overrides (account_id, score, reason, expires_at, created_by) VALUES ($1, $2, $3, $4, $5)`,
          [accountId, input.score, input.reason, input.expiresAt, actor.type === 'user' ? actor.id : null],
        );
        await recordAuditRaw(tx, actor, [{ action: 'health.override', objectType: 'account', objectId: accountId, changes: input }]);
      });
    },

    async clearOverride(accountId: string, actor: Actor) {
      await q.transaction(async (tx) => {
        const r = await tx.query(`UPDATE health_overrides SET cleared_at = now() WHERE account_id = $1 AND cleared_at IS NULL AND expires_at > now()`, [accountId]);
        if (r.rowCount === 0) throw new AppError('health.override_not_found');
        await recordAuditRaw(tx, actor, [{ action: 'health.override_clear', objectType: 'account', objectId: accountId }]);
      });
    },

    /**
     * The active book (not churned) per band of effective health now, how many of them carry a
     * valid override, the book's counts (src/accounts/book.ts: the same figures as the portfolio
     * header and the rule dry run), and the daily band counts of the last `days` days (computed
     * history: snapshots are never overridden).
     */
    async summary(days = 90) {
      const [bands, trend, book] = await Promise.all([
        q.query<{ band: string; accounts: number; arr: number; overridden: number }>(
          `SELECT coalesce(h.band, 'none') AS band, count(*)::int AS accounts, coalesce(sum(a.arr), 0)::float8 AS arr,
                  (count(*) FILTER (WHERE h.source = 'override'))::int AS overridden
             FROM accounts a LEFT JOIN account_health_effective h ON h.account_id = a.id
            WHERE ${ACTIVE} GROUP BY 1`),
        q.query<{ day: string; good: number; watch: number; poor: number; average_score: number | null }>(
          `SELECT day::text AS day, count(*) FILTER (WHERE band = 'good')::int AS good, count(*) FILTER (WHERE band = 'watch')::int AS watch,
                  count(*) FILTER (WHERE band = 'poor')::int AS poor, round(avg(score), 1)::float8 AS average_score
             FROM health_snapshots WHERE day > current_date - $1::int GROUP BY day ORDER BY day`, [days]),
        bookCounts(q),
      ]);
      const order = ['good', 'watch', 'poor', 'none'] as const;
      return {
        book: { ...book, overridden: bands.rows.reduce((n, r) => n + r.overridden, 0) },
        bands: order.map((b) => {
          const r = bands.rows.find((x) => x.band === b);
          return { band: b, accounts: r?.accounts ?? 0, arr: r?.arr ?? 0, overridden: r?.overridden ?? 0 };
        }),
        trend: trend.rows.map((r) => ({ day: r.day, good: r.good, watch: r.watch, poor: r.poor, averageScore: r.average_score })),
      };
    },

    async run(id: string): Promise<Run> {
      const { rows } = await q.query<RunRow>('SELECT * FROM health_runs WHERE id = $1', [id]);
      const r = rows[0];
      if (!r) throw new AppError('health.run_not_found');
      return toRun(r);
    },

    async runs(limit: number): Promise<Run[]> {
      return (await q.query<RunRow>('SELECT * FROM health_runs ORDER BY created_at DESC LIMIT $1', [limit])).rows.map(toRun);
    },

    async outcomes(filter: { accountId?: string | undefined; limit: number }) {
      const { rows } = await q.query<{ id: string; account_id: string; account_name: string; kind: 'renewed' | 'expanded' | 'churned' | 'downgraded'; occurred_on: string; arr_before: number | null; arr_after: number | null; note: string | null; created_at: Date }>(
        `SELECT o.id, o.account_id, a.name AS account_name, o.kind, o.occurred_on::text AS occurred_on, o.arr_before::float8 AS arr_before,
                o.arr_after::float8 AS arr_after, o.note, o.created_at
           FROM outcomes o JOIN accounts a ON a.id = o.account_id
          WHERE ($1::uuid IS NULL OR o.account_id = $1) ORDER BY o.occurred_on DESC, o.id LIMIT $2`,
        [filter.accountId ?? null, filter.limit],
      );
      return rows.map((r) => ({
        id: r.id, accountId: r.account_id, accountName: r.account_name, kind: r.kind, occurredOn: r.occurred_on,
        arrBefore: r.arr_before, arrAfter: r.arr_after, note: r.note, createdAt: iso(r.created_at) ?? '',
      }));
    },

    async addOutcome(input: { accountId: string; kind: string; occurredOn: string; arrBefore?: number | null | undefined; arrAfter?: number | null | undefined; note?: string | null | undefined }, actor: Actor) {
      try {
        return await q.transaction(async (tx) => {
          const { rows } = await tx.query<{ id: string }>(
            `INSERT INTO outcomes (account_id, kind, occurred_on, arr_before, arr_after, note, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
            [input.accountId, input.kind, input.occurredOn, input.arrBefore ?? null, input.arrAfter ?? null, input.note ?? null, actor.type === 'user' ? actor.id : null],
          );
          const id = rows[0]?.id ?? '';
          await recordAuditRaw(tx, actor, [{ action: 'outcome.create', objectType: 'outcome', objectId: id, changes: input }]);
          return id;
        });
      } catch (err) {
        if ((err as { code?: string }).code === '23505') throw new AppError('outcome.exists');
        throw err;
      }
    },

    async removeOutcome(id: string, actor: Actor): Promise<string | null> {
      return q.transaction(async (tx) => {
        const { rows } = await tx.query<{ account_id: string }>('DELETE FROM outcomes WHERE id = $1 RETURNING account_id', [id]);
        const accountId = rows[0]?.account_id ?? null;
        if (accountId) await recordAuditRaw(tx, actor, [{ action: 'outcome.delete', objectType: 'outcome', objectId: id }]);
        return accountId;
      });
    },

    async outcomeAccount(id: string): Promise<string | null> {
      return (await q.query<{ account_id: string }>('SELECT account_id FROM outcomes WHERE id = $1', [id])).rows[0]?.account_id ?? null;
    },
  };
}
export type HealthQueries = ReturnType<typeof createHealthQueries>;

type RunRow = { id: string; status: Run['status']; total: number; done: number; trigger: string; created_at: Date; started_at: Date | null; finished_at: Date | null; error: string | null };
const toRun = (r: RunRow): Run => ({
  id: r.id, status: r.status, total: r.total, done: r.done, trigger: r.trigger, createdAt: iso(r.created_at) ?? '',
  startedAt: iso(r.started_at), finishedAt: iso(r.finished_at), error: r.error,
});
