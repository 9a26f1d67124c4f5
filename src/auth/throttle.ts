import type { Database } from '../db/connect.js';
import { AppError } from '../http/errors.js';

export type ThrottleLimits = { maxFailuresPerAccount: number; maxFailuresPerIp: number; windowMs: number };

/**
 * Failed sign-ins counted per e-mail and per IP in a fixed window, in the database so that
 * every server process sees the same counts.
 */
export function createLoginThrottle(database: Database, limits: ThrottleLimits) {
  const windowSecs = limits.windowMs / 1000;
  const keys = (email: string, ip: string) => [
    { key: `email:${email.toLowerCase()}`, max: limits.maxFailuresPerAccount },
    { key: `ip:${ip}`, max: limits.maxFailuresPerIp },
  ];
  return {
    /** Throws auth.rate_limited (429, Retry-After) when either counter is at its limit. */
    async check(email: string, ip: string): Promise<void> {
      for (const { key, max } of keys(email, ip)) {
        const { rows } = await database.query<{ failures: number; retry_after: number }>(
          `SELECT failures, ceil(extract(epoch FROM window_start + make_interval(secs => $2) - now()))::int AS retry_after
             FROM login_failures WHERE key = $1 AND window_start > now() - make_interval(secs => $2)`,
          [key, windowSecs],
        );
        const row = rows[0];
        if (row && row.failures >= max) {
          const what = key.startsWith('email:') ? 'this account' : 'your network address';
          throw new AppError(
            'auth.rate_limited',
            `Too many failed sign-ins for ${what}. Try again in ${Math.max(1, Math.ceil(row.retry_after / 60))} minute(s).`,
            undefined,
            { 'retry-after': String(Math.max(1, row.retry_after)) },
          );
        }
      }
    },
    async recordFailure(email: string, ip: string): Promise<void> {
      for (const { key } of keys(email, ip)) {
        await database.query(
          `INSERT INTO login_failures (key, window_start, failures) VALUES ($1, now(), 1)
           ON CONFLICT (key) DO UPDATE SET
             failures = CASE WHEN login_failures.window_start > now() - make_interval(secs => $2)
                             THEN login_failures.failures + 1 ELSE 1 END,
             window_start = CASE WHEN login_failures.window_start > now() - make_interval(secs => $2)
                             THEN login_failures.window_start ELSE now() END`,
          [key, windowSecs],
        );
      }
    },
    async clear(email: string): Promise<void> {
      await database.query('DELETE FROM login_failures WHERE key = $1', [`email:${email.toLowerCase()}`]);
    },
  };
}
