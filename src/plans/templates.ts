import type { Actor } from '../auth/principal.js';
import { diff, recordAuditRaw } from '../audit/record.js';
import type { Queryable } from '../db/connect.js';
import type { WorkDeps } from '../deps.js';
import { AppError, type FieldError } from '../http/errors.js';
import { ensureAccountPlan, insertGoal, refreshPlanStatus } from './goals.js';
import { measureCriteria } from './measure.js';
import type { PlanTemplate, TemplateCreate, TemplateGoal, TemplateOwner, TemplatePatch } from './schema.js';
import { insertPlanTask } from './store.js';
import { WORKER_ROLES } from './writer.js';

/*
 * Plan templates (CS ops): goals with criteria, milestones with day offsets and tasks with owner
 * roles. Applying one to a plan fills dates (start + offset) and owners: 'csm' is the account's
 * owner, 'customer:<role>' the account's contact with that role seen most recently; when nobody
 * plays the role the milestone or task stays unassigned and the reason is kept (the task's reason,
 * the template_applied event's `unassigned`).
 */

export type TemplateRow = {
  id: string; name: string; description: string; segment: string | null; stage: string | null; goals: TemplateGoal[];
  created_at: Date | string; updated_at: Date | string;
};

const iso = (v: Date | string) => (v instanceof Date ? v : new Date(v)).toISOString();
export const toTemplate = (r: TemplateRow, canEdit: boolean): PlanTemplate => ({
  id: r.id, name: r.name, description: r.description, segment: r.segment, stage: r.stage, goals: r.goals,
  createdAt: iso(r.created_at), updatedAt: iso(r.updated_at), canEdit,
});

const SELECT = 'SELECT id, name, description, segment, stage, goals, created_at, updated_at FROM plan_templates';

export async function loadTemplateRow(db: Queryable, id: string): Promise<TemplateRow | null> {
  const { rows } = await db.query<TemplateRow>(`${SELECT} WHERE id = $1`, [id]);
  return rows[0] ?? null;
}

/** YYYY-MM-DD plus days, in UTC. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

type Resolved = { userId: string | null; contactId: string | null; note: string | null };

async function ownerResolver(tx: Queryable, accountId: string) {
  const { rows } = await tx.query<{ owner_id: string | null; active: boolean | null; role: string | null }>(
    'SELECT a.owner_id, u.active, u.role FROM accounts a LEFT JOIN users u ON u.id = a.owner_id WHERE a.id = $1', [accountId],
  );
  const acc = rows[0];
  // The same rule as a milestone's owner by hand (writer.ts checkPeople): an active user who can do work.
  const csmNote = !acc?.owner_id ? 'the account has no owner (csm)' : !acc.active ? 'the account owner (csm) is inactive'
    : !(WORKER_ROLES as readonly string[]).includes(acc.role ?? '') ? `the account owner (csm) is a ${acc.role ?? 'user'} and cannot own work` : null;
  const ownerId = csmNote ? null : acc?.owner_id ?? null;
  const cache = new Map<string, string | null>();
  return async (owner: TemplateOwner | null): Promise<Resolved> => {
    if (owner === null) return { userId: null, contactId: null, note: null };
    if (owner === 'csm') return ownerId ? { userId: ownerId, contactId: null, note: null } : { userId: null, contactId: null, note: csmNote };
    const role = owner.slice('customer:'.length);
    if (!cache.has(role)) {
      const { rows: c } = await tx.query<{ id: string }>(
        'SELECT id FROM contacts WHERE account_id = $1 AND role = $2 ORDER BY last_seen_at DESC NULLS LAST, created_at, id LIMIT 1', [accountId, role],
      );
      cache.set(role, c[0]?.id ?? null);
    }
    const contactId = cache.get(role) ?? null;
    return contactId ? { userId: null, contactId, note: null } : { userId: null, contactId: null, note: `no contact with the role ${role.replace('_', ' ')} on this account` };
  };
}

/**
 * Applies a template to a plan inside the caller's transaction: goals, criteria, milestones and
 * tasks with dates and owners, and a plan_events template_applied. With a dedupeKey a second
 * application (a redelivered playbook step) does nothing and returns false.
 */
export async function applyTemplateTx(
  tx: Queryable,
  a: { planId: string; accountId: string; template: TemplateRow; startDate: string; actor: Actor; dedupeKey?: string | null },
  tasksCreated?: (tx: Queryable, ids: string[], actor: Actor) => Promise<void>,
): Promise<{ applied: boolean; taskIds: string[] }> {
  const actorId = a.actor.type === 'user' ? a.actor.id : null;
  // A template stored before its offsets were checked is refused rather than planting dates out of order.
  const offsets = templateOffsetProblems(a.template.goals);
  if (offsets.length) throw new AppError('plan_template.invalid', `Fix the template first: ${offsets[0]?.path} ${offsets[0]?.message}`, offsets);
  const { rows: ev } = await tx.query<{ id: string }>(
    `INSERT INTO plan_events (plan_id, account_id, kind, actor_id, data, dedupe_key) VALUES ($1, $2, 'template_applied', $3, $4::jsonb, $5)
     ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
    [a.planId, a.accountId, actorId, JSON.stringify({ templateId: a.template.id, name: a.template.name, startDate: a.startDate }), a.dedupeKey ?? null],
  );
  const eventId = ev[0]?.id;
  if (!eventId) return { applied: false, taskIds: [] };
  const resolve = await ownerResolver(tx, a.accountId);
  const { rows: drivers } = await tx.query<{ id: string; direction: string | null }>(`SELECT id, scoring ->> 'direction' AS direction FROM drivers`);
  const driverDir = new Map(drivers.map((d) => [d.id, d.direction === 'lower_is_better' ? 'down' : 'up']));
  const unassigned: { kind: 'milestone' | 'task'; title: string; reason: string }[] = [];
  const taskIds: string[] = [];
  const goals: string[] = [];
  for (const g of a.template.goals) {
    const goalId = await insertGoal(tx, {
      planId: a.planId, statement: g.statement, why: g.why, startDate: a.startDate,
      targetDate: g.targetOffsetDays === null ? null : addDays(a.startDate, g.targetOffsetDays),
    }, a.actor);
    goals.push(goalId);
    for (const c of g.criteria) {
      const driverId = c.kind === 'driver' && c.driverId && driverDir.has(c.driverId) ? c.driverId : null;
      const direction = c.direction ?? (driverId ? driverDir.get(driverId) : 'up') ?? 'up';
      await tx.query(
        `INSERT INTO plan_criteria (goal_id, name, kind, driver_id, metric, direction, target) VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7)`,
        [goalId, c.name, c.kind, driverId, c.kind === 'metric' && c.metric ? JSON.stringify(c.metric) : null, direction, c.target ?? null],
      );
    }
    for (const m of g.milestones) {
      const owner = await resolve(m.owner);
      if (owner.note) unassigned.push({ kind: 'milestone', title: m.title, reason: owner.note });
      const { rows } = await tx.query<{ id: string }>(
        `INSERT INTO plan_milestones (goal_id, title, due_at, owner_user_id, owner_contact_id) VALUES ($1, $2, $3::date, $4, $5) RETURNING id`,
        [goalId, m.title, addDays(a.startDate, m.offsetDays), owner.userId, owner.contactId],
      );
      const milestoneId = rows[0]?.id;
      if (!milestoneId) throw new Error('insert returned no row');
      for (const t of m.tasks) {
        const who = await resolve(t.owner);
        if (who.note) unassigned.push({ kind: 'task', title: t.title, reason: who.note });
        taskIds.push(await insertPlanTask(tx, {
          accountId: a.accountId, milestoneId, title: t.title, reason: who.note ? `From the template ${a.template.name}: unassigned, ${who.note}.` : `From the template ${a.template.name}.`,
          dueAt: `${addDays(a.startDate, t.offsetDays)}T23:59:59Z`, assigneeUserId: who.userId, assigneeContactId: who.contactId,
          customerEffort: null, hiddenFromCustomer: false, createdBy: actorId,
        }));
      }
    }
  }
  await tx.query(`UPDATE plan_events SET data = data || $2::jsonb WHERE id = $1`, [eventId, JSON.stringify({ goals: goals.length, unassigned })]);
  if (taskIds.length && tasksCreated) await tasksCreated(tx, taskIds, a.actor);
  await recordAuditRaw(tx, a.actor, [{
    action: 'success_plan.apply_template', objectType: 'success_plan', objectId: a.planId, objectLabel: a.template.name,
    changes: { templateId: a.template.id, template: a.template.name, startDate: a.startDate, goals: goals.length, tasks: taskIds.length, unassigned },
  }]);
  return { applied: true, taskIds };
}

/**
 * The playbook step "apply a plan template": the account's newest plan gets the template (a plan
 * is created when it has none), its criteria are measured and its status stored. The step's key
 * makes a redelivered step a no-op. The created tasks are returned for the caller's afterCreate.
 */
export async function applyTemplateToAccount(
  tx: Queryable,
  a: { accountId: string; templateId: string; actor: Actor; dedupeKey: string; startDate: string },
): Promise<{ ok: true; planId: string; applied: boolean; taskIds: string[]; queued: number } | { ok: false; error: string }> {
  const template = await loadTemplateRow(tx, a.templateId);
  if (!template) return { ok: false, error: 'the plan template was deleted' };
  const offsets = templateOffsetProblems(template.goals);
  if (offsets.length) return { ok: false, error: `the plan template is not valid: ${offsets.map((f) => `${f.path} ${f.message}`).join('; ')}` };
  const planId = await ensureAccountPlan(tx, a.accountId, a.actor.type === 'user' ? a.actor.id : null, a.actor);
  const r = await applyTemplateTx(tx, { planId, accountId: a.accountId, template, startDate: a.startDate, actor: a.actor, dedupeKey: a.dedupeKey });
  if (!r.applied) return { ok: true, planId, applied: false, taskIds: [], queued: 0 };
  await measureCriteria(tx, { accountIds: [a.accountId] }, null);
  const queued = await refreshPlanStatus(tx, planId);
  return { ok: true, planId, applied: true, taskIds: r.taskIds, queued };
}

/**
 * The order of a template's days: every offset counts from the start (day 0) and none is negative;
 * a milestone is due on or before its goal's target, a task on or before its milestone. Checked
 * here rather than in the zod shape, which also serializes stored templates (an older stored one
 * must still be readable so it can be fixed).
 */
export function templateOffsetProblems(goals: TemplateGoal[]): FieldError[] {
  const fields: FieldError[] = [];
  const negative = (path: string, n: number | null) => {
    if (n !== null && n < 0) fields.push({ path, message: 'cannot be negative: offsets are days after the start (day 0)' });
  };
  goals.forEach((g, gi) => {
    negative(`goals.${gi}.targetOffsetDays`, g.targetOffsetDays);
    g.milestones.forEach((m, mi) => {
      const mp = `goals.${gi}.milestones.${mi}`;
      negative(`${mp}.offsetDays`, m.offsetDays);
      if (g.targetOffsetDays !== null && m.offsetDays > g.targetOffsetDays) fields.push({ path: `${mp}.offsetDays`, message: `after the goal's target (day ${g.targetOffsetDays})` });
      m.tasks.forEach((t, ti) => {
        negative(`${mp}.tasks.${ti}.offsetDays`, t.offsetDays);
        if (t.offsetDays > m.offsetDays) fields.push({ path: `${mp}.tasks.${ti}.offsetDays`, message: `after its milestone (day ${m.offsetDays})` });
      });
    });
  });
  return fields;
}

/** A template's goals as a whole: the order of their days and their drivers; every problem at once. */
async function checkTemplateGoals(tx: Queryable, goals: TemplateGoal[]) {
  const fields = templateOffsetProblems(goals);
  const ids = goals.flatMap((g) => g.criteria.flatMap((c) => (c.driverId ? [c.driverId] : [])));
  if (ids.length) {
    const { rows } = await tx.query<{ id: string }>('SELECT id FROM drivers WHERE id = ANY ($1::uuid[])', [ids]);
    const known = new Set(rows.map((r) => r.id));
    goals.forEach((g, gi) => g.criteria.forEach((c, ci) => {
      if (c.driverId && !known.has(c.driverId)) fields.push({ path: `goals.${gi}.criteria.${ci}.driverId`, message: 'no such driver' });
    }));
  }
  if (fields.length) throw new AppError('plan_template.invalid', fields[0]?.message, fields);
}

export function createPlanTemplateService({ database }: WorkDeps) {
  const mustLoad = async (db: Queryable, id: string) => {
    const t = await loadTemplateRow(db, id);
    if (!t) throw new AppError('plan_template.not_found');
    return t;
  };
  return {
    load: (id: string) => loadTemplateRow(database, id),
    async list(): Promise<TemplateRow[]> {
      return (await database.query<TemplateRow>(`${SELECT} ORDER BY lower(name), id`)).rows;
    },
    async create(input: TemplateCreate, actor: Actor): Promise<TemplateRow> {
      return database.transaction(async (tx) => {
        await checkTemplateGoals(tx, input.goals);
        const { rows } = await tx.query<TemplateRow>(
          `INSERT INTO plan_templates (name, description, segment, stage, goals, created_by) VALUES ($1, $2, $3, $4, $5::jsonb, $6)
           RETURNING id, name, description, segment, stage, goals, created_at, updated_at`,
          [input.name, input.description, input.segment, input.stage, JSON.stringify(input.goals), actor.type === 'user' ? actor.id : null],
        );
        const t = rows[0];
        if (!t) throw new Error('insert returned no row');
        await recordAuditRaw(tx, actor, [{ action: 'plan_template.create', objectType: 'plan_template', objectId: t.id, objectLabel: t.name, changes: { ...input } }]);
        return t;
      });
    },
    async update(id: string, patch: TemplatePatch, actor: Actor): Promise<TemplateRow> {
      return database.transaction(async (tx) => {
        const before = await mustLoad(tx, id);
        if (patch.goals) await checkTemplateGoals(tx, patch.goals);
        const { rows } = await tx.query<TemplateRow>(
          `UPDATE plan_templates SET name = coalesce($2, name), description = coalesce($3, description),
                  segment = CASE WHEN $4 THEN $5 ELSE segment END, stage = CASE WHEN $6 THEN $7 ELSE stage END,
                  goals = coalesce($8::jsonb, goals), updated_at = now()
            WHERE id = $1 RETURNING id, name, description, segment, stage, goals, created_at, updated_at`,
          [id, patch.name ?? null, patch.description ?? null, patch.segment !== undefined, patch.segment ?? null, patch.stage !== undefined, patch.stage ?? null,
            patch.goals ? JSON.stringify(patch.goals) : null],
        );
        const t = rows[0];
        if (!t) throw new AppError('plan_template.not_found');
        await recordAuditRaw(tx, actor, [{ action: 'plan_template.update', objectType: 'plan_template', objectId: id, objectLabel: t.name, changes: diff(before as unknown as Record<string, unknown>, patch) }]);
        return t;
      });
    },
    async remove(id: string, actor: Actor): Promise<void> {
      await database.transaction(async (tx) => {
        const before = await mustLoad(tx, id);
        await tx.query('DELETE FROM plan_templates WHERE id = $1', [id]);
        await recordAuditRaw(tx, actor, [{ action: 'plan_template.delete', objectType: 'plan_template', objectId: id, objectLabel: before.name, changes: { name: before.name } }]);
      });
    },
  };
}
export type PlanTemplateService = ReturnType<typeof createPlanTemplateService>;
