import type { Queryable } from '../db/connect.js';
import { AppError, type FieldError } from '../http/errors.js';
import type { ActivityKind, ActivityRecord, RespondsTo } from './schema.js';

export type ActivityRow = {
  id: string; account_id: string; account_name: string; kind: ActivityKind; occurred_at: Date | string; subject: string; body: string;
  responds_to: RespondsTo | null; escalation_id: string | null; proactive: boolean; proactive_source: 'inferred' | 'manual';
  author_id: string | null; author_name: string | null; task_id: string | null; created_at: Date | string; updated_at: Date | string;
  users: { id: string; name: string }[]; contacts: { id: string; name: string }[]; sort_at: string;
};

/** Every activity read goes through this SELECT: the row, its account and author, and its participants. */
export const ACTIVITY_SELECT = `
  SELECT a.id, a.account_id, ac.name AS account_name, a.kind, a.occurred_at, a.subject, a.body, a.responds_to, a.escalation_id,
         a.proactive, a.proactive_source, a.author_id, a.task_id, au.name AS author_name, a.created_at, a.updated_at, a.occurred_at::text AS sort_at,
         coalesce((SELECT jsonb_agg(jsonb_build_object('id', u.id, 'name', u.name) ORDER BY u.name, u.id)
                     FROM activity_participants p JOIN users u ON u.id = p.user_id WHERE p.activity_id = a.id), '[]'::jsonb) AS users,
         coalesce((SELECT jsonb_agg(jsonb_build_object('id', c.id, 'name', coalesce(c.name, c.email, 'Unnamed contact')) ORDER BY c.name, c.id)
                     FROM activity_participants p JOIN contacts c ON c.id = p.contact_id WHERE p.activity_id = a.id), '[]'::jsonb) AS contacts
    FROM activities a JOIN accounts ac ON ac.id = a.account_id LEFT JOIN users au ON au.id = a.author_id`;

const iso = (v: Date | string) => (v instanceof Date ? v : new Date(v)).toISOString();

export function toActivity(r: ActivityRow): ActivityRecord {
  return {
    id: r.id, accountId: r.account_id, accountName: r.account_name, kind: r.kind, occurredAt: iso(r.occurred_at), subject: r.subject,
    body: r.body, respondsTo: r.responds_to, escalationId: r.escalation_id, proactive: r.proactive, proactiveSource: r.proactive_source,
    author: r.author_id ? { id: r.author_id, name: r.author_name ?? '' } : null,
    participants: { users: r.users, contacts: r.contacts },
    taskId: r.task_id,
    createdAt: iso(r.created_at), updatedAt: iso(r.updated_at),
  };
}

export async function loadActivity(db: Queryable, id: string): Promise<ActivityRecord | null> {
  const { rows } = await db.query<ActivityRow>(`${ACTIVITY_SELECT} WHERE a.id = $1`, [id]);
  return rows[0] ? toActivity(rows[0]) : null;
}

export type Participants = { userIds: string[]; contactIds: string[] };

/**
 * Checks what an activity points at, inside the writing transaction: participants exist (contacts
 * of this account), and the escalation is this account's. Throws one error naming every bad field.
 */
export async function checkReferences(
  tx: Queryable,
  accountId: string,
  refs: { participants?: Participants | undefined; escalationId?: string | null | undefined },
): Promise<void> {
  const fields: FieldError[] = [];
  const p = refs.participants;
  if (p && p.userIds.length) {
    const { rows } = await tx.query<{ id: string }>('SELECT id FROM users WHERE id = ANY($1::uuid[])', [p.userIds]);
    const known = new Set(rows.map((r) => r.id));
    p.userIds.forEach((id, i) => {
      if (!known.has(id)) fields.push({ path: `participants.userIds.${i}`, message: 'no such user' });
    });
  }
  if (p && p.contactIds.length) {
    const { rows } = await tx.query<{ id: string }>('SELECT id FROM contacts WHERE id = ANY($1::uuid[]) AND account_id = $2', [p.contactIds, accountId]);
    const known = new Set(rows.map((r) => r.id));
    p.contactIds.forEach((id, i) => {
      if (!known.has(id)) fields.push({ path: `participants.contactIds.${i}`, message: 'not a contact of this account' });
    });
  }
  if (refs.escalationId) {
    const { rows } = await tx.query<{ account_id: string }>('SELECT account_id FROM escalations WHERE id = $1', [refs.escalationId]);
    if (rows[0]?.account_id !== accountId) fields.push({ path: 'escalationId', message: rows[0] ? 'an escalation of another account' : 'no such escalation' });
  }
  if (fields.length) throw new AppError('activity.invalid', undefined, fields);
}

/** Replaces an activity's participants with these (duplicates collapse). */
export async function writeParticipants(tx: Queryable, activityId: string, p: Participants): Promise<void> {
  await tx.query('DELETE FROM activity_participants WHERE activity_id = $1', [activityId]);
  const userIds = [...new Set(p.userIds)];
  const contactIds = [...new Set(p.contactIds)];
  if (userIds.length + contactIds.length === 0) return;
  await tx.query(
    `INSERT INTO activity_participants (activity_id, user_id, contact_id)
     SELECT $1::uuid, u, NULL::uuid FROM unnest($2::uuid[]) AS u
     UNION ALL SELECT $1::uuid, NULL::uuid, c FROM unnest($3::uuid[]) AS c`,
    [activityId, userIds, contactIds],
  );
}
