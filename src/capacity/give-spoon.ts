import type { Queryable } from '../db/connect.js';
import { AppError } from '../http/errors.js';
import { insertTasks } from '../tasks/store.js';
import { spoonAssignee, spoonReason } from './ask-task.js';

export type CustomerTask = {
  id: string; accountId: string; title: string; reason: string; kind: 'todo' | 'call' | 'email' | 'meeting'; priority: number; dueAt: Date | null;
  status: string; assigneeContactId: string | null; customerEffort: number | null;
};

/**
 * Turns an open customer task into ours ("give a spoon"), in the caller's transaction: theirs is
 * cancelled with a note naming ours, ours keeps the title, kind, priority and due date, effort 0,
 * marked gives_spoon, with a reason saying what we do for them. Returns our task's id.
 */
export async function giveSpoonFor(tx: Queryable, t: CustomerTask, ourAssignee: string | null, by: string | null): Promise<string> {
  if (t.status !== 'open') throw new AppError('task.invalid', 'Only an open task can be given as a spoon.', [{ path: 'status', message: `the task is ${t.status}` }]);
  if (!t.assigneeContactId) throw new AppError('task.invalid', 'This task is already ours: only a customer task can be given as a spoon.', [{ path: 'assignee', message: 'not assigned to a contact' }]);
  const userId = await spoonAssignee(tx, t.accountId, ourAssignee);
  if (!userId) throw new AppError('task.invalid', 'Nobody on our side can take this: the account has no owner.', [{ path: 'assignee', message: 'the account has no owner to do it for them' }]);
  const { rows } = await tx.query<{ name: string | null }>("SELECT coalesce(nullif(name, ''), email) AS name FROM contacts WHERE id = $1", [t.assigneeContactId]);
  const [ours] = await insertTasks(tx, [{
    accountId: t.accountId, title: t.title, reason: spoonReason(rows[0]?.name ?? null, t.customerEffort, t.reason), kind: t.kind, priority: t.priority,
    dueAt: t.dueAt, assigneeUserId: userId, customerEffort: 0, source: 'manual', createdBy: by,
  }]);
  if (!ours) throw new Error('task insert returned nothing');
  await tx.query('UPDATE tasks SET gives_spoon = true WHERE id = $1', [ours.id]);
  await tx.query(
    `UPDATE tasks SET status = 'cancelled', completed_at = NULL, completed_by = NULL, updated_at = now(),
            outcome_note = $2 WHERE id = $1`,
    [t.id, `Gave a spoon: we do it for them instead (our task ${ours.id}).`],
  );
  return ours.id;
}
