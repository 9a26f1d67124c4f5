import type { Queryable } from '../db/connect.js';
import type { AssigneeRole } from './schema.js';

/** A task to insert; dedupeKey makes automated creation idempotent (a repeat returns the first). */
export type NewTask = {
  accountId: string;
  title: string;
  reason?: string;
  kind?: 'todo' | 'call' | 'email' | 'meeting';
  priority?: number;
  dueAt?: Date | string | null;
  assigneeUserId?: string | null;
  assigneeContactId?: string | null;
  customerEffort?: number | null;
  source: 'manual' | 'rule' | 'playbook' | 'escalation' | 'recommendation' | 'plan' | 'seed';
  ruleFiringId?: string | null;
  playbookRunId?: string | null;
  escalationId?: string | null;
  dedupeKey?: string | null;
  createdBy?: string | null;
};

export type InsertedTask = { id: string; accountId: string; assigneeUserId: string | null; title: string; dedupeKey: string | null; created: boolean };

/** Inserts many tasks in one statement; rows whose dedupe key exists already come back with created = false. */
export async function insertTasks(tx: Queryable, tasks: NewTask[]): Promise<InsertedTask[]> {
  if (tasks.length === 0) return [];
  const rows = tasks.map((t) => ({
    account_id: t.accountId, title: t.title, reason: t.reason ?? '', kind: t.kind ?? 'todo', priority: t.priority ?? 2,
    due_at: t.dueAt instanceof Date ? t.dueAt.toISOString() : t.dueAt ?? null,
    assignee_user_id: t.assigneeUserId ?? null, assignee_contact_id: t.assigneeContactId ?? null,
    customer_effort: t.customerEffort ?? null, source: t.source, rule_firing_id: t.ruleFiringId ?? null,
    playbook_run_id: t.playbookRunId ?? null, escalation_id: t.escalationId ?? null, dedupe_key: t.dedupeKey ?? null,
    created_by: t.createdBy ?? null,
  }));
  const { rows: created } = await tx.query<{ id: string; account_id: string; assignee_user_id: string | null; title: string; dedupe_key: string | null }>(
    `INSERT INTO tasks (account_id, title, reason, kind, priority, due_at, assignee_user_id, assignee_contact_id, customer_effort,
                        source, rule_firing_id, playbook_run_id, escalation_id, dedupe_key, created_by)
     SELECT r.account_id, r.title, r.reason, r.kind, r.priority, r.due_at, r.assignee_user_id, r.assignee_contact_id, r.customer_effort,
            r.source, r.rule_firing_id, r.playbook_run_id, r.escalation_id, r.dedupe_key, r.created_by
       FROM jsonb_to_recordset($1::jsonb) AS r(account_id uuid, title text, reason text, kind text, priority smallint, due_at timestamptz,
            assignee_user_id uuid, assignee_contact_id uuid, customer_effort smallint, source text, rule_firing_id uuid,
            playbook_run_id uuid, escalation_id uuid, dedupe_key text, created_by uuid)
     ON CONFLICT (dedupe_key) DO NOTHING
     RETURNING id, account_id, assignee_user_id, title, dedupe_key`,
    [JSON.stringify(rows)],
  );
  const out: InsertedTask[] = created.map((r) => ({ id: r.id, accountId: r.account_id, assigneeUserId: r.assignee_user_id, title: r.title, dedupeKey: r.dedupe_key, created: true }));
  const seen = new Set(created.map((r) => r.dedupe_key));
  const missing = rows.map((r) => r.dedupe_key).filter((k): k is string => k !== null && !seen.has(k));
  if (missing.length) {
    const { rows: existing } = await tx.query<{ id: string; account_id: string; assignee_user_id: string | null; title: string; dedupe_key: string }>(
      'SELECT id, account_id, assignee_user_id, title, dedupe_key FROM tasks WHERE dedupe_key = ANY ($1::text[])', [missing],
    );
    for (const r of existing) out.push({ id: r.id, accountId: r.account_id, assigneeUserId: r.assignee_user_id, title: r.title, dedupeKey: r.dedupe_key, created: false });
  }
  return out;
}

export type Assignee = { userId: string | null; contactId: string | null; note: string | null };

/**
 * Who plays a role for each account. Our side: the owner CSM; a manager of the account's team
 * (else any manager, else an admin); support, exec sponsor and product from role_assignments
 * (the team's, else the global one). The customer's side: the account's contact with that role
 * seen most recently. When nobody plays the role the owner gets it, with a note saying so.
 */
export async function resolveAssignees(q: Queryable, accountIds: string[], role: AssigneeRole): Promise<Map<string, Assignee>> {
  const out = new Map<string, Assignee>();
  if (accountIds.length === 0) return out;
  const customerRole = role.startsWith('customer_') ? role.slice('customer_'.length) : null;
  const { rows } = await q.query<{ id: string; owner_id: string | null; user_id: string | null; contact_id: string | null }>(
    `SELECT a.id, a.owner_id,
            CASE WHEN $2 = 'owner' THEN a.owner_id
                 WHEN $2 = 'manager' THEN (SELECT u.id FROM users u WHERE u.active AND u.role IN ('manager', 'admin')
                        ORDER BY (u.team_id IS NOT DISTINCT FROM coalesce(a.team_id, o.team_id)) DESC, (u.role = 'manager') DESC, u.name, u.id LIMIT 1)
                 WHEN $3::text IS NULL THEN (SELECT ra.user_id FROM role_assignments ra JOIN users u ON u.id = ra.user_id AND u.active
                        WHERE ra.role = $2 AND (ra.team_id IS NULL OR ra.team_id = coalesce(a.team_id, o.team_id))
                        ORDER BY ra.team_id NULLS LAST LIMIT 1)
            END AS user_id,
            CASE WHEN $3::text IS NOT NULL THEN (SELECT c.id FROM contacts c WHERE c.account_id = a.id AND c.role = $3
                        ORDER BY c.last_seen_at DESC NULLS LAST, c.created_at LIMIT 1) END AS contact_id
       FROM accounts a LEFT JOIN users o ON o.id = a.owner_id
      WHERE a.id = ANY ($1::uuid[])`,
    [accountIds, role, customerRole],
  );
  for (const r of rows) {
    if (r.contact_id) out.set(r.id, { userId: null, contactId: r.contact_id, note: null });
    else if (r.user_id) out.set(r.id, { userId: r.user_id, contactId: null, note: null });
    else out.set(r.id, { userId: r.owner_id, contactId: null, note: role === 'owner' ? null : `Nobody plays ${role.replace(/_/g, ' ')} for this account; assigned to the owner.` });
  }
  return out;
}
