import type { WorkDeps } from '../deps.js';
import type { Actor } from '../auth/principal.js';
import { recordAuditRaw } from '../audit/record.js';
import { AppError } from '../http/errors.js';
import { decodeCursor, encodeCursor, timestampUuid } from '../http/cursor.js';
import { mailSetupLine } from './mailer.js';
import { hasRedactedLinks, redactPublicLinks } from '../public/token.js';
import { NO_SMTP_ERROR, REDACT_FINISHED } from './messages.js';
import { OUTBOUND_STATUSES, apiStatus, dbStatus, type OutboundMessage, type OutboundStatus, type OutboxQuery } from './outbox-schema.js';

type Row = {
  id: string; channel: 'email' | 'slack'; audience: 'customer' | 'user'; recipient: string; subject: string; body: string; status: string;
  attempts: number; last_error: string | null; message_id: string | null; account_id: string | null; account_name: string | null;
  playbook_run_id: string | null; step_index: number | null; approval_task_id: string | null; approved_by: string | null; approved_by_name: string | null;
  approved_at: Date | null; edited: boolean; cancelled_by: string | null; cancelled_by_name: string | null; cancel_reason: string | null;
  created_at: Date; next_attempt_at: Date | null; sent_at: Date | null; failed_at: Date | null; cancelled_at: Date | null; sort_value: string;
};

const SELECT = `
  SELECT m.*, a.name AS account_name, ua.name AS approved_by_name, uc.name AS cancelled_by_name, m.created_at::text AS sort_value
    FROM outbound_messages m LEFT JOIN accounts a ON a.id = m.account_id
    LEFT JOIN users ua ON ua.id = m.approved_by LEFT JOIN users uc ON uc.id = m.cancelled_by`;

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/** A Slack webhook URL is a credential: only its host is shown. */
function shownRecipient(r: Row): string {
  if (r.channel !== 'slack') return r.recipient;
  try {
    return `Slack (${new URL(r.recipient).host})`;
  } catch {
    return 'Slack';
  }
}

function toDto(r: Row): OutboundMessage {
  const status = apiStatus(r.status);
  return {
    id: r.id, channel: r.channel, audience: r.audience, recipient: shownRecipient(r),
    // A queued e-mail still holds its recipient's personal links (the worker needs them): never shown.
    subject: redactPublicLinks(r.subject), body: redactPublicLinks(r.body), status,
    attempts: r.attempts, lastError: r.last_error, messageId: r.message_id,
    account: r.account_id && r.account_name !== null ? { id: r.account_id, name: r.account_name } : null,
    playbookRunId: r.playbook_run_id, stepIndex: r.step_index, approvalTaskId: r.approval_task_id,
    approvedBy: r.approved_by ? { id: r.approved_by, name: r.approved_by_name ?? '' } : null, approvedAt: iso(r.approved_at), edited: r.edited,
    cancelledBy: r.cancelled_by ? { id: r.cancelled_by, name: r.cancelled_by_name ?? '' } : null, cancelReason: r.cancel_reason,
    createdAt: iso(r.created_at) ?? '', nextAttemptAt: status === 'queued' || status === 'sending' ? iso(r.next_attempt_at) : null,
    sentAt: iso(r.sent_at), failedAt: iso(r.failed_at), cancelledAt: iso(r.cancelled_at),
  };
}

/**
 * The outbox as people see it (the admin's Outbox page): what waits, what left, what failed and
 * why; retry (a failed message, or a queued one now) and cancel (a queued or held one: it is never
 * sent). A playbook e-mail's step follows each change (`messageChanged`, wired in src/services.ts).
 */
export function createOutboxAdmin(deps: WorkDeps, hooks: { messageChanged(m: { id: string; playbookRunId: string }): Promise<void> }) {
  const { database, outbox, config } = deps;
  const load = async (id: string) => (await database.query<Row>(`${SELECT} WHERE m.id = $1`, [id])).rows[0];

  const after = async (r: Row | undefined) => {
    if (r?.playbook_run_id) await hooks.messageChanged({ id: r.id, playbookRunId: r.playbook_run_id });
  };

  return {
    /** Newest first, keyset-paged, with the count per status. */
    async list(q: OutboxQuery): Promise<{ items: OutboundMessage[]; nextCursor: string | null; counts: Record<OutboundStatus, number> }> {
      const values: unknown[] = [];
      const p = (v: unknown) => `$${values.push(v)}`;
      const where: string[] = [];
      if (q.status) where.push(`m.status = ${p(dbStatus(q.status))}`);
      if (q.channel) where.push(`m.channel = ${p(q.channel)}`);
      if (q.audience) where.push(`m.audience = ${p(q.audience)}`);
      if (q.accountId) where.push(`m.account_id = ${p(q.accountId)}`);
      if (q.cursor) {
        const [at, id] = decodeCursor(q.cursor, timestampUuid);
        where.push(`(m.created_at, m.id) < (${p(at)}::timestamptz, ${p(id)}::uuid)`);
      }
      const { rows } = await database.query<Row>(
        `${SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY m.created_at DESC, m.id DESC LIMIT ${p(q.limit + 1)}`, values,
      );
      const { rows: counted } = await database.query<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM outbound_messages GROUP BY status');
      const counts = Object.fromEntries(OUTBOUND_STATUSES.map((s) => [s, 0])) as Record<OutboundStatus, number>;
      for (const c of counted) counts[apiStatus(c.status)] += c.n;
      const page = rows.slice(0, q.limit);
      const last = page[page.length - 1];
      return { items: page.map(toDto), nextCursor: rows.length > q.limit && last ? encodeCursor([last.sort_value, last.id]) : null, counts };
    },

    async get(id: string): Promise<OutboundMessage | null> {
      const r = await load(id);
      return r ? toDto(r) : null;
    },

    /** A failed message gets its attempts back and is due now; a queued one (waiting for its next try) is due now. */
    async retry(id: string, actor: Actor): Promise<OutboundMessage> {
      await database.transaction(async (tx) => {
        const m = (await tx.query<{ status: string; attempts: number; subject: string; body: string }>('SELECT status, attempts, subject, body FROM outbound_messages WHERE id = $1 FOR UPDATE', [id])).rows[0];
        if (!m) throw new AppError('outbound_message.not_found');
        if (m.status !== 'dead' && m.status !== 'pending') {
          throw new AppError('outbound_message.state', `A message that is ${apiStatus(m.status).replace('_', ' ')} cannot be retried; only failed and queued ones can.`);
        }
        if (hasRedactedLinks(m.body) || hasRedactedLinks(m.subject)) {
          throw new AppError('outbound_message.state', 'This message held personal links (a survey, a check-in or a shared plan) that were removed when it failed; send the survey or request again instead.');
        }
        const waiting = !config.smtp.url ? NO_SMTP_ERROR : null;
        await tx.query(
          `UPDATE outbound_messages SET status = 'pending', attempts = CASE WHEN status = 'dead' THEN 0 ELSE attempts END, next_attempt_at = now(),
                  failed_at = NULL, last_error = CASE WHEN channel = 'email' THEN $2 END WHERE id = $1`,
          [id, waiting],
        );
        await recordAuditRaw(tx, actor, [{ action: 'retry', objectType: 'outbound_message', objectId: id, changes: { status: { from: apiStatus(m.status), to: 'queued' }, attempts: m.attempts } }]);
      });
      const r = await load(id);
      await after(r);
      await outbox.wake();
      return toDto(r as Row);
    },

    /** A queued or held message is never sent. One being sent right now cannot be stopped (it may already be out). */
    async cancel(id: string, reason: string | undefined, actor: Actor): Promise<OutboundMessage> {
      await database.transaction(async (tx) => {
        const m = (await tx.query<{ status: string }>('SELECT status FROM outbound_messages WHERE id = $1 FOR UPDATE', [id])).rows[0];
        if (!m) throw new AppError('outbound_message.not_found');
        if (m.status !== 'pending' && m.status !== 'draft') {
          throw new AppError('outbound_message.state', `A message that is ${apiStatus(m.status).replace('_', ' ')} cannot be cancelled; only queued ones and those awaiting approval can.`);
        }
        await tx.query(
          `UPDATE outbound_messages SET status = 'cancelled', cancelled_at = now(), cancelled_by = $2, cancel_reason = $3, ${REDACT_FINISHED} WHERE id = $1`,
          [id, actor.type === 'user' ? actor.id : null, reason ?? 'cancelled in the outbox'],
        );
        await recordAuditRaw(tx, actor, [{ action: 'cancel', objectType: 'outbound_message', objectId: id, changes: { status: { from: apiStatus(m.status), to: 'cancelled' }, ...(reason ? { reason } : {}) } }]);
      });
      const r = await load(id);
      await after(r);
      return toDto(r as Row);
    },

    /** Whether e-mail is sent at all (the web app's banner). */
    emailSettings() {
      const configured = Boolean(config.smtp.url);
      return { configured, from: configured ? config.smtp.from : null, message: mailSetupLine(config), publicUrlConfigured: Boolean(config.publicUrl) };
    },
  };
}
export type OutboxAdmin = ReturnType<typeof createOutboxAdmin>;
