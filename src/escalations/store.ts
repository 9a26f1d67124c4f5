import type { Ownable } from '../auth/policy.js';
import type { Queryable } from '../db/connect.js';
import { AppError, type FieldError } from '../http/errors.js';
import { checkMembers } from './members.js';
import type { Escalation, MemberInput } from './schema.js';

type Row = {
  id: string; account_id: string; account_name: string; owner_id: string | null; team_id: string | null; title: string; description: string;
  severity: Escalation['severity']; status: Escalation['status']; opened_by: string | null; opened_by_name: string | null;
  members: Escalation['members']; contacts: Escalation['contacts']; activity_count: number; last_activity_at: Date | string | null;
  created_at: Date | string; updated_at: Date | string; resolved_at: Date | string | null; sort_value: string;
};

export const SEVERITY_RANK = "CASE e.severity WHEN 'low' THEN 1 WHEN 'medium' THEN 2 WHEN 'high' THEN 3 ELSE 4 END";

/** Every escalation read: the row, its account's ownership, members, contacts and thread size. */
export const ESCALATION_SELECT = (sortExpr = 'e.created_at') => `
  SELECT e.id, e.account_id, a.name AS account_name, a.owner_id, a.team_id, e.title, e.description, e.severity, e.status,
         e.opened_by, ou.name AS opened_by_name, e.created_at, e.updated_at, e.resolved_at, (${sortExpr})::text AS sort_value,
         coalesce((SELECT jsonb_agg(jsonb_build_object('userId', m.user_id, 'name', u.name, 'role', m.role) ORDER BY u.name, m.role)
                     FROM escalation_members m JOIN users u ON u.id = m.user_id WHERE m.escalation_id = e.id), '[]'::jsonb) AS members,
         coalesce((SELECT jsonb_agg(jsonb_build_object('id', c.id, 'name', coalesce(c.name, c.email, 'Unnamed contact'), 'email', c.email, 'role', c.role)
                     ORDER BY c.name, c.id)
                     FROM escalation_contacts ec JOIN contacts c ON c.id = ec.contact_id WHERE ec.escalation_id = e.id), '[]'::jsonb) AS contacts,
         (SELECT count(*)::int FROM activities t WHERE t.escalation_id = e.id) AS activity_count,
         (SELECT max(t.occurred_at) FROM activities t WHERE t.escalation_id = e.id) AS last_activity_at
    FROM escalations e JOIN accounts a ON a.id = e.account_id LEFT JOIN users ou ON ou.id = e.opened_by`;

const iso = (v: Date | string | null) => (v === null ? null : (v instanceof Date ? v : new Date(v)).toISOString());

export type Loaded = { escalation: Escalation; account: Ownable; sortValue: string };

export function toLoaded(r: Row): Loaded {
  return {
    escalation: {
      id: r.id, accountId: r.account_id, accountName: r.account_name, title: r.title, description: r.description, severity: r.severity, status: r.status,
      openedBy: r.opened_by ? { id: r.opened_by, name: r.opened_by_name ?? '' } : null,
      members: r.members, contacts: r.contacts, activityCount: r.activity_count, lastActivityAt: iso(r.last_activity_at),
      createdAt: iso(r.created_at) ?? '', updatedAt: iso(r.updated_at) ?? '', resolvedAt: iso(r.resolved_at),
    },
    account: { ownerId: r.owner_id, teamId: r.team_id },
    sortValue: r.sort_value,
  };
}

export async function loadEscalation(db: Queryable, id: string): Promise<Loaded | null> {
  const { rows } = await db.query<Row>(`${ESCALATION_SELECT()} WHERE e.id = $1`, [id]);
  return rows[0] ? toLoaded(rows[0]) : null;
}

export async function queryEscalations(db: Queryable, sql: string, values: unknown[]): Promise<Loaded[]> {
  const { rows } = await db.query<Row>(sql, values);
  return rows.map(toLoaded);
}

/**
 * Checks the team (two people, two roles; active users) and the contacts (of this account), inside
 * the writing transaction. Throws escalation.invalid naming every bad field.
 */
export async function checkTeam(tx: Queryable, accountId: string, input: { members?: MemberInput[] | undefined; contactIds?: string[] | undefined }) {
  const fields: FieldError[] = [];
  if (input.members) {
    const rule = checkMembers(input.members);
    if (rule) fields.push(rule);
    const ids = input.members.map((m) => m.userId);
    const { rows } = await tx.query<{ id: string }>('SELECT id FROM users WHERE id = ANY($1::uuid[]) AND active', [ids]);
    const known = new Set(rows.map((r) => r.id));
    ids.forEach((id, i) => {
      if (!known.has(id)) fields.push({ path: `members.${i}.userId`, message: 'no such active user' });
    });
  }
  if (input.contactIds?.length) {
    const { rows } = await tx.query<{ id: string }>('SELECT id FROM contacts WHERE id = ANY($1::uuid[]) AND account_id = $2', [input.contactIds, accountId]);
    const known = new Set(rows.map((r) => r.id));
    input.contactIds.forEach((id, i) => {
      if (!known.has(id)) fields.push({ path: `contactIds.${i}`, message: 'not a contact of this account' });
    });
  }
  if (fields.length) throw new AppError('escalation.invalid', fields[0]?.path === 'members' ? fields[0].message : undefined, fields);
}

export async function writeMembers(tx: Queryable, escalationId: string, members: MemberInput[]) {
  await tx.query('DELETE FROM escalation_members WHERE escalation_id = $1', [escalationId]);
  await tx.query(
    `INSERT INTO escalation_members (escalation_id, user_id, role)
     SELECT $1, m.user_id, m.role FROM jsonb_to_recordset($2::jsonb) AS m(user_id uuid, role text) ON CONFLICT DO NOTHING`,
    [escalationId, JSON.stringify(members.map((m) => ({ user_id: m.userId, role: m.role })))],
  );
}

export async function writeContacts(tx: Queryable, escalationId: string, contactIds: string[]) {
  await tx.query('DELETE FROM escalation_contacts WHERE escalation_id = $1', [escalationId]);
  await tx.query(
    'INSERT INTO escalation_contacts (escalation_id, contact_id) SELECT $1, c FROM unnest($2::uuid[]) AS c ON CONFLICT DO NOTHING',
    [escalationId, [...new Set(contactIds)]],
  );
}
