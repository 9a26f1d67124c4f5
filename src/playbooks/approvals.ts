import { z } from 'zod';
import type { WorkDeps } from '../deps.js';
import type { Actor } from '../auth/principal.js';
import { recordAuditRaw } from '../audit/record.js';
import { AppError } from '../http/errors.js';
import { text } from '../http/zod.js';
import { draftForTask, markApproved } from '../notifications/customer-mail.js';
import { apiStatus, OUTBOUND_STATUSES } from '../notifications/outbox-schema.js';
import { redactPublicLinks } from '../public/token.js';
import type { CanAct, TaskService } from '../tasks/service.js';
import type { Task } from '../tasks/schema.js';

export const approvalDto = z.object({
  taskId: z.uuid(),
  outboundId: z.uuid(),
  status: z.enum(OUTBOUND_STATUSES).describe('awaiting_approval until approved (then queued, sent…) or rejected (cancelled)'),
  to: z.object({ email: z.string(), name: z.string().nullable(), contactId: z.uuid().nullable() }),
  subject: z.string(),
  body: z.string(),
  edited: z.boolean(),
  approvedBy: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  approvedAt: z.string().nullable(),
  accountId: z.uuid().nullable(),
  playbookRunId: z.uuid().nullable(),
  playbookName: z.string().nullable(),
  stepIndex: z.number().int().nullable(),
  emailConfigured: z.boolean().describe('false: once approved the e-mail waits in the outbox until e-mail is configured'),
});
export type Approval = z.infer<typeof approvalDto>;

export const approveBody = z.object({
  subject: text().trim().min(1).max(300).optional().describe('The subject as sent (plain text, not a template); default: as rendered'),
  body: text().trim().min(1).max(20_000).optional().describe('The body as sent (plain text); default: as rendered'),
});
export const rejectBody = z.object({ reason: text().trim().max(2000).optional() });

/**
 * E-mail steps with `approval: true` hold their rendered e-mail in an approval task. The CSM reads
 * it, may edit the subject and body (the edit is audited), and approves it (it is queued: the
 * step completes when it is sent) or rejects it (never sent, the step is cancelled). The decision
 * goes through the task: approving marks it done, rejecting cancels it (src/playbooks/runs.ts,
 * approvalTaskChanged, in the task update's transaction).
 */
export function createEmailApprovals(deps: WorkDeps, { tasks }: { tasks: TaskService }) {
  const { database, config } = deps;

  async function get(taskId: string): Promise<Approval | null> {
    const { rows } = await database.query<{
      id: string; status: string; recipient: string; subject: string; body: string; edited: boolean; contact_id: string | null; contact_name: string | null;
      approved_by: string | null; approved_by_name: string | null; approved_at: Date | null; account_id: string | null; playbook_run_id: string | null;
      playbook_name: string | null; step_index: number | null;
    }>(
      `SELECT m.id, m.status, m.recipient, m.subject, m.body, m.edited, m.contact_id, c.name AS contact_name, m.approved_by, u.name AS approved_by_name,
              m.approved_at, m.account_id, m.playbook_run_id, p.name AS playbook_name, m.step_index
         FROM outbound_messages m LEFT JOIN contacts c ON c.id = m.contact_id LEFT JOIN users u ON u.id = m.approved_by
         LEFT JOIN playbook_runs r ON r.id = m.playbook_run_id LEFT JOIN playbooks p ON p.id = r.playbook_id
        WHERE m.approval_task_id = $1`, [taskId],
    );
    const r = rows[0];
    if (!r) return null;
    // A draft is shown whole (the CSM edits and approves that text); once decided, no public link is shown.
    const shown = (t: string) => (r.status === 'draft' ? t : redactPublicLinks(t));
    return {
      taskId, outboundId: r.id, status: apiStatus(r.status), to: { email: r.recipient, name: r.contact_name, contactId: r.contact_id },
      subject: shown(r.subject), body: shown(r.body), edited: r.edited,
      approvedBy: r.approved_by ? { id: r.approved_by, name: r.approved_by_name ?? '' } : null, approvedAt: r.approved_at ? new Date(r.approved_at).toISOString() : null,
      accountId: r.account_id, playbookRunId: r.playbook_run_id, playbookName: r.playbook_name, stepIndex: r.step_index,
      emailConfigured: Boolean(config.smtp.url),
    };
  }

  return {
    get,

    /** Approves the e-mail, with the CSM's edits: it is queued, and its task is done. */
    async approve(taskId: string, edits: z.infer<typeof approveBody>, actor: Actor, canAct?: CanAct): Promise<{ approval: Approval; task: Task }> {
      await database.transaction(async (tx) => {
        const d = await draftForTask(tx, taskId, true);
        if (!d) throw new AppError('email_approval.not_found');
        if (d.status !== 'draft') throw new AppError('email_approval.decided');
        const subject = edits.subject ?? d.subject;
        const body = edits.body ?? d.body;
        const changes: Record<string, { from: string; to: string }> = {};
        // The audit log keeps the edit, never a public link in it.
        if (subject !== d.subject) changes.subject = { from: redactPublicLinks(d.subject), to: redactPublicLinks(subject) };
        if (body !== d.body) changes.body = { from: redactPublicLinks(d.body), to: redactPublicLinks(body) };
        const edited = Object.keys(changes).length > 0;
        await markApproved(tx, d.id, { subject, body, edited, by: actor.type === 'user' ? actor.id : null });
        await recordAuditRaw(tx, actor, [{ action: edited ? 'approve_edited' : 'approve', objectType: 'outbound_message', objectId: d.id, changes: { taskId, to: d.recipient, ...changes } }]);
      });
      // Done queues it (in the task update's transaction, with the step and the run).
      const a = await get(taskId);
      const task = await tasks.update(taskId, { status: 'done', outcomeNote: `Approved the e-mail${a?.edited ? ' (edited)' : ''}.`, activity: null }, actor, canAct);
      return { approval: (await get(taskId)) as Approval, task };
    },

    /** Rejects the e-mail: it is never sent, its task is cancelled and its step too. */
    async reject(taskId: string, reason: string | undefined, actor: Actor, canAct?: CanAct): Promise<{ approval: Approval; task: Task }> {
      const a = await get(taskId);
      if (!a) throw new AppError('email_approval.not_found');
      if (a.status !== 'awaiting_approval') throw new AppError('email_approval.decided');
      const task = await tasks.update(taskId, { status: 'cancelled', outcomeNote: reason ? `Rejected the e-mail: ${reason}` : 'Rejected the e-mail.' }, actor, canAct);
      return { approval: (await get(taskId)) as Approval, task };
    },
  };
}
export type EmailApprovals = ReturnType<typeof createEmailApprovals>;
