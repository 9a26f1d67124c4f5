import type { Database } from '../db/connect.js';
import type { Role } from './principal.js';
import { randomToken, sha256 } from './tokens.js';

export type SessionUser = { userId: string; role: Role; teamId: string | null; name: string; email: string; csrfToken: string; mustChangePassword: boolean };

export type SessionTimes = { idleMs: number; maxMs: number };

/** Server-side sessions: the cookie carries a random token, the table keeps only its hash. */
export function createSessionQueries(database: Database, times: SessionTimes) {
  return {
    async create(userId: string, meta: { ip?: string; userAgent?: string }): Promise<{ token: string; csrfToken: string }> {
      const token = randomToken();
      const csrfToken = randomToken(24);
      await database.query(
        `INSERT INTO sessions (token_hash, user_id, csrf_token, expires_at, ip, user_agent)
         VALUES ($1, $2, $3, now() + make_interval(secs => $4), $5, $6)`,
        [sha256(token), userId, csrfToken, times.maxMs / 1000, meta.ip ?? null, meta.userAgent?.slice(0, 300) ?? null],
      );
      return { token, csrfToken };
    },

    /** The live session for a token, sliding its idle window; null when expired, idle or the user is inactive. */
    async resolve(token: string): Promise<SessionUser | null> {
      const { rows } = await database.query<{
        user_id: string; role: Role; team_id: string | null; name: string; email: string; csrf_token: string; stale: boolean; must_change_password: boolean;
      }>(
        `SELECT s.user_id, u.role, u.team_id, u.name, u.email, s.csrf_token, u.must_change_password,
                s.last_seen_at < now() - interval '30 seconds' AS stale
           FROM sessions s JOIN users u ON u.id = s.user_id
          WHERE s.token_hash = $1 AND s.expires_at > now() AND u.active
            AND s.last_seen_at > now() - make_interval(secs => $2)`,
        [sha256(token), times.idleMs / 1000],
      );
      const row = rows[0];
      if (!row) return null;
      // Sliding the idle window costs a write; do it at most every 30 s per session.
      if (row.stale) await database.query('UPDATE sessions SET last_seen_at = now() WHERE token_hash = $1', [sha256(token)]);
      return { userId: row.user_id, role: row.role, teamId: row.team_id, name: row.name, email: row.email, csrfToken: row.csrf_token, mustChangePassword: row.must_change_password };
    },

    async destroy(token: string): Promise<void> {
      await database.query('DELETE FROM sessions WHERE token_hash = $1', [sha256(token)]);
    },

    async destroyAllForUser(userId: string): Promise<void> {
      await database.query('DELETE FROM sessions WHERE user_id = $1', [userId]);
    },

    async purgeExpired(): Promise<number> {
      const r = await database.query(
        `DELETE FROM sessions WHERE expires_at < now() OR last_seen_at < now() - make_interval(secs => $1)`,
        [times.idleMs / 1000],
      );
      return r.rowCount;
    },
  };
}
export type SessionQueries = ReturnType<typeof createSessionQueries>;
