import { SYSTEM_ACTOR } from '../auth/principal.js';
import type { Queryable } from '../db/connect.js';
import type { Services } from '../services.js';
import { insertGoal, insertPlan } from './goals.js';
import { insertPlanTask } from './store.js';

/**
 * A plan with something of everything for the shared-link tests, written straight through the
 * plans store (so these tests do not depend on the plans routes): a shown goal with a measured
 * and an unmeasured criterion, a shown milestone owned by the customer with customer-side,
 * vendor-side, hidden and done tasks, a hidden overdue milestone, and a hidden goal. Hidden items
 * carry marker words the tests search the answers for.
 */

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

export type SharedPlanFixture = Awaited<ReturnType<typeof buildSharedPlan>>;

export async function buildSharedPlan(db: Queryable, services: Services, opts: { ownerId: string | null; vendorUserId: string; tag: string }) {
  const account = await services.accounts.create({ name: `Acme ${opts.tag}`, arr: 987_654.32, ownerId: opts.ownerId }, SYSTEM_ACTOR);
  const pat = await services.contacts.create({ accountId: account.id, name: 'Pat Customer', email: `pat-${opts.tag}@customer.test` }, SYSTEM_ACTOR);
  const sam = await services.contacts.create({ accountId: account.id, name: 'Sam Buyer', email: `sam-${opts.tag}@customer.test` }, SYSTEM_ACTOR);
  const nameless = await services.contacts.create({ accountId: account.id, email: `nameless-${opts.tag}@customer.test` }, SYSTEM_ACTOR);

  const planId = await insertPlan(db, account.id, 'Acme adoption plan', null);
  const goalId = await insertGoal(db, { planId, statement: 'Weekly reports from 10 to 40 by June', why: 'The board asks for numbers', targetDate: day(120), startDate: day(-30) }, null);
  const hiddenGoalId = await insertGoal(db, { planId, statement: 'SECRETGOAL upsell the analytics add-on', targetDate: day(60), hiddenFromCustomer: true }, null);

  const criterion = async (goal: string, name: string, kind: string, target: number | null, baseline: number | null) => {
    const { rows } = await db.query<{ id: string }>(
      'INSERT INTO plan_criteria (goal_id, name, kind, target, baseline) VALUES ($1, $2, $3, $4, $5) RETURNING id', [goal, name, kind, target, baseline],
    );
    return rows[0]?.id ?? '';
  };
  const reports = await criterion(goalId, 'Weekly reports', 'manual', 40, 10);
  await db.query("INSERT INTO plan_criterion_values (criterion_id, at, day, value, source) VALUES ($1, now(), current_date, 25, 'manual')", [reports]);
  await criterion(goalId, 'Exec satisfaction', 'rating', 4, null);
  await criterion(hiddenGoalId, 'SECRETCRITERION expansion ARR', 'manual', 50_000, 0);

  const milestone = async (goal: string, title: string, due: string, owner: { userId?: string; contactId?: string }, hidden: boolean) => {
    const { rows } = await db.query<{ id: string }>(
      'INSERT INTO plan_milestones (goal_id, title, due_at, owner_user_id, owner_contact_id, hidden_from_customer) VALUES ($1, $2, $3::date, $4, $5, $6) RETURNING id',
      [goal, title, due, owner.userId ?? null, owner.contactId ?? null, hidden],
    );
    return rows[0]?.id ?? '';
  };
  const sso = await milestone(goalId, 'SSO live', day(20), { contactId: pat.id }, false);
  const hiddenMilestone = await milestone(goalId, 'HIDDENMILESTONE internal pricing review', day(-20), { userId: opts.vendorUserId }, true);

  const task = (milestoneId: string, title: string, who: { userId?: string; contactId?: string }, hidden = false) =>
    insertPlanTask(db, {
      accountId: account.id, milestoneId, title, dueAt: new Date(Date.now() + 10 * 86_400_000).toISOString(), assigneeUserId: who.userId ?? null,
      assigneeContactId: who.contactId ?? null, customerEffort: who.contactId ? 3 : null, hiddenFromCustomer: hidden, createdBy: null,
    });
  const customerTask = await task(sso, 'Configure the identity provider', { contactId: pat.id });
  const vendorTask = await task(sso, 'Send the SSO guide', { userId: opts.vendorUserId });
  const hiddenTask = await task(sso, 'HIDDENTASK check the contract terms', { contactId: pat.id }, true);
  const doneTask = await task(sso, 'Kick-off call', { contactId: sam.id });
  await db.query("UPDATE tasks SET status = 'done', completed_at = now() WHERE id = $1", [doneTask]);
  const hiddenMilestoneTask = await task(hiddenMilestone, 'HIDDENMSTASK draft the discount', { contactId: pat.id });

  return {
    accountId: account.id, planId, goalId, hiddenGoalId, contacts: { pat: pat.id, sam: sam.id, nameless: nameless.id },
    milestones: { sso, hiddenMilestone }, tasks: { customerTask, vendorTask, hiddenTask, doneTask, hiddenMilestoneTask },
    /** Words that must never reach the customer. */
    secrets: ['SECRETGOAL', 'SECRETCRITERION', 'HIDDENMILESTONE', 'HIDDENTASK', 'HIDDENMSTASK', '987654', '987,654', `@customer.test`],
  };
}
