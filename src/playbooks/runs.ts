import { createHash } from 'node:crypto';
import type { Database, Queryable } from '../db/connect.js';
import type { Actor } from '../auth/principal.js';
import { recordAuditRaw } from '../audit/record.js';
import { emitEvents } from '../webhooks/emit-many.js';
import { notify } from '../notifications/notify.js';
import { NO_SMTP_ERROR } from '../notifications/messages.js';
import { cancelDraft, cancelRunEmails, draftForTask, queueApproved, reopenDraft } from '../notifications/customer-mail.js';
import { AppError } from '../http/errors.js';
import { renderRows } from '../notifications/template.js';
import type { Step } from './schema.js';
import { stableUuid } from './steps.js';
import { perform, runActor, type RunRow, type StepContext } from './perform.js';

export { emailContact, renderEmail, runActor, type StepContext } from './perform.js';

/** A step's display title: its own, or one made from what it does (so it follows edits of the subject). */
const STEP_TITLE_SQL = `coalesce(s.step->>'title', CASE s.step->>'kind'
  WHEN 'email' THEN 'E-mail the ' || replace(s.step->>'to', '_', ' ') || ': ' || (s.step->>'subject')
  WHEN 'wait' THEN 'Wait ' || (s.step->>'days') || CASE WHEN (s.step->>'days')::numeric = 1 THEN ' day' ELSE ' days' END
  WHEN 'webhook' THEN 'Call a webhook'
  WHEN 'apply_plan_template' THEN 'Apply a plan template' ELSE s.step->>'kind' END)`;

export type StartItem = { accountId: string; playbookId: string; ruleFiringId?: string | null };
export type Started = { runId: string; accountId: string; playbookId: string };
/** What happens next after a step: run the next one at runAt, or nothing (finished, cancelled, not due). */
export type StepOutcome = {
  status: 'ran' | 'noop' | 'not_due';
  next: { runId: string; index: number; runAt: Date } | null;
  createdTaskIds: string[];
  /** Whether the step may have left something in the outbox (an e-mail, a delivery, a notification). */
  queued: boolean;
};

/**
 * Starts runs of each playbook's current version, all in the caller's transaction: one run row and
 * one row per step; the first step is due now. Archived playbooks are skipped.
 */
export async function startRuns(tx: Queryable, items: StartItem[], actor: Actor): Promise<Started[]> {
  if (items.length === 0) return [];
  const { rows } = await tx.query<{ id: string; account_id: string; playbook_id: string; name: string }>(
    `WITH input AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(account_id uuid, playbook_id uuid, rule_firing_id uuid)),
     runs AS (
       INSERT INTO playbook_runs (playbook_id, version, account_id, started_by, rule_firing_id)
       SELECT i.playbook_id, p.current_version, i.account_id, $2::uuid, i.rule_firing_id
         FROM input i JOIN playbooks p ON p.id = i.playbook_id AND p.archived_at IS NULL
       RETURNING id, playbook_id, version, account_id),
     steps AS (
       INSERT INTO playbook_run_steps (run_id, step_index, kind, title, run_at)
       SELECT runs.id, (s.ord - 1)::int, s.step->>'kind', ${STEP_TITLE_SQL}, CASE WHEN s.ord = 1 THEN now() END
         FROM runs JOIN playbook_versions v ON v.playbook_id = runs.playbook_id AND v.version = runs.version
        CROSS JOIN LATERAL jsonb_array_elements(v.steps) WITH ORDINALITY AS s(step, ord)
       RETURNING run_id)
     SELECT runs.id, runs.account_id, runs.playbook_id, p.name FROM runs JOIN playbooks p ON p.id = runs.playbook_id`,
    [JSON.stringify(items.map((i) => ({ account_id: i.accountId, playbook_id: i.playbookId, rule_firing_id: i.ruleFiringId ?? null }))), actor.type === 'user' ? actor.id : null],
  );
  await renderStepTitles(tx, rows.map((r) => r.id));
  await recordAuditRaw(tx, actor, rows.map((r) => ({ action: 'start', objectType: 'playbook_run', objectId: r.id, changes: { playbookId: r.playbook_id, accountId: r.account_id } })));
  await emitEvents(tx, rows.map((r) => ({ type: 'playbook.started' as const, accountId: r.account_id, id: r.id, data: { runId: r.id, playbookId: r.playbook_id, playbook: r.name } })));
  return rows.map((r) => ({ runId: r.id, accountId: r.account_id, playbookId: r.playbook_id }));
}

/** Step titles are templates ("Call {{contact.firstName}}"): rendered once, for the run's account. */
async function renderStepTitles(tx: Queryable, runIds: string[]): Promise<void> {
  if (runIds.length === 0) return;
  const { rows } = await tx.query<{ run_id: string; step_index: number; account_id: string; title: string }>(
    `SELECT s.run_id, s.step_index, r.account_id, s.title FROM playbook_run_steps s JOIN playbook_runs r ON r.id = s.run_id
      WHERE s.run_id = ANY ($1::uuid[]) AND s.title LIKE '%{{%'`, [runIds],
  );
  await renderRows(tx, rows, (r) => r.account_id, (r) => [r.title], (r, [title]) => { r.title = title ?? r.title; });
  if (rows.length === 0) return;
  await tx.query(
    `UPDATE playbook_run_steps s SET title = i.title FROM jsonb_to_recordset($1::jsonb) AS i(run_id uuid, step_index int, title text)
      WHERE s.run_id = i.run_id AND s.step_index = i.step_index`,
    [JSON.stringify(rows.map((r) => ({ run_id: r.run_id, step_index: r.step_index, title: r.title })))],
  );
}

/** Statuses after which a step has nothing left to do; a run finishes when all its steps have one. */
export const FINISHED_STEP_STATUSES = ['completed', 'skipped', 'failed', 'cancelled'] as const;
const FINISHED_SQL = `('completed', 'skipped', 'failed', 'cancelled')`;

/** Steps whose effect is a task: they complete when the task is done (or are cancelled with it). */
const TASK_KINDS = new Set(['task', 'checkin', 'survey']);

type Next = { runId: string; index: number; runAt: Date };

/** Makes the step after `index` due now, if it is still waiting for its turn. */
async function releaseNext(tx: Queryable, runId: string, index: number, now: Date): Promise<Next | null> {
  const { rows } = await tx.query<{ step_index: number }>(
    `UPDATE playbook_run_steps SET run_at = $3 WHERE run_id = $1 AND step_index = $2 + 1 AND status = 'pending' AND run_at IS NULL RETURNING step_index`,
    [runId, index, now.toISOString()],
  );
  return rows[0] ? { runId, index: rows[0].step_index, runAt: now } : null;
}

/**
 * Finishes the run if none of its steps is pending or issued any more: status, the
 * `playbook.finished` event and the owner's notification, in the caller's transaction. The event
 * id is stable per run, so a repeat (a task reopened and done again) is the same event.
 */
export async function finishIfDone(tx: Queryable, runId: string, now: Date): Promise<boolean> {
  const { rows } = await tx.query<{ account_id: string; playbook_id: string; name: string; owner_id: string | null; completed: number; cancelled: number; skipped: number; failed: number }>(
    `WITH done AS (
       UPDATE playbook_runs r SET status = 'completed', finished_at = $2
        WHERE r.id = $1 AND r.status = 'running'
          AND NOT EXISTS (SELECT 1 FROM playbook_run_steps s WHERE s.run_id = r.id AND s.status NOT IN ${FINISHED_SQL})
       RETURNING r.account_id, r.playbook_id)
     SELECT d.account_id, d.playbook_id, p.name, a.owner_id,
            count(*) FILTER (WHERE s.status = 'completed')::int AS completed, count(*) FILTER (WHERE s.status = 'cancelled')::int AS cancelled,
            count(*) FILTER (WHERE s.status = 'skipped')::int AS skipped, count(*) FILTER (WHERE s.status = 'failed')::int AS failed
       FROM done d JOIN playbooks p ON p.id = d.playbook_id JOIN accounts a ON a.id = d.account_id
       JOIN playbook_run_steps s ON s.run_id = $1
      GROUP BY d.account_id, d.playbook_id, p.name, a.owner_id`,
    [runId, now.toISOString()],
  );
  const r = rows[0];
  if (!r) return false;
  const steps = { completed: r.completed, cancelled: r.cancelled, skipped: r.skipped, failed: r.failed };
  await emitEvents(tx, [{ type: 'playbook.finished', accountId: r.account_id, id: stableUuid(createHash('sha256').update(`completed:${runId}`).digest('hex')), data: { runId, playbookId: r.playbook_id, playbook: r.name, status: 'completed', steps } }]);
  if (r.owner_id) {
    const notes = [r.cancelled && `${r.cancelled} cancelled`, r.skipped && `${r.skipped} skipped`, r.failed && `${r.failed} failed`].filter(Boolean).join(', ');
    await notify(tx, {
      userIds: [r.owner_id], kind: 'playbook.finished', title: `Playbook "${r.name}" finished`,
      body: `${r.completed} of ${r.completed + r.cancelled + r.skipped + r.failed} steps completed${notes ? ` (${notes})` : ''}.`,
      accountId: r.account_id, link: `/accounts/${r.account_id}`, dedupeKey: `playbook:${runId}:completed`,
    });
  }
  return true;
}

/**
 * Runs one step if it is due and still pending, and makes the next one due — all in one
 * transaction, so a worker that dies mid-step leaves the step pending (it runs again, once) and a
 * redelivered job finds it issued or completed (a no-op). A wait step's job comes back when the
 * wait is over and completes it. `faults` lets tests kill the step after its effect.
 */
export async function executeStep(
  database: Database, runId: string, index: number,
  opts: { now?: Date; afterCreate?: (tx: Queryable, taskIds: string[], actor: Actor) => Promise<void>; faults?: { afterEffect?: () => void }; context?: StepContext } = {},
): Promise<StepOutcome> {
  const now = opts.now ?? new Date();
  return database.transaction(async (tx) => {
    // The run and this step, both locked (run first), in one round trip.
    const run = (await tx.query<RunRow & { step_status: string; step_run_at: Date | null }>(
      `SELECT r.id, r.account_id, r.playbook_id, r.version, r.status, p.name, v.steps, a.owner_id, s.status AS step_status, s.run_at AS step_run_at,
              ru.id AS rule_id, ru.name AS rule_name
         FROM playbook_runs r JOIN playbooks p ON p.id = r.playbook_id
         JOIN playbook_versions v ON v.playbook_id = r.playbook_id AND v.version = r.version
         JOIN accounts a ON a.id = r.account_id
         JOIN playbook_run_steps s ON s.run_id = r.id AND s.step_index = $2
         LEFT JOIN rule_firings f ON f.id = r.rule_firing_id LEFT JOIN rules ru ON ru.id = f.rule_id
        WHERE r.id = $1 FOR UPDATE OF r, s`, [runId, index],
    )).rows[0];
    const definition = run?.steps[index];
    const noop: StepOutcome = { status: 'noop', next: null, createdTaskIds: [], queued: false };
    if (!run || !definition || run.status !== 'running') return noop;
    const waiting = run.step_status === 'issued' && definition.kind === 'wait';
    if (run.step_status !== 'pending' && !waiting) return noop;
    if (!run.step_run_at || new Date(run.step_run_at) > now) {
      return { status: 'not_due', next: run.step_run_at ? { runId, index, runAt: new Date(run.step_run_at) } : null, createdTaskIds: [], queued: false };
    }

    if (waiting) {
      // The wait is over: it completes, and the next step's turn comes.
      await tx.query(`UPDATE playbook_run_steps SET status = 'completed', finished_at = $3 WHERE run_id = $1 AND step_index = $2`, [runId, index, now.toISOString()]);
      const next = await releaseNext(tx, runId, index, now);
      const finished = await finishIfDone(tx, runId, now);
      return { status: 'ran', next, createdTaskIds: [], queued: finished };
    }

    const r = await perform(tx, run, index, definition, now, opts.context ?? { emailConfigured: true });
    if (opts.afterCreate && r.taskIds.length) await opts.afterCreate(tx, r.taskIds, runActor(run));
    opts.faults?.afterEffect?.();
    if (r.status === 'waiting' && r.until) {
      // Over the customer's capacity: nothing was asked; the step stays pending, says why, and runs again when the next period starts.
      await tx.query('UPDATE playbook_run_steps SET result = $3::jsonb, attempts = attempts + 1, run_at = $4 WHERE run_id = $1 AND step_index = $2',
        [runId, index, JSON.stringify(r.result), r.until.toISOString()]);
      return { status: 'ran', next: { runId, index, runAt: r.until }, createdTaskIds: [], queued: false };
    }
    const final = r.status !== 'issued';
    await tx.query(
      `UPDATE playbook_run_steps
          SET status = $3, issued_at = $4::timestamptz, finished_at = CASE WHEN $8::boolean THEN $4::timestamptz END,
              result = $5::jsonb, error = $6::text, attempts = attempts + 1, run_at = coalesce($7::timestamptz, run_at)
        WHERE run_id = $1 AND step_index = $2`,
      [runId, index, r.status, now.toISOString(), JSON.stringify(r.result), r.error ?? null, r.until?.toISOString() ?? null, final],
    );
    let queued = r.taskIds.length > 0 || ['email', 'webhook', 'apply_plan_template', 'survey', 'checkin'].includes(definition.kind);
    // A wait comes back as this same step's job when it is over; a held task step releases the next on completion.
    let next: Next | null = r.until ? { runId, index, runAt: r.until } : null;
    if (!r.holdNext || final) next = (await releaseNext(tx, runId, index, now)) ?? next;
    if (await finishIfDone(tx, runId, now)) queued = true;
    return { status: 'ran', next, createdTaskIds: r.taskIds, queued };
  });
}

/**
 * What a playbook task's status change means for its step, in the task update's transaction: done
 * completes the step, cancelled cancels it (the run goes on, the step shows "cancelled"), reopened
 * makes it issued again (and a run that had finished, running). When the step held the next one
 * back (waitForTask), the next step becomes due; when it was the last open step, the run finishes.
 * Returns the step to schedule after commit, if any.
 */
export async function taskStatusChanged(tx: Queryable, task: { id: string; playbookRunId: string; status: 'open' | 'done' | 'cancelled' }, now: Date, ctx: StepContext = { emailConfigured: true }): Promise<Next | null> {
  // The run first, then its step: the order executeStep locks them in.
  const run = (await tx.query<{ status: string; steps: Step[] }>(
    `SELECT r.status, v.steps FROM playbook_runs r JOIN playbook_versions v ON v.playbook_id = r.playbook_id AND v.version = r.version
      WHERE r.id = $1 FOR UPDATE OF r`, [task.playbookRunId],
  )).rows[0];
  if (!run || run.status === 'cancelled' || run.status === 'failed') return null;
  const step = (await tx.query<{ step_index: number; kind: string; status: string; outcome: string | null }>(
    `SELECT step_index, kind, status, result->>'outcome' AS outcome FROM playbook_run_steps WHERE run_id = $1 AND result->>'taskId' = $2 FOR UPDATE`, [task.playbookRunId, task.id],
  )).rows[0];
  // A step that gave a spoon (ask-steps.ts) follows its task of ours, whatever its kind.
  const spoon = step?.outcome === 'gave_spoon';
  if (step?.kind === 'email' && !spoon) {
    await approvalTaskChanged(tx, task, step, now, ctx);
    return null;
  }
  if (!step || !(TASK_KINDS.has(step.kind) || spoon)) return null;
  if (task.status === 'open') {
    if (step.status !== 'completed' && step.status !== 'cancelled') return null;
    await tx.query(`UPDATE playbook_run_steps SET status = 'issued', finished_at = NULL WHERE run_id = $1 AND step_index = $2`, [task.playbookRunId, step.step_index]);
    await tx.query(`UPDATE playbook_runs SET status = 'running', finished_at = NULL WHERE id = $1 AND status = 'completed'`, [task.playbookRunId]);
    return null;
  }
  if (step.status !== 'issued' && step.status !== (task.status === 'done' ? 'cancelled' : 'completed')) return null;
  await tx.query(
    `UPDATE playbook_run_steps SET status = $3, finished_at = $4 WHERE run_id = $1 AND step_index = $2`,
    [task.playbookRunId, step.step_index, task.status === 'done' ? 'completed' : 'cancelled', now.toISOString()],
  );
  const definition = run.steps[step.step_index];
  const next = definition?.kind === 'task' && definition.waitForTask ? await releaseNext(tx, task.playbookRunId, step.step_index, now) : null;
  await finishIfDone(tx, task.playbookRunId, now);
  return next;
}

/**
 * An e-mail approval task moved (the run and the step are locked). Done: the CSM approved it (the
 * approval, with any edits, was recorded first: see approvals.ts), so the e-mail is queued and the
 * step stays issued until it is sent; done without an approval is refused, so that ticking a task
 * off never sends a customer e-mail nobody read. Cancelled: rejected, the e-mail is never sent and
 * the step is cancelled. Reopened after a rejection: the e-mail waits for a decision again.
 */
async function approvalTaskChanged(tx: Queryable, task: { id: string; playbookRunId: string; status: 'open' | 'done' | 'cancelled' }, step: { step_index: number; status: string }, now: Date, ctx: StepContext): Promise<void> {
  const draft = await draftForTask(tx, task.id, true);
  if (!draft) return;
  const decided = () => new AppError('email_approval.decided', 'This e-mail was already approved; it can be cancelled in the outbox while it is queued.');
  if (task.status === 'done') {
    if (draft.status !== 'draft') return;
    if (!draft.approved_at) throw new AppError('email_approval.required');
    await queueApproved(tx, draft.id, ctx.emailConfigured ? null : NO_SMTP_ERROR);
    return;
  }
  if (task.status === 'cancelled') {
    if (draft.status === 'cancelled') return;
    if (draft.status !== 'draft') throw decided();
    await cancelDraft(tx, draft.id, 'rejected in its approval task');
    if (step.status === 'issued') {
      await tx.query(`UPDATE playbook_run_steps SET status = 'cancelled', finished_at = $3, error = 'The e-mail was rejected; it was not sent.' WHERE run_id = $1 AND step_index = $2`,
        [task.playbookRunId, step.step_index, now.toISOString()]);
      await finishIfDone(tx, task.playbookRunId, now);
    }
    return;
  }
  // Reopened.
  if (draft.status === 'draft') return;
  if (draft.status !== 'cancelled') throw decided();
  await reopenDraft(tx, draft.id);
  await tx.query(`UPDATE playbook_run_steps SET status = 'issued', finished_at = NULL, error = NULL WHERE run_id = $1 AND step_index = $2`, [task.playbookRunId, step.step_index]);
  await tx.query(`UPDATE playbook_runs SET status = 'running', finished_at = NULL WHERE id = $1 AND status = 'completed'`, [task.playbookRunId]);
}

/** Cancels a running run: pending and issued steps are cancelled, and so are the open tasks it created. */
export async function cancelRun(tx: Queryable, runId: string, actor: Actor): Promise<boolean> {
  // The run's open tasks first, then the run: the order a task update locks them in.
  await tx.query(`SELECT id FROM tasks WHERE playbook_run_id = $1 AND status = 'open' ORDER BY id FOR UPDATE`, [runId]);
  const { rowCount } = await tx.query(`UPDATE playbook_runs SET status = 'cancelled', finished_at = now() WHERE id = $1 AND status = 'running'`, [runId]);
  if (rowCount === 0) return false;
  // Its e-mails that have not left never will (held for approval, or queued).
  await cancelRunEmails(tx, runId, actor.type === 'user' ? actor.id : null);
  await tx.query(`UPDATE playbook_run_steps SET status = 'cancelled', finished_at = now() WHERE run_id = $1 AND status IN ('pending', 'issued')`, [runId]);
  await tx.query(`UPDATE tasks SET status = 'cancelled', updated_at = now() WHERE playbook_run_id = $1 AND status = 'open'`, [runId]);
  await recordAuditRaw(tx, actor, [{ action: 'cancel', objectType: 'playbook_run', objectId: runId }]);
  return true;
}
