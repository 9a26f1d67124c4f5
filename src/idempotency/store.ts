import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/connect.js';

/** How long a first answer is kept and replayed. */
export const TTL_MS = 24 * 60 * 60 * 1000;
/**
 * How long a request may hold a key without a sign of life. A live request renews its lease
 * (see hook.ts); one whose process died stops renewing, and after this long the next repeat
 * takes the key over and runs.
 */
export const LEASE_MS = 60_000;

export type Request = { principal: string; key: string; fingerprint: string; method: string; path: string };
export type Answer = { status: number; body: string; contentType: string | null };

/** What a request meets when it presents a key. */
export type Begin =
  /** The key is this request's: run the handler, then complete() or release(). */
  | { kind: 'owner'; token: string }
  /** A request with the same fingerprint finished: send its answer again. */
  | { kind: 'replay'; answer: Answer }
  /** The key was used for a different request. */
  | { kind: 'mismatch' }
  /** The same request is running now (in this process or another). */
  | { kind: 'in_progress' };

type Row = { fingerprint: string; status: number | null; response: string | null; content_type: string | null };

export function createIdempotencyStore(db: Queryable, opts: { ttlMs?: number; leaseMs?: number } = {}) {
  const ttlMs = opts.ttlMs ?? TTL_MS;
  const leaseMs = opts.leaseMs ?? LEASE_MS;

  return {
    /** The lease of an owner that does not renew it. */
    leaseMs,
    /**
     * Claims the key or reports who holds it. Every step is one atomic statement, so of any number
     * of concurrent requests (in any number of processes) exactly one becomes the owner.
     */
    async begin(r: Request): Promise<Begin> {
      // A row can vanish between two statements (its owner failed with a 5xx, or the purge ran):
      // then the claim is tried again. Three rounds are plenty; the last answer is "in progress".
      for (let round = 0; round < 3; round++) {
        const token = randomUUID();
        const inserted = await db.query(
          `INSERT INTO idempotency_keys (principal, key, fingerprint, method, path, lock_token, locked_at, expires_at)
           VALUES ($1, $2, $3, $4, $5, $6, now(), now() + $7::int * interval '1 millisecond')
           ON CONFLICT (principal, key) DO NOTHING RETURNING 1`,
          [r.principal, r.key, r.fingerprint, r.method, r.path, token, ttlMs],
        );
        if (inserted.rows.length > 0) return { kind: 'owner', token };
        // An expired row is a free key; an abandoned one (its lease ran out before an answer was
        // stored) is taken over by the same request only. The WHERE is re-checked under the row
        // lock, so two requests racing here cannot both win.
        const taken = await db.query(
          `UPDATE idempotency_keys
              SET fingerprint = $3, method = $4, path = $5, lock_token = $6, status = NULL, response = NULL,
                  content_type = NULL, created_at = now(), locked_at = now(), expires_at = now() + $7::int * interval '1 millisecond'
            WHERE principal = $1 AND key = $2
              AND (expires_at <= now()
                   OR (status IS NULL AND fingerprint = $3 AND locked_at < now() - $8::int * interval '1 millisecond'))
            RETURNING 1`,
          [r.principal, r.key, r.fingerprint, r.method, r.path, token, ttlMs, leaseMs],
        );
        if (taken.rows.length > 0) return { kind: 'owner', token };
        const { rows } = await db.query<Row>(
          `SELECT fingerprint, status, response, content_type FROM idempotency_keys
            WHERE principal = $1 AND key = $2 AND expires_at > now()`,
          [r.principal, r.key],
        );
        const row = rows[0];
        if (!row) continue;
        if (row.fingerprint !== r.fingerprint) return { kind: 'mismatch' };
        if (row.status === null) return { kind: 'in_progress' };
        return { kind: 'replay', answer: { status: row.status, body: row.response ?? '', contentType: row.content_type } };
      }
      return { kind: 'in_progress' };
    },

    /** Stores the owner's answer. False when the key is no longer this owner's (its lease was taken over). */
    async complete(principal: string, key: string, token: string, answer: Answer): Promise<boolean> {
      const { rows } = await db.query(
        `UPDATE idempotency_keys SET status = $4, response = $5, content_type = $6, lock_token = NULL, locked_at = NULL
          WHERE principal = $1 AND key = $2 AND lock_token = $3 RETURNING 1`,
        [principal, key, token, answer.status, answer.body, answer.contentType],
      );
      return rows.length > 0;
    },

    /** Gives the key up without an answer (a 5xx, an answer that cannot be stored): a repeat runs again. */
    async release(principal: string, key: string, token: string): Promise<void> {
      await db.query(`DELETE FROM idempotency_keys WHERE principal = $1 AND key = $2 AND lock_token = $3`, [principal, key, token]);
    },

    /** Renews the owner's lease. False when the key is no longer this owner's. */
    async renew(principal: string, key: string, token: string): Promise<boolean> {
      const { rows } = await db.query(
        `UPDATE idempotency_keys SET locked_at = now() WHERE principal = $1 AND key = $2 AND lock_token = $3 RETURNING 1`,
        [principal, key, token],
      );
      return rows.length > 0;
    },

    /** Deletes expired keys (the hourly job). Returns how many. */
    async purgeExpired(): Promise<number> {
      const { rows } = await db.query<{ n: number }>(
        `WITH gone AS (DELETE FROM idempotency_keys WHERE expires_at <= now() RETURNING 1) SELECT count(*)::int AS n FROM gone`,
      );
      return rows[0]?.n ?? 0;
    },
  };
}

export type IdempotencyStore = ReturnType<typeof createIdempotencyStore>;
