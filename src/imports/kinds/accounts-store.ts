import type { Queryable } from '../../db/connect.js';

/** SQL of the accounts import kind (src/imports/kinds/accounts.ts). */

export type StoredAccount = { id: string; external_id: string | null; domain: string | null; contract_start: string | null; renewal_date: string | null; custom: Record<string, unknown> };

const SELECT = `SELECT id, external_id, regexp_replace(lower(domain), '^www\\.', '') AS domain, contract_start::text AS contract_start, renewal_date::text AS renewal_date, custom FROM accounts`;

export async function accountsByKeys(q: Queryable, externalIds: string[], domains: string[]) {
  const byExt = new Map<string, StoredAccount>();
  const byDomain = new Map<string, StoredAccount[]>();
  if (externalIds.length) {
    const { rows } = await q.query<StoredAccount>(`${SELECT} WHERE external_id = ANY($1::text[])`, [externalIds]);
    for (const r of rows) if (r.external_id) byExt.set(r.external_id, r);
  }
  if (domains.length) {
    const { rows } = await q.query<StoredAccount>(`${SELECT} WHERE regexp_replace(lower(domain), '^www\\.', '') = ANY($1::text[]) ORDER BY created_at, id`, [domains]);
    for (const r of rows) if (r.domain) byDomain.set(r.domain, [...(byDomain.get(r.domain) ?? []), r]);
  }
  return { byExt, byDomain };
}

export async function accountById(q: Queryable, id: string): Promise<(StoredAccount & Record<string, unknown>) | null> {
  const { rows } = await q.query<StoredAccount & Record<string, unknown>>(
    `SELECT id, name, external_id, domain, owner_id, team_id, segment, stage, arr::float8 AS arr, seats,
            contract_start::text AS contract_start, renewal_date::text AS renewal_date, custom FROM accounts WHERE id = $1 FOR UPDATE`, [id]);
  return rows[0] ?? null;
}

export async function teamsByName(q: Queryable, names: string[]): Promise<Map<string, string[]>> {
  const wanted = [...new Set(names.map((n) => n.toLowerCase()))];
  const out = new Map<string, string[]>();
  if (wanted.length === 0) return out;
  const { rows } = await q.query<{ id: string; n: string }>('SELECT id, lower(name) AS n FROM teams WHERE lower(name) = ANY($1::text[])', [wanted]);
  for (const r of rows) out.set(r.n, [...(out.get(r.n) ?? []), r.id]);
  return out;
}

/** Column name → value, for the fields a row sets. */
export type AccountColumns = Partial<Record<
  'name' | 'domain' | 'external_id' | 'owner_id' | 'team_id' | 'segment' | 'stage' | 'arr' | 'seats' | 'contract_start' | 'renewal_date' | 'customer_since', unknown>>;

export async function insertAccount(q: Queryable, cols: AccountColumns, custom: Record<string, unknown>): Promise<string> {
  const names = Object.keys(cols);
  const values = Object.values(cols);
  const { rows } = await q.query<{ id: string }>(
    `INSERT INTO accounts (${[...names, 'custom'].join(', ')}) VALUES (${[...names, 'custom'].map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id`,
    [...values, JSON.stringify(custom)],
  );
  const id = rows[0]?.id;
  if (!id) throw new Error('insert returned no row');
  return id;
}

/** Sets these columns; custom cells are merged into the stored custom fields (other keys stay). */
export async function updateAccount(q: Queryable, id: string, cols: AccountColumns, custom: Record<string, unknown>): Promise<void> {
  const names = Object.keys(cols);
  const sets = names.map((n, i) => `${n} = $${i + 2}`);
  sets.push(`custom = custom || $${names.length + 2}::jsonb`, 'updated_at = now()');
  await q.query(`UPDATE accounts SET ${sets.join(', ')} WHERE id = $1`, [id, ...Object.values(cols), JSON.stringify(custom)]);
}
