import type { Actor } from '../auth/principal.js';
import { diff, recordAuditRaw } from '../audit/record.js';
import type { Queryable } from '../db/connect.js';
import type { WorkDeps } from '../deps.js';
import { AppError, type FieldError } from '../http/errors.js';
import { emitEvent } from '../webhooks/emit.js';
import { insertGoal, insertPlan, refreshPlanStatus } from './goals.js';
import { measureCriteria, type DriverValues } from './measure.js';
import type {
  Criterion, CriterionCreate, CriterionPatch, Goal, GoalCreate, GoalPatch, Milestone, MilestoneCreate, MilestonePatch, MilestoneTaskCreate,
  PlanCreate, PlanTask, ValueCreate,
} from './schema.js';
import { criterionRef, goalRef, insertPlanEvent, insertPlanTask, loadPlan, loadPlans, loadPlanTask, milestoneRef, planRef, type LoadedPlan, type PlanRef } from './store.js';
import { applyTemplateTx, loadTemplateRow } from './templates.js';

/*
 * Success plans: the named operations. Every write runs in one transaction with its audit row,
 * its plan_events and the recomputed stored status (refreshPlanStatus), and wakes the outbox
 * after commit when a webhook or notification was queued.
 */

export type PlanHooks = {
  /** Plan tasks get what every new task gets (audit, task.created, the assignee told): TaskService.afterCreate. */
  tasksCreated?: (tx: Queryable, ids: string[], actor: Actor) => Promise<void>;
};

const actorId = (a: Actor) => (a.type === 'user' ? a.id : null);
const today = () => new Date().toISOString().slice(0, 10);
const invalid = (fields: FieldError[]) => new AppError('success_plan.invalid', fields[0]?.message, fields);

type Written<T> = { result: T; queued: number };

export function createPlanService(deps: WorkDeps, hooks: PlanHooks = {}) {
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

  /** Owners and assignees: an active user, or a contact of this account. */
  async function checkPeople(tx: Queryable, accountId: string, people: { path: string; userId?: string | null | undefined; contactId?: string | null | undefined }[]) {
    const fields: FieldError[] = [];
    for (const p of people) {
      if (p.userId) {
        const { rows } = await tx.query('SELECT 1 FROM users WHERE id = $1 AND active', [p.userId]);
        if (rows.length === 0) fields.push({ path: p.path, message: 'no such active user' });
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

    async addCriterion(goalId: string, input: CriterionCreate, actor: Actor): Promise<Criterion> {
      const ref = await mustRef(goalRef, database, goalId, 'plan_goal.not_found');
      const id = await write(async (tx) => {
        const direction = input.direction ?? (input.kind === 'driver' && input.driverId ? await driverDirection(tx, input.driverId) : 'up');
        if (input.kind === 'driver' && input.driverId && input.direction) await driverDirection(tx, input.driverId);
        const { rows } = await tx.query<{ id: string }>(
          `INSERT INTO plan_criteria (goal_id, name, kind, driver_id, metric, direction, baseline, target) VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8) RETURNING id`,
          [goalId, input.name, input.kind, input.driverId ?? null, input.metric ? JSON.stringify(input.metric) : null, direction, input.baseline ?? null, input.target ?? null],
        );
        const cid = rows[0]?.id;
        if (!cid) throw new Error('insert returned no row');
        await insertPlanEvent(tx, { planId: ref.planId, accountId: ref.accountId, goalId, kind: 'criterion_changed', actorId: actorId(actor), data: { criterionId: cid, name: input.name, change: 'created' } });
        await audit(tx, actor, 'plan_criterion.create', 'plan_criterion', cid, input.name, { goalId, ...input, direction });
        await measureCriteria(tx, { criterionIds: [cid] }, null);
        const { queued } = await settle(tx, ref.planId);
        return { result: cid, queued };
      });
      return criterionOf(await mustLoad(database, ref.planId), id);
    },

    async updateCriterion(criterionId: string, patch: CriterionPatch, actor: Actor): Promise<Criterion> {
      const ref = await mustRef(criterionRef, database, criterionId, 'plan_criterion.not_found');
      await write(async (tx) => {
        const before = criterionOf(await mustLoad(tx, ref.planId), criterionId);
        const fields: FieldError[] = [];
        if (patch.driverId !== undefined && before.kind !== 'driver') fields.push({ path: 'driverId', message: 'Only a driver criterion has a driver' });
        if (patch.metric !== undefined && before.kind !== 'metric') fields.push({ path: 'metric', message: 'Only a metric criterion has a metric' });
        if (before.kind === 'rating') {
          for (const k of ['target', 'baseline'] as const) {
            const n = patch[k];
            if (n !== undefined && n !== null && (n < 1 || n > 5)) fields.push({ path: k, message: 'A rating is 1 to 5' });
          }
        }
        if (fields.length) throw invalid(fields);
        if (patch.driverId) await driverDirection(tx, patch.driverId);
        await tx.query(
          `UPDATE plan_criteria SET name = coalesce($2, name), driver_id = coalesce($3, driver_id), metric = coalesce($4::jsonb, metric),
                  direction = coalesce($5, direction), target = CASE WHEN $6 THEN $7::float8 ELSE target END,
                  baseline = CASE WHEN $8 THEN $9::float8 ELSE baseline END, updated_at = now()
            WHERE id = $1`,
          [criterionId, patch.name ?? null, patch.driverId ?? null, patch.metric ? JSON.stringify(patch.metric) : null, patch.direction ?? null,
            patch.target !== undefined, patch.target ?? null, patch.baseline !== undefined, patch.baseline ?? null],
        );
        // A different source of measurement: the old path measured something else.
        if ((patch.driverId && patch.driverId !== before.driverId) || (patch.metric && JSON.stringify(patch.metric) !== JSON.stringify(before.metric))) {
          await tx.query(`DELETE FROM plan_criterion_values WHERE criterion_id = $1 AND source = 'measured'`, [criterionId]);
          await measureCriteria(tx, { criterionIds: [criterionId] }, null);
        }
        const changes = diff(before as unknown as Record<string, unknown>, patch);
        await insertPlanEvent(tx, { planId: ref.planId, accountId: ref.accountId, goalId: ref.goalId, kind: 'criterion_changed', actorId: actorId(actor), data: { criterionId, name: patch.name ?? before.name, change: 'updated', changes } });
        await audit(tx, actor, 'plan_criterion.update', 'plan_criterion', criterionId, patch.name ?? before.name, changes);
        return settle(tx, ref.planId);
      });
      return criterionOf(await mustLoad(database, ref.planId), criterionId);
    },

    async deleteCriterion(criterionId: string, actor: Actor): Promise<void> {
      const ref = await mustRef(criterionRef, database, criterionId, 'plan_criterion.not_found');
      await write(async (tx) => {
        const before = criterionOf(await mustLoad(tx, ref.planId), criterionId);
        await tx.query('DELETE FROM plan_criteria WHERE id = $1', [criterionId]);
        await insertPlanEvent(tx, { planId: ref.planId, accountId: ref.accountId, goalId: ref.goalId, kind: 'criterion_changed', actorId: actorId(actor), data: { criterionId, name: before.name, change: 'deleted' } });
        await audit(tx, actor, 'plan_criterion.delete', 'plan_criterion', criterionId, before.name, { name: before.name, goalId: ref.goalId });
        return settle(tx, ref.planId);
      });
    },

    /**
     * A manual number with its date, or a 1–5 rating from one side. Driver and metric criteria are
     * measured from data: a hand-entered value would be overwritten by the next health run, so it is refused.
     */
    async recordValue(criterionId: string, input: ValueCreate, actor: Actor, source: 'manual' | 'customer' = 'manual'): Promise<Criterion> {
      const ref = await mustRef(criterionRef, database, criterionId, 'plan_criterion.not_found');
      await write(async (tx) => {
        const c = criterionOf(await mustLoad(tx, ref.planId), criterionId);
        if (c.kind === 'driver' || c.kind === 'metric') throw invalid([{ path: 'value', message: `A ${c.kind} criterion is measured from data; values are entered only for manual and rating criteria` }]);
        if (c.kind === 'rating') {
          const fields: FieldError[] = [];
          if (!input.side) fields.push({ path: 'side', message: 'Say whose rating it is: vendor or customer' });
          if (!Number.isInteger(input.value) || input.value < 1 || input.value > 5) fields.push({ path: 'value', message: 'A rating is a whole number from 1 to 5' });
          if (fields.length) throw invalid(fields);
        } else if (input.side) {
          throw invalid([{ path: 'side', message: 'Only a rating has a side' }]);
        }
        const at = input.at ? new Date(input.at) : new Date();
        await tx.query(
          `INSERT INTO plan_criterion_values (criterion_id, at, day, value, side, source, actor_id) VALUES ($1, $2, ($2::timestamptz AT TIME ZONE 'UTC')::date, $3, $4, $5, $6)`,
          [criterionId, at.toISOString(), input.value, input.side ?? null, c.kind === 'rating' ? 'rating' : source, actorId(actor)],
        );
        await audit(tx, actor, 'plan_criterion.value', 'plan_criterion', criterionId, c.name, { value: input.value, at: at.toISOString(), side: input.side ?? null });
        return settle(tx, ref.planId);
      });
      return criterionOf(await mustLoad(database, ref.planId), criterionId);
    },

    async listValues(criterionId: string) {
      const { rows } = await database.query<{ at: Date | string; value: number; side: 'vendor' | 'customer' | null; source: 'measured' | 'manual' | 'rating' | 'customer' }>(
        'SELECT at, value, side, source FROM plan_criterion_values WHERE criterion_id = $1 ORDER BY at, created_at LIMIT 2000',
        [criterionId],
      );
      return { items: rows.map((r) => ({ at: new Date(r.at).toISOString(), value: r.value, side: r.side, source: r.source })) };
    },

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
        const tid = await insertPlanTask(tx, {
          accountId: ref.accountId, milestoneId, title: input.title, dueAt, assigneeUserId: input.assigneeUserId ?? null, assigneeContactId: input.assigneeContactId ?? null,
          customerEffort: input.customerEffort ?? null, hiddenFromCustomer: input.hiddenFromCustomer ?? false, createdBy: actorId(actor),
        });
        if (hooks.tasksCreated) await hooks.tasksCreated(tx, [tid], actor);
        else await recordAuditRaw(tx, actor, [{ action: 'create', objectType: 'task', objectId: tid, changes: { title: input.title, source: 'plan', milestoneId } }]);
        const { queued } = await settle(tx, ref.planId);
        return { result: tid, queued: queued + 1 };
      });
      const t = await loadPlanTask(database, id);
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
