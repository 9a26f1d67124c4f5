import type { Queryable } from '../db/connect.js';
import type { Actor } from '../auth/principal.js';
import { recordAuditRaw } from '../audit/record.js';
import { notify } from '../notifications/notify.js';
import { emitEvent } from '../webhooks/emit.js';
import { insertPlanEvent, loadPlan } from './store.js';

/*
 * The plan operations other capabilities call inside their own transaction (a seed harvested into
 * a goal, a playbook step applying a template): create the account's plan, add a goal, and
 * recompute the stored status. Each takes the caller's transaction.
 */

export const DEFAULT_PLAN_TITLE = 'Success plan';
const actorIdOf = (actor: Actor | string | null) => (actor === null ? null : typeof actor === 'string' ? actor : actor.type === 'user' ? actor.id : null);

/** Inserts a plan (plan_events plan_created); returns its id. Not audited here: the caller audits its operation. */
export async function insertPlan(tx: Queryable, accountId: string, title: string, actor: Actor | string | null): Promise<string> {
  const actorId = actorIdOf(actor);
  const { rows } = await tx.query<{ id: string }>('INSERT INTO success_plans (account_id, title, created_by) VALUES ($1, $2, $3) RETURNING id', [accountId, title, actorId]);
  const id = rows[0]?.id;
  if (!id) throw new Error('insert returned no row');
  await insertPlanEvent(tx, { planId: id, accountId, kind: 'plan_created', actorId, data: { title } });
  return id;
}

/**
 * The account's newest plan id, or a new plan titled "Success plan" (created, audited, with its
 * plan_created event). Locks the account row so two callers at once make one plan.
 */
export async function ensureAccountPlan(tx: Queryable, accountId: string, actorId: string | null, actor?: Actor): Promise<string> {
  await tx.query('SELECT 1 FROM accounts WHERE id = $1 FOR UPDATE', [accountId]);
  const { rows } = await tx.query<{ id: string }>('SELECT id FROM success_plans WHERE account_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1', [accountId]);
  const existing = rows[0]?.id;
  if (existing) return existing;
  const id = await insertPlan(tx, accountId, DEFAULT_PLAN_TITLE, actorId);
  const who: Actor = actor ?? (actorId ? { type: 'user', id: actorId, label: actorId } : { type: 'system', id: null, label: 'system' });
  await recordAuditRaw(tx, who, [{ action: 'success_plan.create', objectType: 'success_plan', objectId: id, objectLabel: DEFAULT_PLAN_TITLE, changes: { accountId, title: DEFAULT_PLAN_TITLE } }]);
  return id;
}

export type NewGoal = {
  planId: string;
  statement: string;
  why?: string | null;
  targetDate: string | null;
  startDate?: string | null;
  hiddenFromCustomer?: boolean;
  harvestedFromSeedId?: string | null;
};

/**
 * Adds a goal to a plan and records plan_events goal_created (the timeline, autopilot's "new
 * topic"). Returns the goal id. The caller audits and then calls refreshPlanStatus once its writes are done.
 */
export async function insertGoal(tx: Queryable, g: NewGoal, actor: Actor | string | null): Promise<string> {
  const actorId = actorIdOf(actor);
  const { rows } = await tx.query<{ id: string; account_id: string }>(
    `INSERT INTO plan_goals (plan_id, statement, why, target_date, start_date, hidden_from_customer, harvested_from_seed_id, created_by)
     SELECT p.id, $2, $3, $4::date, $5::date, $6, $7, $8 FROM success_plans p WHERE p.id = $1
     RETURNING id, (SELECT account_id FROM success_plans WHERE id = $1) AS account_id`,
    [g.planId, g.statement, g.why ?? '', g.targetDate, g.startDate ?? null, g.hiddenFromCustomer ?? false, g.harvestedFromSeedId ?? null, actorId],
  );
  const row = rows[0];
  if (!row) throw new Error(`no success plan ${g.planId}`);
  await insertPlanEvent(tx, {
    planId: g.planId, accountId: row.account_id, goalId: row.id, kind: 'goal_created', actorId,
    data: { statement: g.statement, targetDate: g.targetDate, harvestedFromSeedId: g.harvestedFromSeedId ?? null },
  });
  await tx.query('UPDATE success_plans SET updated_at = now() WHERE id = $1', [g.planId]);
  return row.id;
}

/**
 * Recomputes the plan's status and its goals' (progress.ts) and stores them. When the plan's
 * status moves: a plan_events status_changed, the webhook plan.status_changed and a notification
 * to the account's owner, all in the caller's transaction. Returns how many outbox rows were
 * queued (the caller wakes the outbox after commit). A plan that no longer exists is a no-op.
 */
export async function refreshPlanStatus(tx: Queryable, planId: string, now = new Date()): Promise<number> {
  const { rows: locked } = await tx.query<{ status: string; owner_id: string | null; account_name: string; external_id: string | null }>(
    `SELECT p.status, a.owner_id, a.name AS account_name, a.external_id FROM success_plans p JOIN accounts a ON a.id = p.account_id
      WHERE p.id = $1 FOR UPDATE OF p`,
    [planId],
  );
  const before = locked[0];
  if (!before) return 0;
  const loaded = await loadPlan(tx, planId, now);
  if (!loaded) return 0;
  const plan = loaded.plan;
  const goals = plan.goals.map((g) => ({ id: g.id, status: g.status, reasons: g.statusReasons }));
  if (goals.length > 0) {
    await tx.query(
      `UPDATE plan_goals g SET status = x.status, status_reasons = x.reasons
         FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, status text, reasons jsonb)
        WHERE g.id = x.id AND (g.status, g.status_reasons) IS DISTINCT FROM (x.status, x.reasons)`,
      [JSON.stringify(goals)],
    );
  }
  const changed = before.status !== plan.status;
  await tx.query(
    `UPDATE success_plans SET status = $2, status_reasons = $3::jsonb, status_changed_at = CASE WHEN $4 THEN now() ELSE status_changed_at END WHERE id = $1`,
    [planId, plan.status, JSON.stringify(plan.statusReasons), changed],
  );
  if (!changed) return 0;
  const data = {
    planId, planTitle: plan.title, account: { id: plan.accountId, name: before.account_name, externalId: before.external_id },
    from: before.status, to: plan.status, reasons: plan.statusReasons,
  };
  await insertPlanEvent(tx, { planId, accountId: plan.accountId, kind: 'status_changed', actorId: null, data: { from: before.status, to: plan.status, reasons: plan.statusReasons } });
  let queued = await emitEvent(tx, { type: 'plan.status_changed', accountId: plan.accountId, data });
  if (before.owner_id) {
    const words = (s: string) => s.replace('_', ' ');
    queued += await notify(tx, {
      userIds: [before.owner_id], kind: 'plan.status_changed', accountId: plan.accountId, link: `/accounts/${plan.accountId}`,
      title: `Success plan of ${before.account_name} is now ${words(plan.status)}`,
      body: `${plan.title}: ${words(before.status)} → ${words(plan.status)}.\n${plan.statusReasons.join('\n')}`,
      dedupeKey: `plan:${planId}:status:${plan.status}:${now.getTime()}`,
    });
  }
  return queued;
}
