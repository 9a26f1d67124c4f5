import type { Database } from '../db/connect.js';
import { AppError } from '../http/errors.js';
import { sha256 } from './tokens.js';

export type ThrottleLimits = { maxFailuresPerAccount: number; maxFailuresPerIp: number; windowMs: number };

/** After the per-account limit, each further try waits this long, doubling up to the window. */
export const BASE_DELAY_SECONDS = 30;

/** One counter: `max` admitted tries, then refusals for `delaySecs` (doubling when `progressive`). */
type Bucket = { key: string; max: number; progressive: boolean; what: string };
/** The counters one attempt reserved; handed back on success. */
export type Ticket = { refund: string[]; clear: string[] };

/**
 * Sign-in brute-force protection, in the database so that every server process sees the same
 * counts (table login_failures: key, window_start = time of the last admitted try, failures).
 *
 * Every try first *reserves* a slot in each of its counters with one atomic statement, and only a
 * try that got its slots reaches the password check; so 50 concurrent guesses get at most `max`
 * real checks. A right password hands its slots back. The counters:
 *
 * - per IP (`maxFailuresPerIp`): a hard limit, refused for the window after it is reached;
 * - per account, for tries from unknown browsers (`maxFailuresPerAccount`): then a delay that
 *   doubles from 30 s up to the window, never a hard lock-out;
 * - per known browser (a device cookie from an earlier sign-in, or a live session of the same
 *   user), instead of both of the above: an attacker elsewhere cannot slow the real user down.
 *
 * Failures are forgotten once a whole window passes without an admitted try.
 */
export function createLoginThrottle(database: Database, limits: ThrottleLimits) {
  const windowSecs = limits.windowMs / 1000;
  const delayOf = (b: Bucket) => (b.progressive ? Math.min(BASE_DELAY_SECONDS, windowSecs) : windowSecs);

  /**
   * Counts the try and returns true, or returns false (counting nothing) while the bucket is
   * blocked: blocked means at least `max` failures and less than delay × 2^(failures − max) since
   * the last admitted try. One statement, so concurrent tries serialize on the row.
   */
  async function reserve(b: Bucket): Promise<boolean> {
    const { rows } = await database.query<{ failures: number }>(
      `INSERT INTO login_failures AS f (key, window_start, failures) VALUES ($1, now(), 1)
       ON CONFLICT (key) DO UPDATE SET
         failures = CASE WHEN f.window_start > now() - make_interval(secs => $2::float8) THEN f.failures + 1 ELSE 1 END,
         window_start = now()
       WHERE NOT (f.failures >= $3::int AND f.window_start > now() - make_interval(secs => $2::float8)
                  AND f.window_start + make_interval(secs => least($2::float8, $4::float8 * power(2, least(f.failures - $3::int, 20)))) > now())
       RETURNING failures`,
      [b.key, windowSecs, b.max, delayOf(b)],
    );
    return rows.length > 0;
  }

  async function refused(b: Bucket): Promise<AppError> {
    const { rows } = await database.query<{ retry_after: number }>(
      `SELECT ceil(extract(epoch FROM window_start
                 + make_interval(secs => least($2::float8, $4::float8 * power(2, least(failures - $3::int, 20)))) - now()))::int AS retry_after
         FROM login_failures WHERE key = $1`,
      [b.key, windowSecs, b.max, delayOf(b)],
    );
    const secs = Math.max(1, rows[0]?.retry_after ?? 1);
    const wait = secs < 90 ? `${secs} seconds` : `${Math.ceil(secs / 60)} minutes`;
    const hint = b.key.startsWith('email:') ? ' A browser you have signed in with before is not slowed down.' : '';
    return new AppError('auth.rate_limited', `Too many failed sign-ins for ${b.what}. Try again in ${wait}.${hint}`, undefined, { 'retry-after': String(secs) });
  }

  async function admit(buckets: Bucket[]): Promise<Ticket> {
    const taken: Bucket[] = [];
    for (const b of buckets) {
      if (await reserve(b)) {
        taken.push(b);
        continue;
      }
      // This try guessed nothing: hand back what it reserved so far, then refuse.
      await refund(taken.map((t) => t.key));
      throw await refused(b);
    }
    // A success clears the account and browser counters (the person proved who they are) but only
    // refunds its own slot on the IP, so that one valid login cannot buy guesses on other accounts.
    return { refund: taken.filter((b) => b.key.startsWith('ip:')).map((b) => b.key), clear: taken.filter((b) => !b.key.startsWith('ip:')).map((b) => b.key) };
  }

  async function refund(keys: string[]) {
    for (const key of keys) await database.query('UPDATE login_failures SET failures = failures - 1 WHERE key = $1 AND failures > 0', [key]);
  }

  return {
    /**
     * Reserves a sign-in try. `knownBrowser` is a stable secret of a browser that this user signed
     * in with before (device cookie or live session); such tries count only against that browser.
     */
    signIn(email: string, ip: string, knownBrowser: string | null): Promise<Ticket> {
      if (knownBrowser) return admit([{ key: `browser:${sha256(knownBrowser)}`, max: limits.maxFailuresPerAccount, progressive: true, what: 'this browser' }]);
      return admit([
        { key: `ip:${ip}`, max: limits.maxFailuresPerIp, progressive: false, what: 'your network address' },
        { key: `email:${email.trim().toLowerCase()}`, max: limits.maxFailuresPerAccount, progressive: true, what: 'this account' },
      ]);
    },
    /** Reserves a check of the current password by a signed-in user (a stolen session must not guess freely). */
    passwordCheck(userId: string): Promise<Ticket> {
      return admit([{ key: `change:${userId}`, max: limits.maxFailuresPerAccount, progressive: true, what: 'this account' }]);
    },
    /** The password was right: hand the slots back. */
    async succeeded(ticket: Ticket): Promise<void> {
      await refund(ticket.refund);
      for (const key of ticket.clear) await database.query('DELETE FROM login_failures WHERE key = $1', [key]);
    },
  };
}
export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
