import type { Queryable } from '../db/connect.js';
import { emailOutcome } from '../notifications/customer-mail.js';
import { finishIfDone } from './runs.js';

/**
 * An e-mail step follows its message, in the caller's transaction: sent completes it, dead fails it
 * (with the reason), cancelled cancels it (and its open approval task); a failed message sent again
 * (the outbox's retry) makes the step issued again and its run running. Returns whether it moved.
 */
export async function emailStepFollows(tx: Queryable, outboundId: string, runId: string, now: Date): Promise<boolean> {
  // The run first, then its step: the order executeStep locks them in.
  const run = (await tx.query<{ status: string }>('SELECT status FROM playbook_runs WHERE id = $1 FOR UPDATE', [runId])).rows[0];
  if (!run || run.status === 'cancelled' || run.status === 'failed') return false;
  const step = (await tx.query<{ step_index: number; status: string }>(
    `SELECT step_index, status FROM playbook_run_steps WHERE run_id = $1 AND kind = 'email' AND result->>'outboundId' = $2 FOR UPDATE`, [runId, outboundId],
  )).rows[0];
  const m = await emailOutcome(tx, outboundId);
  if (!step || !m) return false;
  const target = m.status === 'sent' ? 'completed' : m.status === 'dead' ? 'failed' : m.status === 'cancelled' ? 'cancelled' : 'issued';
  if (step.status === target) return false;
  if (target === 'issued') {
    if (step.status !== 'failed' && step.status !== 'cancelled') return false;
    await tx.query(`UPDATE playbook_run_steps SET status = 'issued', finished_at = NULL, error = NULL WHERE run_id = $1 AND step_index = $2`, [runId, step.step_index]);
    await tx.query(`UPDATE playbook_runs SET status = 'running', finished_at = NULL WHERE id = $1 AND status = 'completed'`, [runId]);
    return true;
  }
  if (step.status !== 'issued') return false;
  const error = target === 'failed' ? `The e-mail failed: ${m.last_error ?? 'unknown error'}` : target === 'cancelled' ? `The e-mail was cancelled${m.cancel_reason ? ` (${m.cancel_reason})` : ''}; it was not sent.` : null;
  await tx.query(`UPDATE playbook_run_steps SET status = $3, finished_at = $4, error = $5 WHERE run_id = $1 AND step_index = $2`, [runId, step.step_index, target, now.toISOString(), error]);
  if (target === 'cancelled' && m.approval_task_id) {
    await tx.query(`UPDATE tasks SET status = 'cancelled', updated_at = now() WHERE id = $1 AND status = 'open'`, [m.approval_task_id]);
  }
  await finishIfDone(tx, runId, now);
  return true;
}
