import { sql } from 'drizzle-orm';
import type { Db, Queryable } from '../db/connect.js';
import { auditLog } from '../db/schema.js';
import type { Actor } from '../auth/principal.js';
import { renderRows } from '../notifications/template.js';

const SECRET_FIELDS = new Set(['password', 'passwordHash', 'password_hash', 'keyHash', 'key_hash', 'key', 'token']);

function redact(changes: Record<string, unknown> | null | undefined): Record<string, unknown> | null {
  if (!changes) return null;
  return Object.fromEntries(Object.entries(changes).map(([k, v]) => [k, SECRET_FIELDS.has(k) ? '[redacted]' : v]));
}

/**
 * Writes one audit row; pass the transaction that made the change so both commit together.
 * The row keeps the object's name as of the change (audit_object_label, migration 0008), so the
 * log reads "Acme Corp", not a UUID, also after a rename or delete.
 */
export async function recordAudit(
  db: Db,
  actor: Actor,
  action: string,
  objectType: string,
  objectId: string | null,
  changes?: Record<string, unknown> | null,
): Promise<void> {
  const redacted = redact(changes);
  await db.insert(auditLog).values({
    actorType: actor.type,
    actorId: actor.id,
    actorLabel: actor.label,
    action,
    objectType,
    objectId,
    objectLabel: sql`audit_object_label(${objectType}::text, ${objectId}::text, ${redacted === null ? null : JSON.stringify(redacted)}::jsonb)`,
    changes: redacted,
    ip: actor.ip ?? null,
  });
}

/** {field: {from, to}} for the fields whose value changed. */
export function diff<T extends Record<string, unknown>>(before: T, after: Partial<T>): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  for (const [k, to] of Object.entries(after)) {
    const from = before[k];
    if (to !== undefined && JSON.stringify(from) !== JSON.stringify(to)) out[k] = { from, to };
  }
  return out;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A task's title is a template where a rule made it ("Call {{account.name}}" is stored as written
 * and rendered where it is shown): its label is the title as shown, with the account, like
 * audit_object_label's. Only tasks whose title has a template are looked up.
 */
async function renderedTaskLabels(tx: Queryable, ids: string[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((id) => UUID.test(id)))];
  if (wanted.length === 0) return new Map();
  const { rows } = await tx.query<{ id: string; account_id: string; title: string; account_name: string }>(
    `SELECT t.id, t.account_id, t.title, a.name AS account_name FROM tasks t JOIN accounts a ON a.id = t.account_id
      WHERE t.id = ANY ($1::uuid[]) AND t.title LIKE '%{{%'`, [wanted],
  );
  await renderRows(tx, rows, (r) => r.account_id, (r) => [r.title], (r, [title]) => { r.title = title ?? r.title; });
  return new Map(rows.map((r) => [r.id, `${r.title} (${r.account_name})`]));
}

/** Audit rows written with plain SQL inside a raw transaction (ingestion's hot path). */
export async function recordAuditRaw(
  tx: Queryable,
  actor: Actor,
  entries: { action: string; objectType: string; objectId: string; objectLabel?: string; changes?: Record<string, unknown> | null }[],
): Promise<void> {
  if (entries.length === 0) return;
  const taskLabels = await renderedTaskLabels(tx, entries.filter((e) => e.objectType === 'task' && e.objectLabel === undefined).map((e) => e.objectId));
  await tx.query(
    `INSERT INTO audit_log (actor_type, actor_id, actor_label, action, object_type, object_id, object_label, changes, ip)
     SELECT $1, $2, $3, e.action, e.object_type, e.object_id, coalesce(e.object_label, audit_object_label(e.object_type, e.object_id, e.changes)), e.changes, $4
       FROM jsonb_to_recordset($5::jsonb) AS e(action text, object_type text, object_id text, object_label text, changes jsonb)`,
    [
      actor.type, actor.id, actor.label, actor.ip ?? null,
      JSON.stringify(entries.map((e) => ({ action: e.action, object_type: e.objectType, object_id: e.objectId, object_label: e.objectLabel ?? taskLabels.get(e.objectId) ?? null, changes: redact(e.changes) }))),
    ],
  );
}
