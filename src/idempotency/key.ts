import { createHash } from 'node:crypto';
import type { Principal } from '../auth/principal.js';

/** The request header, as Fastify (lower case) and people (in docs) spell it. */
export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const REPLAYED_HEADER = 'idempotent-replayed';
export const MAX_KEY_LENGTH = 255;
/** Visible ASCII (0x21–0x7E), 1 to 255 characters: a UUID, a ULID, a hash, a client's own id. */
export const KEY_PATTERN = /^[\x21-\x7E]{1,255}$/;

/**
 * Which requests the header applies to: every POST of the REST API except /api/auth/* (signing in
 * and out, password changes: an answer that carries a session or a credential is never replayed).
 * The /v1 ingestion API has its own de-duplication (messageId). `url` may carry a query string.
 */
export function appliesTo(method: string, url: string): boolean {
  return method === 'POST' && url.startsWith('/api/') && !url.startsWith('/api/auth/') && !url.startsWith('/api/docs');
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
