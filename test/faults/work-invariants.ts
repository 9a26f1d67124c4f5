import { createHash } from 'node:crypto';
import { stableUuid } from '../../src/playbooks/steps.js';
import { header, type Mail, type Received } from '../work/outbound-support.js';
import { query } from './pg.js';
import type { Report } from './report.js';

/**
 * The work engine's promises after faults, checked in the database and at the receivers:
 * - every started run progressed (at least one step finished) and none has a step left unstarted
 *   (runs stay running while their tasks are open);
 * - a finished step has its effect exactly once (task / outbound e-mail / webhook delivery keyed
 *   `playbook:<run>:<step>`, the keys runs.ts uses), and a step still pending has none (its
 *   effect and its "issued"/"completed" commit together);
 * - no task twice per (run, step), no e-mail row twice per dedupe key, no delivery twice per
 *   (event, webhook);
 * - what the receivers got: no webhook delivery id and no e-mail Message-ID received more often
 *   than it was attempted (a resend after a killed worker's claim lapsed is at-least-once, as
 *   documented; two sends within one claim are not), and every row marked sent/succeeded was in
 *   fact received.
 */

type StepRow = { run_id: string; step_index: number; kind: string; status: string };
/** A step whose effect happened: issued (its task is open) or completed (migration 0007's states). */
const performed = (status: string) => status === 'issued' || status === 'completed';

export async function checkWork(report: Report, url: string, opts: { webhookId: string; received: Received[]; mails: Mail[] }) {
  const v = report.violations;
  const runs = await query<{ id: string; status: string; finished: number; pending: number }>(url, `SELECT r.id, r.status,
      (SELECT count(*)::int FROM playbook_run_steps s WHERE s.run_id = r.id AND s.status <> 'pending') AS finished,
      (SELECT count(*)::int FROM playbook_run_steps s WHERE s.run_id = r.id AND s.status = 'pending') AS pending FROM playbook_runs r`);
  const stuck = runs.filter((r) => r.finished === 0);
  // A run stays running while its tasks are open (their steps are issued); after the drain none may have a step not yet started.
  const running = runs.filter((r) => r.status === 'running' && r.pending > 0);
  report.figures['runs in the database'] = runs.length;
  report.figures['runs completed'] = runs.filter((r) => r.status === 'completed').length;
  if (runs.length === 0) v.push('no playbook run was started: the scenario measured nothing');
  if (stuck.length) v.push(`${stuck.length} runs never progressed (no step finished), e.g. ${stuck[0]?.id}`);
  if (running.length) v.push(`${running.length} runs still have steps not started after the drain, e.g. ${running[0]?.id}`);

  const steps = await query<StepRow>(url, 'SELECT run_id, step_index, kind, status FROM playbook_run_steps');
  const tasks = countBy(await query<{ k: string }>(url, `SELECT dedupe_key AS k FROM tasks WHERE source = 'playbook'`));
  const mails = countBy(await query<{ k: string }>(url, `SELECT dedupe_key AS k FROM outbound_messages WHERE dedupe_key LIKE 'playbook:%'`));
  const deliveries = countBy(await query<{ k: string }>(url, 'SELECT event_id::text AS k FROM webhook_deliveries WHERE webhook_id = $1', [opts.webhookId]));
  const perRunStepTasks = await query<{ n: number }>(url, `SELECT count(*)::int AS n FROM (SELECT playbook_run_id, title FROM tasks WHERE source = 'playbook'
      GROUP BY 1, 2 HAVING count(*) > 1) d`);

  let missingEffect = 0;
  let effectWithoutDone = 0;
  let twice = 0;
  const examples: string[] = [];
  for (const s of steps) {
    const key = `playbook:${s.run_id}:${s.step_index}`;
    const found = s.kind === 'task' ? tasks.get(key) ?? 0
      : s.kind === 'email' ? mails.get(key) ?? 0
      : s.kind === 'webhook' ? deliveries.get(stableUuid(createHash('sha256').update(key).digest('hex'))) ?? 0
      : null;
    if (found === null) continue; // wait steps have no effect
    if (found > 1) twice++;
    // An e-mail step may be skipped (no contact, or a call advised instead): then no e-mail is right.
    if (performed(s.status) && found === 0) {
      missingEffect++;
      if (examples.length < 3) examples.push(`${key} (${s.kind}) done without its effect`);
    }
    if (s.status === 'pending' && found > 0) {
      effectWithoutDone++;
      if (examples.length < 3) examples.push(`${key} (${s.kind}) pending but its effect exists`);
    }
  }
  const doneBy = (kind: string) => steps.filter((s) => s.kind === kind && performed(s.status)).length;
  Object.assign(report.figures, {
    'task steps done / tasks': `${doneBy('task')} / ${[...tasks.values()].reduce((a, b) => a + b, 0)}`,
    'email steps done / skipped': `${doneBy('email')} / ${steps.filter((s) => s.kind === 'email' && s.status === 'skipped').length}`,
    'webhook steps done': doneBy('webhook'),
    'duplicate task per (run, step)': perRunStepTasks[0]?.n ?? 0,
    'step effects twice': twice,
  });
  if ((perRunStepTasks[0]?.n ?? 0) > 0) v.push(`${perRunStepTasks[0]?.n} (run, step) pairs have more than one task`);
  if (twice) v.push(`${twice} steps have their effect more than once`);
  if (missingEffect) v.push(`${missingEffect} steps are done without their effect: ${examples.join('; ')}`);
  if (effectWithoutDone) v.push(`${effectWithoutDone} steps are pending although their effect exists: ${examples.join('; ')}`);

  await checkReceived(report, url, opts);
}

/** Duplicates as the outside world sees them, and rows that claim a send that never arrived. */
async function checkReceived(report: Report, url: string, opts: { webhookId: string; received: Received[]; mails: Mail[] }) {
  const v = report.violations;
  const hookIds = countBy(opts.received.map((r) => ({ k: String(r.headers['canopy-delivery'] ?? '') })));
  const mailIds = countBy(opts.mails.map((m) => ({ k: /<([0-9a-f-]{36})@/.exec(header(m.raw, 'message-id') ?? '')?.[1] ?? '' })));
  const hookDupes = [...hookIds].filter(([, n]) => n > 1);
  const mailDupes = [...mailIds].filter(([, n]) => n > 1);
  const succeeded = await query<{ id: string }>(url, `SELECT id FROM webhook_deliveries WHERE webhook_id = $1 AND status = 'succeeded'`, [opts.webhookId]);
  const sent = await query<{ id: string }>(url, `SELECT id FROM outbound_messages WHERE channel = 'email' AND status = 'sent'`);
  const [open] = await query<{ hooks: number; msgs: number; dead: number }>(url, `SELECT
      (SELECT count(*)::int FROM webhook_deliveries WHERE status = 'pending') AS hooks,
      (SELECT count(*)::int FROM outbound_messages WHERE status IN ('pending', 'sending')) AS msgs,
      (SELECT count(*)::int FROM webhook_deliveries WHERE status = 'dead') + (SELECT count(*)::int FROM outbound_messages WHERE status = 'dead') AS dead`);
  const lostHooks = succeeded.filter((d) => !hookIds.has(d.id));
  const lostMails = sent.filter((m) => !mailIds.has(m.id));
  Object.assign(report.figures, {
    'webhook requests received': opts.received.length,
    'deliveries succeeded': succeeded.length,
    'delivery received twice': hookDupes.length,
    'e-mails received': opts.mails.length,
    'e-mail rows sent': sent.length,
    'e-mail received twice': mailDupes.length,
    'outbox rows still open / dead': `${(open?.hooks ?? 0) + (open?.msgs ?? 0)} / ${open?.dead ?? 0}`,
  });
  // At least once, as documented: a worker killed after sending and before recording leaves the row
  // to be sent again when its claim lapses (about a minute, so within this run). Each receipt must
  // then be a separate attempt: more receipts than attempts would be two sends of one claim.
  const attemptsOf = async (table: 'webhook_deliveries' | 'outbound_messages', ids: string[]) =>
    new Map((await query<{ id: string; attempts: number }>(url, `SELECT id::text, attempts FROM ${table} WHERE id::text = ANY ($1::text[])`, [ids])).map((r) => [r.id, r.attempts]));
  const hookAttempts = await attemptsOf('webhook_deliveries', hookDupes.map(([id]) => id));
  const mailAttempts = await attemptsOf('outbound_messages', mailDupes.map(([id]) => id));
  const hookTwiceInOneAttempt = hookDupes.filter(([id, n]) => n > (hookAttempts.get(id) ?? 0));
  const mailTwiceInOneAttempt = mailDupes.filter(([id, n]) => n > (mailAttempts.get(id) ?? 0));
  report.figures['received twice, each time a new attempt (at least once after a kill)'] = `${hookDupes.length - hookTwiceInOneAttempt.length} webhooks / ${mailDupes.length - mailTwiceInOneAttempt.length} e-mails`;
  if (hookTwiceInOneAttempt.length) v.push(`${hookTwiceInOneAttempt.length} webhook deliveries were received more often than attempted, e.g. ${hookTwiceInOneAttempt[0]?.[0]}×${hookTwiceInOneAttempt[0]?.[1]}`);
  if (mailTwiceInOneAttempt.length) v.push(`${mailTwiceInOneAttempt.length} e-mails were received more often than attempted, e.g. ${mailTwiceInOneAttempt[0]?.[0]}×${mailTwiceInOneAttempt[0]?.[1]}`);
  if (lostHooks.length) v.push(`${lostHooks.length} deliveries are marked succeeded but never arrived, e.g. ${lostHooks[0]?.id}`);
  if (lostMails.length) v.push(`${lostMails.length} e-mails are marked sent but never arrived, e.g. ${lostMails[0]?.id}`);
  if (open?.dead) v.push(`${open.dead} outbox rows are dead although the receivers always answered`);
  if ((open?.hooks ?? 0) + (open?.msgs ?? 0) > 0) {
    // A worker killed between sending and recording leaves its claimed rows open until the claim lapses.
    const openHooks = await query<{ id: string }>(url, `SELECT id FROM webhook_deliveries WHERE webhook_id = $1 AND status = 'pending'`, [opts.webhookId]);
    const openMails = await query<{ id: string }>(url, `SELECT id FROM outbound_messages WHERE status IN ('pending', 'sending')`);
    const alreadyThere = openHooks.filter((d) => hookIds.has(d.id)).length + openMails.filter((m) => mailIds.has(m.id)).length;
    report.notes.push(`${openHooks.length + openMails.length} outbox rows are still claimed by a killed worker (retried when the claim lapses, about a minute, after this run); ${alreadyThere} of them had already arrived, so the receiver will see them twice (at-least-once, as documented)`);
  }
}

function countBy(rows: { k: string }[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of rows) m.set(r.k, (m.get(r.k) ?? 0) + 1);
  return m;
}
