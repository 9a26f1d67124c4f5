import type { Ownable } from '../auth/policy.js';
import type { Queryable } from '../db/connect.js';
import type { FieldError } from '../http/errors.js';
import { ACTIVE } from '../accounts/book.js';

/** SQL of readiness: initiatives, check-ins, check-in requests, and the lookups that check references. */

export type InitiativeRow = {
  id: string; account_id: string; title: string; description: string | null; goal_id: string | null; goal_statement: string | null;
  milestone_id: string | null; status: 'active' | 'done' | 'dropped'; created_at: Date | string;
};
export type CheckInRow = {
  id: string; initiative_id: string; account_id: string; contact_id: string | null; contact_name: string | null; importance: number; confidence: number;
  why_not_lower: string | null; what_would_move_higher: string | null; source: 'csm' | 'customer'; activity_id: string | null;
  at: Date | string; recorded_by: string | null; recorded_by_name: string | null;
};
export type OpenRequestRow = { id: string; initiative_id: string; contact_id: string; sent_at: Date | string; expires_at: Date | string };
export type InitiativeRef = { id: string; accountId: string; title: string; goalId: string | null; account: Ownable & { id: string; name: string; arr: number } };

export const iso = (v: Date | string) => (v instanceof Date ? v : new Date(v)).toISOString();

const INITIATIVE_SELECT = `SELECT i.id, i.account_id, i.title, i.description, i.goal_id, g.statement AS goal_statement, i.milestone_id, i.status, i.created_at
  FROM initiatives i LEFT JOIN plan_goals g ON g.id = i.goal_id`;

export async function initiativesOfAccount(q: Queryable, accountId: string): Promise<InitiativeRow[]> {
  return (await q.query<InitiativeRow>(`${INITIATIVE_SELECT} WHERE i.account_id = $1 ORDER BY i.status = 'active' DESC, i.created_at DESC, i.id DESC`, [accountId])).rows;
}
export async function initiativeRow(q: Queryable, id: string): Promise<InitiativeRow | undefined> {
  return (await q.query<InitiativeRow>(`${INITIATIVE_SELECT} WHERE i.id = $1`, [id])).rows[0];
}

export async function initiativeRef(q: Queryable, id: string, lock = false): Promise<InitiativeRef | null> {
  const { rows } = await q.query<{ id: string; account_id: string; title: string; goal_id: string | null; owner_id: string | null; team_id: string | null; name: string; arr: number }>(
    `SELECT i.id, i.account_id, i.title, i.goal_id, a.owner_id, a.team_id, a.name, a.arr::float8 AS arr
       FROM initiatives i JOIN accounts a ON a.id = i.account_id WHERE i.id = $1 ${lock ? 'FOR UPDATE OF i' : ''}`, [id],
  );
  const r = rows[0];
  return r ? { id: r.id, accountId: r.account_id, title: r.title, goalId: r.goal_id, account: { id: r.account_id, name: r.name, arr: r.arr, ownerId: r.owner_id, teamId: r.team_id } } : null;
}

export const CHECK_IN_SELECT = `SELECT c.id, c.initiative_id, c.account_id, c.contact_id, ct.name AS contact_name, c.importance, c.confidence,
    c.why_not_lower, c.what_would_move_higher, c.source, c.activity_id, c.at, c.recorded_by, u.name AS recorded_by_name
  FROM check_ins c LEFT JOIN contacts ct ON ct.id = c.contact_id LEFT JOIN users u ON u.id = c.recorded_by`;

/** Check-ins of the initiatives, oldest first per initiative (NEWEST_CHECK_IN_FIRST reversed: the last is the latest). */
export async function checkInsOf(q: Queryable, initiativeIds: string[]): Promise<CheckInRow[]> {
  if (!initiativeIds.length) return [];
  return (await q.query<CheckInRow>(`${CHECK_IN_SELECT} WHERE c.initiative_id = ANY ($1::uuid[]) ORDER BY c.at, c.created_at, c.id`, [initiativeIds])).rows;
}
export async function checkInRow(q: Queryable, id: string): Promise<CheckInRow | undefined> {
  return (await q.query<CheckInRow>(`${CHECK_IN_SELECT} WHERE c.id = $1`, [id])).rows[0];
}

/**
 * THE order of "most recent check-in" (one definition: the initiative's latest, the account's
 * latest and the summary all sort by it): when it happened, then when it was recorded, then its id
 * — so two check-ins at the same instant still have one latest, the same on every database.
 */
export const NEWEST_CHECK_IN_FIRST = 'c.at DESC, c.created_at DESC, c.id DESC';

export type AccountLatestRow = {
  account_id: string; account_name: string; owner_id: string | null; owner_name: string | null; team_id: string | null; arr: number;
  importance: number | null; confidence: number | null; initiative_id: string | null; initiative_title: string | null; at: Date | string | null;
};
/**
 * Each active account (or the one, whatever its stage) with its most recent check-in on an active initiative (null scores: none).
 * "Active" is the portfolio's own rule (`ACTIVE` of src/accounts/book.ts: not churned), so the readiness summary and its account
 * list cover the accounts the portfolio counts by default.
 */
export async function accountsLatestCheckIn(q: Queryable, accountId?: string): Promise<AccountLatestRow[]> {
  return (await q.query<AccountLatestRow>(
    `SELECT a.id AS account_id, a.name AS account_name, a.owner_id, u.name AS owner_name, a.team_id, coalesce(a.arr, 0)::float8 AS arr,
            lc.importance, lc.confidence, lc.initiative_id, lc.initiative_title, lc.at
       FROM accounts a LEFT JOIN users u ON u.id = a.owner_id LEFT JOIN LATERAL (
         SELECT c.importance, c.confidence, c.initiative_id, i.title AS initiative_title, c.at FROM check_ins c JOIN initiatives i ON i.id = c.initiative_id
          WHERE c.account_id = a.id AND i.status = 'active' ORDER BY ${NEWEST_CHECK_IN_FIRST} LIMIT 1) lc ON true
      ${accountId ? 'WHERE a.id = $1' : `WHERE ${ACTIVE}`}`, accountId ? [accountId] : [],
  )).rows;
}

/** The newest unanswered, unexpired e-mail request per initiative. */
export async function openRequests(q: Queryable, initiativeIds: string[], now: Date): Promise<OpenRequestRow[]> {
  if (!initiativeIds.length) return [];
  return (await q.query<OpenRequestRow>(
    `SELECT DISTINCT ON (initiative_id) id, initiative_id, contact_id, sent_at, expires_at FROM check_in_requests
      WHERE initiative_id = ANY ($1::uuid[]) AND answered_at IS NULL AND expires_at > $2
      ORDER BY initiative_id, sent_at DESC, id DESC`, [initiativeIds, now.toISOString()],
  )).rows;
}

/** Goals of the account's success plans (newest plan first, goals in order). */
export async function accountGoals(q: Queryable, accountId: string): Promise<{ id: string; statement: string }[]> {
  return (await q.query<{ id: string; statement: string }>(
    `SELECT g.id, g.statement FROM plan_goals g JOIN success_plans p ON p.id = g.plan_id
      WHERE p.account_id = $1 ORDER BY p.created_at DESC, g.created_at, g.id`, [accountId],
  )).rows;
}

export async function activePlaybooks(q: Queryable): Promise<{ id: string; name: string }[]> {
  return (await q.query<{ id: string; name: string }>('SELECT id, name FROM playbooks WHERE archived_at IS NULL ORDER BY name, id')).rows;
}

/** Field errors for a goal or milestone that is not one of the account's success plans. */
export async function checkPlanLinks(q: Queryable, accountId: string, links: { goalId?: string | null | undefined; milestoneId?: string | null | undefined }): Promise<FieldError[]> {
  const fields: FieldError[] = [];
  if (links.goalId) {
    const { rows } = await q.query('SELECT 1 FROM plan_goals g JOIN success_plans p ON p.id = g.plan_id WHERE g.id = $1 AND p.account_id = $2', [links.goalId, accountId]);
    if (!rows.length) fields.push({ path: 'goalId', message: "not a goal of this account's success plans" });
  }
  if (links.milestoneId) {
    const { rows } = await q.query(
      'SELECT 1 FROM plan_milestones m JOIN plan_goals g ON g.id = m.goal_id JOIN success_plans p ON p.id = g.plan_id WHERE m.id = $1 AND p.account_id = $2',
      [links.milestoneId, accountId],
    );
    if (!rows.length) fields.push({ path: 'milestoneId', message: "not a milestone of this account's success plans" });
  }
  return fields;
}

export type ContactRow = { id: string; name: string | null; email: string | null };
export async function contactOf(q: Queryable, accountId: string, contactId: string): Promise<ContactRow | undefined> {
  return (await q.query<ContactRow>('SELECT id, name, email FROM contacts WHERE id = $1 AND account_id = $2', [contactId, accountId])).rows[0];
}
