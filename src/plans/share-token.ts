import { createHmac } from 'node:crypto';

export { TOKEN_BYTES, TOKEN_PATTERN, newToken, hashToken, isTokenShaped } from '../public/token.js';

/**
 * The secret of a shared plan link and the names the page uses for what it shows.
 *
 * - The token itself lives in src/public/token.ts (shared by every public link). A token is 256 random bits in base64url (43 characters). Only its SHA-256 (hex) is stored:
 *   the database never holds a working link, and the unique index on the hash is the lookup.
 * - The page never shows an internal id: goals, tasks and contacts are named by a short ref, an
 *   HMAC of the id keyed by the link's own id. A ref means something only within its link (a
 *   new link gives new refs), cannot be turned back into the id, and a write through the link
 *   finds its object by computing the refs of the plan's own objects, so no other object can be
 *   named at all.
 */

/** 72 bits: unique within one plan by a wide margin, short enough for a form field. */
export const REF_LENGTH = 12;
export const REF_PATTERN = /^[A-Za-z0-9_-]{12}$/;

export type RefKind = 'goal' | 'task' | 'contact';

export function refOf(shareId: string, kind: RefKind, id: string): string {
  return createHmac('sha256', shareId).update(`${kind}:${id}`).digest('base64url').slice(0, REF_LENGTH);
}

/** The id among `ids` whose ref (in this link) is `ref`, or null. */
export function resolveRef(shareId: string, kind: RefKind, ref: string, ids: Iterable<string>): string | null {
  if (!REF_PATTERN.test(ref)) return null;
  for (const id of ids) if (refOf(shareId, kind, id) === ref) return id;
  return null;
}
