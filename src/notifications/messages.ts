import type { Queryable } from '../db/connect.js';
import type { AllowList } from '../outbound/address.js';
import { backoffSeconds } from '../outbound/backoff.js';
import { describeFailedResponse, describeOutboundError, safeRequest } from '../outbound/request.js';
import { redactPublicLinksSql } from '../public/token.js';
import { MIN_CLAIM_SECONDS } from '../webhooks/deliver.js';
import { isPermanentMailError, type Mailer } from './mailer.js';

/** E-mail and Slack messages are tried this many times, then dead. */
export const MESSAGE_MAX_ATTEMPTS = 8;
export const NO_SMTP_ERROR = 'waiting: e-mail is not configured (set CANOPY_SMTP_URL)';

/**
 * A message that has left (or never will) keeps no working public link (a survey's, a check-in's,
 * a shared plan's): its subject and body are redacted in the statement that marks it.
 */
export const REDACT_FINISHED = `subject = ${redactPublicLinksSql('subject')}, body = ${redactPublicLinksSql('body')}`;

export type ClaimedMessage = {
  id: string; channel: 'email' | 'slack'; recipient: string; subject: string; body: string; attempts: number;
  /** The playbook run whose e-mail step this is (its step follows the message's outcome). */
  playbook_run_id?: string | null;
};
type Result = { ok: boolean; error: string | null; permanent?: boolean; messageId?: string | null };

/**
 * Claims due messages in one statement (FOR UPDATE SKIP LOCKED): status 'sending', the attempt
 * counted, next_attempt_at moved past the claim window. A 'sending' row whose claim lapsed (the
 * worker died) is due again. Without a mailer, e-mail is left alone.
 */
export async function claimMessages(
  db: Queryable, limit: number,
  opts: { email: boolean; claimSeconds?: number; excludeRecipients?: readonly string[] },
): Promise<ClaimedMessage[]> {
  const values: unknown[] = [limit, MESSAGE_MAX_ATTEMPTS, opts.claimSeconds ?? MIN_CLAIM_SECONDS];
  // Slack messages to a host that already has enough in flight are left for later.
  const exclude = opts.excludeRecipients?.length ? `AND NOT (channel = 'slack' AND recipient = ANY ($${values.push(opts.excludeRecipients)}::text[]))` : '';
  const { rows } = await db.query<ClaimedMessage>(
    `WITH due AS (
       SELECT id FROM outbound_messages
        WHERE status IN ('pending', 'sending') AND next_attempt_at <= now() AND attempts < $2 ${opts.email ? '' : "AND channel <> 'email'"} ${exclude}
        ORDER BY next_attempt_at, id LIMIT $1
        FOR UPDATE SKIP LOCKED)
     UPDATE outbound_messages m
        SET status = 'sending', attempts = m.attempts + 1, next_attempt_at = now() + make_interval(secs => $3::float8)
       FROM due WHERE m.id = due.id
     RETURNING m.id, m.channel, m.recipient, m.subject, m.body, m.attempts, m.playbook_run_id`,
    values,
  );
  return rows;
}

/** Moves the claims of messages a live worker still holds another window ahead (only attempts still its own). */
export async function renewMessageClaims(db: Queryable, held: readonly { id: string; attempts: number }[], claimSeconds: number): Promise<number> {
  if (held.length === 0) return 0;
  const { rowCount } = await db.query(
    `UPDATE outbound_messages m SET next_attempt_at = now() + make_interval(secs => $3::float8)
       FROM unnest($1::uuid[], $2::int[]) AS h(id, attempts)
      WHERE m.id = h.id AND m.attempts = h.attempts AND m.status = 'sending'`,
    [held.map((m) => m.id), held.map((m) => m.attempts), claimSeconds],
  );
  return rowCount;
}

/** Gives back claimed messages that were never sent: pending and due again, the attempt not counted. */
export async function releaseMessages(db: Queryable, held: readonly { id: string; attempts: number }[]): Promise<number> {
  if (held.length === 0) return 0;
  const { rowCount } = await db.query(
    `UPDATE outbound_messages m SET status = 'pending', attempts = m.attempts - 1, next_attempt_at = now()
       FROM unnest($1::uuid[], $2::int[]) AS h(id, attempts)
      WHERE m.id = h.id AND m.attempts = h.attempts AND m.status = 'sending'`,
    [held.map((m) => m.id), held.map((m) => m.attempts)],
  );
  return rowCount;
}

/** Dead-letters messages whose last attempt was interrupted; without SMTP, says why e-mail waits. */
export async function sweepMessages(db: Queryable, opts: { email: boolean }): Promise<void> {
  await db.query(
    `UPDATE outbound_messages SET status = 'dead', failed_at = now(), ${REDACT_FINISHED}, last_error = coalesce(last_error || '; ', '') || 'the last attempt was interrupted'
      WHERE status IN ('pending', 'sending') AND next_attempt_at <= now() AND attempts >= $1`,
    [MESSAGE_MAX_ATTEMPTS],
  );
  if (!opts.email) {
    await db.query(
      `UPDATE outbound_messages SET status = 'pending', last_error = $1
        WHERE channel = 'email' AND status IN ('pending', 'sending') AND next_attempt_at <= now()
          AND (status = 'sending' OR last_error IS DISTINCT FROM $1)`,
      [NO_SMTP_ERROR],
    );
  }
}

async function send(m: ClaimedMessage, deps: { mailer: Mailer | null; allow: AllowList; timeoutMs: number }): Promise<Result> {
  if (m.channel === 'email') {
    if (!deps.mailer) return { ok: false, error: NO_SMTP_ERROR };
    try {
      const messageId = await deps.mailer.send({ id: m.id, to: m.recipient, subject: m.subject, text: m.body });
      return { ok: true, error: null, messageId };
    } catch (err) {
      const e = err as { code?: string; message?: string };
      return { ok: false, error: [e.code, e.message].filter(Boolean).join(': ').slice(0, 500) || 'send failed', permanent: isPermanentMailError(err) };
    }
  }
  try {
    const res = await safeRequest(m.recipient, {
      method: 'POST', body: JSON.stringify({ text: m.body }), timeoutMs: deps.timeoutMs, allow: deps.allow,
      headers: { 'content-type': 'application/json', 'user-agent': 'Canopy-Notifications/1' },
    });
    return res.ok ? { ok: true, error: null } : { ok: false, error: describeFailedResponse(res) };
  } catch (err) {
    return { ok: false, error: describeOutboundError(err, deps.timeoutMs) };
  }
}

/** Told after a message of a playbook step was sent or died (the step follows it). Errors are the caller's to log; a sweep catches up. */
export type MessageFinished = (message: { id: string; playbookRunId: string }) => Promise<void>;

/** Sends one claimed message and records the outcome if the claim is still ours. Never throws on a send failure. */
export async function attemptMessage(
  db: Queryable, m: ClaimedMessage, deps: { mailer: Mailer | null; allow: AllowList; timeoutMs: number; finished?: MessageFinished },
): Promise<boolean> {
  const r = await send(m, deps);
  const follow = async (rowCount: number) => {
    if (rowCount === 0 || !m.playbook_run_id || !deps.finished) return;
    // Best effort: the step is reconciled by the playbook sweep if this is lost.
    await deps.finished({ id: m.id, playbookRunId: m.playbook_run_id }).catch(() => undefined);
  };
  if (r.ok) {
    const { rowCount } = await db.query(
      `UPDATE outbound_messages SET status = 'sent', sent_at = now(), last_error = NULL, message_id = $3, ${REDACT_FINISHED}
        WHERE id = $1 AND attempts = $2 AND status = 'sending'`,
      [m.id, m.attempts, r.messageId ?? null],
    );
    await follow(rowCount);
    return true;
  }
  const dead = r.permanent === true || m.attempts >= MESSAGE_MAX_ATTEMPTS;
  const { rowCount } = await db.query(
    `UPDATE outbound_messages SET status = $3, last_error = $4, next_attempt_at = now() + make_interval(secs => $5::int),
            failed_at = CASE WHEN $3 = 'dead' THEN now() END,
            subject = CASE WHEN $3 = 'dead' THEN ${redactPublicLinksSql('subject')} ELSE subject END,
            body = CASE WHEN $3 = 'dead' THEN ${redactPublicLinksSql('body')} ELSE body END
      WHERE id = $1 AND attempts = $2 AND status = 'sending'`,
    [m.id, m.attempts, dead ? 'dead' : 'pending', r.error, dead ? 0 : backoffSeconds(m.attempts, { baseSeconds: 60 })],
  );
  if (dead) await follow(rowCount);
  return false;
}
