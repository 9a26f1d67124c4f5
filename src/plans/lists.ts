import { z } from 'zod';
import type { Queryable } from '../db/connect.js';
import { cursorTimestamp, decodeCursor, encodeCursor } from '../http/cursor.js';
import { GOAL_STATUSES, type GoalStatus } from './progress.js';
import type { Milestone, PlanListItem, PlanListQuery, SuccessPlan } from './schema.js';
import { loadPlans } from './store.js';

/** The dashboard's lists: plans across the book (stored status) and the count and ARR per status. */

type Row = {
  id: string; account_id: string; account_name: string; title: string; status: GoalStatus; status_reasons: string[]; owner_id: string | null; owner_name: string | null;
  arr: number; goals: number; status_changed_at: Date | string; created_at: Date | string; updated_at: Date | string; sort_value: string;
};
const iso = (v: Date | string) => (v instanceof Date ? v : new Date(v)).toISOString();
const CURSOR = z.tuple([cursorTimestamp, z.guid()]);

/** The earliest open milestone of a plan across its goals: by due date (undated last), then goal and milestone order. */
export function nextMilestone(plan: Pick<SuccessPlan, 'goals'>): PlanListItem['nextMilestone'] {
  let best: Milestone | null = null;
  for (const g of plan.goals) {
    for (const m of g.milestones) {
      if (m.completedAt !== null) continue;
      if (!best || (m.dueAt !== null && (best.dueAt === null || m.dueAt < best.dueAt))) best = m;
    }
  }
  if (!best) return null;
  return { title: best.title, dueAt: best.dueAt, overdueDays: best.overdueDays, owner: best.owner ? { side: best.owner.side, name: best.owner.name } : null };
}

const NO_PROGRESS = { percent: null, criteriaMet: 0, criteriaTotal: 0, milestonesDone: 0, milestonesTotal: 0 };

export async function listPlans(db: Queryable, q: PlanListQuery) {
  const values: unknown[] = [];
  const param = (v: unknown) => `$${values.push(v)}`;
  const where: string[] = [];
  if (q.status) where.push(`p.status = ${param(q.status)}`);
  if (q.ownerId) where.push(`a.owner_id = ${param(q.ownerId)}`);
  if (q.accountId) where.push(`p.account_id = ${param(q.accountId)}`);
  if (q.cursor) {
    const [v, id] = decodeCursor(q.cursor, CURSOR);
    where.push(`(p.created_at, p.id) < (${param(v)}::timestamptz, ${param(id)}::uuid)`);
  }
  const { rows } = await db.query<Row>(
    `SELECT p.id, p.account_id, a.name AS account_name, p.title, p.status, p.status_reasons, a.owner_id, u.name AS owner_name, a.arr::float8 AS arr,
            (SELECT count(*)::int FROM plan_goals g WHERE g.plan_id = p.id) AS goals, p.status_changed_at, p.created_at, p.updated_at, p.created_at::text AS sort_value
       FROM success_plans p JOIN accounts a ON a.id = p.account_id LEFT JOIN users u ON u.id = a.owner_id
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY p.created_at DESC, p.id DESC LIMIT ${param(q.limit + 1)}`,
    values,
  );
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  // Progress and the next milestone come from the plan page's own roll-up (store.ts), so the numbers agree.
  const loaded = new Map((await loadPlans(db, page.map((r) => r.id))).map((l) => [l.plan.id, l.plan]));
  return {
    items: page.map((r): PlanListItem => {
      const plan = loaded.get(r.id);
      return {
        id: r.id, accountId: r.account_id, accountName: r.account_name, title: r.title, status: r.status, statusReasons: r.status_reasons,
        owner: r.owner_id ? { id: r.owner_id, name: r.owner_name ?? '' } : null, arr: r.arr, goals: r.goals,
        statusChangedAt: iso(r.status_changed_at), createdAt: iso(r.created_at), updatedAt: iso(r.updated_at),
        progress: plan?.progress ?? NO_PROGRESS,
        nextMilestone: plan ? nextMilestone(plan) : null,
      };
    }),
    nextCursor: rows.length > q.limit && last ? encodeCursor([last.sort_value, last.id]) : null,
  };
}

export async function planSummary(db: Queryable) {
  const { rows } = await db.query<{ status: GoalStatus; plans: number; arr: number }>(
    `SELECT p.status, count(*)::int AS plans, coalesce(sum(a.arr), 0)::float8 AS arr FROM success_plans p JOIN accounts a ON a.id = p.account_id GROUP BY p.status`,
  );
  const by = new Map(rows.map((r) => [r.status, r]));
  const byStatus = GOAL_STATUSES.map((status) => ({ status, plans: by.get(status)?.plans ?? 0, arr: by.get(status)?.arr ?? 0 }));
  return { byStatus, total: byStatus.reduce((n, s) => n + s.plans, 0) };
}
