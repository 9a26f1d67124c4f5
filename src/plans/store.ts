import type { Ownable } from '../auth/policy.js';
import type { Queryable } from '../db/connect.js';
import { planProgress, toPercent, type CriterionKind, type Direction, type GoalStatus, type PlanInput } from './progress.js';
import type { Criterion, Goal, Milestone, MetricSpec, PlanTask, SuccessPlan } from './schema.js';

/*
 * SQL of success plans: a whole plan (or many) in five queries — plans, goals, criteria with their
 * latest values, milestones, tasks — shaped with the pure roll-up (progress.ts). A date column is
 * read as text (YYYY-MM-DD): a JavaScript Date of a date would shift with the server's time zone.
 */

type Stamp = Date | string;
const iso = (v: Stamp) => (v instanceof Date ? v : new Date(v)).toISOString();
const isoOrNull = (v: Stamp | null) => (v === null ? null : iso(v));
const dayStart = (d: string) => new Date(`${d}T00:00:00Z`);

type PlanRow = {
  id: string; account_id: string; account_name: string; owner_id: string | null; team_id: string | null; title: string;
  status: GoalStatus; status_reasons: string[]; created_at: Stamp; updated_at: Stamp;
};
type GoalRow = {
  id: string; plan_id: string; statement: string; why: string; target_date: string | null; start_date: string | null; created_day: string;
  created_at: Stamp; status: GoalStatus; hidden_from_customer: boolean; harvested_from_seed_id: string | null;
};
type CriterionRow = {
  id: string; goal_id: string; name: string; kind: CriterionKind; driver_id: string | null; driver_name: string | null; metric: MetricSpec | null;
  direction: Direction; baseline: number | null; target: number | null; latest_value: number | null; latest_at: Stamp | null;
  vendor_rating: number | null; vendor_at: Stamp | null; customer_rating: number | null; customer_at: Stamp | null;
};
type MilestoneRow = {
  id: string; goal_id: string; title: string; due_at: string | null; completed_at: Stamp | null; hidden_from_customer: boolean;
  owner_user_id: string | null; owner_user_name: string | null; owner_contact_id: string | null; owner_contact_name: string | null;
};
type TaskRow = {
  id: string; milestone_id: string; title: string; status: PlanTask['status']; due_at: Stamp | null; assignee_user_id: string | null;
  assignee_contact_id: string | null; assignee_name: string | null; customer_effort: number | null; hidden_from_customer: boolean;
};

export type LoadedPlan = { plan: Omit<SuccessPlan, 'canEdit'>; account: Ownable };

/**
 * The current value of a criterion: a rating is the mean of each side's latest rating; others, the latest value.
 * "Latest" is at or before `now` (the query's): a value dated ahead (within the clock skew criteria.ts allows) waits its turn.
 */
function currentOf(c: CriterionRow): { current: number | null; measuredAt: Stamp | null } {
  if (c.kind !== 'rating') return { current: c.latest_value, measuredAt: c.latest_at };
  const sides = [c.vendor_rating, c.customer_rating].filter((v): v is number => v !== null);
  if (sides.length === 0) return { current: null, measuredAt: null };
  const at = [c.vendor_at, c.customer_at].filter((v): v is Stamp => v !== null).map((v) => new Date(v).getTime());
  return { current: sides.reduce((a, b) => a + b, 0) / sides.length, measuredAt: new Date(Math.max(...at)) };
}

export async function loadPlans(db: Queryable, planIds: string[], now = new Date()): Promise<LoadedPlan[]> {
  if (planIds.length === 0) return [];
  const { rows: plans } = await db.query<PlanRow>(
    `SELECT p.id, p.account_id, a.name AS account_name, a.owner_id, a.team_id, p.title, p.status, p.status_reasons, p.created_at, p.updated_at
       FROM success_plans p JOIN accounts a ON a.id = p.account_id WHERE p.id = ANY ($1::uuid[])`,
    [planIds],
  );
  if (plans.length === 0) return [];
  const { rows: goals } = await db.query<GoalRow>(
    `SELECT g.id, g.plan_id, g.statement, g.why, g.target_date::text AS target_date, g.start_date::text AS start_date,
            (g.created_at AT TIME ZONE 'UTC')::date::text AS created_day, g.created_at, g.status, g.hidden_from_customer, g.harvested_from_seed_id
       FROM plan_goals g WHERE g.plan_id = ANY ($1::uuid[]) ORDER BY g.created_at, g.id`,
    [plans.map((p) => p.id)],
  );
  const goalIds = goals.map((g) => g.id);
  const { rows: criteria } = await db.query<CriterionRow>(
    `SELECT c.id, c.goal_id, c.name, c.kind, c.driver_id, d.name AS driver_name, c.metric, c.direction, c.baseline, c.target,
            l.value AS latest_value, l.at AS latest_at, vr.value AS vendor_rating, vr.at AS vendor_at, cr.value AS customer_rating, cr.at AS customer_at
       FROM plan_criteria c LEFT JOIN drivers d ON d.id = c.driver_id
       LEFT JOIN LATERAL (SELECT v.value, v.at FROM plan_criterion_values v WHERE v.criterion_id = c.id AND v.at <= $2::timestamptz
                           ORDER BY v.at DESC, v.created_at DESC LIMIT 1) l ON c.kind <> 'rating'
       LEFT JOIN LATERAL (SELECT v.value, v.at FROM plan_criterion_values v WHERE v.criterion_id = c.id AND v.at <= $2::timestamptz AND v.side = 'vendor'
                           ORDER BY v.at DESC, v.created_at DESC LIMIT 1) vr ON c.kind = 'rating'
       LEFT JOIN LATERAL (SELECT v.value, v.at FROM plan_criterion_values v WHERE v.criterion_id = c.id AND v.at <= $2::timestamptz AND v.side = 'customer'
                           ORDER BY v.at DESC, v.created_at DESC LIMIT 1) cr ON c.kind = 'rating'
      WHERE c.goal_id = ANY ($1::uuid[]) ORDER BY c.created_at, c.id`,
    [goalIds, now.toISOString()],
  );
  const { rows: milestones } = await db.query<MilestoneRow>(
    `SELECT m.id, m.goal_id, m.title, m.due_at::text AS due_at, m.completed_at, m.hidden_from_customer,
            m.owner_user_id, u.name AS owner_user_name, m.owner_contact_id, coalesce(nullif(c.name, ''), c.email, 'Unnamed contact') AS owner_contact_name
       FROM plan_milestones m LEFT JOIN users u ON u.id = m.owner_user_id LEFT JOIN contacts c ON c.id = m.owner_contact_id
      WHERE m.goal_id = ANY ($1::uuid[]) ORDER BY m.due_at NULLS LAST, m.created_at, m.id`,
    [goalIds],
  );
  const { rows: tasks } = await db.query<TaskRow>(
    `SELECT t.id, t.milestone_id, t.title, t.status, t.due_at, t.assignee_user_id, t.assignee_contact_id,
            coalesce(u.name, nullif(c.name, ''), c.email) AS assignee_name, t.customer_effort::int AS customer_effort, t.hidden_from_customer
       FROM tasks t LEFT JOIN users u ON u.id = t.assignee_user_id LEFT JOIN contacts c ON c.id = t.assignee_contact_id
      WHERE t.milestone_id = ANY ($1::uuid[]) ORDER BY t.due_at NULLS LAST, t.created_at, t.id`,
    [milestones.map((m) => m.id)],
  );

  const byKey = <T, K extends keyof T>(rows: T[], key: K) => {
    const out = new Map<T[K], T[]>();
    for (const r of rows) out.set(r[key], [...(out.get(r[key]) ?? []), r]);
    return out;
  };
  const goalsOf = byKey(goals, 'plan_id');
  const criteriaOf = byKey(criteria, 'goal_id');
  const milestonesOf = byKey(milestones, 'goal_id');
  const tasksOf = byKey(tasks, 'milestone_id');

  const out = plans.map((p): LoadedPlan => {
    const gs = goalsOf.get(p.id) ?? [];
    const input: PlanInput = {
      goals: gs.map((g) => ({
        id: g.id,
        statement: g.statement,
        startAt: dayStart(g.start_date ?? g.created_day),
        targetDate: g.target_date ? dayStart(g.target_date) : null,
        criteria: (criteriaOf.get(g.id) ?? []).map((c) => {
          const { current, measuredAt } = currentOf(c);
          return { id: c.id, name: c.name, kind: c.kind, direction: c.direction, baseline: c.baseline, target: c.target, current, measuredAt: measuredAt === null ? null : new Date(measuredAt) };
        }),
        milestones: (milestonesOf.get(g.id) ?? []).map((m) => ({
          id: m.id, title: m.title, dueAt: m.due_at ? dayStart(m.due_at) : null, completedAt: m.completed_at === null ? null : new Date(m.completed_at),
          owner: m.owner_user_id ? { side: 'vendor' as const, name: m.owner_user_name } : m.owner_contact_id ? { side: 'customer' as const, name: m.owner_contact_name } : null,
        })),
      })),
    };
    const result = planProgress(input, now);
    const goalsOut = gs.map((g, gi): Goal => {
      const gp = result.goals[gi];
      const cs = criteriaOf.get(g.id) ?? [];
      const ms = milestonesOf.get(g.id) ?? [];
      return {
        id: g.id, planId: p.id, statement: g.statement, why: g.why, targetDate: g.target_date, startDate: g.start_date ?? g.created_day,
        status: gp?.status ?? 'on_track', statusReasons: gp?.reasons ?? [],
        progress: { percent: gp?.percent ?? null, criteriaMet: gp?.criteriaMet ?? 0, criteriaTotal: gp?.criteriaTotal ?? 0, milestonesDone: gp?.milestonesDone ?? 0, milestonesTotal: gp?.milestonesTotal ?? 0 },
        hiddenFromCustomer: g.hidden_from_customer, harvestedFromSeedId: g.harvested_from_seed_id,
        criteria: cs.map((c, ci): Criterion => {
          const cp = gp?.criteria[ci];
          const { current, measuredAt } = currentOf(c);
          return {
            id: c.id, goalId: g.id, name: c.name, kind: c.kind, driverId: c.driver_id, driverName: c.driver_name, metric: c.metric,
            direction: c.direction, baseline: c.baseline, target: c.target, current, measuredAt: isoOrNull(measuredAt),
            progress: cp?.progress === null || cp?.progress === undefined ? null : toPercent(cp.progress),
            state: cp?.state ?? 'no_data', met: cp?.met ?? false,
            ratings: c.kind === 'rating' ? { vendor: c.vendor_rating, customer: c.customer_rating } : null,
          };
        }),
        milestones: ms.map((m, mi): Milestone => ({
          id: m.id, goalId: g.id, title: m.title, dueAt: m.due_at, completedAt: isoOrNull(m.completed_at),
          overdueDays: gp?.milestones[mi]?.overdueDays ?? 0, hiddenFromCustomer: m.hidden_from_customer,
          owner: m.owner_user_id
            ? { side: 'vendor', userId: m.owner_user_id, name: m.owner_user_name ?? '' }
            : m.owner_contact_id ? { side: 'customer', contactId: m.owner_contact_id, name: m.owner_contact_name ?? '' } : null,
          tasks: (tasksOf.get(m.id) ?? []).map(toPlanTask),
        })),
      };
    });
    return {
      plan: {
        id: p.id, accountId: p.account_id, accountName: p.account_name, title: p.title, status: result.status, statusReasons: result.reasons,
        progress: result.progress, createdAt: iso(p.created_at), updatedAt: iso(p.updated_at), goals: goalsOut,
      },
      account: { ownerId: p.owner_id, teamId: p.team_id },
    };
  });
  const order = new Map(planIds.map((id, i) => [id, i]));
  return out.sort((a, b) => (order.get(a.plan.id) ?? 0) - (order.get(b.plan.id) ?? 0));
}

export function toPlanTask(t: TaskRow): PlanTask {
  return {
    id: t.id, title: t.title, status: t.status, dueAt: isoOrNull(t.due_at), side: t.assignee_contact_id ? 'customer' : 'vendor',
    assigneeUserId: t.assignee_user_id, assigneeContactId: t.assignee_contact_id, assigneeName: t.assignee_name,
    customerEffort: t.customer_effort, hiddenFromCustomer: t.hidden_from_customer,
  };
}

export async function loadPlan(db: Queryable, planId: string, now = new Date()): Promise<LoadedPlan | null> {
  return (await loadPlans(db, [planId], now))[0] ?? null;
}

/** What a write on a part of a plan needs: the plan, its account and the account's ownership. */
export type PlanRef = { planId: string; accountId: string; goalId: string | null; account: Ownable };
type RefRow = { plan_id: string; account_id: string; goal_id: string | null; owner_id: string | null; team_id: string | null };
const REF_SELECT = `SELECT p.id AS plan_id, p.account_id, a.owner_id, a.team_id`;

async function ref(db: Queryable, sql: string, id: string): Promise<PlanRef | null> {
  const { rows } = await db.query<RefRow>(sql, [id]);
  const r = rows[0];
  return r ? { planId: r.plan_id, accountId: r.account_id, goalId: r.goal_id, account: { ownerId: r.owner_id, teamId: r.team_id } } : null;
}

export const planRef = (db: Queryable, id: string) =>
  ref(db, `${REF_SELECT}, NULL::uuid AS goal_id FROM success_plans p JOIN accounts a ON a.id = p.account_id WHERE p.id = $1`, id);
export const goalRef = (db: Queryable, id: string) =>
  ref(db, `${REF_SELECT}, g.id AS goal_id FROM plan_goals g JOIN success_plans p ON p.id = g.plan_id JOIN accounts a ON a.id = p.account_id WHERE g.id = $1`, id);
export const criterionRef = (db: Queryable, id: string) =>
  ref(db, `${REF_SELECT}, g.id AS goal_id FROM plan_criteria c JOIN plan_goals g ON g.id = c.goal_id JOIN success_plans p ON p.id = g.plan_id
            JOIN accounts a ON a.id = p.account_id WHERE c.id = $1`, id);
export const milestoneRef = (db: Queryable, id: string) =>
  ref(db, `${REF_SELECT}, g.id AS goal_id FROM plan_milestones m JOIN plan_goals g ON g.id = m.goal_id JOIN success_plans p ON p.id = g.plan_id
            JOIN accounts a ON a.id = p.account_id WHERE m.id = $1`, id);

export async function insertPlanEvent(
  tx: Queryable,
  e: { planId: string; accountId: string; goalId?: string | null; kind: string; actorId: string | null; data?: Record<string, unknown>; dedupeKey?: string | null },
): Promise<boolean> {
  const { rowCount } = await tx.query(
    `INSERT INTO plan_events (plan_id, account_id, goal_id, kind, actor_id, data, dedupe_key) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)
     ON CONFLICT (dedupe_key) DO NOTHING`,
    [e.planId, e.accountId, e.goalId ?? null, e.kind, e.actorId, JSON.stringify(e.data ?? {}), e.dedupeKey ?? null],
  );
  return rowCount > 0;
}

/** A plan task: a row in tasks (source plan) linked to its milestone, so it is in the inbox like any task. */
export async function insertPlanTask(
  tx: Queryable,
  t: { accountId: string; milestoneId: string; title: string; reason?: string; dueAt: string | null; assigneeUserId: string | null; assigneeContactId: string | null;
    customerEffort: number | null; hiddenFromCustomer: boolean; createdBy: string | null },
): Promise<string> {
  const { rows } = await tx.query<{ id: string }>(
    `INSERT INTO tasks (account_id, title, reason, kind, source, due_at, assignee_user_id, assignee_contact_id, customer_effort, milestone_id, hidden_from_customer, created_by)
     VALUES ($1, $2, $3, 'todo', 'plan', $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
    [t.accountId, t.title, t.reason ?? '', t.dueAt, t.assigneeUserId, t.assigneeContactId, t.customerEffort, t.milestoneId, t.hiddenFromCustomer, t.createdBy],
  );
  const id = rows[0]?.id;
  if (!id) throw new Error('insert returned no row');
  return id;
}

export async function loadPlanTask(db: Queryable, id: string): Promise<PlanTask | null> {
  const { rows } = await db.query<TaskRow>(
    `SELECT t.id, t.milestone_id, t.title, t.status, t.due_at, t.assignee_user_id, t.assignee_contact_id,
            coalesce(u.name, nullif(c.name, ''), c.email) AS assignee_name, t.customer_effort::int AS customer_effort, t.hidden_from_customer
       FROM tasks t LEFT JOIN users u ON u.id = t.assignee_user_id LEFT JOIN contacts c ON c.id = t.assignee_contact_id WHERE t.id = $1`,
    [id],
  );
  return rows[0] ? toPlanTask(rows[0]) : null;
}
