import type { Actor } from '../auth/principal.js';
import { recordAuditRaw } from '../audit/record.js';
import type { Queryable } from '../db/connect.js';
import type { WorkDeps } from '../deps.js';
import { AppError, type FieldError } from '../http/errors.js';
import { refreshPlanStatus } from './goals.js';
import type { Criterion, Goal, Milestone } from './schema.js';
import { loadPlan, type LoadedPlan, type PlanRef } from './store.js';

/*
 * What every plan write shares: one transaction that wakes the outbox after commit, lookups that
 * answer 404 in the plan's words, checks of owners and drivers with field errors, the audit row,
 * and `settle` (the plan's stored status recomputed, in the same transaction).
 */

/** The roles that can own a milestone or a plan task (a viewer only reads). */
export const WORKER_ROLES = ['csm', 'manager', 'admin'] as const;

export const actorId = (a: Actor) => (a.type === 'user' ? a.id : null);
export const invalid = (fields: FieldError[]) => new AppError('success_plan.invalid', fields[0]?.message, fields);
export type Written<T> = { result: T; queued: number };

export function createPlanWriter(deps: WorkDeps) {
  const { database, outbox } = deps;

  async function write<T>(fn: (tx: Queryable) => Promise<Written<T>>): Promise<T> {
    const { result, queued } = await database.transaction(fn);
    if (queued > 0) await outbox.wake();
    return result;
  }

  async function mustRef(find: (db: Queryable, id: string) => Promise<PlanRef | null>, db: Queryable, id: string, code: 'success_plan.not_found' | 'plan_goal.not_found' | 'plan_criterion.not_found' | 'plan_milestone.not_found') {
    const r = await find(db, id);
    if (!r) throw new AppError(code);
    return r;
  }

  async function mustLoad(db: Queryable, planId: string): Promise<LoadedPlan> {
    const p = await loadPlan(db, planId);
    if (!p) throw new AppError('success_plan.not_found');
    return p;
  }
  const goalOf = (p: LoadedPlan, goalId: string): Goal => {
    const g = p.plan.goals.find((x) => x.id === goalId);
    if (!g) throw new AppError('plan_goal.not_found');
    return g;
  };
  const criterionOf = (p: LoadedPlan, id: string): Criterion => {
    for (const g of p.plan.goals) for (const c of g.criteria) if (c.id === id) return c;
    throw new AppError('plan_criterion.not_found');
  };
  const milestoneOf = (p: LoadedPlan, id: string): Milestone => {
    for (const g of p.plan.goals) for (const m of g.milestones) if (m.id === id) return m;
    throw new AppError('plan_milestone.not_found');
  };

  /**
   * Owners and assignees: on the vendor side an active user who can do work (csm, manager or
   * admin; a viewer only reads), on the customer side a contact of this account.
   */
  async function checkPeople(tx: Queryable, accountId: string, people: { path: string; userId?: string | null | undefined; contactId?: string | null | undefined }[]) {
    const fields: FieldError[] = [];
    for (const p of people) {
      if (p.userId) {
        const { rows } = await tx.query<{ role: string; active: boolean }>('SELECT role, active FROM users WHERE id = $1', [p.userId]);
        const u = rows[0];
        if (!u) fields.push({ path: p.path, message: 'no such user' });
        else if (!u.active) fields.push({ path: p.path, message: 'this user is inactive' });
        else if (!(WORKER_ROLES as readonly string[]).includes(u.role)) fields.push({ path: p.path, message: `a ${u.role} cannot own work: choose a csm, manager or admin` });
      }
      if (p.contactId) {
        const { rows } = await tx.query('SELECT 1 FROM contacts WHERE id = $1 AND account_id = $2', [p.contactId, accountId]);
        if (rows.length === 0) fields.push({ path: p.path, message: 'not a contact of this account' });
      }
    }
    if (fields.length) throw invalid(fields);
  }

  /** A driver criterion's driver must exist; its scoring direction is the criterion's default direction. */
  async function driverDirection(tx: Queryable, driverId: string): Promise<'up' | 'down'> {
    const { rows } = await tx.query<{ direction: string | null }>(`SELECT scoring ->> 'direction' AS direction FROM drivers WHERE id = $1`, [driverId]);
    const row = rows[0];
    if (!row) throw invalid([{ path: 'driverId', message: 'no such driver' }]);
    return row.direction === 'lower_is_better' ? 'down' : 'up';
  }

  const audit = (tx: Queryable, actor: Actor, action: string, objectType: string, objectId: string, objectLabel: string, changes: Record<string, unknown>) =>
    recordAuditRaw(tx, actor, [{ action, objectType, objectId, objectLabel, changes }]);

  /** Cancels the open tasks of the milestones a delete takes away (audited); done ones stay, unlinked, for history. */
  async function cancelOpenTasks(tx: Queryable, scope: 'plan' | 'goal' | 'milestone', id: string, actor: Actor) {
    const where = scope === 'milestone' ? 'milestone_id = $1'
      : scope === 'goal' ? 'milestone_id IN (SELECT id FROM plan_milestones WHERE goal_id = $1)'
        : 'milestone_id IN (SELECT m.id FROM plan_milestones m JOIN plan_goals g ON g.id = m.goal_id WHERE g.plan_id = $1)';
    const { rows } = await tx.query<{ id: string }>(`UPDATE tasks SET status = 'cancelled', updated_at = now() WHERE status = 'open' AND ${where} RETURNING id`, [id]);
    await recordAuditRaw(tx, actor, rows.map((r) => ({ action: 'update', objectType: 'task', objectId: r.id, changes: { status: { from: 'open', to: 'cancelled' }, reason: `its ${scope === 'plan' ? 'success plan' : scope} was deleted` } })));
  }

  /** Measures what the write may have changed and stores the plan's status; returns outbox rows queued. */
  async function settle(tx: Queryable, planId: string, queued = 0): Promise<Written<undefined>> {
    await tx.query('UPDATE success_plans SET updated_at = now() WHERE id = $1', [planId]);
    return { result: undefined, queued: queued + (await refreshPlanStatus(tx, planId)) };
  }


  return { database, write, mustRef, mustLoad, goalOf, criterionOf, milestoneOf, checkPeople, driverDirection, audit, cancelOpenTasks, settle };
}
export type PlanWriter = ReturnType<typeof createPlanWriter>;
