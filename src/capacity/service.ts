import type { Database } from '../db/connect.js';
import type { Actor } from '../auth/principal.js';
import { recordAuditRaw } from '../audit/record.js';
import { AppError, type FieldError } from '../http/errors.js';
import { accountCapacity, type Capacity } from './index.js';
import type { CapacityPut, CapacitySettings } from './schema.js';
import { readCapacitySettings, writeCapacitySettings } from './settings.js';

/** Sets an account's capacity (null: the default) and its contacts' own capacities (null: none), in one transaction. */
export async function setAccountCapacity(database: Database, accountId: string, input: CapacityPut, actor: Actor, now = new Date()): Promise<Capacity> {
  const by = actor.type === 'user' ? actor.id : null;
  await database.transaction(async (tx) => {
    const contacts = input.contacts ?? [];
    const fields: FieldError[] = [];
    const seen = new Set<string>();
    contacts.forEach((c, i) => { if (seen.has(c.contactId)) fields.push({ path: `contacts.${i}.contactId`, message: 'this contact is listed twice' }); seen.add(c.contactId); });
    if (contacts.length) {
      const { rows } = await tx.query<{ id: string }>('SELECT id FROM contacts WHERE account_id = $1 AND id = ANY ($2::uuid[])', [accountId, contacts.map((c) => c.contactId)]);
      const mine = new Set(rows.map((r) => r.id));
      contacts.forEach((c, i) => { if (!mine.has(c.contactId)) fields.push({ path: `contacts.${i}.contactId`, message: 'not a contact of this account' }); });
    }
    if (fields.length) throw new AppError('request.invalid', undefined, fields);
    const before = (await tx.query<{ spoons: number; note: string | null }>('SELECT spoons, note FROM account_capacity WHERE account_id = $1 FOR UPDATE', [accountId])).rows[0] ?? null;
    if (input.spoons === null) await tx.query('DELETE FROM account_capacity WHERE account_id = $1', [accountId]);
    else {
      await tx.query(
        `INSERT INTO account_capacity (account_id, spoons, note, updated_by) VALUES ($1, $2, $3, $4)
         ON CONFLICT (account_id) DO UPDATE SET spoons = EXCLUDED.spoons, note = EXCLUDED.note, updated_by = EXCLUDED.updated_by, updated_at = now()`,
        [accountId, input.spoons, input.note ?? null, by],
      );
    }
    for (const c of contacts) {
      if (c.spoons === null) await tx.query('DELETE FROM contact_capacity WHERE contact_id = $1', [c.contactId]);
      else {
        await tx.query(
          `INSERT INTO contact_capacity (contact_id, account_id, spoons, updated_by) VALUES ($1, $2, $3, $4)
           ON CONFLICT (contact_id) DO UPDATE SET spoons = EXCLUDED.spoons, updated_by = EXCLUDED.updated_by, updated_at = now()`,
          [c.contactId, accountId, c.spoons, by],
        );
      }
    }
    await recordAuditRaw(tx, actor, [{
      action: 'update', objectType: 'account_capacity', objectId: accountId,
      objectLabel: (await tx.query<{ name: string }>('SELECT name FROM accounts WHERE id = $1', [accountId])).rows[0]?.name ?? accountId,
      changes: { spoons: { from: before?.spoons ?? null, to: input.spoons }, note: input.note ?? null, contacts },
    }]);
  });
  return accountCapacity(database, accountId, now);
}

export async function getCapacitySettings(database: Database): Promise<CapacitySettings> {
  return readCapacitySettings(database);
}

export async function putCapacitySettings(database: Database, value: CapacitySettings, actor: Actor): Promise<CapacitySettings> {
  return database.transaction(async (tx) => {
    const before = await readCapacitySettings(tx);
    await writeCapacitySettings(tx, value, actor.type === 'user' ? actor.id : null);
    await recordAuditRaw(tx, actor, [{ action: 'update', objectType: 'app_settings', objectId: 'capacity.defaults', objectLabel: 'Capacity defaults', changes: { from: before, to: value } }]);
    return value;
  });
}
