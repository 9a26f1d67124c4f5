import type { Queryable } from '../db/connect.js';
import { resolveAssignees } from '../tasks/store.js';
import type { RuleAction } from './schema.js';

export type Effects = {
  firings: number;
  alreadyFired: number;
  tasks: number;
  taskAssignees: { userId: string | null; name: string; tasks: number }[];
  people: number;
  playbookRuns: number;
  notifications: number;
  emails: number;
  webhookDeliveries: number;
  /** raise_risk: one risk signal per firing and action. */
  riskSignals: number;
};

/**
 * What saving a rule with "fire now" would do at once, computed the way fire.ts acts (without
 * acting): one firing per matching account not fired within the window; per create_task action a
 * task for whoever plays the role; per start_playbook a run; per notify one in-app notification per
 * account and person (one summary per person above five accounts) and an e-mail where the person
 * gets e-mail. "Call them" suggestions after a firing are not counted.
 */
export async function previewEffects(
  q: Queryable, accountIds: string[], actions: RuleAction[], opts: { ruleId?: string | undefined; windowHours: number; now: Date },
): Promise<Effects> {
  let ids = accountIds;
  let alreadyFired = 0;
  if (opts.ruleId && ids.length) {
    const { rows } = await q.query<{ account_id: string }>(
      `SELECT DISTINCT account_id FROM rule_firings WHERE rule_id = $1 AND account_id = ANY ($2::uuid[]) AND fired_at > $3::timestamptz - make_interval(hours => $4)`,
      [opts.ruleId, ids, opts.now.toISOString(), opts.windowHours],
    );
    const fired = new Set(rows.map((r) => r.account_id));
    alreadyFired = fired.size;
    ids = ids.filter((id) => !fired.has(id));
  }
  const e: Effects = { firings: ids.length, alreadyFired, tasks: 0, taskAssignees: [], people: 0, playbookRuns: 0, notifications: 0, emails: 0, webhookDeliveries: 0, riskSignals: 0 };
  if (ids.length === 0) return e;
  const tasksOf = new Map<string | null, number>();
  const notified = new Map<string, number>();
  for (const a of actions) {
    if (a.type === 'create_task') {
      for (const who of (await resolveAssignees(q, ids, a.assignee)).values()) {
        // Keyed by user; customer contacts together as 'contact'; null when nobody holds the task.
        const key = who.userId ?? (who.contactId ? 'contact' : null);
        tasksOf.set(key, (tasksOf.get(key) ?? 0) + 1);
        e.tasks += 1;
      }
    } else if (a.type === 'start_playbook') {
      e.playbookRuns += ids.length;
    } else if (a.type === 'webhook') {
      e.webhookDeliveries += ids.length;
    } else if (a.type === 'raise_risk') {
      e.riskSignals += ids.length;
    } else {
      const perUser = new Map<string, Set<string>>();
      for (const role of a.recipients) {
        for (const [accountId, who] of await resolveAssignees(q, ids, role)) {
          if (who.userId) perUser.set(who.userId, (perUser.get(who.userId) ?? new Set()).add(accountId));
        }
      }
      for (const [userId, accounts] of perUser) notified.set(userId, (notified.get(userId) ?? 0) + (accounts.size <= 5 ? accounts.size : 1));
    }
  }
  const userIds = [...new Set([...[...tasksOf.keys()].filter((k): k is string => k !== null && k !== 'contact'), ...notified.keys()])];
  const { rows: users } = userIds.length
    ? await q.query<{ id: string; name: string; active: boolean; in_app: boolean; email: boolean }>(
        `SELECT u.id, u.name, u.active, coalesce(p.in_app, true) AS in_app, coalesce(p.email, true) AS email
           FROM users u LEFT JOIN notification_prefs p ON p.user_id = u.id WHERE u.id = ANY ($1::uuid[])`,
        [userIds],
      )
    : { rows: [] };
  const user = new Map(users.map((u) => [u.id, u]));
  for (const [userId, n] of notified) {
    const u = user.get(userId);
    if (!u?.active) continue;
    if (u.in_app) e.notifications += n;
    if (u.email) e.emails += n;
  }
  e.taskAssignees = [...tasksOf]
    .map(([k, n]) => ({ userId: k === 'contact' ? null : k, name: k === null ? 'Unassigned' : k === 'contact' ? 'Customer contacts' : user.get(k)?.name ?? 'Unknown user', tasks: n }))
    .sort((a, b) => b.tasks - a.tasks || a.name.localeCompare(b.name));
  e.people = [...tasksOf.keys()].filter((k) => k !== null && k !== 'contact').length;
  return e;
}
