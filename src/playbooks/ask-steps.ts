/**
 * Playbook steps that ask the customer (seed 004): every ask — a contact's task with an effort, an
 * e-mail with a spoon cost, a survey, a check-in — is checked against the customer's capacity
 * (`guardAsk`) in the step's transaction before it is made. Over capacity the step follows its
 * `onOverload`: `wait` (the default) leaves it pending until the next period starts, when its job
 * tries again; `give_spoon` makes a task of ours that does it for them instead. The step's result
 * says what happened in words (`summary`).
 */
import type { Actor } from '../auth/principal.js';
import type { Queryable } from '../db/connect.js';
import { AppError } from '../http/errors.js';
import { guardAsk, nextPeriod, readCapacitySettings, type AskKind } from '../capacity/index.js';
import { spoonReason } from '../capacity/ask-task.js';
import { loadAccountTemplateVars, renderText } from '../notifications/template.js';
import { initiativesOfAccount } from '../readiness/store.js';
import { insertInitiative } from '../readiness/initiatives.js';
import { CHECK_IN_SPOON_COST, requestCheckIn } from '../readiness/requests.js';
import { sendSurvey } from '../surveys/send.js';
import { getSurvey } from '../surveys/store.js';
import { insertTasks, resolveAssignees } from '../tasks/store.js';
import type { CheckinStep, OverloadAction, SurveyStep } from './schema.js';
import { DAY, emailContact, type Performed, type RunRow } from './step-types.js';

export type AskContext = { tx: Queryable; run: RunRow; index: number; key: string; reason: string; now: Date; actor: Actor; emailConfigured: boolean };
/** Our task when a spoon is given instead of the ask. */
export type SpoonTask = { title: string; kind: 'todo' | 'call' | 'email' | 'meeting'; priority: number; dueAt: Date; contactId: string | null; cost: number };

const spoons = (n: number) => `${n} spoon${n === 1 ? '' : 's'}`;
const contactName = async (tx: Queryable, id: string | null) =>
  id ? (await tx.query<{ name: string }>("SELECT coalesce(nullif(name, ''), email, 'the contact') AS name FROM contacts WHERE id = $1", [id])).rows[0]?.name ?? null : null;

/**
 * Checks an ask against the customer's capacity. null: it fits (make it); otherwise what the step
 * did instead (waiting, or a spoon given).
 */
export async function askGate(c: AskContext, ask: { contactId: string | null; cost: number; kind: AskKind; label: string }, onOverload: OverloadAction | undefined, spoon: SpoonTask): Promise<Performed | null> {
  try {
    await guardAsk(c.tx, { accountId: c.run.account_id, contactId: ask.contactId, cost: ask.cost, at: c.now, kind: ask.kind, label: ask.label }, { playbookRunId: c.run.id });
    return null;
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== 'capacity.exceeded') throw err;
    const d = err.details as { left: number; capacity: number; scope?: string } | undefined;
    const whose = d?.scope === 'contact' ? `${(await contactName(c.tx, ask.contactId)) ?? 'the contact'} has ` : '';
    const short = d ? `over capacity, ${whose}${d.left} of ${spoons(d.capacity)} left` : 'over capacity';
    return overCapacity(c, short, onOverload, spoon);
  }
}

async function overCapacity(c: AskContext, short: string, onOverload: OverloadAction | undefined, spoon: SpoonTask): Promise<Performed> {
  if (onOverload === 'give_spoon') {
    const owner = (await resolveAssignees(c.tx, [c.run.account_id], 'owner')).get(c.run.account_id);
    const [t] = await insertTasks(c.tx, [{
      accountId: c.run.account_id, title: spoon.title, reason: `${c.reason}. ${spoonReason(await contactName(c.tx, spoon.contactId), spoon.cost, '')}`,
      kind: spoon.kind, priority: spoon.priority, dueAt: spoon.dueAt, assigneeUserId: owner?.userId ?? null, customerEffort: 0,
      source: 'playbook', playbookRunId: c.run.id, dedupeKey: c.key,
    }]);
    if (!t) throw new Error('spoon task insert returned nothing');
    await c.tx.query('UPDATE tasks SET gives_spoon = true WHERE id = $1', [t.id]);
    return {
      status: 'issued', result: { outcome: 'gave_spoon', summary: `gave a spoon instead: ${short}; our task does it for them`, taskId: t.id },
      taskIds: t.created ? [t.id] : [], holdNext: false,
    };
  }
  const until = nextPeriod(c.now, (await readCapacitySettings(c.tx)).period).from;
  return {
    status: 'waiting', until, taskIds: [], holdNext: false,
    result: { outcome: 'waited', summary: `waited: ${short}; tried again on ${until.toISOString().slice(0, 10)}`, until: until.toISOString() },
  };
}

/** Marks a step's customer e-mail with its spoon cost (the capacity ledger counts it). */
export async function markEmailCost(tx: Queryable, outboundId: string, cost: number): Promise<void> {
  await tx.query('UPDATE outbound_messages SET spoon_cost = $2 WHERE id = $1', [outboundId, cost]);
}

/** The owner's task in place of an ask by e-mail (no contact to write to, no survey chosen): as before surveys and check-ins existed. */
async function ownerTask(c: AskContext, label: 'Check-in' | 'Survey', s: { title: string; note?: string | undefined }, why: string): Promise<Performed> {
  const who = (await resolveAssignees(c.tx, [c.run.account_id], 'owner')).get(c.run.account_id);
  const vars = { ...(await loadAccountTemplateVars(c.tx, [c.run.account_id])).get(c.run.account_id) };
  const [t] = await insertTasks(c.tx, [{
    accountId: c.run.account_id, title: `${label}: ${renderText(s.title, vars)}`,
    reason: [c.reason, s.note ? renderText(s.note, vars) : undefined, why].filter(Boolean).join('. '),
    kind: 'todo', priority: 2, dueAt: new Date(c.now.getTime() + 3 * DAY), assigneeUserId: who?.userId ?? null,
    source: 'playbook', playbookRunId: c.run.id, dedupeKey: c.key,
  }]);
  return { status: 'issued', result: { taskId: t?.id, reason: why }, taskIds: t?.created ? [t.id] : [], holdNext: false };
}

const roleWords = (role: string) => role.replace(/_/g, ' ');

/** The initiative a check-in step asks about: the account's active one with that title (case-insensitive), else a new one. */
async function initiativeFor(c: AskContext, title: string): Promise<{ id: string; title: string; created: boolean }> {
  const found = (await initiativesOfAccount(c.tx, c.run.account_id)).find((i) => i.status === 'active' && i.title.trim().toLowerCase() === title.trim().toLowerCase());
  if (found) return { id: found.id, title: found.title, created: false };
  return { id: await insertInitiative(c.tx, c.run.account_id, { title }, c.actor), title, created: true };
}

/** "Ask for a check-in": the contact in the role gets the two scaling questions by e-mail (readiness' requestCheckIn). */
export async function performCheckin(c: AskContext, s: CheckinStep): Promise<Performed> {
  const contact = s.to ? await emailContact(c.tx, c.run.account_id, s.to) : undefined;
  if (!contact) {
    return ownerTask(c, 'Check-in', s, s.to ? `No ${roleWords(s.to)} with an e-mail address: run the check-in on a call` : 'No contact role chosen: run the check-in on a call');
  }
  const vars = { ...(await loadAccountTemplateVars(c.tx, [c.run.account_id])).get(c.run.account_id) };
  const title = renderText(s.title, vars).slice(0, 300);
  const name = contact.name ?? contact.email;
  const over = await askGate(c, { contactId: contact.id, cost: CHECK_IN_SPOON_COST, kind: 'check_in', label: `Check-in: ${title}` }, s.onOverload, {
    title: `Run the check-in on “${title}” with ${name} on a call`.slice(0, 300), kind: 'call', priority: 2, dueAt: new Date(c.now.getTime() + 3 * DAY), contactId: contact.id, cost: CHECK_IN_SPOON_COST,
  });
  if (over) return over;
  const initiative = await initiativeFor(c, title);
  const r = await requestCheckIn(c.tx, { initiativeId: initiative.id, contactId: contact.id, by: null, now: c.now, playbookRunId: c.run.id, stepIndex: c.index });
  if ('skipped' in r) return ownerTask(c, 'Check-in', s, `${r.detail}: run the check-in on a call`);
  return {
    status: 'completed', taskIds: [], holdNext: false,
    result: {
      outcome: r.reused ? 'already_asked' : 'asked',
      summary: r.reused
        ? `${name} was already asked for a check-in on “${initiative.title}” (the link is still open): nothing new sent`
        : `asked ${name} for a check-in on “${initiative.title}”`,
      initiativeId: initiative.id, initiativeCreated: initiative.created, requestId: r.requestId, outboundId: r.outboundId, to: contact.email,
    },
  };
}

/** "Send a survey": the contact in the role gets the survey by e-mail (surveys' sendSurvey, with its throttle). */
export async function performSurvey(c: AskContext, s: SurveyStep): Promise<Performed> {
  if (!s.surveyId) return ownerTask(c, 'Survey', s, 'No survey chosen');
  const survey = await getSurvey(c.tx, s.surveyId);
  if (!survey) return { status: 'failed', result: { surveyId: s.surveyId }, error: 'the survey was deleted', taskIds: [], holdNext: false };
  if (survey.archived) return { status: 'skipped', result: { surveyId: s.surveyId, outcome: 'skipped', summary: `not sent: the survey “${survey.name}” is archived` }, taskIds: [], holdNext: false };
  const contact = s.to ? await emailContact(c.tx, c.run.account_id, s.to) : undefined;
  if (!contact) return ownerTask(c, 'Survey', s, s.to ? `No ${roleWords(s.to)} with an e-mail address: ask the question on a call` : 'No contact role chosen: ask the question on a call');
  const name = contact.name ?? contact.email;
  const over = await askGate(c, { contactId: contact.id, cost: survey.spoonCost, kind: 'survey', label: `Survey: ${survey.name}` }, s.onOverload, {
    title: `Ask ${name} the “${survey.name}” question on your next call`.slice(0, 300), kind: 'call', priority: 2, dueAt: new Date(c.now.getTime() + 3 * DAY), contactId: contact.id, cost: survey.spoonCost,
  });
  if (over) return over;
  const r = await sendSurvey(c.tx, { surveyId: s.surveyId, contactIds: [contact.id], by: null, now: c.now, playbookRunId: c.run.id, stepIndex: c.index });
  const sent = r.sent[0];
  if (sent) {
    return {
      status: 'completed', taskIds: [], holdNext: false,
      result: { outcome: 'asked', summary: `sent “${survey.name}” to ${name}`, surveyId: s.surveyId, recipientId: sent.recipientId, outboundId: sent.outboundId, to: contact.email },
    };
  }
  const skipped = r.skipped[0];
  if (skipped?.reason === 'throttled') {
    return { status: 'skipped', result: { surveyId: s.surveyId, outcome: 'skipped', summary: `not sent: ${skipped.detail}` }, taskIds: [], holdNext: false };
  }
  return ownerTask(c, 'Survey', s, `${skipped?.detail ?? 'Not sent'}: ask the question on a call`);
}
