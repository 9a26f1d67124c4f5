// Claims on dirty marks (health_dirty, risk_dirty; migration 0030). A refresh takes a chunk of marks
// in one short autocommitted statement, which moves them to the claims table under a token, and then
// measures and saves those accounts in a transaction of its own that ends with release(). No lock on a
// mark is held while the accounts are computed, so a writer that marks one of them meanwhile (an
// ingest batch, the risk trigger on account_health) inserts a new mark at once and the account is
// refreshed again, instead of waiting for the refresh to commit. A refresh that fails puts its claims
// back as marks; claims older than the lease (a process that died) go back on the next refresh.
import { randomUUID } from 'node:crypto';
import type { Database, Queryable } from './connect.js';

export type MarkTable = 'health_dirty' | 'risk_dirty';
const CLAIMS: Record<MarkTable, string> = { health_dirty: 'health_claims', risk_dirty: 'risk_claims' };

/** How long a claim may stay open before it counts as abandoned (far longer than any chunk takes). */
export const CLAIM_LEASE_SECONDS = 600;

export type Claim = { table: MarkTable; token: string; ids: string[] };

/**
 * Takes up to `limit` marks, oldest first, skipping marks another refresh is taking right now. The ids
 * are collected first (ARRAY(...)): with `IN (subquery)` a stale plan on a table that was analysed
 * while empty re-runs the locking subquery per row and claims every mark at once, quadratically.
 */
export async function claimMarks(q: Queryable, table: MarkTable, limit: number): Promise<Claim> {
  const token = randomUUID();
  const { rows } = await q.query<{ account_id: string }>(
    `WITH taken AS (
       DELETE FROM ${table} WHERE account_id = ANY (ARRAY(
         SELECT account_id FROM ${table} ORDER BY marked_at LIMIT $1 FOR UPDATE SKIP LOCKED))
       RETURNING account_id, cause, marked_at
     )
     INSERT INTO ${CLAIMS[table]} (account_id, cause, marked_at, token)
     SELECT account_id, cause, marked_at, $2::uuid FROM taken ORDER BY account_id
     ON CONFLICT (account_id) DO UPDATE SET token = EXCLUDED.token, cause = EXCLUDED.cause, marked_at = EXCLUDED.marked_at, claimed_at = now()
     RETURNING account_id`,
    [limit, token],
  );
  return { table, token, ids: rows.map((r) => r.account_id) };
}

/** The claim's work is saved: drop its claims. Run it in the transaction that saves the accounts. */
export async function releaseClaim(tx: Queryable, claim: Claim): Promise<void> {
  if (claim.ids.length) await tx.query(`DELETE FROM ${CLAIMS[claim.table]} WHERE token = $1`, [claim.token]);
}

/** The claim's work failed: its accounts are marked again (a claim another refresh took over stays). */
export async function returnClaim(q: Queryable, claim: Claim): Promise<void> {
  if (!claim.ids.length) return;
  await q.query(
    `WITH back AS (DELETE FROM ${CLAIMS[claim.table]} WHERE token = $1 RETURNING account_id, cause, marked_at)
     INSERT INTO ${claim.table} (account_id, cause, marked_at) SELECT account_id, cause, marked_at FROM back ORDER BY account_id
     ON CONFLICT (account_id) DO NOTHING`,
    [claim.token],
  );
}

/** Claims older than the lease (their refresh died with its process) become marks again; returns how many. */
export async function recoverAbandoned(q: Queryable, table: MarkTable, leaseSeconds = CLAIM_LEASE_SECONDS): Promise<number> {
  const r = await q.query(
    `WITH back AS (DELETE FROM ${CLAIMS[table]} WHERE claimed_at < now() - make_interval(secs => $1) RETURNING account_id, cause, marked_at)
     INSERT INTO ${table} (account_id, cause, marked_at) SELECT account_id, cause, marked_at FROM back ORDER BY account_id
     ON CONFLICT (account_id) DO NOTHING`,
    [leaseSeconds],
  );
  return r.rowCount;
}

/**
 * Claims chunks of up to `limit` marks until none are left, with `workers` loops at once (each claims
 * its own chunks; SKIP LOCKED keeps them apart). Each chunk runs `work` in a transaction that also
 * releases the claim, then `after` with its result once that has committed (webhook wake-ups,
 * follow-up jobs). A failing chunk puts its claims back; its loop stops, the others finish, and the
 * first error is rethrown. Returns the number of accounts done.
 */
export async function drainMarks<T>(
  database: Pick<Database, 'query' | 'transaction'>, table: MarkTable, limit: number,
  work: (tx: Queryable, ids: string[]) => Promise<T>, after: (result: T) => Promise<void> = async () => undefined,
  workers = 1,
): Promise<number> {
  await recoverAbandoned(database, table);
  let total = 0;
  const loop = async () => {
    for (;;) {
      const claim = await claimMarks(database, table, limit);
      if (claim.ids.length === 0) return;
      let result: T;
      try {
        result = await database.transaction(async (tx) => {
          const out = await work(tx, claim.ids);
          await releaseClaim(tx, claim);
          return out;
        });
      } catch (err) {
        await returnClaim(database, claim).catch(() => undefined);
        throw err;
      }
      await after(result);
      total += claim.ids.length;
      if (claim.ids.length < limit) return;
    }
  };
  const settled = await Promise.allSettled(Array.from({ length: Math.max(1, workers) }, loop));
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return total;
}
