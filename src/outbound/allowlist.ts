import type { Database } from '../db/connect.js';
import type { Actor } from '../auth/principal.js';
import { recordAuditRaw } from '../audit/record.js';
import { AppError } from '../http/errors.js';
import { AllowList, parseAllowEntry } from './address.js';

export type AllowlistEntry = { entry: string; note: string; createdAt: string; createdByName: string | null; source: 'admin' | 'config' };

/**
 * The outbound allow-list: rows of outbound_allowlist (edited by admins) plus the entries of
 * CANOPY_OUTBOUND_ALLOW (read-only here). `current()` reads it fresh from the database on every
 * call and nothing keeps its result beyond one claim batch (see outbox.ts), so an addition or a
 * removal applies to the next send, in every process.
 */
export function createAllowlist(database: Database, configEntries: readonly string[]) {
  return {
    async list(): Promise<AllowlistEntry[]> {
      const { rows } = await database.query<{ entry: string; note: string; created_at: Date; created_by_name: string | null }>(
        `SELECT a.entry, a.note, a.created_at, u.name AS created_by_name
           FROM outbound_allowlist a LEFT JOIN users u ON u.id = a.created_by ORDER BY a.entry`,
      );
      return [
        ...configEntries.map((entry) => ({ entry, note: '', createdAt: new Date(0).toISOString(), createdByName: null, source: 'config' as const })),
        ...rows.map((r) => ({ entry: r.entry, note: r.note, createdAt: r.created_at.toISOString(), createdByName: r.created_by_name, source: 'admin' as const })),
      ];
    },

    async current(): Promise<AllowList> {
      const { rows } = await database.query<{ entry: string }>('SELECT entry FROM outbound_allowlist');
      return new AllowList([...configEntries, ...rows.map((r) => r.entry)]);
    },

    async add(input: { entry: string; note?: string | undefined }, actor: Actor): Promise<AllowlistEntry> {
      const parsed = parseAllowEntry(input.entry);
      if (!parsed) {
        throw new AppError('outbound.allowlist_invalid', undefined, [{ path: 'entry', message: 'must be a host name, an IP address or a CIDR range (10.0.0.0/8)' }]);
      }
      const note = input.note?.trim() ?? '';
      return database.transaction(async (tx) => {
        const { rows } = await tx.query<{ entry: string; created_at: Date; created_by_name: string | null }>(
          `WITH ins AS (
             INSERT INTO outbound_allowlist (entry, note, created_by) VALUES ($1, $2, $3)
             ON CONFLICT (entry) DO UPDATE SET note = EXCLUDED.note RETURNING entry, created_at, created_by)
           SELECT ins.entry, ins.created_at, u.name AS created_by_name FROM ins LEFT JOIN users u ON u.id = ins.created_by`,
          [parsed.entry, note, actor.type === 'user' ? actor.id : null],
        );
        const row = rows[0];
        if (!row) throw new Error('insert returned no row');
        await recordAuditRaw(tx, actor, [{ action: 'outbound_allowlist.add', objectType: 'outbound_allowlist', objectId: parsed.entry, changes: { entry: parsed.entry, note } }]);
        return { entry: row.entry, note, createdAt: row.created_at.toISOString(), createdByName: row.created_by_name, source: 'admin' as const };
      });
    },

    async remove(raw: string, actor: Actor): Promise<boolean> {
      const entry = parseAllowEntry(raw)?.entry ?? raw.trim().toLowerCase();
      return database.transaction(async (tx) => {
        const { rowCount } = await tx.query('DELETE FROM outbound_allowlist WHERE entry = $1', [entry]);
        if (rowCount === 0) return false;
        await recordAuditRaw(tx, actor, [{ action: 'outbound_allowlist.remove', objectType: 'outbound_allowlist', objectId: entry }]);
        return true;
      });
    },
  };
}
export type Allowlist = ReturnType<typeof createAllowlist>;
