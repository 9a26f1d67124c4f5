import type { Queryable } from '../db/connect.js';
import { apiStatus } from '../notifications/outbox-schema.js';
import { renderRows } from '../notifications/template.js';
import { redactPublicLinks } from '../public/token.js';
import { FINISHED_STEP_STATUSES } from './runs.js';
import type { Run, RunStep } from './schema.js';

// Reads of playbook runs: what the API shows, and what the sweeper picks up. The state changes are in runs.ts.

/** Steps that are due on running runs: pending ones, and waits whose time has passed (the sweeper re-sends their jobs). */
export async function dueSteps(q: Queryable, now: Date, limit = 500): Promise<{ runId: string; index: number }[]> {
  const { rows } = await q.query<{ run_id: string; step_index: number }>(
    `SELECT s.run_id, s.step_index FROM playbook_run_steps s JOIN playbook_runs r ON r.id = s.run_id AND r.status = 'running'
      WHERE (s.status = 'pending' OR (s.status = 'issued' AND s.kind = 'wait')) AND s.run_at <= $1 ORDER BY s.run_at LIMIT $2`, [now.toISOString(), limit],
  );
  return rows.map((r) => ({ runId: r.run_id, index: r.step_index }));
}

/** Issued e-mail steps whose message has an outcome the step does not show yet (a lost follow-up): for the sweep. */
export async function unfollowedEmails(q: Queryable, limit = 500): Promise<{ outboundId: string; runId: string }[]> {
  const { rows } = await q.query<{ outbound_id: string; run_id: string }>(
    `SELECT m.id AS outbound_id, s.run_id FROM playbook_run_steps s JOIN playbook_runs r ON r.id = s.run_id AND r.status IN ('running', 'completed')
       JOIN outbound_messages m ON m.id::text = s.result->>'outboundId'
      WHERE s.kind = 'email' AND ((s.status = 'issued' AND m.status IN ('sent', 'dead', 'cancelled')) OR (s.status = 'failed' AND m.status IN ('pending', 'sending', 'sent')))
      LIMIT $1`, [limit],
  );
  return rows.map((r) => ({ outboundId: r.outbound_id, runId: r.run_id }));
}

/** Runs with their steps, newest first. A task step carries its task's status (an issued step waits for it). */
export async function loadRuns(q: Queryable, where: { accountId?: string; runId?: string; playbookId?: string }, limit = 100): Promise<Run[]> {
  const values: unknown[] = [];
  const cond: string[] = [];
  if (where.accountId) cond.push(`r.account_id = $${values.push(where.accountId)}`);
  if (where.runId) cond.push(`r.id = $${values.push(where.runId)}`);
  if (where.playbookId) cond.push(`r.playbook_id = $${values.push(where.playbookId)}`);
  type StepRow = { index: number; kind: string; title: string; status: RunStep['status']; run_at: string | null; issued_at: string | null; finished_at: string | null; result: Record<string, unknown> | null; error: string | null; task: { id: string; status: 'open' | 'done' | 'cancelled'; title: string } | null;
    email: { id: string; status: string; to: string; subject: string; lastError: string | null; messageId: string | null; sentAt: string | null } | null };
  const { rows } = await q.query<{ id: string; playbook_id: string; name: string; version: number; account_id: string; account_name: string; status: Run['status']; started_by: string | null; rule_firing_id: string | null; started_at: Date; finished_at: Date | null; steps: StepRow[] | null }>(
    `SELECT r.id, r.playbook_id, p.name, r.version, r.account_id, a.name AS account_name, r.status, r.started_by, r.rule_firing_id, r.started_at, r.finished_at,
            (SELECT jsonb_agg(jsonb_build_object('index', s.step_index, 'kind', s.kind, 'title', s.title, 'status', s.status,
                     'run_at', s.run_at, 'issued_at', s.issued_at, 'finished_at', s.finished_at, 'result', s.result, 'error', s.error,
                     'task', CASE WHEN t.id IS NOT NULL THEN jsonb_build_object('id', t.id, 'status', t.status, 'title', t.title) END,
                     'email', CASE WHEN m.id IS NOT NULL THEN jsonb_build_object('id', m.id, 'status', m.status, 'to', m.recipient, 'subject', m.subject,
                                'lastError', coalesce(m.last_error, m.cancel_reason), 'messageId', m.message_id, 'sentAt', m.sent_at) END) ORDER BY s.step_index)
               FROM playbook_run_steps s LEFT JOIN tasks t ON s.kind IN ('task', 'checkin', 'survey', 'email') AND t.id::text = s.result->>'taskId'
               LEFT JOIN outbound_messages m ON s.kind IN ('email', 'survey', 'checkin') AND m.id::text = s.result->>'outboundId'
              WHERE s.run_id = r.id) AS steps
       FROM playbook_runs r JOIN playbooks p ON p.id = r.playbook_id JOIN accounts a ON a.id = r.account_id
      ${cond.length ? `WHERE ${cond.join(' AND ')}` : ''} ORDER BY r.started_at DESC, r.id LIMIT ${Number(limit)}`,
    values,
  );
  // Titles stored before templates were rendered at start are rendered for display.
  const all = rows.flatMap((r) => (r.steps ?? []).map((s) => ({ s, accountId: r.account_id })));
  await renderRows(q, all, (x) => x.accountId, (x) => [x.s.title], (x, [title]) => { x.s.title = title ?? x.s.title; });
  const iso = (v: string | Date | null) => (v ? new Date(v).toISOString() : null);
  const finished = new Set<string>(FINISHED_STEP_STATUSES);
  return rows.map((r) => {
    const steps: RunStep[] = (r.steps ?? []).map((s) => ({
      index: s.index, kind: s.kind, title: s.title, status: s.status, runAt: iso(s.run_at), issuedAt: iso(s.issued_at), finishedAt: iso(s.finished_at),
      result: s.result, error: s.error, task: s.task,
      // A queued e-mail's subject could hold a personal link: never shown.
      email: s.email ? { ...s.email, subject: redactPublicLinks(s.email.subject), status: apiStatus(s.email.status), sentAt: iso(s.email.sentAt) } : null,
    }));
    const count = (status: RunStep['status']) => steps.filter((s) => s.status === status).length;
    return {
      id: r.id, playbookId: r.playbook_id, playbookName: r.name, version: r.version, accountId: r.account_id, accountName: r.account_name, status: r.status,
      startedBy: r.started_by, ruleFiringId: r.rule_firing_id, startedAt: iso(r.started_at) ?? '', finishedAt: iso(r.finished_at),
      progress: { done: steps.filter((s) => finished.has(s.status)).length, completed: count('completed'), issued: count('issued'), cancelled: count('cancelled'), total: steps.length },
      steps,
    };
  });
}
