import type { Queryable } from '../db/connect.js';
import { AppError } from '../http/errors.js';
import { guardAsk, linkOverload } from './index.js';

/** A new task as its creator asked for it, before capacity has its say. */
export type TaskAsk = {
  accountId: string; title: string; reason: string; dueAt: Date | null; assigneeUserId: string | null; assigneeContactId: string | null;
  customerEffort: number | null; confirmOverload?: boolean | undefined; giveSpoon?: boolean | undefined;
  /** Our person who takes it when a spoon is given: the caller; null: the account's owner. */
  ourAssignee: string | null; by: string | null;
};
/** What the task becomes: the ask (checked), or our task that gives a spoon instead. */
export type TaskPlan = {
  assigneeUserId: string | null; assigneeContactId: string | null; customerEffort: number | null; reason: string; givesSpoon: boolean;
  overloadId: string | null;
};

const spoons = (n: number) => `${n} spoon${n === 1 ? '' : 's'}`;

/** Our person for a spoon task: the one given, else the account's owner (null when it has none). */
export async function spoonAssignee(q: Queryable, accountId: string, ourAssignee: string | null): Promise<string | null> {
  if (ourAssignee) return ourAssignee;
  const { rows } = await q.query<{ owner_id: string | null }>('SELECT owner_id FROM accounts WHERE id = $1', [accountId]);
  return rows[0]?.owner_id ?? null;
}

/** The reason on a spoon task: what we do for whom, and what it saves them. */
export function spoonReason(contactName: string | null, effort: number | null, reason: string): string {
  const whom = contactName ?? 'the customer';
  const saves = effort && effort > 0 ? ` (it would have cost them ${spoons(effort)})` : '';
  const line = `Giving a spoon: we do this for ${whom} instead of asking them${saves}.`;
  return reason ? `${line}\n${reason}` : line;
}

async function contactName(q: Queryable, contactId: string | null): Promise<string | null> {
  if (!contactId) return null;
  const { rows } = await q.query<{ name: string | null }>("SELECT coalesce(nullif(name, ''), email) AS name FROM contacts WHERE id = $1", [contactId]);
  return rows[0]?.name ?? null;
}

/**
 * Decides a new task against the customer's capacity, in the creating transaction and before the
 * insert: a task with a contact assignee and an effort above 0 is an ask (`guardAsk`: 409
 * capacity.exceeded over capacity unless confirmed, an overload recorded when confirmed);
 * `giveSpoon` turns it into our task instead (our person, effort 0, gives_spoon, a reason saying
 * what we do for them). Call `afterTaskInsert` with the new id.
 */
export async function planTaskAsk(tx: Queryable, t: TaskAsk, now = new Date()): Promise<TaskPlan> {
  if (t.giveSpoon) {
    const userId = await spoonAssignee(tx, t.accountId, t.ourAssignee);
    if (!userId) throw new AppError('task.invalid', 'Nobody on our side can take this: the account has no owner.', [{ path: 'giveSpoon', message: 'the account has no owner to do it for them; assign it to someone' }]);
    return {
      assigneeUserId: userId, assigneeContactId: null, customerEffort: 0, givesSpoon: true, overloadId: null,
      reason: spoonReason(await contactName(tx, t.assigneeContactId), t.customerEffort, t.reason),
    };
  }
  const plan: TaskPlan = { assigneeUserId: t.assigneeUserId, assigneeContactId: t.assigneeContactId, customerEffort: t.customerEffort, reason: t.reason, givesSpoon: false, overloadId: null };
  if (!t.assigneeContactId || !t.customerEffort || t.customerEffort <= 0) return plan;
  const { overloadId } = await guardAsk(tx, {
    accountId: t.accountId, contactId: t.assigneeContactId, cost: t.customerEffort, at: t.dueAt ?? now, kind: 'task', label: t.title,
  }, { confirmOverload: t.confirmOverload ?? false, by: t.by });
  return { ...plan, overloadId: overloadId ?? null };
}

/** Marks the new task as a spoon given, and links a confirmed overload to it. */
export async function afterTaskInsert(tx: Queryable, taskId: string, plan: TaskPlan): Promise<void> {
  if (plan.givesSpoon) await tx.query('UPDATE tasks SET gives_spoon = true WHERE id = $1', [taskId]);
  if (plan.overloadId) await linkOverload(tx, plan.overloadId, taskId);
}

/**
 * A changed task that is, after the change, an open ask of a contact with an effort (given a
 * contact, a higher effort, another date, or reopened) is checked as if asked anew, in the updating
 * transaction: 409 capacity.exceeded over capacity unless `confirmOverload` (then recorded).
 */
export async function guardTaskChange(
  tx: Queryable, t: { id: string; accountId: string; title: string; contactId: string | null; effort: number | null; dueAt: Date | null; createdAt: Date; status: string },
  opts: { confirmOverload?: boolean | undefined; by: string | null },
): Promise<void> {
  if (t.status !== 'open' || !t.contactId || !t.effort || t.effort <= 0) return;
  await guardAsk(tx, { accountId: t.accountId, contactId: t.contactId, cost: t.effort, at: t.dueAt ?? t.createdAt, kind: 'task', label: t.title },
    { confirmOverload: opts.confirmOverload ?? false, by: opts.by, refId: t.id, replaces: t.id });
}
