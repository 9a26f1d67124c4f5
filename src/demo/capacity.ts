// The demo's capacity (issue 11, seed 004: the customer's spoons), loaded after the other demo
// parts: a few accounts near and over what their customer can take this week (customer tasks with
// an effort; one ask confirmed as an overload, recorded), one whose capacity is lowered by a
// low-confidence check-in and sustain talk in a call note, spoons given (a customer task turned
// into ours, and a task of ours from the start), and a contact with a capacity of her own.
//
// Everything goes through capacity's own writes (guardAsk, planTaskAsk, giveSpoonFor) and the
// readiness and activities parts' writes, in one transaction, so the ledger reads what a CS team
// would have produced. Own Rng stream (mixSeed 8008): the rest of the demo is unchanged.
import type { Actor } from '../auth/principal.js';
import type { Config } from '../config.js';
import type { Database, Queryable } from '../db/connect.js';
import { logActivity } from '../activities/log.js';
import { AppError } from '../http/errors.js';
import { accountCapacity } from '../capacity/index.js';
import { afterTaskInsert, planTaskAsk } from '../capacity/ask-task.js';
import { giveSpoonFor } from '../capacity/give-spoon.js';
import { periodOf } from '../capacity/ledger.js';
import { readCapacitySettings } from '../capacity/settings.js';
import { recordCheckInTx } from '../readiness/checkins.js';
import { insertInitiative } from '../readiness/initiatives.js';
import { insertTasks } from '../tasks/store.js';
import { Rng, mixSeed } from './random.js';
import { DAY_MS } from './util.js';

export type DemoCapacitySummary = {
  near: number; over: number; overloads: number; lowered: number; spoonsGiven: number; contactCapacities: number; ms: number;
  /** What this demo added to the other parts' tables (the readiness demo's line is printed before it), and the readiness totals after. */
  added: { initiatives: number; checkIns: number; activities: number; tasks: number };
  readinessAfter: { initiatives: number; accounts: number };
  /** Which accounts tell which story (for the test and the curious). */
  accounts: { near: string[]; over: string[]; lowered: string[]; given: string[]; ownCapacity: string[] };
};

type Account = { id: string; name: string; owner_id: string; owner_name: string };
type Contact = { id: string; name: string };

/** What customers are asked to do, with what it costs them (spoons). */
const ASKS: { title: string; effort: number }[] = [
  { title: 'Export the user list for SSO mapping', effort: 2 },
  { title: 'Review the renewal quote with finance', effort: 3 },
  { title: 'Name an admin for the reporting rollout', effort: 1 },
  { title: 'Fill in the data-retention questionnaire', effort: 3 },
  { title: 'Run the pilot with the support team', effort: 4 },
  { title: 'Approve the sandbox integration', effort: 2 },
  { title: 'Clean up duplicate accounts in the CRM export', effort: 3 },
  { title: 'Book the admin training session', effort: 1 },
];

const actorOf = (a: Account): Actor => ({ type: 'user', id: a.owner_id, label: a.owner_name });

/**
 * Customer tasks for the contact until `target` spoons are asked this period, or all that is left
 * (`'full'`; the capacity may be lowered by the readiness demo's evidence). Each ask is checked as a
 * person's would be; a last one of the exact remaining cost fills the gap.
 */
async function askUntil(tx: Queryable, rng: Rng, a: Account, c: Contact, target: number | 'full', at: (i: number) => Date, now: Date): Promise<number> {
  const left = (await accountCapacity(tx, a.id, now)).left;
  const goal = target === 'full' ? left : Math.min(target, left);
  const ask = async (x: { title: string; effort: number }, i: number): Promise<boolean> => {
    // A capacity lowered by the readiness demo's evidence refuses some asks, as it would for a person.
    const plan = await planTaskAsk(tx, {
      accountId: a.id, title: x.title, reason: '', dueAt: at(i), assigneeUserId: null, assigneeContactId: c.id, customerEffort: x.effort,
      ourAssignee: a.owner_id, by: a.owner_id,
    }).catch((err: unknown) => {
      if (err instanceof AppError && err.code === 'capacity.exceeded') return null;
      throw err;
    });
    if (!plan) return false;
    const [t] = await insertTasks(tx, [{ accountId: a.id, title: x.title, kind: 'todo', source: 'manual', dueAt: at(i), assigneeContactId: c.id, customerEffort: x.effort, createdBy: a.owner_id }]);
    if (t) await afterTaskInsert(tx, t.id, plan);
    return true;
  };
  let used = 0;
  for (const [i, x] of rng.shuffle(ASKS).entries()) {
    if (used >= goal) break;
    if (used + x.effort <= goal && (await ask(x, i))) used += x.effort;
  }
  const gap = goal - used;
  if (gap > 0 && gap <= 10 && (await ask({ title: 'Answer the onboarding questionnaire', effort: gap }, ASKS.length))) used += gap;
  return used;
}

export async function seedDemoCapacity(_config: Config, database: Database, opts: { seed?: number; now?: Date } = {}): Promise<DemoCapacitySummary> {
  const started = performance.now();
  const now = opts.now ?? new Date();
  const rng = new Rng(mixSeed(opts.seed ?? 42, 8008));
  const out: DemoCapacitySummary = {
    near: 0, over: 0, overloads: 0, lowered: 0, spoonsGiven: 0, contactCapacities: 0, ms: 0, accounts: { near: [], over: [], lowered: [], given: [], ownCapacity: [] },
    added: { initiatives: 0, checkIns: 0, activities: 0, tasks: 0 }, readinessAfter: { initiatives: 0, accounts: 0 },
  };
  await database.transaction(async (tx) => {
    const before = await tally(tx);
    const week = periodOf(now, (await readCapacitySettings(tx)).period);
    // Asks fall on the days of this period up to a day ahead of now, so they are this period's and in the inbox.
    const span = Math.max(DAY_MS, Math.min(week.to.getTime() - 3_600_000, now.getTime() + DAY_MS) - week.from.getTime());
    const at = (i: number) => new Date(week.from.getTime() + 9 * 3_600_000 + ((i * 7_919_000) % span));
    // Live accounts with an owner and a named contact, none of which has customer asks this period yet.
    const { rows } = await tx.query<Account & { contact_id: string; contact_name: string }>(
      `SELECT DISTINCT ON (a.id) a.id, a.name, a.owner_id, u.name AS owner_name, c.id AS contact_id, c.name AS contact_name
         FROM accounts a JOIN users u ON u.id = a.owner_id JOIN contacts c ON c.account_id = a.id AND c.name IS NOT NULL
        WHERE a.stage <> 'churned'
          AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.account_id = a.id AND t.assignee_contact_id IS NOT NULL AND t.status <> 'cancelled'
                            AND coalesce(t.due_at, t.created_at) >= $1)
        ORDER BY a.id, c.role = 'champion' DESC, c.id`,
      [week.from.toISOString()],
    );
    const picked = rng.shuffle(rows).slice(0, 8);
    const [near1, near2, over1, over2, lowered, given1, given2, own] = picked;
    const contact = (r: { contact_id: string; contact_name: string }): Contact => ({ id: r.contact_id, name: r.contact_name });

    for (const r of [near1, near2]) {
      if (!r) continue;
      await askUntil(tx, rng, r, contact(r), rng.int(7, 9), at, now);
      out.near += 1;
      out.accounts.near.push(r.id);
    }
    for (const r of [over1, over2]) {
      if (!r) continue;
      await askUntil(tx, rng, r, contact(r), 'full', at, now);
      out.over += 1;
      out.accounts.over.push(r.id);
    }
    // One more ask on a full week, confirmed as an overload: recorded with who confirmed it and what was left.
    if (over1) {
      const title = 'Sign off the security review before the audit';
      const plan = await planTaskAsk(tx, {
        accountId: over1.id, title, reason: 'The audit date cannot move.', dueAt: at(3), assigneeUserId: null, assigneeContactId: over1.contact_id, customerEffort: 3,
        confirmOverload: true, ourAssignee: over1.owner_id, by: over1.owner_id,
      });
      const [t] = await insertTasks(tx, [{ accountId: over1.id, title, reason: plan.reason, dueAt: at(3), assigneeContactId: over1.contact_id, customerEffort: 3, source: 'manual', createdBy: over1.owner_id }]);
      if (t) await afterTaskInsert(tx, t.id, plan);
      if (plan.overloadId) out.overloads += 1;
    }

    // Lowered: a low-confidence check-in last week, and sustain talk in this week's call note.
    if (lowered) {
      const actor = actorOf(lowered);
      const initiativeId = await insertInitiative(tx, lowered.id, { title: 'Move the reporting to scheduled exports' }, actor);
      await recordCheckInTx(tx, {
        accountId: lowered.id, initiativeId, contactId: lowered.contact_id, importance: 8, confidence: 3, source: 'csm', at: new Date(now.getTime() - 6 * DAY_MS),
        whyNotLower: 'The board pack takes us two days every month.', whatWouldMoveHigher: 'Someone to set it up with us; we are stretched thin.',
      }, actor, { now });
      await logActivity(tx, {
        accountId: lowered.id, kind: 'call', occurredAt: new Date(now.getTime() - 2 * DAY_MS).toISOString(), subject: 'Weekly sync',
        body: `${lowered.contact_name.split(' ')[0]} said they are too busy right now with the ERP migration; nothing new until it is done.`,
        participants: { userIds: [], contactIds: [lowered.contact_id] },
      }, actor);
      await askUntil(tx, rng, lowered, contact(lowered), 3, at, now);
      out.lowered += 1;
      out.accounts.lowered.push(lowered.id);
    }

    // Spoons given: a customer task turned into ours, and a task of ours from the start.
    if (given1) {
      const title = 'Map the SSO groups to roles';
      const [theirs] = await insertTasks(tx, [{ accountId: given1.id, title, kind: 'todo', source: 'manual', dueAt: at(1), assigneeContactId: given1.contact_id, customerEffort: 3, createdBy: given1.owner_id }]);
      if (theirs) {
        await giveSpoonFor(tx, { id: theirs.id, accountId: given1.id, title, reason: '', kind: 'todo', priority: 2, dueAt: at(1), status: 'open', assigneeContactId: given1.contact_id, customerEffort: 3 }, given1.owner_id, given1.owner_id);
        out.spoonsGiven += 1;
        out.accounts.given.push(given1.id);
      }
    }
    if (given2) {
      const title = 'Build the first scheduled report for their finance team';
      const plan = await planTaskAsk(tx, {
        accountId: given2.id, title, reason: '', dueAt: at(2), assigneeUserId: null, assigneeContactId: given2.contact_id, customerEffort: 4,
        giveSpoon: true, ourAssignee: given2.owner_id, by: given2.owner_id,
      });
      const [t] = await insertTasks(tx, [{ accountId: given2.id, title, reason: plan.reason, dueAt: at(2), assigneeUserId: plan.assigneeUserId, customerEffort: 0, source: 'manual', createdBy: given2.owner_id }]);
      if (t) { await afterTaskInsert(tx, t.id, plan); out.spoonsGiven += 1; out.accounts.given.push(given2.id); }
    }

    // A contact with a capacity of her own: the account has room, she has 1 spoon left.
    if (own) {
      await tx.query('INSERT INTO contact_capacity (contact_id, account_id, spoons, updated_by) VALUES ($1, $2, 3, $3)', [own.contact_id, own.id, own.owner_id]);
      await tx.query(`INSERT INTO account_capacity (account_id, spoons, note, updated_by) VALUES ($1, 14, 'A large team: most asks go to the admins', $2)`, [own.id, own.owner_id]);
      await askUntil(tx, rng, own, contact(own), 2, at, now);
      out.contactCapacities += 1;
      out.accounts.ownCapacity.push(own.id);
    }
    // The ledger agrees with the story (a demo that said "over" on an account under capacity would mislead).
    for (const r of [over1, over2]) if (r && (await accountCapacity(tx, r.id, now)).left > 0) throw new Error(`demo capacity: ${r.name} should be full`);
    const after = await tally(tx);
    out.added = {
      initiatives: after.initiatives - before.initiatives, checkIns: after.check_ins - before.check_ins,
      activities: after.activities - before.activities, tasks: after.tasks - before.tasks,
    };
    out.readinessAfter = { initiatives: after.initiatives, accounts: after.initiative_accounts };
  });
  out.ms = Math.round(performance.now() - started);
  return out;
}

/** Rows of the tables this demo adds to (counted before and after, so its log line says what it added). */
async function tally(tx: Queryable) {
  const { rows: [r] } = await tx.query<{ initiatives: number; initiative_accounts: number; check_ins: number; activities: number; tasks: number }>(
    `SELECT (SELECT count(*) FROM initiatives)::int AS initiatives, (SELECT count(DISTINCT account_id) FROM initiatives)::int AS initiative_accounts,
            (SELECT count(*) FROM check_ins)::int AS check_ins, (SELECT count(*) FROM activities)::int AS activities, (SELECT count(*) FROM tasks)::int AS tasks`,
  );
  if (!r) throw new Error('demo capacity: no counts');
  return r;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** The capacity demo's log line: its stories, and what it added to readiness, the activities and the tasks (printed after readiness' own line). */
export function demoCapacityLine(cp: DemoCapacitySummary): string {
  const a = cp.added;
  return `Demo capacity loaded: ${cp.near} accounts near and ${cp.over} over this week's spoons (${cp.overloads} overload confirmed), ${cp.lowered} lowered by low confidence and sustain talk, ` +
    `${cp.spoonsGiven} spoons given, ${cp.contactCapacities} contact with her own capacity; it added ${plural(a.tasks, 'task', 'tasks')}, ` +
    `${plural(a.initiatives, 'initiative', 'initiatives')} with ${plural(a.checkIns, 'check-in', 'check-ins')} and ${plural(a.activities, 'activity', 'activities')} ` +
    `(readiness now: ${plural(cp.readinessAfter.initiatives, 'initiative', 'initiatives')} on ${plural(cp.readinessAfter.accounts, 'account', 'accounts')}) (${cp.ms} ms).`;
}
