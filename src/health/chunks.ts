// How the full recompute splits the book: keyset ranges of accounts, worked through by a few
// sessions at once on PostgreSQL (one per core of the usual machine) and one at a time on PGlite.
import type { Database } from '../db/connect.js';

/** A range of account ids: after `afterId` (exclusive; null = from the first) up to `upTo` (inclusive; null = to the last). */
export type AccountRange = { afterId: string | null; upTo: string | null };

/** Sessions that work at once: PGlite runs one statement at a time anyway. */
export const parallelism = (database: Database) => (database.kind === 'postgres' ? 2 : 1);

/**
 * The book cut into ranges of about `size` accounts (by id), covering every id, including ones
 * created while the recompute runs: the last range has no upper bound.
 */
export async function accountRanges(database: Database, size: number): Promise<AccountRange[]> {
  const { rows } = await database.query<{ id: string }>(
    `SELECT id FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM accounts) x WHERE n % $1 = 0 ORDER BY id`, [size]);
  const ranges: AccountRange[] = [];
  let afterId: string | null = null;
  for (const r of rows) {
    ranges.push({ afterId, upTo: r.id });
    afterId = r.id;
  }
  ranges.push({ afterId, upTo: null });
  return ranges;
}

/**
 * Runs `work` on every item with at most `workers` at once, in order of the list. The first
 * failure stops handing out items; it is thrown once the ones in flight have ended.
 */
export async function eachParallel<T>(items: T[], workers: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | null = null;
  const worker = async () => {
    while (!failure && next < items.length) {
      const item = items[next++] as T;
      try {
        await work(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(workers, items.length)) }, worker));
  if (failure) throw (failure as { error: unknown }).error;
}
