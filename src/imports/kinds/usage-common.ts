import type { Queryable } from '../../db/connect.js';
import { MAX_FUTURE_MS, MAX_PAST_MS } from '../../ingest/times.js';
import { resolveAccountRefs, type RefResolution } from '../refs.js';
import type { AccountRef, ImportDeps, PlanContext, RowPlan, WriteResult } from '../types.js';
import { countOldUsers, derivedMessageId, messageKey, type ChunkRollup } from './usage-rollup.js';
import { claimKeys, importFileSha, keyCommitted, storedKeys, storedUserKeys, writeUserKeys } from './usage-store.js';

/** What the two usage kinds share: account refs cached across chunks, message-id keys, the health rebuild. */

export type UsageBase = { ref: AccountRef; messageId?: string };
export type Keyed<R> = R & { accountId: string; messageId: string; key: string };

/** The window live ingestion keeps event times in (src/ingest/times.ts): older or later is refused, not moved. */
export function timeProblem(ms: number, now = Date.now()): string | null {
  if (ms < now - MAX_PAST_MS) return 'More than five years ago: Canopy keeps usage of the last five years';
  if (ms > now + MAX_FUTURE_MS) return 'In the future';
  return null;
}

/**
 * Per import run (one kind instance may serve several): the file key, resolved refs, earliest day,
 * accounts; the user keys of old days counted by committed chunks (oldSeen), and those of the last
 * chunk, kept apart until its commit is seen (pending: a rolled-back chunk counted nothing).
 */
type RunState = {
  fileKey: string; refs: Map<string, RefResolution>; earliest: string | null; accounts: Set<string>;
  oldSeen: Set<string>; pending: { key: string; fresh: string[]; flushed: boolean } | null;
};

/** Old-day user keys a run holds in memory (~130 bytes each); beyond, they are written to usage_daily_users. */
export const OLD_KEYS_MAX = 300_000;

export function usageRuns() {
  const runs = new Map<string, RunState>();
  const CACHE_MAX = 200_000;

  async function state(q: Queryable, importId: string): Promise<RunState> {
    let s = runs.get(importId);
    if (!s) {
      // Rows without a message id are keyed by the file's sha-256 and row number: the same file
      // imported again finds them stored. (Without an imports row, a test harness: the import id.)
      s = { fileKey: (await importFileSha(q, importId)) ?? importId, refs: new Map(), earliest: null, accounts: new Set(), oldSeen: new Set(), pending: null };
      runs.set(importId, s);
    }
    return s;
  }

  return {
    state,
    /**
     * Plans a chunk: resolves the accounts (each distinct ref once per run), gives every row its
     * message id and key, and skips rows already imported or repeated in this chunk.
     */
    async plan<R extends UsageBase>(q: Queryable, rows: { row: number; value: R }[], ctx: PlanContext): Promise<RowPlan<Keyed<R>>[]> {
      const s = await state(q, ctx.importId);
      const refKey = (r: AccountRef) => JSON.stringify([r.id, r.externalId, r.domain, r.name]);
      const missing = new Map<string, AccountRef>();
      for (const { value } of rows) {
        const k = refKey(value.ref);
        if (!s.refs.has(k)) missing.set(k, value.ref);
      }
      if (missing.size) {
        const res = await resolveAccountRefs(q, [...missing.values()]);
        if (s.refs.size + missing.size > CACHE_MAX) s.refs.clear();
        [...missing.keys()].forEach((k, i) => { const r = res[i]; if (r) s.refs.set(k, r); });
      }
      const keyed = rows.map(({ row, value }) => {
        const messageId = value.messageId ?? derivedMessageId(s.fileKey, row);
        return { row, value, messageId, key: messageKey(value.messageId !== undefined ? `id:${messageId}` : messageId) };
      });
      const stored = await storedKeys(q, keyed.map((k) => k.key));
      const inChunk = new Map<string, number>();
      return keyed.map(({ row, value, messageId, key }): RowPlan<Keyed<R>> => {
        const res = s.refs.get(refKey(value.ref));
        if (!res || 'error' in res) return { row, action: 'error', issues: [{ column: res && 'error' in res ? res.column : null, message: res && 'error' in res ? res.error : 'Account not resolved' }] };
        if (stored.has(key)) return { row, action: 'skip', reason: `Already imported (message id ${messageId})`, column: value.messageId !== undefined ? 'messageId' : null };
        const first = inChunk.get(key);
        if (first !== undefined) return { row, action: 'skip', reason: `Same message id as row ${first}`, column: 'messageId' };
        inChunk.set(key, row);
        return { row, action: 'create', value: { ...value, accountId: res.id, messageId, key } };
      });
    },
    /**
     * Distinct users of the chunk's old days (before the usage_daily_users window), without writing
     * their keys: a key counts once per run unless usage_daily_users already holds it (exact within
     * a run, as the live rollup is against the table). Fills rollup.daily.users. committedKey: a
     * message key this chunk claimed (its presence later tells that the chunk committed).
     */
    async countOld(tx: Queryable, importId: string, r: ChunkRollup, committedKey: string, max = OLD_KEYS_MAX) {
      const s = await state(tx, importId);
      if (s.pending) {
        if (await keyCommitted(tx, s.pending.key)) {
          if (s.pending.flushed) s.oldSeen.clear();
          else for (const k of s.pending.fresh) s.oldSeen.add(k);
        }
        s.pending = null;
      }
      if (r.oldUsers.length === 0) return;
      const candidates = r.oldUsers.filter((k) => !s.oldSeen.has(k));
      const { perGroup, fresh } = countOldUsers(candidates, s.oldSeen, await storedUserKeys(tx, candidates));
      r.daily.account.forEach((a, i) => {
        const n = perGroup.get(`${a}\u0000${r.daily.event[i]}\u0000${r.daily.day[i]}`);
        if (n) r.daily.users[i] = n;
      });
      // Memory full: the run's keys go to the table (pruned later like any), memory starts again.
      const flushed = s.oldSeen.size + fresh.length > max;
      if (flushed) await writeUserKeys(tx, [...s.oldSeen, ...fresh]);
      s.pending = { key: committedKey, fresh, flushed };
    },
    /** Remembers what a committed write touched (for finish). */
    note(importId: string, earliest: string | null, accounts: Iterable<string>) {
      const s = runs.get(importId);
      if (!s) return;
      if (earliest && (s.earliest === null || earliest < s.earliest)) s.earliest = earliest;
      for (const a of accounts) s.accounts.add(a);
    },
    /**
     * After the last chunk: rebuilds the health history of the accounts from the earliest imported
     * day (a run resumed in another process does not know it: then from the accounts' first activity).
     */
    async finish(deps: ImportDeps, summary: { importId: string; accountIds: string[] }) {
      const s = runs.get(summary.importId);
      runs.delete(summary.importId);
      const ids = [...new Set([...summary.accountIds, ...(s?.accounts ?? [])])];
      if (ids.length === 0) return;
      let from = s?.earliest ?? null;
      if (!from) {
        const { rows } = await deps.database.query<{ d: string | null }>(`SELECT min(first_activity_at)::date::text AS d FROM accounts WHERE id = ANY($1::uuid[])`, [ids]);
        from = rows[0]?.d ?? null;
      }
      if (from) await deps.rebuildHealth(ids, from);
    },
  };
}

/**
 * Claims the chunk's message keys in its transaction: rows whose key is new are to be written (and
 * reported created), the others were imported before (skipped). Both usage kinds write this way.
 */
export async function claimFresh<R extends { key: string; accountId: string }>(tx: Queryable, rows: { row: number; value: R }[]): Promise<{ out: WriteResult[]; todo: R[] }> {
  const fresh = await claimKeys(tx, rows.map((p) => p.value.key));
  const out: WriteResult[] = [];
  const todo: R[] = [];
  for (const p of rows) {
    if (fresh.has(p.value.key)) { todo.push(p.value); out.push({ row: p.row, action: 'create', id: p.value.accountId }); }
    else out.push({ row: p.row, action: 'skip' });
  }
  return { out, todo };
}
