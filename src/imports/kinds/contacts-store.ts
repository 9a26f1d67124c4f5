import type { Queryable } from '../../db/connect.js';

/** SQL of the contacts import kind (src/imports/kinds/contacts.ts). */

export type StoredContact = { id: string; account_id: string | null; external_id: string | null; email: string | null; email_key: string | null; custom: Record<string, unknown>;
  name: string | null; title: string | null; role: string | null; phone: string | null; active: boolean };

const SELECT = `SELECT id, account_id, external_id, email, lower(email) AS email_key, name, title, role, phone, custom, deactivated_at IS NULL AS active FROM contacts`;

/** Contacts by external id, and by (account, e-mail) for the pairs asked: one query each. */
export async function contactsByKeys(q: Queryable, externalIds: string[], pairs: { accountId: string; email: string }[]) {
  const byExt = new Map<string, StoredContact>();
  const byEmail = new Map<string, StoredContact[]>();
  if (externalIds.length) {
    const { rows } = await q.query<StoredContact>(`${SELECT} WHERE external_id = ANY($1::text[])`, [externalIds]);
    for (const r of rows) if (r.external_id) byExt.set(r.external_id, r);
  }
  if (pairs.length) {
    const { rows } = await q.query<StoredContact>(
      `${SELECT} WHERE (account_id, lower(email)) IN (SELECT * FROM unnest($1::uuid[], $2::text[])) ORDER BY created_at, id`,
      [pairs.map((p) => p.accountId), pairs.map((p) => p.email.toLowerCase())]);
    for (const r of rows) {
      const k = `${r.account_id}|${r.email_key}`;
      byEmail.set(k, [...(byEmail.get(k) ?? []), r]);
    }
  }
  return { byExt, byEmail };
}

export type ContactColumns = Partial<Record<'account_id' | 'external_id' | 'email' | 'name' | 'title' | 'role' | 'phone', unknown>>;

export async function insertContact(q: Queryable, cols: ContactColumns, custom: Record<string, unknown>, active: boolean | undefined): Promise<string> {
  const names = [...Object.keys(cols), 'custom'];
  const { rows } = await q.query<{ id: string }>(
    `INSERT INTO contacts (${names.join(', ')}, deactivated_at) VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')}, ${active === false ? 'now()' : 'NULL'}) RETURNING id`,
    [...Object.values(cols), JSON.stringify(custom)]);
  const id = rows[0]?.id;
  if (!id) throw new Error('insert returned no row');
  return id;
}

export async function contactForUpdate(q: Queryable, id: string): Promise<StoredContact | null> {
  const { rows } = await q.query<StoredContact>(`${SELECT} WHERE id = $1 FOR UPDATE`, [id]);
  return rows[0] ?? null;
}

/**
 * Sets these columns, merges the custom cells, and (de)activates as PATCH /api/contacts/:id
 * {active} does: deactivating keeps the first departure's time, reactivating clears it.
 */
export async function updateContact(q: Queryable, id: string, cols: ContactColumns, custom: Record<string, unknown>, active: boolean | undefined): Promise<void> {
  const names = Object.keys(cols);
  const sets = names.map((n, i) => `${n} = $${i + 2}`);
  sets.push(`custom = custom || $${names.length + 2}::jsonb`, 'updated_at = now()');
  if (active !== undefined) sets.push(active ? 'deactivated_at = NULL' : 'deactivated_at = coalesce(deactivated_at, now())');
  await q.query(`UPDATE contacts SET ${sets.join(', ')} WHERE id = $1`, [id, ...Object.values(cols), JSON.stringify(custom)]);
}
