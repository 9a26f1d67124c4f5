import { createHash } from 'node:crypto';
import type { Database, Queryable } from '../db/connect.js';
import type { Actor } from '../auth/principal.js';
import { recordAuditRaw } from '../audit/record.js';
import { emitEvents } from '../webhooks/emit-many.js';
import { notify, queueEmail } from '../notifications/notify.js';
import { renderTemplate } from '../notifications/template.js';
import { insertTasks, resolveAssignees } from '../tasks/store.js';
import { proposeCalls } from '../tasks/signals.js';
import type { Run, Step } from './schema.js';
import { stableUuid } from './steps.js';

/** A step's display title: its own, or one made from what it does (so it follows edits of the subject). */
const STEP_TITLE_SQL = `coalesce(s.step->>'title', CASE s.step->>'kind'
  WHEN 'email' THEN 'E-mail the ' || replace(s.step->>'to', '_', ' ') || ': ' || (s.step->>'subject')
  WHEN 'wait' THEN 'Wait ' || (s.step->>'days') || CASE WHEN (s.step->>'days')::numeric = 1 THEN ' day' ELSE ' days' END
  WHEN 'webhook' THEN 'Call a webhook' ELSE s.step->>'kind' END)`;

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
  await recordAuditRaw(tx, actor, rows.map((r) => ({ action: 'start', objectType: 'playbook_run', objectId: r.id, changes: { playbookId: r.playbook_id, accountId: r.account_id } })));
  await emitEvents(tx, rows.map((r) => ({ type: 'playbook.started' as const, accountId: r.account_id, id: r.id, data: { runId: r.id, playbookId: r.playbook_id, playbook: r.name } })));
  return rows.map((r) => ({ runId: r.id, accountId: r.account_id, playbookId: r.playbook_id }));
}

type RunRow = { id: string; account_id: string; playbook_id: string; version: number; status: string; name: string; steps: Step[]; owner_id: string | null };

const DAY = 86_400_000;

/** Values templates may use ({{account.name}}, {{contact.firstName}}, …). */
async function templateVars(tx: Queryable, accountId: string, contact: { name: string | null; email: string } | null) {
  const { rows } = await tx.query<{ name: string; arr: string | number; renewal_date: string | null; stage: string; segment: string | null; score: number | null; band: string | null; owner_name: string | null; owner_email: string | null }>(
    `SELECT a.name, a.arr, a.renewal_date::text AS renewal_date, a.stage, a.segment, h.score, h.band, u.name AS owner_name, u.email AS owner_email
       FROM accounts a LEFT JOIN account_health h ON h.account_id = a.id LEFT JOIN users u ON u.id = a.owner_id WHERE a.id = $1`,
    [accountId],
  );
  const a = rows[0];
  return {
    account: { name: a?.name ?? '', arr: Number(a?.arr ?? 0), renewalDate: a?.renewal_date ?? '', stage: a?.stage ?? '', segment: a?.segment ?? '', healthScore: a?.score ?? '', healthBand: a?.band ?? '' },
    contact: { name: contact?.name ?? '', firstName: (contact?.name ?? '').split(/\s+/)[0] ?? '', email: contact?.email ?? '' },
    owner: { name: a?.owner_name ?? '', email: a?.owner_email ?? '' },
  };
}

/** Performs one step's effect inside the transaction; returns the step's result and its status. */
async function perform(tx: Queryable, run: RunRow, index: number, s: Step, now: Date): Promise<{ status: 'done' | 'skipped' | 'failed'; result: Record<string, unknown>; error?: string; taskIds: string[]; waitDays: number }> {
  const key = `playbook:${run.id}:${index}`;
  const reason = `Playbook "${run.name}", step ${index + 1}`;
  switch (s.kind) {
    case 'task':
    case 'checkin':
    case 'survey': {
      const role = s.kind === 'task' ? s.assignee : 'owner';
      const who = (await resolveAssignees(tx, [run.account_id], role)).get(run.account_id);
      const [t] = await insertTasks(tx, [{
        accountId: run.account_id,
        title: s.kind === 'task' ? s.title : `${s.kind === 'checkin' ? 'Check-in' : 'Survey'}: ${s.title}`,
        reason: [reason, s.kind === 'task' ? s.description : s.note, who?.note].filter(Boolean).join('. '),
        priority: s.kind === 'task' ? s.priority ?? 2 : 2,
        dueAt: new Date(now.getTime() + (s.kind === 'task' ? s.dueOffsetDays : 3) * DAY),
        assigneeUserId: who?.userId ?? null, assigneeContactId: who?.contactId ?? null,
        customerEffort: s.kind === 'task' ? s.customerEffort ?? null : null,
        source: 'playbook', playbookRunId: run.id, dedupeKey: key,
      }]);
      return { status: 'done', result: { taskId: t?.id }, taskIds: t?.created ? [t.id] : [], waitDays: 0 };
    }
    case 'email': {
      const { rows } = await tx.query<{ id: string; name: string | null; email: string }>(
        `SELECT id, name, email FROM contacts WHERE account_id = $1 AND role = $2 AND email IS NOT NULL
          ORDER BY last_seen_at DESC NULLS LAST, created_at LIMIT 1`, [run.account_id, s.to],
      );
      const contact = rows[0];
      if (!contact) return { status: 'skipped', result: { reason: `no contact with the ${s.to.replace('_', ' ')} role and an e-mail address` }, taskIds: [], waitDays: 0 };
      // Common sense over automation: if the account needs a person, a call replaces the e-mail.
      const calls = await proposeCalls(tx, [run.account_id], now);
      const call = calls.get(run.account_id);
      if (call) return { status: 'skipped', result: { replacedBy: 'call', taskId: call.taskId, reasons: call.reasons }, taskIds: call.created ? [call.taskId] : [], waitDays: 0 };
      const vars = await templateVars(tx, run.account_id, contact);
      await queueEmail(tx, { to: contact.email, subject: renderTemplate(s.subject, vars), body: renderTemplate(s.body, vars), accountId: run.account_id, dedupeKey: key });
      return { status: 'done', result: { to: contact.email, contactId: contact.id }, taskIds: [], waitDays: 0 };
    }
    case 'wait':
      return { status: 'done', result: { days: s.days }, taskIds: [], waitDays: s.days };
    case 'webhook': {
      const eventId = stableUuid(createHash('sha256').update(key).digest('hex'));
      const payload = { id: eventId, type: 'playbook.step', occurredAt: now.toISOString(), accountId: run.account_id, data: { runId: run.id, playbookId: run.playbook_id, playbook: run.name, step: index } };
      const { rowCount } = await tx.query(
        `INSERT INTO webhook_deliveries (webhook_id, event_id, event_type, payload)
         SELECT id, $2::uuid, 'playbook.step', $3::jsonb FROM webhooks WHERE id = $1 AND enabled
         ON CONFLICT (webhook_id, event_id) DO NOTHING`, [s.webhookId, eventId, JSON.stringify(payload)],
      );
      const { rows } = await tx.query('SELECT 1 FROM webhook_deliveries WHERE webhook_id = $1 AND event_id = $2', [s.webhookId, eventId]);
      if (rowCount === 0 && rows.length === 0) return { status: 'failed', result: {}, error: 'the webhook was deleted or disabled', taskIds: [], waitDays: 0 };
      return { status: 'done', result: { webhookId: s.webhookId, eventId }, taskIds: [], waitDays: 0 };
    }
  }
}

/**
 * Runs one step if it is due and still pending, and makes the next one due — all in one
 * transaction, so a worker that dies mid-step leaves the step pending (it runs again, once) and a
 * redelivered job finds it done (a no-op). `faults` lets tests kill the step after its effect.
 */
export async function executeStep(
  database: Database, runId: string, index: number,
  opts: { now?: Date; afterCreate?: (tx: Queryable, taskIds: string[]) => Promise<void>; faults?: { afterEffect?: () => void } } = {},
): Promise<StepOutcome> {
  const now = opts.now ?? new Date();
  return database.transaction(async (tx) => {
    // The run and this step, both locked (run first), in one round trip.
    const run = (await tx.query<RunRow & { step_status: string; step_run_at: Date | null }>(
      `SELECT r.id, r.account_id, r.playbook_id, r.version, r.status, p.name, v.steps, a.owner_id, s.status AS step_status, s.run_at AS step_run_at
         FROM playbook_runs r JOIN playbooks p ON p.id = r.playbook_id
         JOIN playbook_versions v ON v.playbook_id = r.playbook_id AND v.version = r.version
         JOIN accounts a ON a.id = r.account_id
         JOIN playbook_run_steps s ON s.run_id = r.id AND s.step_index = $2
        WHERE r.id = $1 FOR UPDATE OF r, s`, [runId, index],
    )).rows[0];
    const definition = run?.steps[index];
    if (!run || !definition || run.status !== 'running' || run.step_status !== 'pending') return { status: 'noop', next: null, createdTaskIds: [], queued: false };
    if (!run.step_run_at || new Date(run.step_run_at) > now) {
      return { status: 'not_due', next: run.step_run_at ? { runId, index, runAt: new Date(run.step_run_at) } : null, createdTaskIds: [], queued: false };
    }
    const r = await perform(tx, run, index, definition, now);
    if (opts.afterCreate && r.taskIds.length) await opts.afterCreate(tx, r.taskIds);
    opts.faults?.afterEffect?.();
    // This step's outcome and, unless it was the last, the next step's due time: one statement.
    const runAt = index + 1 < run.steps.length ? new Date(now.getTime() + r.waitDays * DAY) : null;
    await tx.query(
      `UPDATE playbook_run_steps
          SET status = CASE WHEN step_index = $2 THEN $3::text ELSE status END,
              finished_at = CASE WHEN step_index = $2 THEN $4::timestamptz ELSE finished_at END,
              result = CASE WHEN step_index = $2 THEN $5::jsonb ELSE result END,
              error = CASE WHEN step_index = $2 THEN $6::text ELSE error END,
              attempts = CASE WHEN step_index = $2 THEN attempts + 1 ELSE attempts END,
              run_at = CASE WHEN step_index = $2 + 1 THEN $7::timestamptz ELSE run_at END
        WHERE run_id = $1 AND (step_index = $2 OR (step_index = $2 + 1 AND $7::timestamptz IS NOT NULL))`,
      [runId, index, r.status, now.toISOString(), JSON.stringify(r.result), r.error ?? null, runAt?.toISOString() ?? null],
    );
    const queued = r.taskIds.length > 0 || definition.kind === 'email' || definition.kind === 'webhook';
    if (runAt) return { status: 'ran', next: { runId, index: index + 1, runAt }, createdTaskIds: r.taskIds, queued };
    await tx.query(`UPDATE playbook_runs SET status = 'completed', finished_at = $2 WHERE id = $1`, [runId, now.toISOString()]);
    await emitEvents(tx, [{ type: 'playbook.finished', accountId: run.account_id, id: stableUuid(createHash('sha256').update(`finished:${runId}`).digest('hex')), data: { runId, playbookId: run.playbook_id, playbook: run.name, status: 'completed' } }]);
    if (run.owner_id) {
      await notify(tx, { userIds: [run.owner_id], kind: 'playbook.finished', title: `Playbook "${run.name}" finished`, accountId: run.account_id, link: `/accounts/${run.account_id}`, dedupeKey: `playbook:${runId}:finished` });
    }
    return { status: 'ran', next: null, createdTaskIds: r.taskIds, queued: true };
  });
}

/** Cancels a running run: pending steps are cancelled, and so are the open tasks it created. */
export async function cancelRun(tx: Queryable, runId: string, actor: Actor): Promise<boolean> {
  const { rowCount } = await tx.query(`UPDATE playbook_runs SET status = 'cancelled', finished_at = now() WHERE id = $1 AND status = 'running'`, [runId]);
  if (rowCount === 0) return false;
  await tx.query(`UPDATE playbook_run_steps SET status = 'cancelled', finished_at = now() WHERE run_id = $1 AND status = 'pending'`, [runId]);
  await tx.query(`UPDATE tasks SET status = 'cancelled', updated_at = now() WHERE playbook_run_id = $1 AND status = 'open'`, [runId]);
  await recordAuditRaw(tx, actor, [{ action: 'cancel', objectType: 'playbook_run', objectId: runId }]);
  return true;
}

/** Steps that are due and pending on running runs (the sweeper re-sends their jobs). */
export async function dueSteps(q: Queryable, now: Date, limit = 500): Promise<{ runId: string; index: number }[]> {
  const { rows } = await q.query<{ run_id: string; step_index: number }>(
    `SELECT s.run_id, s.step_index FROM playbook_run_steps s JOIN playbook_runs r ON r.id = s.run_id AND r.status = 'running'
      WHERE s.status = 'pending' AND s.run_at <= $1 ORDER BY s.run_at LIMIT $2`, [now.toISOString(), limit],
  );
  return rows.map((r) => ({ runId: r.run_id, index: r.step_index }));
}

/** Runs with their steps, newest first. */
export async function loadRuns(q: Queryable, where: { accountId?: string; runId?: string; playbookId?: string }, limit = 100): Promise<Run[]> {
  const values: unknown[] = [];
  const cond: string[] = [];
  if (where.accountId) cond.push(`r.account_id = $${values.push(where.accountId)}`);
  if (where.runId) cond.push(`r.id = $${values.push(where.runId)}`);
  if (where.playbookId) cond.push(`r.playbook_id = $${values.push(where.playbookId)}`);
  const { rows } = await q.query<{ id: string; playbook_id: string; name: string; version: number; account_id: string; account_name: string; status: Run['status']; started_by: string | null; rule_firing_id: string | null; started_at: Date; finished_at: Date | null; steps: { index: number; kind: string; title: string; status: Run['steps'][number]['status']; run_at: string | null; finished_at: string | null; result: Record<string, unknown> | null; error: string | null }[] }>(
    `SELECT r.id, r.playbook_id, p.name, r.version, r.account_id, a.name AS account_name, r.status, r.started_by, r.rule_firing_id, r.started_at, r.finished_at,
            (SELECT jsonb_agg(jsonb_build_object('index', s.step_index, 'kind', s.kind, 'title', s.title, 'status', s.status,
                     'run_at', s.run_at, 'finished_at', s.finished_at, 'result', s.result, 'error', s.error) ORDER BY s.step_index)
               FROM playbook_run_steps s WHERE s.run_id = r.id) AS steps
       FROM playbook_runs r JOIN playbooks p ON p.id = r.playbook_id JOIN accounts a ON a.id = r.account_id
      ${cond.length ? `WHERE ${cond.join(' AND ')}` : ''} ORDER BY r.started_at DESC, r.id LIMIT ${Number(limit)}`,
    values,
  );
  const iso = (v: string | Date | null) => (v ? new Date(v).toISOString() : null);
  return rows.map((r) => {
    const steps = (r.steps ?? []).map((s) => ({ index: s.index, kind: s.kind, title: s.title, status: s.status, runAt: iso(s.run_at), finishedAt: iso(s.finished_at), result: s.result, error: s.error }));
    return {
      id: r.id, playbookId: r.playbook_id, playbookName: r.name, version: r.version, accountId: r.account_id, accountName: r.account_name, status: r.status,
      startedBy: r.started_by, ruleFiringId: r.rule_firing_id, startedAt: iso(r.started_at) ?? '', finishedAt: iso(r.finished_at),
      progress: { done: steps.filter((s) => s.status !== 'pending').length, total: steps.length }, steps,
    };
  });
}
