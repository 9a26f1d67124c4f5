import type { Actor } from '../auth/principal.js';
import { afterTaskInsert, planTaskAsk } from '../capacity/ask-task.js';
import { diff, recordAuditRaw } from '../audit/record.js';
import type { Queryable } from '../db/connect.js';
import type { WorkDeps } from '../deps.js';
import { AppError, type FieldError } from '../http/errors.js';
import { emitEvent } from '../webhooks/emit.js';
import { criterionOperations } from './criteria.js';
import { insertGoal, insertPlan, refreshPlanStatus } from './goals.js';
import { measureCriteria, type DriverValues } from './measure.js';
import type { Goal, GoalCreate, GoalPatch, Milestone, MilestoneCreate, MilestonePatch, MilestoneTaskCreate, PlanCreate, PlanTask } from './schema.js';
import { criterionRef, goalRef, insertPlanEvent, insertPlanTask, loadPlan, loadPlans, loadPlanTask, milestoneRef, planRef, type LoadedPlan } from './store.js';
import { applyTemplateTx, loadTemplateRow } from './templates.js';
import { actorId, createPlanWriter, invalid } from './writer.js';

/*
 * Success plans: the named operations. Every write runs in one transaction with its audit row,
 * its plan_events and the recomputed stored status (refreshPlanStatus), and wakes the outbox
 * after commit when a webhook or notification was queued.
 */

export type PlanHooks = {
  /** Plan tasks get what every new task gets (audit, task.created, the assignee told): TaskService.afterCreate. */
  tasksCreated?: (tx: Queryable, ids: string[], actor: Actor) => Promise<void>;
};

const today = () => new Date().toISOString().slice(0, 10);

/**
 * A goal's clock runs from its start to its target date: a start after the target would make the
 * pace meaningless. `defaulted`: the start was not sent, so it is the goal's creation day.
 */
export function startAfterTarget(startDate: string, targetDate: string | null, defaulted = false): FieldError | null {
  if (targetDate === null || startDate <= targetDate) return null;
  return {
    path: 'startDate',
    message: defaulted ? `the start (${startDate}, the day the goal was created) is after the target date (${targetDate}): give an earlier startDate`
      : `must be on or before the target date (${targetDate})`,
  };
}

export function createPlanService(deps: WorkDeps, hooks: PlanHooks = {}) {
  const { database } = deps;

  const w = createPlanWriter(deps);
  const { write, mustRef, mustLoad, goalOf, milestoneOf, checkPeople, audit, cancelOpenTasks, settle } = w;

  const service = {
    load: (planId: string) => loadPlan(database, planId),
    planRef: (id: string) => planRef(database, id),
    goalRef: (id: string) => goalRef(database, id),
    criterionRef: (id: string) => criterionRef(database, id),
    milestoneRef: (id: string) => milestoneRef(database, id),

    async listForAccount(accountId: string): Promise<LoadedPlan[]> {
      const { rows } = await database.query<{ id: string }>('SELECT id FROM success_plans WHERE account_id = $1 ORDER BY created_at DESC, id DESC', [accountId]);
      return loadPlans(database, rows.map((r) => r.id));
    },

    async createPlan(accountId: string, input: PlanCreate, actor: Actor): Promise<LoadedPlan> {
      const id = await write(async (tx) => {
        const template = input.templateId ? await loadTemplateRow(tx, input.templateId) : null;
        if (input.templateId && !template) throw invalid([{ path: 'templateId', message: 'no such plan template' }]);
        const planId = await insertPlan(tx, accountId, input.title, actor);
        await audit(tx, actor, 'success_plan.create', 'success_plan', planId, input.title, { accountId, title: input.title, templateId: input.templateId ?? null });
        if (template) await applyTemplateTx(tx, { planId, accountId, template, startDate: input.startDate ?? today(), actor }, hooks.tasksCreated);
        await measureCriteria(tx, { accountIds: [accountId] }, null);
        const { queued } = await settle(tx, planId);
        return { result: planId, queued: queued + 1 };
      });
      return mustLoad(database, id);
    },

    async updatePlan(planId: string, patch: { title: string }, actor: Actor): Promise<LoadedPlan> {
      await write(async (tx) => {
        const before = await mustLoad(tx, planId);
        await tx.query('UPDATE success_plans SET title = $2 WHERE id = $1', [planId, patch.title]);
        await audit(tx, actor, 'success_plan.update', 'success_plan', planId, patch.title, diff({ title: before.plan.title }, patch));
        return settle(tx, planId);
      });
      return mustLoad(database, planId);
    },

    async deletePlan(planId: string, actor: Actor): Promise<void> {
      await write(async (tx) => {
        const before = await mustLoad(tx, planId);
        // Open plan tasks go with the plan (cancelled, kept for history); the milestone link clears itself.
        await cancelOpenTasks(tx, 'plan', planId, actor);
        await tx.query('DELETE FROM success_plans WHERE id = $1', [planId]);
        await audit(tx, actor, 'success_plan.delete', 'success_plan', planId, before.plan.title, { title: before.plan.title, accountId: before.plan.accountId });
        return { result: undefined, queued: 0 };
      });
    },

    async addGoal(planId: string, input: GoalCreate, actor: Actor): Promise<Goal> {
      const goalId = await write(async (tx) => {
        const ref = await mustRef(planRef, tx, planId, 'success_plan.not_found');
        const order = startAfterTarget(input.startDate ?? today(), input.targetDate ?? null, !input.startDate);
        if (order) throw invalid([order]);
        const id = await insertGoal(tx, {
          planId, statement: input.statement, why: input.why ?? '', targetDate: input.targetDate ?? null, startDate: input.startDate ?? null,
          hiddenFromCustomer: input.hiddenFromCustomer ?? false,
        }, actor);
        await audit(tx, actor, 'plan_goal.create', 'plan_goal', id, input.statement, { planId, accountId: ref.accountId, ...input });
        const { queued } = await settle(tx, planId);
        return { result: id, queued };
      });
      return goalOf(await mustLoad(database, planId), goalId);
    },

    async updateGoal(goalId: string, patch: GoalPatch, actor: Actor): Promise<Goal> {
      const ref = await mustRef(goalRef, database, goalId, 'plan_goal.not_found');
      await write(async (tx) => {
        const before = goalOf(await mustLoad(tx, ref.planId), goalId);
        // The merged result; a cleared start falls back to the creation day.
        if (patch.startDate !== undefined || patch.targetDate !== undefined) {
          const { rows } = await tx.query<{ created_day: string }>(`SELECT (created_at AT TIME ZONE 'UTC')::date::text AS created_day FROM plan_goals WHERE id = $1`, [goalId]);
          const start = patch.startDate === undefined ? before.startDate : patch.startDate ?? rows[0]?.created_day ?? before.startDate;
          const order = startAfterTarget(start, patch.targetDate !== undefined ? patch.targetDate : before.targetDate, patch.startDate === null);
          if (order) throw invalid([order]);
        }
        await tx.query(
          `UPDATE plan_goals SET statement = coalesce($2, statement), why = coalesce($3, why),
                  target_date = CASE WHEN $4 THEN $5::date ELSE target_date END, start_date = CASE WHEN $6 THEN $7::date ELSE start_date END,
                  hidden_from_customer = coalesce($8, hidden_from_customer), updated_at = now()
            WHERE id = $1`,
          [goalId, patch.statement ?? null, patch.why ?? null, patch.targetDate !== undefined, patch.targetDate ?? null,
            patch.startDate !== undefined, patch.startDate ?? null, patch.hiddenFromCustomer ?? null],
        );
        const changes = diff(before as unknown as Record<string, unknown>, patch);
        await insertPlanEvent(tx, { planId: ref.planId, accountId: ref.accountId, goalId, kind: 'goal_changed', actorId: actorId(actor), data: { statement: patch.statement ?? before.statement, changes } });
        await audit(tx, actor, 'plan_goal.update', 'plan_goal', goalId, patch.statement ?? before.statement, changes);
        return settle(tx, ref.planId);
      });
      return goalOf(await mustLoad(database, ref.planId), goalId);
    },

    async deleteGoal(goalId: string, actor: Actor): Promise<void> {
      const ref = await mustRef(goalRef, database, goalId, 'plan_goal.not_found');
      await write(async (tx) => {
        const before = goalOf(await mustLoad(tx, ref.planId), goalId);
        // Seeds harvested into it go back to rooted with an event (a trigger of migration 0013, same transaction).
        await cancelOpenTasks(tx, 'goal', goalId, actor);
        await tx.query('DELETE FROM plan_goals WHERE id = $1', [goalId]);
        await insertPlanEvent(tx, { planId: ref.planId, accountId: ref.accountId, goalId, kind: 'goal_deleted', actorId: actorId(actor), data: { statement: before.statement } });
        await audit(tx, actor, 'plan_goal.delete', 'plan_goal', goalId, before.statement, { statement: before.statement, planId: ref.planId });
        return settle(tx, ref.planId);
      });
    },

    ...criterionOperations(w),

    async addMilestone(goalId: string, input: MilestoneCreate, actor: Actor): Promise<Milestone> {
      const ref = await mustRef(goalRef, database, goalId, 'plan_goal.not_found');
      const id = await write(async (tx) => {
        await checkPeople(tx, ref.accountId, [{ path: 'ownerUserId', userId: input.ownerUserId }, { path: 'ownerContactId', contactId: input.ownerContactId }]);
        const { rows } = await tx.query<{ id: string }>(
          `INSERT INTO plan_milestones (goal_id, title, due_at, owner_user_id, owner_contact_id, hidden_from_customer) VALUES ($1, $2, $3::date, $4, $5, $6) RETURNING id`,
          [goalId, input.title, input.dueAt, input.ownerUserId ?? null, input.ownerContactId ?? null, input.hiddenFromCustomer ?? false],
        );
        const mid = rows[0]?.id;
        if (!mid) throw new Error('insert returned no row');
        await audit(tx, actor, 'plan_milestone.create', 'plan_milestone', mid, input.title, { goalId, ...input });
        const { queued } = await settle(tx, ref.planId);
        return { result: mid, queued };
      });
      return milestoneOf(await mustLoad(database, ref.planId), id);
    },

    async updateMilestone(milestoneId: string, patch: MilestonePatch, actor: Actor): Promise<Milestone> {
      const ref = await mustRef(milestoneRef, database, milestoneId, 'plan_milestone.not_found');
      await write(async (tx) => {
        await tx.query('SELECT 1 FROM plan_milestones WHERE id = $1 FOR UPDATE', [milestoneId]);
        const before = milestoneOf(await mustLoad(tx, ref.planId), milestoneId);
        await checkPeople(tx, ref.accountId, [{ path: 'ownerUserId', userId: patch.ownerUserId }, { path: 'ownerContactId', contactId: patch.ownerContactId }]);
        // Naming one owner replaces the other side's: a milestone has one owner.
        const owner = patch.ownerUserId ? { user: patch.ownerUserId, contact: null } : patch.ownerContactId ? { user: null, contact: patch.ownerContactId } : null;
        const clearUser = patch.ownerUserId === null;
        const clearContact = patch.ownerContactId === null;
        const completing = patch.completed === true && before.completedAt === null;
        const reopening = patch.completed === false && before.completedAt !== null;
        await tx.query(
          `UPDATE plan_milestones SET title = coalesce($2, title), due_at = CASE WHEN $3 THEN $4::date ELSE due_at END,
                  owner_user_id = CASE WHEN $5 THEN $6::uuid WHEN $7 THEN NULL ELSE owner_user_id END,
                  owner_contact_id = CASE WHEN $5 THEN $8::uuid WHEN $9 THEN NULL ELSE owner_contact_id END,
                  completed_at = CASE WHEN $10 THEN now() WHEN $11 THEN NULL ELSE completed_at END,
                  completed_by = CASE WHEN $10 THEN $12::uuid WHEN $11 THEN NULL ELSE completed_by END,
                  hidden_from_customer = coalesce($13, hidden_from_customer), updated_at = now()
            WHERE id = $1`,
          [milestoneId, patch.title ?? null, patch.dueAt !== undefined, patch.dueAt ?? null, owner !== null, owner?.user ?? null, clearUser,
            owner?.contact ?? null, clearContact, completing, reopening, actorId(actor), patch.hiddenFromCustomer ?? null],
        );
        const changes = diff(before as unknown as Record<string, unknown>, { ...patch, completed: undefined });
        if (completing || reopening) changes.completed = { from: !completing, to: completing };
        await audit(tx, actor, 'plan_milestone.update', 'plan_milestone', milestoneId, patch.title ?? before.title, changes);
        let queued = 0;
        if (completing) {
          const after = milestoneOf(await mustLoad(tx, ref.planId), milestoneId);
          const { rows: acc } = await tx.query<{ name: string; external_id: string | null }>('SELECT name, external_id FROM accounts WHERE id = $1', [ref.accountId]);
          await insertPlanEvent(tx, { planId: ref.planId, accountId: ref.accountId, goalId: ref.goalId, kind: 'milestone_completed', actorId: actorId(actor), data: { milestoneId, title: after.title, dueAt: after.dueAt, ownerSide: after.owner?.side ?? null } });
          queued += await emitEvent(tx, {
            type: 'plan.milestone_completed', accountId: ref.accountId,
            data: { planId: ref.planId, goalId: ref.goalId, account: { id: ref.accountId, name: acc[0]?.name ?? '', externalId: acc[0]?.external_id ?? null }, milestone: after },
          });
        }
        return settle(tx, ref.planId, queued);
      });
      return milestoneOf(await mustLoad(database, ref.planId), milestoneId);
    },

    /** Deletes a milestone; its open tasks are cancelled (done ones stay, unlinked, for history). */
    async deleteMilestone(milestoneId: string, actor: Actor): Promise<void> {
      const ref = await mustRef(milestoneRef, database, milestoneId, 'plan_milestone.not_found');
      await write(async (tx) => {
        const before = milestoneOf(await mustLoad(tx, ref.planId), milestoneId);
        await cancelOpenTasks(tx, 'milestone', milestoneId, actor);
        await tx.query('DELETE FROM plan_milestones WHERE id = $1', [milestoneId]);
        await audit(tx, actor, 'plan_milestone.delete', 'plan_milestone', milestoneId, before.title, { title: before.title, goalId: ref.goalId });
        return settle(tx, ref.planId);
      });
    },

    async addMilestoneTask(milestoneId: string, input: MilestoneTaskCreate, actor: Actor): Promise<PlanTask> {
      const ref = await mustRef(milestoneRef, database, milestoneId, 'plan_milestone.not_found');
      const id = await write(async (tx) => {
        await checkPeople(tx, ref.accountId, [{ path: 'assigneeUserId', userId: input.assigneeUserId }, { path: 'assigneeContactId', contactId: input.assigneeContactId }]);
        const dueAt = input.dueAt ? (input.dueAt.length === 10 ? `${input.dueAt}T23:59:59Z` : input.dueAt) : null;
        // A contact's task with an effort asks the customer: within capacity, confirmed as an overload, or given as a spoon (src/capacity/ask-task.ts).
        const ask = await planTaskAsk(tx, {
          accountId: ref.accountId, title: input.title, reason: '', dueAt: dueAt ? new Date(dueAt) : null, assigneeUserId: input.assigneeUserId ?? null,
          assigneeContactId: input.assigneeContactId ?? null, customerEffort: input.customerEffort ?? null, confirmOverload: input.confirmOverload,
          giveSpoon: input.giveSpoon, ourAssignee: actorId(actor), by: actorId(actor),
        });
        const tid = await insertPlanTask(tx, {
          accountId: ref.accountId, milestoneId, title: input.title, reason: ask.reason, dueAt, assigneeUserId: ask.assigneeUserId, assigneeContactId: ask.assigneeContactId,
          customerEffort: ask.customerEffort, hiddenFromCustomer: input.hiddenFromCustomer ?? false, createdBy: actorId(actor),
        });
        await afterTaskInsert(tx, tid, ask);
        if (hooks.tasksCreated) await hooks.tasksCreated(tx, [tid], actor);
        else await recordAuditRaw(tx, actor, [{ action: 'create', objectType: 'task', objectId: tid, changes: { title: input.title, source: 'plan', milestoneId } }]);
        const { queued } = await settle(tx, ref.planId);
        return { result: tid, queued: queued + 1 };
      });
      const t = await loadPlanTask(database, id);
      if (!t) throw new AppError('task.not_found');
      return t;
    },

    /** Shows or hides a milestone's task on the shared page (the task routes know nothing of sharing). */
    async updateMilestoneTask(milestoneId: string, taskId: string, patch: { hiddenFromCustomer: boolean }, actor: Actor): Promise<PlanTask> {
      const ref = await mustRef(milestoneRef, database, milestoneId, 'plan_milestone.not_found');
      await write(async (tx) => {
        const { rows } = await tx.query<{ before: boolean }>(
          `UPDATE tasks t SET hidden_from_customer = $3, updated_at = now() FROM (SELECT hidden_from_customer AS before FROM tasks WHERE id = $1 AND milestone_id = $2 FOR UPDATE) b
            WHERE t.id = $1 AND t.milestone_id = $2 RETURNING b.before`,
          [taskId, milestoneId, patch.hiddenFromCustomer],
        );
        const row = rows[0];
        if (!row) throw new AppError('task.not_found');
        await recordAuditRaw(tx, actor, [{ action: 'update', objectType: 'task', objectId: taskId, changes: diff({ hiddenFromCustomer: row.before }, patch) }]);
        return settle(tx, ref.planId);
      });
      const t = await loadPlanTask(database, taskId);
      if (!t) throw new AppError('task.not_found');
      return t;
    },

    async applyTemplate(planId: string, input: { templateId: string; startDate?: string | undefined }, actor: Actor): Promise<LoadedPlan> {
      await write(async (tx) => {
        const ref = await mustRef(planRef, tx, planId, 'success_plan.not_found');
        const template = await loadTemplateRow(tx, input.templateId);
        if (!template) throw invalid([{ path: 'templateId', message: 'no such plan template' }]);
        await applyTemplateTx(tx, { planId, accountId: ref.accountId, template, startDate: input.startDate ?? today(), actor }, hooks.tasksCreated);
        await measureCriteria(tx, { accountIds: [ref.accountId] }, null);
        const { queued } = await settle(tx, planId);
        return { result: undefined, queued: queued + 1 };
      });
      return mustLoad(database, planId);
    },

    /**
     * After health was computed for some accounts: their plans' driver and metric criteria take
     * the new values (one row per day) and the plans' stored status is recomputed.
     */
    async healthComputed(values: DriverValues): Promise<number> {
      const accountIds = [...values.keys()];
      if (accountIds.length === 0) return 0;
      const { rows } = await database.query<{ account_id: string }>('SELECT DISTINCT account_id FROM success_plans WHERE account_id = ANY ($1::uuid[])', [accountIds]);
      if (rows.length === 0) return 0;
      return write(async (tx) => {
        const planIds = await measureCriteria(tx, { accountIds: rows.map((r) => r.account_id) }, values);
        let queued = 0;
        for (const id of planIds) queued += await refreshPlanStatus(tx, id);
        return { result: planIds.length, queued };
      });
    },

    /** The daily pass: time moves (milestones fall overdue, time runs out), so every plan's status is recomputed. */
    async refreshAll(): Promise<number> {
      let after = '00000000-0000-0000-0000-000000000000';
      let n = 0;
      for (;;) {
        const { rows } = await database.query<{ id: string }>('SELECT id FROM success_plans WHERE id > $1 ORDER BY id LIMIT 200', [after]);
        if (rows.length === 0) return n;
        await write(async (tx) => {
          let queued = 0;
          for (const r of rows) queued += await refreshPlanStatus(tx, r.id);
          return { result: undefined, queued };
        });
        n += rows.length;
        after = rows[rows.length - 1]?.id ?? after;
      }
    },
  };
  return service;
}
export type PlanService = ReturnType<typeof createPlanService>;
