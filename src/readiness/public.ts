import type { Actor } from '../auth/principal.js';
import type { Database, Queryable } from '../db/connect.js';
import { AppError } from '../http/errors.js';
import { hashToken, isTokenShaped } from '../public/token.js';
import { announce, answerOrNull, recordCheckInTx } from './checkins.js';

/**
 * The customer's side of a check-in asked by e-mail, authorized by the token alone. The page
 * shows the initiative's title and the contact's first name, nothing else. Opening it records
 * only the first view; only a POST answers, and a second answer through the same link updates the
 * check-in the first one made (one answer per request), never adds another.
 */

export type LiveRequest = {
  id: string; accountId: string; initiativeId: string; title: string; contactId: string; contactName: string | null;
  firstViewedAt: Date | null; answeredAt: Date | null; expiresAt: Date; checkInId: string | null;
  answer: { importance: number; confidence: number; whyNotLower: string | null; whatWouldMoveHigher: string | null } | null;
};
export type Answer = { importance: number; confidence: number; whyNotLower?: string | undefined; whatWouldMoveHigher?: string | undefined };

export const firstNameOf = (name: string | null) => (name ?? '').trim().split(/\s+/)[0] ?? '';

/** The live request of a token; anything else (malformed, unknown, expired, initiative gone) is the same 404. */
export async function liveRequest(q: Queryable, token: string, now: Date, lock = false): Promise<LiveRequest> {
  if (!isTokenShaped(token)) throw new AppError('check_in_link.not_found');
  const { rows: [r] } = await q.query<{
    id: string; account_id: string; initiative_id: string; title: string; contact_id: string; contact_name: string | null; first_viewed_at: Date | string | null; expires_at: Date | string;
    answered_at: Date | string | null; check_in_id: string | null; importance: number | null; confidence: number | null; why_not_lower: string | null; what_would_move_higher: string | null;
  }>(
    `SELECT r.id, r.account_id, r.initiative_id, i.title, r.contact_id, ct.name AS contact_name, r.first_viewed_at, r.expires_at, r.answered_at,
            c.id AS check_in_id, c.importance, c.confidence, c.why_not_lower, c.what_would_move_higher
       FROM check_in_requests r JOIN initiatives i ON i.id = r.initiative_id JOIN contacts ct ON ct.id = r.contact_id
       LEFT JOIN check_ins c ON c.request_id = r.id
      WHERE r.token_hash = $1 AND r.expires_at > $2 ${lock ? 'FOR UPDATE OF r' : ''}`,
    [hashToken(token), now.toISOString()],
  );
  if (!r) throw new AppError('check_in_link.not_found');
  return {
    id: r.id, accountId: r.account_id, initiativeId: r.initiative_id, title: r.title, contactId: r.contact_id, contactName: r.contact_name,
    firstViewedAt: r.first_viewed_at ? new Date(r.first_viewed_at) : null, answeredAt: r.answered_at ? new Date(r.answered_at) : null, expiresAt: new Date(r.expires_at), checkInId: r.check_in_id,
    answer: r.check_in_id && r.importance !== null && r.confidence !== null
      ? { importance: r.importance, confidence: r.confidence, whyNotLower: r.why_not_lower, whatWouldMoveHigher: r.what_would_move_higher } : null,
  };
}

/** The page was opened: the first view is kept (for the bot judgement); nothing else is written. */
export async function openRequest(database: Database, token: string, now: Date, countView: boolean): Promise<LiveRequest> {
  const req = await liveRequest(database, token, now);
  if (countView && !req.firstViewedAt) {
    await database.query('UPDATE check_in_requests SET first_viewed_at = $2 WHERE id = $1 AND first_viewed_at IS NULL', [req.id, now.toISOString()]);
    return { ...req, firstViewedAt: now };
  }
  return req;
}

/** Who acts through a link: the contact, never a user (audit rows say so). */
const customerActor = (name: string | null): Actor => ({ type: 'system', id: null, label: `${name ?? 'customer'} (customer, via the check-in link)` });

/** Records the answer (or updates the earlier one); returns whether it replaced one and how many webhooks were queued. */
export async function answerRequest(tx: Queryable, token: string, a: Answer, now: Date): Promise<{ updated: boolean; checkInId: string; queued: number }> {
  const req = await liveRequest(tx, token, now, true);
  const actor = customerActor(req.contactName);
  // Read after the lock in its own statement: an answer that committed while this one waited is seen (and updated).
  const { rows: [existing] } = await tx.query<{ id: string }>('SELECT id FROM check_ins WHERE request_id = $1', [req.id]);
  const checkInId = existing?.id ?? null;
  if (checkInId) {
    const whyNotLower = answerOrNull(a.whyNotLower);
    const whatWouldMoveHigher = answerOrNull(a.whatWouldMoveHigher);
    await tx.query(
      `UPDATE check_ins SET importance = $2, confidence = $3, why_not_lower = $4, what_would_move_higher = $5, at = $6, updated_at = now() WHERE id = $1`,
      [checkInId, a.importance, a.confidence, whyNotLower, whatWouldMoveHigher, now.toISOString()],
    );
    await tx.query('UPDATE check_in_requests SET answered_at = $2 WHERE id = $1', [req.id, now.toISOString()]);
    const { rows: [prev] } = await tx.query<{ importance: number; confidence: number; at: Date | string }>(
      'SELECT importance, confidence, at FROM check_ins WHERE initiative_id = $1 AND id <> $2 AND at <= $3 ORDER BY at DESC, created_at DESC, id DESC LIMIT 1',
      [req.initiativeId, checkInId, now.toISOString()],
    );
    const queued = await announce(tx, checkInId, {
      accountId: req.accountId, initiativeId: req.initiativeId, contactId: req.contactId, importance: a.importance, confidence: a.confidence,
      whyNotLower, whatWouldMoveHigher, at: now, source: 'customer', requestId: req.id,
    }, req.title, prev ?? null, actor, 'check_in.update');
    return { updated: true, checkInId, queued };
  }
  const { id, queued } = await recordCheckInTx(tx, {
    accountId: req.accountId, initiativeId: req.initiativeId, contactId: req.contactId, importance: a.importance, confidence: a.confidence,
    whyNotLower: a.whyNotLower, whatWouldMoveHigher: a.whatWouldMoveHigher, at: now, source: 'customer', requestId: req.id,
  }, actor, { now });
  await tx.query('UPDATE check_in_requests SET answered_at = $2 WHERE id = $1', [req.id, now.toISOString()]);
  return { updated: false, checkInId: id, queued };
}
