import { createHash } from 'node:crypto';
import type { Queryable } from '../db/connect.js';
import { NO_SMTP_ERROR } from '../notifications/messages.js';
import { insertCustomerEmail, linkApprovalTask } from '../notifications/customer-mail.js';
import { loadAccountTemplateVars, loadTemplateVars, renderTemplate, renderText } from '../notifications/template.js';
import { insertTasks, resolveAssignees } from '../tasks/store.js';
import { proposeCalls } from '../tasks/signals.js';
import type { EmailStep, Step } from './schema.js';
import { stableUuid } from './steps.js';
import { applyTemplateToAccount } from '../plans/templates.js';
import { askGate, markEmailCost, performCheckin, performSurvey, type AskContext } from './ask-steps.js';
import { DAY, emailContact, runActor, type Performed, type RunRow, type StepContext } from './step-types.js';

export { DAY, emailContact, runActor, type Performed, type RunRow, type StepContext } from './step-types.js';

/** An e-mail step's subject and body for an account and its contact: what is sent, and what a preview shows. */
export async function renderEmail(q: Queryable, accountId: string, contactId: string | null, s: Pick<EmailStep, 'subject' | 'body'>): Promise<{ subject: string; body: string }> {
  const vars = await loadTemplateVars(q, { accountId, contactId });
  return { subject: renderTemplate(s.subject, vars), body: renderTemplate(s.body, vars) };
}

/** Performs one step's effect inside the transaction; returns the step's result and its status. */
export async function perform(tx: Queryable, run: RunRow, index: number, s: Step, now: Date, ctx: StepContext): Promise<Performed> {
  const key = `playbook:${run.id}:${index}`;
  const reason = `Playbook "${run.name}", step ${index + 1}`;
  const ask: AskContext = { tx, run, index, key, reason, now, actor: runActor(run), emailConfigured: ctx.emailConfigured };
  switch (s.kind) {
    case 'checkin':
      return performCheckin(ask, s);
    case 'survey':
      return performSurvey(ask, s);
    case 'task': {
      const who = (await resolveAssignees(tx, [run.account_id], s.assignee)).get(run.account_id);
      // Titles and descriptions are templates: rendered for this account (and its assignee contact).
      const vars = { ...(await loadAccountTemplateVars(tx, [run.account_id])).get(run.account_id) };
      if (who?.contactId) Object.assign(vars, await loadTemplateVars(tx, { accountId: run.account_id, contactId: who.contactId }));
      const title = renderText(s.title, vars);
      const dueAt = new Date(now.getTime() + s.dueOffsetDays * DAY);
      // A contact's task with an effort asks the customer: within capacity, else it waits or gives a spoon.
      if (who?.contactId && s.customerEffort) {
        const over = await askGate(ask, { contactId: who.contactId, cost: s.customerEffort, kind: 'task', label: title }, s.onOverload, {
          title, kind: s.taskKind ?? 'todo', priority: s.priority ?? 2, dueAt, contactId: who.contactId, cost: s.customerEffort,
        });
        if (over) return { ...over, holdNext: over.status === 'issued' && s.waitForTask === true };
      }
      const [t] = await insertTasks(tx, [{
        accountId: run.account_id, title,
        reason: [reason, s.description ? renderText(s.description, vars) : undefined, who?.note].filter(Boolean).join('. '),
        kind: s.taskKind ?? 'todo', priority: s.priority ?? 2, dueAt,
        assigneeUserId: who?.userId ?? null, assigneeContactId: who?.contactId ?? null, customerEffort: s.customerEffort ?? null,
        source: 'playbook', playbookRunId: run.id, dedupeKey: key,
      }]);
      return { status: 'issued', result: { taskId: t?.id }, taskIds: t?.created ? [t.id] : [], holdNext: s.waitForTask === true };
    }
    case 'email': {
      const contact = await emailContact(tx, run.account_id, s.to);
      if (!contact) return { status: 'skipped', result: { reason: `no contact with the ${s.to.replace('_', ' ')} role and an e-mail address` }, taskIds: [], holdNext: false };
      // Common sense over automation: if the account needs a person, a call replaces the e-mail.
      const calls = await proposeCalls(tx, [run.account_id], now);
      const call = calls.get(run.account_id);
      if (call) return { status: 'skipped', result: { replacedBy: 'call', taskId: call.taskId, reasons: call.reasons }, taskIds: call.created ? [call.taskId] : [], holdNext: false };
      const mail = await renderEmail(tx, run.account_id, contact.id, s);
      // An e-mail that asks the customer to act costs spoons: within capacity, else it waits or gives a spoon.
      if (s.spoonCost) {
        const over = await askGate(ask, { contactId: contact.id, cost: s.spoonCost, kind: 'email', label: `E-mail: ${mail.subject}` }, s.onOverload, {
          title: `Do for ${contact.name ?? contact.email} what this e-mail would ask: ${mail.subject}`.slice(0, 300), kind: 'todo', priority: 2,
          dueAt: new Date(now.getTime() + 3 * DAY), contactId: contact.id, cost: s.spoonCost,
        });
        if (over) return over;
      }
      // The step is issued with its e-mail in the outbox (or held for approval) and completes when it is sent.
      const m = await insertCustomerEmail(tx, {
        to: contact.email, ...mail, accountId: run.account_id, contactId: contact.id, playbookRunId: run.id, stepIndex: index,
        dedupeKey: key, draft: s.approval === true, lastError: ctx.emailConfigured ? null : NO_SMTP_ERROR,
      });
      if (s.spoonCost) await markEmailCost(tx, m.id, s.spoonCost);
      const result = { to: contact.email, contactId: contact.id, outboundId: m.id, ...(s.spoonCost ? { spoonCost: s.spoonCost } : {}) };
      if (!s.approval) return { status: 'issued', result, taskIds: [], holdNext: false };
      // Held for a person: an approval task in the owner's inbox holds the rendered e-mail.
      const who = (await resolveAssignees(tx, [run.account_id], 'owner')).get(run.account_id);
      const recipient = contact.name ? `${contact.name} <${contact.email}>` : contact.email;
      const [t] = await insertTasks(tx, [{
        accountId: run.account_id,
        title: `Approve e-mail to ${contact.name ?? contact.email}: ${mail.subject}`.slice(0, 300),
        reason: `${reason}: this e-mail to ${recipient} is sent only after you approve it. Read it, edit it if needed, then approve or reject it.`,
        kind: 'email', priority: 3, dueAt: new Date(now.getTime() + DAY),
        assigneeUserId: who?.userId ?? null, source: 'playbook', playbookRunId: run.id, dedupeKey: key,
      }]);
      if (!t) throw new Error('approval task insert returned nothing');
      await linkApprovalTask(tx, m.id, t.id);
      return { status: 'issued', result: { ...result, taskId: t.id, approval: true }, taskIds: t.created ? [t.id] : [], holdNext: false };
    }
    case 'wait':
      // A wait of no time is over as it starts; any other completes when its job comes back.
      if (s.days <= 0) return { status: 'completed', result: { days: s.days }, taskIds: [], holdNext: false };
      return { status: 'issued', result: { days: s.days }, taskIds: [], until: new Date(now.getTime() + s.days * DAY), holdNext: true };
    case 'webhook': {
      const eventId = stableUuid(createHash('sha256').update(key).digest('hex'));
      const payload = { id: eventId, type: 'playbook.step', occurredAt: now.toISOString(), accountId: run.account_id, data: { runId: run.id, playbookId: run.playbook_id, playbook: run.name, step: index } };
      const { rowCount } = await tx.query(
        `INSERT INTO webhook_deliveries (webhook_id, event_id, event_type, payload)
         SELECT id, $2::uuid, 'playbook.step', $3::jsonb FROM webhooks WHERE id = $1 AND enabled
         ON CONFLICT (webhook_id, event_id) DO NOTHING`, [s.webhookId, eventId, JSON.stringify(payload)],
      );
      const { rows } = await tx.query('SELECT 1 FROM webhook_deliveries WHERE webhook_id = $1 AND event_id = $2', [s.webhookId, eventId]);
      if (rowCount === 0 && rows.length === 0) return { status: 'failed', result: {}, error: 'the webhook was deleted or disabled', taskIds: [], holdNext: false };
      return { status: 'completed', result: { webhookId: s.webhookId, eventId }, taskIds: [], holdNext: false };
    }
    case 'apply_plan_template': {
      // The step's key makes a redelivered step find the template already applied (no second copy).
      const r = await applyTemplateToAccount(tx, { accountId: run.account_id, templateId: s.templateId, actor: runActor(run), dedupeKey: key, startDate: now.toISOString().slice(0, 10) });
      if (!r.ok) return { status: 'failed', result: { templateId: s.templateId }, error: r.error, taskIds: [], holdNext: false };
      return { status: 'completed', result: { templateId: s.templateId, planId: r.planId, applied: r.applied }, taskIds: r.taskIds, holdNext: false };
    }
  }
}
