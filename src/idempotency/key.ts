import { createHash } from 'node:crypto';
import type { Principal } from '../auth/principal.js';

/** The request header, as Fastify (lower case) and people (in docs) spell it. */
export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const REPLAYED_HEADER = 'idempotent-replayed';
export const MAX_KEY_LENGTH = 255;
/** Visible ASCII (0x21–0x7E), 1 to 255 characters: a UUID, a ULID, a hash, a client's own id. */
export const KEY_PATTERN = /^[\x21-\x7E]{1,255}$/;

/**
 * POSTs whose answer carries a credential that Canopy otherwise keeps only as a hash (a new REST
 * key, a generated password): storing the answer for a replay would keep it in clear text for a
 * day. A repeat of these is harmless or refused anyway (a second invite meets user.email_taken, a
 * second reset just sets another password, a second key is revoked by the admin who sees it).
 * Rotating a webhook's secret is not replayed either: a replay would show a secret that the
 * rotation after it has already retired. A plan's shared link is the same: its token is kept
 * only as a hash, and a second click makes a new link (retiring the first), never a replay.
 */
export const NO_REPLAY_ROUTES: ReadonlySet<string> = new Set([
  '/api/users', '/api/users/:id/reset-password', '/api/api-keys', '/api/webhooks/:id/rotate-secret',
  '/api/success-plans/:id/share',
]);

/**
 * Which requests the header applies to, by route pattern (`/api/accounts/:id/playbooks`): every
 * POST of the REST API except /api/auth/* (signing in and out, password changes: an answer that
 * carries a session is never replayed), the public /api/shared/* routes of a shared plan link
 * (no principal to key a stored answer by; ticking a task done twice is a no-op, and writes there
 * are rate-limited per link), the public /api/public/* answers of a check-in or survey link (no principal
 * either; a second answer replaces the first by design) and NO_REPLAY_ROUTES. The /v1 ingestion API has its own
 * de-duplication (messageId).
 */
export function appliesTo(method: string, route: string): boolean {
  return method === 'POST' && route.startsWith('/api/') && !route.startsWith('/api/auth/') && !route.startsWith('/api/docs')
    && !route.startsWith('/api/shared/') && !route.startsWith('/api/public/') && !NO_REPLAY_ROUTES.has(route);
}

/** Why a header value is not a usable key, or null when it is. */
export function keyProblem(value: string | string[]): string | null {
  if (Array.isArray(value)) return 'Send one Idempotency-Key header, not several.';
  if (value.length === 0) return 'The Idempotency-Key header is empty.';
  if (value.length > MAX_KEY_LENGTH) return `The Idempotency-Key is longer than ${MAX_KEY_LENGTH} characters.`;
  if (!KEY_PATTERN.test(value)) return 'The Idempotency-Key may hold only visible ASCII characters (no spaces).';
  return null;
}

/** Keys are scoped to who sends them: one user's key never meets another user's or an API key's. */
export function principalId(p: Principal): string {
  return p.kind === 'user' ? `user:${p.userId}` : `key:${p.keyId}`;
}

/**
 * What makes two requests "the same": method, URL as sent (path parameters and query string) and
 * the validated body (after the schema stripped unknown fields and applied defaults).
 */
export function fingerprint(method: string, url: string, body: unknown): string {
  return createHash('sha256')
    .update(method).update('\n')
    .update(url).update('\n')
    .update(JSON.stringify(body) ?? '')
    .digest('hex');
}
