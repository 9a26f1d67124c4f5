import type { Queryable } from '../../db/connect.js';

/** SQL of the activities import kind (src/imports/kinds/activities.ts). */

export type StoredActivity = {
  id: string; account_id: string; external_id: string; kind: string; occurred_at: string; subject: string; body: string; author_id: string | null;
  ticket_priority: string | null; ticket_status: string | null; responds_to: string | null; escalation_id: string | null;
  proactive: boolean; proactive_source: 'inferred' | 'manual';
};

const SELECT = `SELECT id, account_id, external_id, kind, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS occurred_at, subject, body,
  author_id, ticket_priority, ticket_status, responds_to, escalation_id, proactive, proactive_source FROM activities`;

export async function activitiesByExternalId(q: Queryable, externalIds: string[], lock = false): Promise<Map<string, StoredActivity>> {
  if (externalIds.length === 0) return new Map();
  const { rows } = await q.query<StoredActivity>(`${SELECT} WHERE external_id = ANY($1::text[])${lock ? ' FOR UPDATE' : ''}`, [externalIds]);
  return new Map(rows.map((r) => [r.external_id, r]));
}

/** The columns logActivity does not set: the author from the file, the ticket's fields, the source's id. */
export async function setImportedColumns(q: Queryable, id: string, v: { authorId: string | null; priority: string | null; status: string | null; externalId: string | null }): Promise<void> {
  await q.query('UPDATE activities SET author_id = $2, ticket_priority = $3, ticket_status = $4, external_id = $5 WHERE id = $1', [id, v.authorId, v.priority, v.status, v.externalId]);
}

export async function updateImportedActivity(q: Queryable, id: string, v: {
  kind: string; occurredAt: string; subject: string; body: string | null; authorId: string | null | undefined; priority: string | null; status: string | null;
  proactive: boolean; proactiveSource: string;
}): Promise<void> {
  await q.query(
    `UPDATE activities SET kind = $2, occurred_at = $3::timestamptz, subject = $4, body = coalesce($5, body), author_id = CASE WHEN $6::boolean THEN $7::uuid ELSE author_id END,
            ticket_priority = $8, ticket_status = $9, proactive = $10, proactive_source = $11, updated_at = now()
      WHERE id = $1`,
    [id, v.kind, v.occurredAt, v.subject, v.body, v.authorId !== undefined, v.authorId ?? null, v.priority, v.status, v.proactive, v.proactiveSource]);
}
