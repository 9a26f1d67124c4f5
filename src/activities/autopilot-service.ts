import type { Database, Queryable } from '../db/connect.js';
import { detectAutopilot } from './autopilot.js';
import type { ActivityKind } from './schema.js';
import { accountChunk, claimDirty, loadAutopilotInputs, storeVerdicts, type AutopilotInputs, type StoredVerdict } from './autopilot-queries.js';

export const REFRESH_DIRTY_JOB = 'autopilot.refresh-dirty';
export const SWEEP_JOB = 'autopilot.sweep';
const CHUNK = 500;

export type AutopilotView = {
  onAutopilot: boolean;
  reasons: string[];
  touchpoints: { id: string; kind: ActivityKind; at: string; subject: string }[];
  n: number;
};

function verdictOf(inputs: AutopilotInputs | undefined, n: number, now: Date) {
  return detectAutopilot({ touchpoints: inputs?.touchpoints ?? [], topics: inputs?.topics ?? [], now, n });
}

/**
 * Autopilot over the database: the live verdict of one account (the account page), and the stored
 * verdict of every account (portfolio filter and sort, rule condition, health driver source),
 * recomputed for marked accounts every minute and for the whole book daily (time passes: a rhythm
 * stops holding without any write).
 */
export function createAutopilotService(deps: { database: Database; n: number }) {
  const { database, n } = deps;

  /** Computes and stores the verdicts of these accounts in the caller's transaction. */
  async function recompute(q: Queryable, ids: string[], now: Date): Promise<StoredVerdict[]> {
    const inputs = await loadAutopilotInputs(q, ids, n, now);
    const verdicts = ids.map((id): StoredVerdict => {
      const v = verdictOf(inputs.get(id), n, now);
      return { accountId: id, onAutopilot: v.onAutopilot, reasons: v.reasons, touchpointIds: v.touchpoints.map((t) => t.id), n };
    });
    await storeVerdicts(q, verdicts, now);
    return verdicts;
  }

  return {
    n,

    /** The verdict for one account, computed now from its data (not the stored one). */
    async forAccount(accountId: string, now = new Date()): Promise<AutopilotView> {
      const inputs = (await loadAutopilotInputs(database, [accountId], n, now)).get(accountId);
      const v = verdictOf(inputs, n, now);
      const rows = new Map((inputs?.touchpoints ?? []).map((t) => [t.id, t]));
      return {
        onAutopilot: v.onAutopilot,
        reasons: v.reasons,
        touchpoints: v.touchpoints.flatMap((t) => {
          const row = rows.get(t.id);
          return row ? [{ id: row.id, kind: row.kind, at: row.occurredAt.toISOString(), subject: row.subject }] : [];
        }),
        n,
      };
    },

    /** Recomputes and stores these accounts now (tests, the demo loader). */
    recompute: (ids: string[], now = new Date()) => database.transaction((tx) => recompute(tx, ids, now)),

    /**
     * Marked accounts, a chunk per transaction until none are left: the marks are taken and the
     * verdicts written in one transaction, so a crash returns the marks.
     */
    async refreshDirty(now = new Date()): Promise<number> {
      let total = 0;
      for (;;) {
        const done = await database.transaction(async (tx) => {
          const ids = await claimDirty(tx, CHUNK);
          await recompute(tx, ids, now);
          return ids.length;
        });
        total += done;
        if (done < CHUNK) return total;
      }
    },

    /** Every account, in keyset chunks (the daily job). */
    async sweep(now = new Date()): Promise<number> {
      let after: string | null = null;
      let total = 0;
      for (;;) {
        const ids = await accountChunk(database, after, CHUNK);
        if (ids.length === 0) return total;
        await database.transaction((tx) => recompute(tx, ids, now));
        total += ids.length;
        after = ids[ids.length - 1] ?? null;
      }
    },
  };
}
export type AutopilotService = ReturnType<typeof createAutopilotService>;
