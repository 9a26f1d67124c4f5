import type { Queryable } from '../db/connect.js';
import { REDACT_FINISHED } from './messages.js';

/**
 * Customer e-mails (playbook steps) in the outbox. Unlike a notification to a user, a customer
 * e-mail is linked to its contact, the playbook step that sent it and, when a CSM must approve it
 * first, its approval task; it starts as a 'draft' until then.
 */
export type CustomerEmail = {
  to: string;
  subject: string;
  body: string;
  accountId: string;
  contactId: string | null;
  playbookRunId: string;
  stepIndex: number;
  dedupeKey: string;
  /** Held for a CSM's approval ('draft'), or queued now ('pending'). */
  draft: boolean;
  /** Why it waits, known when queued (e-mail not configured). */
  lastError?: string | null;
};

/** Inserts the e-mail (a repeat with the same dedupe key returns the first row); returns its id and status. */
export async function insertCustomerEmail(tx: Queryable, m: CustomerEmail): Promise<{ id: string; status: string; created: boolean }> {
  const { rows } = await tx.query<{ id: string; status: string }>(
    `INSERT INTO outbound_messages (channel, recipient, subject, body, account_id, dedupe_key, status, audience, contact_id, playbook_run_id, step_index, last_error)
     VALUES ('email', $1, $2, $3, $4, $5, $6, 'customer', $7, $8, $9, $10)
     ON CONFLICT (dedupe_key) DO NOTHING RETURNING id, status`,
    [m.to, m.subject, m.body, m.accountId, m.dedupeKey, m.draft ? 'draft' : 'pending', m.contactId, m.playbookRunId, m.stepIndex, m.draft ? null : m.lastError ?? null],
  );
  if (rows[0]) return { ...rows[0], created: true };
  const existing = (await tx.query<{ id: string; status: string }>('SELECT id, status FROM outbound_messages WHERE dedupe_key = $1', [m.dedupeKey])).rows[0];
  if (!existing) throw new Error(`outbound message ${m.dedupeKey} neither inserted nor found`);
  return { ...existing, created: false };
}

export async function linkApprovalTask(tx: Queryable, messageId: string, taskId: string): Promise<void> {
  await tx.query('UPDATE outbound_messages SET approval_task_id = $2 WHERE id = $1', [messageId, taskId]);
}

export type DraftRow = {
  id: string; status: string; recipient: string; subject: string; body: string; account_id: string | null; contact_id: string | null;
  playbook_run_id: string | null; step_index: number | null; approval_task_id: string | null; approved_at: Date | null; edited: boolean;
};

/** The e-mail an approval task holds, locked when `lock` (inside a transaction). */
export async function draftForTask(q: Queryable, taskId: string, lock = false): Promise<DraftRow | undefined> {
  return (await q.query<DraftRow>(
    `SELECT id, status, recipient, subject, body, account_id, contact_id, playbook_run_id, step_index, approval_task_id, approved_at, edited
       FROM outbound_messages WHERE approval_task_id = $1 ${lock ? 'FOR UPDATE' : ''}`, [taskId],
  )).rows[0];
}

/** Records a CSM's approval (and edits) on a draft; it is queued when its task is marked done. */
export async function markApproved(tx: Queryable, id: string, m: { subject: string; body: string; edited: boolean; by: string | null }): Promise<void> {
  await tx.query(
    `UPDATE outbound_messages SET subject = $2, body = $3, edited = edited OR $4, approved_by = $5, approved_at = now() WHERE id = $1 AND status = 'draft'`,
    [id, m.subject, m.body, m.edited, m.by],
  );
}

/** An approved draft goes to the outbox now (due at once). */
export async function queueApproved(tx: Queryable, id: string, lastError: string | null): Promise<void> {
  await tx.query(`UPDATE outbound_messages SET status = 'pending', next_attempt_at = now(), last_error = $2 WHERE id = $1 AND status = 'draft'`, [id, lastError]);
}

/** A draft that will not be sent (rejected, its run cancelled). */
export async function cancelDraft(tx: Queryable, id: string, reason: string): Promise<void> {
  await tx.query(`UPDATE outbound_messages SET status = 'cancelled', cancelled_at = now(), cancel_reason = $2 WHERE id = $1 AND status = 'draft'`, [id, reason]);
}

/** A rejected e-mail whose task was reopened is a draft again (waiting for a decision). */
export async function reopenDraft(tx: Queryable, id: string): Promise<boolean> {
  const { rowCount } = await tx.query(
    `UPDATE outbound_messages SET status = 'draft', cancelled_at = NULL, cancelled_by = NULL, cancel_reason = NULL, approved_at = NULL, approved_by = NULL
      WHERE id = $1 AND status = 'cancelled'`, [id],
  );
  return rowCount > 0;
}

/** Cancels a run's e-mails that have not left: drafts and queued ones not being sent. */
export async function cancelRunEmails(tx: Queryable, runId: string, by: string | null): Promise<void> {
  await tx.query(
    `UPDATE outbound_messages SET status = 'cancelled', cancelled_at = now(), cancelled_by = $2, cancel_reason = 'the playbook run was cancelled', ${REDACT_FINISHED}
      WHERE playbook_run_id = $1 AND status IN ('draft', 'pending')`, [runId, by],
  );
}

/** The outcome of a step's e-mail, for the step to follow (sent, dead or cancelled are final). */
export async function emailOutcome(q: Queryable, id: string): Promise<{ status: string; last_error: string | null; cancel_reason: string | null; approval_task_id: string | null } | undefined> {
  return (await q.query<{ status: string; last_error: string | null; cancel_reason: string | null; approval_task_id: string | null }>(
    'SELECT status, last_error, cancel_reason, approval_task_id FROM outbound_messages WHERE id = $1', [id],
  )).rows[0];
}
