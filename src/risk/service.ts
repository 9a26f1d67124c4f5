// The risk refresh (issue 12): per chunk of accounts, in one transaction, the signals are brought up
// to date (refreshSignals), read as of now (signalsAsOf), combined by the model (model.ts) and saved
// (account_risk, risk_changes, the webhook), and the register hears of the level moves. Incremental
// through risk_dirty (marked by triggers, e.g. whenever health is written, so risk is never older than
// health) and in full every night, like health's refresh.
import type { WorkDeps } from '../deps.js';
import type { Queryable } from '../db/connect.js';
import { drainMarks } from '../db/dirty-claims.js';
import { loadDefinitions, refreshSignals, signalsAsOf } from './signals/index.js';
import type { SignalDefinition } from './signals/types.js';
import { afterRiskRefresh } from './register/index.js';
import { compoundRisk } from './model.js';
import { calibrate } from './calibrate.js';
import { toModel } from './evaluate.js';
import { baseRates, calibrationCounts, loadCalibration, markRiskDirty, saveCalibration, saveRisk, type LevelChange, type RiskRow } from './store.js';

export const RISK_REFRESH_JOB = 'risk.refresh-dirty';
export const RISK_FULL_JOB = 'risk.refresh-all';
export const RISK_CALIBRATE_JOB = 'risk.calibrate';
export const CHUNK = 500;
/** The lead window of the nightly calibration (and the evaluation's default). */
export const CALIBRATION_LEAD_DAYS = 90;
const NO_JIT = 'SET LOCAL jit = off';

type Context = { definitions: SignalDefinition[]; calibrated: Map<string, number>; outcomes: number };

/** The model's inputs that do not change within a pass: enabled definitions and calibrated strengths. */
async function context(q: Queryable): Promise<Context> {
  const [definitions, cal] = await Promise.all([loadDefinitions(q), loadCalibration(q)]);
  return { definitions: definitions.filter((d) => d.enabled), calibrated: cal.strengths, outcomes: cal.outcomes };
}

/** Signals refreshed, read as of `now`, combined and saved for these accounts, in the caller's transaction. */
export async function refreshRiskChunk(tx: Queryable, ids: string[], now: Date, ctx: Context): Promise<{ changes: LevelChange[]; queued: number }> {
  if (ids.length === 0) return { changes: [], queued: 0 };
  await refreshSignals(tx, ids, now);
  const enabled = new Set(ctx.definitions.map((d) => d.kind));
  const byAccount = await signalsAsOf(tx, ids, now);
  const results: RiskRow[] = ids.map((accountId) => {
    const signals = toModel((byAccount.get(accountId) ?? []).filter((s) => enabled.has(s.kind)), now, ctx.calibrated);
    const risk = compoundRisk(signals);
    const calibrated = signals.some((s) => s.calibrated);
    return {
      accountId, score: risk.score, level: risk.level, probability: risk.probability,
      model: calibrated ? `calibrated:${ctx.outcomes}` : 'default',
      contributions: risk.contributions.map((c) => ({ signalId: c.id, kind: c.kind, family: c.family, strength: c.strength, effective: round(c.effective), contribution: c.contribution })),
    };
  });
  const saved = await saveRisk(tx, results, now);
  await afterRiskRefresh(tx, saved.changes, now);
  return saved;
}

const round = (x: number) => Math.round(x * 1e5) / 1e5;

/** What the refresh needs: the database, a job sender (null: work now), and the outbox to wake after queued webhooks. */
export type RiskDeps = Pick<WorkDeps, 'database' | 'jobs'> & { config?: WorkDeps['config']; outbox?: Pick<WorkDeps['outbox'], 'wake'> | null };

export function createRiskService(deps: RiskDeps) {
  const { database, jobs } = deps;
  const woke = async (queued: number) => {
    if (queued > 0 && deps.outbox) await deps.outbox.wake().catch(() => undefined);
  };

  const service = {
    /** Marks accounts for a refresh and has it done soon. */
    async markDirty(ids: string[], cause: string) {
      await markRiskDirty(database, ids, cause);
      await service.scheduleRefresh();
    },

    /** Debounced job with a queue; done now without one (tests, the demo). */
    async scheduleRefresh() {
      if (jobs) await jobs.sendDebounced(RISK_REFRESH_JOB, {}, 1, 'all');
      else await service.refreshDirty();
    },

    /**
     * Refreshes every account marked dirty, 500 at a time. The marks are claimed in a statement of
     * their own (src/db/dirty-claims.ts), so a health save that marks risk never waits on this
     * refresh; a failed or crashed chunk's claims become marks again.
     */
    async refreshDirty(now: () => Date = () => new Date()): Promise<number> {
      const ctx = await context(database);
      return drainMarks(database, 'risk_dirty', CHUNK, async (tx, ids) => {
        await tx.query(NO_JIT);
        return (await refreshRiskChunk(tx, ids, now(), ctx)).queued;
      }, woke);
    },

    /** The whole book in keyset chunks of 500 (each its own transaction); returns the counts per level. */
    async refreshAll(now: () => Date = () => new Date()): Promise<{ accounts: number; levels: Record<string, number> }> {
      const ctx = await context(database);
      let afterId = '00000000-0000-0000-0000-000000000000';
      let accounts = 0;
      for (;;) {
        const out = await database.transaction(async (tx) => {
          await tx.query(NO_JIT);
          const { rows } = await tx.query<{ id: string }>('SELECT id FROM accounts WHERE id > $1 ORDER BY id LIMIT $2', [afterId, CHUNK]);
          const ids = rows.map((r) => r.id);
          const saved = await refreshRiskChunk(tx, ids, now(), ctx);
          // Refreshed now: their marks (if any) are spent.
          if (ids.length) await tx.query('DELETE FROM risk_dirty WHERE account_id = ANY($1::uuid[])', [ids]);
          return { ids, queued: saved.queued };
        });
        await woke(out.queued);
        accounts += out.ids.length;
        if (out.ids.length < CHUNK) break;
        afterId = out.ids[out.ids.length - 1] ?? afterId;
      }
      const { rows } = await database.query<{ level: string; n: number }>('SELECT level, count(*)::int AS n FROM account_risk GROUP BY level');
      const levels: Record<string, number> = { low: 0, medium: 0, high: 0, critical: 0 };
      for (const r of rows) levels[r.level] = r.n;
      return { accounts, levels };
    },

    /** Nightly: each kind's strength measured on the book's outcomes (calibrate.ts), saved to risk_calibration. */
    async calibrate(leadDays = CALIBRATION_LEAD_DAYS, now = new Date()) {
      const [{ outcomes, counts }, baseRate] = await Promise.all([calibrationCounts(database, leadDays), baseRates(database, now)]);
      const result = calibrate(outcomes, counts, { baseRate });
      await database.transaction(async (tx) => saveCalibration(tx, result.kinds, leadDays, now));
      return result;
    },
  };
  return service;
}
export type RiskService = ReturnType<typeof createRiskService>;
