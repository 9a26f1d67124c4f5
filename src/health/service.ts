import type { Database } from '../db/connect.js';
import type { JobQueue } from '../jobs/queue.js';
import { utcToday } from '../accounts/usage.js';
import { evaluate, measuredDrivers, type AccountHealth, type EngineDriver } from './engine.js';
import { auc, isRetained } from './impact.js';
import { measure } from './metrics.js';
import { bandOf } from './score.js';
import type { HealthExplanation, PreviewResult } from './schema.js';
import { markDirty, saveHealth } from './store.js';
import { drainMarks } from '../db/dirty-claims.js';
import { createDriverQueries } from './drivers.js';
import { createHealthQueries } from './queries.js';
import { accountRanges, eachParallel, parallelism, type AccountRange } from './chunks.js';
import { recordAuditRaw } from '../audit/record.js';
import type { Actor } from '../auth/principal.js';
import { AppError } from '../http/errors.js';
import { backfillHistory, backfillRange, backfillTotal, historyGaps, BACKFILL_DEFAULT_DAYS, BACKFILL_MAX_IMPORT_DAYS } from './backfill.js';

export const REFRESH_JOB = 'health.refresh-dirty';
export const RECOMPUTE_JOB = 'health.recompute';
export const BACKFILL_JOB = 'health.backfill';
export const BACKFILL_GAPS_JOB = 'health.backfill-gaps';
/** Accounts back-filled per gap run: a huge import is worked off over a few runs. */
const GAP_LIMIT = 5000;
const CHUNK = 2000;
// The planner overestimates the chunk statements by orders of magnitude, so PostgreSQL would
// JIT-compile them: about 0.3 s of a 0.7 s chunk. They are short; interpreting them is faster.
const NO_JIT = 'SET LOCAL jit = off';

export type HealthHooks = {
  /** After a commit that queued webhook deliveries (band moves): make them go out soon. */
  deliveriesQueued?: () => Promise<void>;
  /**
   * After a commit that saved health for some accounts: each account's driver values (driver id →
   * value) as just computed. Success plans re-measure their driver criteria from them.
   */
  computed?: (values: Map<string, Map<string, number | null>>) => Promise<void>;
};

export function createHealthService(database: Database, jobs: JobQueue | null, hooks: HealthHooks = {}) {
  const drivers = createDriverQueries(database);
  /** Wakes the outbox after commit; a lost wake-up is picked up by the outbox's own schedule. */
  const queuedDeliveries = async (queued: number) => {
    if (queued > 0 && hooks.deliveriesQueued) await hooks.deliveriesQueued().catch(() => undefined);
  };
  /** The computed driver values per account, for hooks.computed (only built when someone listens). */
  const valuesOf = (list: EngineDriver[], results: AccountHealth[]) =>
    hooks.computed ? new Map(results.map((r) => [r.facts.id, new Map(list.map((d) => [d.id, r.values.get(d.key)?.value ?? null]))])) : null;
  const computed = async (values: Map<string, Map<string, number | null>> | null) => {
    if (values && values.size > 0 && hooks.computed) await hooks.computed(values);
  };

  /** Health for the given accounts (or a keyset chunk), computed and saved in one transaction. */
  async function computeAndSave(scope: { ids: string[] } | AccountRange, cause: string, list?: EngineDriver[]) {
    const active = list ?? (await drivers.enabled());
    const day = utcToday();
    const out = await database.transaction(async (tx) => {
      await tx.query(NO_JIT);
      const m = await measure(tx, measuredDrivers(active), scope, day);
      const results = evaluate(active, m, day);
      const saved = await saveHealth(tx, results, day, cause);
      return { count: results.length, changed: saved.changed, queued: saved.queued, values: valuesOf(active, results) };
    });
    await queuedDeliveries(out.queued);
    await computed(out.values);
    return { count: out.count, changed: out.changed, queued: out.queued };
  }

  const service = {
    drivers,
    queries: createHealthQueries(database),

    /** Outcomes from another system, all or nothing; ones already recorded are skipped. */
    async importOutcomes(
      items: { accountId?: string | undefined; accountExternalId?: string | undefined; kind: string; occurredOn: string; arrBefore?: number | null | undefined; arrAfter?: number | null | undefined; note?: string | null | undefined }[],
      actor: Actor,
    ) {
      const { rows: known } = await database.query<{ id: string; external_id: string | null }>(
        'SELECT id, external_id FROM accounts WHERE id = ANY($1::uuid[]) OR external_id = ANY($2::text[])',
        [items.flatMap((i) => (i.accountId ? [i.accountId] : [])), items.flatMap((i) => (i.accountExternalId ? [i.accountExternalId] : []))],
      );
      const ids = new Set(known.map((k) => k.id));
      const byExternal = new Map(known.map((k) => [k.external_id, k.id]));
      const errors = items.flatMap((i, n) => {
        const id = i.accountId ?? (i.accountExternalId ? byExternal.get(i.accountExternalId) : undefined);
        if (!i.accountId && !i.accountExternalId) return [{ path: `items.${n}.accountId`, message: 'give accountId or accountExternalId' }];
        return id && ids.has(id) ? [] : [{ path: `items.${n}.${i.accountId ? 'accountId' : 'accountExternalId'}`, message: 'no such account' }];
      });
      if (errors.length) throw new AppError('request.invalid', `${errors.length} outcome(s) name no known account; nothing was imported.`, errors.slice(0, 50));
      const rows = items.map((i) => ({
        account_id: i.accountId ?? byExternal.get(i.accountExternalId ?? ''), kind: i.kind, occurred_on: i.occurredOn,
        arr_before: i.arrBefore ?? null, arr_after: i.arrAfter ?? null, note: i.note ?? null,
      }));
      return database.transaction(async (tx) => {
        const r = await tx.query(
          `INSERT INTO outcomes (account_id, kind, occurred_on, arr_before, arr_after, note)
           SELECT account_id, kind, occurred_on, arr_before, arr_after, note FROM jsonb_to_recordset($1::jsonb)
             AS x(account_id uuid, kind text, occurred_on date, arr_before numeric, arr_after numeric, note text)
           ON CONFLICT (account_id, kind, occurred_on) DO NOTHING`,
          [JSON.stringify(rows)],
        );
        await recordAuditRaw(tx, actor, [{ action: 'outcome.import', objectType: 'outcome', objectId: '*', changes: { items: items.length, created: r.rowCount } }]);
        return { created: r.rowCount, skipped: items.length - r.rowCount };
      });
    },

    async recomputeAccounts(ids: string[], cause = 'manual') {
      return computeAndSave({ ids }, cause);
    },

    /** Marks accounts dirty and has them recomputed soon (debounced job, or now without a queue). */
    async markDirty(where: { ids: string[] } | { stages: string[] }, cause: string) {
      await markDirty(database, where, cause);
      await service.scheduleRefresh();
    },

    async scheduleRefresh() {
      if (jobs) await jobs.sendDebounced(REFRESH_JOB, {}, 1, 'all');
      else await service.refreshDirty();
    },

    /**
     * Recomputes every dirty account, 500 at a time, two chunks at once on PostgreSQL. The marks are
     * claimed in a statement of their own (src/db/dirty-claims.ts), so ingestion never waits on a
     * refresh; a failed or crashed chunk's claims become marks again.
     */
    async refreshDirty(): Promise<number> {
      const active = await drivers.enabled();
      return drainMarks(database, 'health_dirty', 500, async (tx, ids) => {
        await tx.query(NO_JIT);
        const day = utcToday();
        const results = evaluate(active, await measure(tx, measuredDrivers(active), { ids }, day), day);
        const saved = await saveHealth(tx, results, day, 'update');
        return { queued: saved.queued, values: valuesOf(active, results) };
      }, async ({ queued, values }) => {
        await queuedDeliveries(queued);
        await computed(values);
      }, parallelism(database));
    },

    /** Starts a full recomputation; returns its run id (progress in health_runs). */
    async startRecompute(trigger: string): Promise<string> {
      const { rows } = await database.query<{ id: string }>(
        `INSERT INTO health_runs (trigger, status, total) SELECT $1, 'queued', count(*)::int FROM accounts RETURNING id`,
        [trigger],
      );
      const id = rows[0]?.id ?? '';
      if (jobs) await jobs.send(RECOMPUTE_JOB, { runId: id });
      else await service.runRecompute(id);
      return id;
    },

    /**
     * The whole book in ranges of about CHUNK accounts (each measured, scored and saved in its own
     * transaction), two sessions at once on PostgreSQL (chunks.ts), with progress after each.
     */
    async runRecompute(runId: string, chunk = CHUNK): Promise<void> {
      await database.query(`UPDATE health_runs SET status = 'running', started_at = now(), total = (SELECT count(*) FROM accounts) WHERE id = $1`, [runId]);
      try {
        const active = await drivers.enabled();
        let done = 0;
        await eachParallel(await accountRanges(database, chunk), parallelism(database), async (range) => {
          const { count } = await computeAndSave(range, 'recompute', active);
          done += count; // after the await: `done += await …` would add to the value read before it
          // Chunks finish out of order: progress only moves forward.
          await database.query('UPDATE health_runs SET done = greatest(done, $2) WHERE id = $1', [runId, done]);
        });
        await database.query(`UPDATE health_runs SET status = 'done', finished_at = now() WHERE id = $1`, [runId]);
      } catch (err) {
        await database.query(`UPDATE health_runs SET status = 'failed', finished_at = now(), error = $2 WHERE id = $1`, [runId, (err as Error).message]);
        throw err;
      }
    },

    /**
     * Starts a back-fill of the last `days` days of health history (to yesterday); returns its run
     * id. Progress in health_runs counts account-days (trigger `backfill:<who>`).
     */
    async startBackfill(days: number, who: string): Promise<string> {
      const total = await backfillTotal(database, backfillRange(days));
      const { rows } = await database.query<{ id: string }>(
        `INSERT INTO health_runs (trigger, status, total) VALUES ($1, 'queued', $2) RETURNING id`, [`backfill:${who}`, total],
      );
      const id = rows[0]?.id ?? '';
      if (jobs) await jobs.send(BACKFILL_JOB, { runId: id, days });
      else await service.runBackfill(id, days);
      return id;
    },

    /** Rebuilds the history of the last `days` days (see backfill.ts), recording progress in the run. */
    async runBackfill(runId: string, days = BACKFILL_DEFAULT_DAYS, ids: string[] | null = null) {
      return service.runBackfillRange(runId, backfillRange(days), ids);
    },

    /** Rebuilds the history of the range's days (see backfill.ts), recording progress in the run. */
    async runBackfillRange(runId: string, range: { from: string; to: string }, ids: string[] | null = null) {
      await database.query(`UPDATE health_runs SET status = 'running', started_at = now(), done = 0, total = $2 WHERE id = $1`, [runId, await backfillTotal(database, range, ids)]);
      try {
        const r = await backfillHistory(database, await drivers.enabled(), range, async (done) => {
          await database.query('UPDATE health_runs SET done = $2 WHERE id = $1', [runId, done]);
        }, ids ? { ids } : null);
        await database.query(`UPDATE health_runs SET status = 'done', done = $2, finished_at = now() WHERE id = $1`, [runId, r.snapshots]);
        return r;
      } catch (err) {
        await database.query(`UPDATE health_runs SET status = 'failed', finished_at = now(), error = $2 WHERE id = $1`, [runId, (err as Error).message]);
        throw err;
      }
    },

    /**
     * After an import of historical usage: rebuilds the health history of these accounts from
     * `fromDay` (clamped to BACKFILL_MAX_IMPORT_DAYS ago, and to each account's first activity) to
     * yesterday with the back-fill code, then scores them for today, so the present and the
     * history agree at once. Progress in health_runs (trigger `backfill:import`, account-days).
     * Returns the days of the range rebuilt (0 when fromDay is today or later, or no account).
     */
    async rebuildHistory(accountIds: string[], fromDay: string): Promise<{ days: number }> {
      const today = utcToday();
      if (accountIds.length === 0 || !/^\d{4}-\d{2}-\d{2}$/.test(fromDay) || Number.isNaN(Date.parse(fromDay)) || fromDay >= today) return { days: 0 };
      const oldest = backfillRange(BACKFILL_MAX_IMPORT_DAYS, today).from;
      const range = { from: fromDay < oldest ? oldest : fromDay, to: backfillRange(1, today).to };
      const days = Math.round((Date.parse(range.to) - Date.parse(range.from)) / 86_400_000) + 1;
      const { rows } = await database.query<{ id: string }>(`INSERT INTO health_runs (trigger, status) VALUES ('backfill:import', 'queued') RETURNING id`);
      await service.runBackfillRange(rows[0]?.id ?? '', range, accountIds);
      await service.recomputeAccounts(accountIds, 'import');
      return { days };
    },

    /**
     * After a bulk load of past events: back-fills the default range for the accounts whose usage
     * now starts before their history does (see historyGaps), as a run with trigger
     * `backfill:gaps`. Nothing to do (the usual case) costs one query and leaves no run.
     */
    async backfillGaps(days = BACKFILL_DEFAULT_DAYS): Promise<number> {
      const ids = await historyGaps(database, days, GAP_LIMIT);
      if (ids.length === 0) return 0;
      const { rows } = await database.query<{ id: string }>(`INSERT INTO health_runs (trigger, status) VALUES ('backfill:gaps', 'queued') RETURNING id`);
      await service.runBackfill(rows[0]?.id ?? '', days, ids);
      return ids.length;
    },

    /**
     * An account's health "as of" the end of a past day, computed now by the scoring code the
     * back-fill uses (today's drivers; stage and fields as of today). Nothing is saved.
     */
    async explainAsOf(accountId: string, asOf: string): Promise<HealthExplanation> {
      const active = await drivers.enabled();
      const [r] = evaluate(active, await measure(database, measuredDrivers(active), { ids: [accountId] }, asOf), asOf);
      if (!r) throw new AppError('account.not_found');
      const h = r.health;
      return {
        accountId, asOf, state: h.state, score: h.score, band: h.band, stage: r.facts.stage as HealthExplanation['stage'], computedAt: null,
        ...(h.state === 'no_data' ? { reason: h.reason } : {}), drivers: h.drivers, override: null,
      };
    },

    /** What a driver definition would give over the book today (or as of a past day), before it is saved. */
    async preview(candidate: EngineDriver, asOf?: string): Promise<PreviewResult> {
      const others = (await drivers.enabled()).filter((d) => d.key !== candidate.key);
      const set = [...others, candidate];
      const stages = Object.entries(candidate.stageWeights).filter(([, w]) => (w ?? 0) > 0).map(([s]) => s);
      const day = asOf ?? utcToday();
      const m = await measure(database, measuredDrivers(set), { all: true }, day);
      const inScope = m.filter((x) => stages.length === 0 || stages.includes(x.facts.stage));
      const results = evaluate(set, inScope, day).map((r) => ({ facts: r.facts, v: r.values.get(candidate.key) ?? { value: null, score: null } }));
      const values = results.map((r) => r.v.value).filter((v): v is number => v !== null).sort((a, b) => a - b);
      const q = (p: number) => values[Math.min(values.length - 1, Math.floor(p * (values.length - 1)))] ?? 0;
      const scores = new Map<number, number>();
      const bands = { good: 0, watch: 0, poor: 0 };
      for (const r of results) {
        if (r.v.score === null) continue;
        scores.set(r.v.score, (scores.get(r.v.score) ?? 0) + 1);
        bands[bandOf(r.v.score)]++;
      }
      const levels = [...new Set([...candidate.scoring.thresholds.map((t) => t.score), 0])].sort((a, b) => b - a);
      return {
        asOf: day,
        accounts: results.length,
        withValue: values.length,
        noData: results.length - values.length,
        values: values.length ? { min: q(0), p25: q(0.25), median: q(0.5), p75: q(0.75), max: q(1) } : null,
        histogram: histogram(values, 12),
        scores: levels.map((score) => ({ score, count: scores.get(score) ?? 0 })),
        bands,
        sample: results.slice(0, 10).map((r) => ({ accountId: r.facts.id, name: r.facts.name, value: r.v.value, score: r.v.score })),
      };
    },

    /**
     * Driver impact: each outcome's account measured `leadDays` before it happened, with today's
     * drivers; retained (renewed, expanded) against lost (churned, downgraded).
     */
    async impact(leadDays: number) {
      const active = await drivers.enabled();
      const { rows } = await database.query<{ account_id: string; kind: string; as_of: string }>(
        `SELECT account_id, kind, (occurred_on - $1::int)::text AS as_of FROM outcomes ORDER BY occurred_on`, [leadDays],
      );
      const byDate = new Map<string, { account_id: string; kind: string }[]>();
      for (const r of rows) byDate.set(r.as_of, [...(byDate.get(r.as_of) ?? []), r]);
      const samples = new Map<string, { value: number | null; retained: boolean }[]>();
      const healthSamples: { value: number | null; retained: boolean }[] = [];
      for (const [asOf, outcomes] of byDate) {
        const m = await measure(database, measuredDrivers(active), { ids: [...new Set(outcomes.map((o) => o.account_id))] }, asOf);
        // A churned account was in its renewal stage before it left: judge it by those drivers.
        for (const x of m) if (x.facts.stage === 'churned') x.facts.stage = 'renewal';
        const byAccount = new Map(evaluate(active, m, asOf).map((r) => [r.facts.id, r]));
        for (const o of outcomes) {
          const r = byAccount.get(o.account_id);
          if (!r) continue;
          const retained = isRetained(o.kind);
          healthSamples.push({ value: r.health.score, retained });
          for (const d of active) samples.set(d.key, [...(samples.get(d.key) ?? []), { value: orient(d, r.values.get(d.key)?.value ?? null), retained }]);
        }
      }
      const retained = rows.filter((r) => isRetained(r.kind)).length;
      return {
        leadDays,
        retained,
        lost: rows.length - retained,
        health: auc(healthSamples),
        drivers: active
          .map((d) => ({ id: d.id, key: d.key, name: d.name, ...auc(samples.get(d.key) ?? []) }))
          // Ranked by AUC only where it is told from chance; those that are not come after, apart.
          .sort((a, b) => Number(a.chance) - Number(b.chance) || (b.auc ?? -1) - (a.auc ?? -1)),
      };
    },
  };
  return service;
}
export type HealthService = ReturnType<typeof createHealthService>;

/** The driver's value turned so that higher is better, as AUC expects. */
function orient(d: EngineDriver, value: number | null): number | null {
  if (value === null) return null;
  return d.scoring.direction === 'higher_is_better' ? value : -value;
}

function histogram(sorted: number[], buckets: number) {
  if (sorted.length === 0) return [];
  const min = sorted[0] ?? 0;
  const max = sorted[sorted.length - 1] ?? 0;
  if (min === max) return [{ from: min, to: max, count: sorted.length }];
  const width = (max - min) / buckets;
  const out = Array.from({ length: buckets }, (_, i) => ({ from: round(min + i * width), to: round(min + (i + 1) * width), count: 0 }));
  for (const v of sorted) {
    const bucket = out[Math.min(buckets - 1, Math.floor((v - min) / width))];
    if (bucket) bucket.count++;
  }
  return out;
}
const round = (n: number) => Math.round(n * 1000) / 1000;
