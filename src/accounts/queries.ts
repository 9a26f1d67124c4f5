import { eq, sql } from 'drizzle-orm';
import type { Database } from '../db/connect.js';
import { accounts } from '../db/schema.js';
import type { Actor } from '../auth/principal.js';
import { diff, recordAudit } from '../audit/record.js';
import { AppError } from '../http/errors.js';
import { isFkViolation, isUniqueViolation } from '../users/queries.js';
import type { Account, AccountInput, AccountPatch, UsageResponse } from './schema.js';
import { STAGES } from './schema.js';
import { addDays, utcToday } from './usage.js';

export type AccountRecord = Omit<Account, 'canEdit'>;

function mapWriteError(err: unknown): never {
  if (isUniqueViolation(err)) throw new AppError('account.external_id_taken', undefined, [{ path: 'externalId', message: 'already used by another account' }]);
  if (isFkViolation(err)) {
    throw new AppError('request.invalid', 'The owner or team does not exist.', [
      { path: 'ownerId', message: 'must be an existing user' },
      { path: 'teamId', message: 'must be an existing team' },
    ]);
  }
  throw err;
}

/** Input field -> column value, for the fields present in the input. */
function toColumns(input: Partial<AccountInput>) {
  const c: Partial<typeof accounts.$inferInsert> = {};
  if (input.name !== undefined) c.name = input.name;
  if (input.domain !== undefined) c.domain = input.domain ?? null;
  if (input.externalId !== undefined) c.externalId = input.externalId ?? null;
  if (input.externalIds !== undefined) c.externalIds = input.externalIds;
  if (input.ownerId !== undefined) c.ownerId = input.ownerId ?? null;
  if (input.teamId !== undefined) c.teamId = input.teamId ?? null;
  if (input.segment !== undefined) c.segment = input.segment ?? null;
  if (input.stage !== undefined) c.stage = input.stage;
  if (input.arr !== undefined) c.arr = input.arr;
  if (input.seats !== undefined) c.seats = input.seats ?? null;
  if (input.contractStart !== undefined) c.contractStart = input.contractStart ?? null;
  if (input.renewalDate !== undefined) c.renewalDate = input.renewalDate ?? null;
  if (input.custom !== undefined) c.custom = input.custom;
  return c;
}

export function createAccountQueries(database: Database) {
  const { db } = database;
  return {
    async get(id: string): Promise<AccountRecord | null> {
      const rows = await database.query<{
        id: string; name: string; domain: string | null; external_id: string | null; external_ids: Record<string, string>;
        owner_id: string | null; owner_name: string | null; team_id: string | null; team_name: string | null; segment: string | null;
        stage: AccountRecord['stage']; arr: number; seats: number | null; contract_start: string | null; renewal_date: string | null;
        custom: Record<string, unknown>; last_activity_at: Date | string | null; created_at: Date | string; updated_at: Date | string; contact_count: number;
      }>(
        `SELECT a.id, a.name, a.domain, a.external_id, a.external_ids, a.owner_id, u.name AS owner_name, a.team_id, t.name AS team_name,
                a.segment, a.stage, a.arr::float8 AS arr, a.seats, a.contract_start::text AS contract_start,
                a.renewal_date::text AS renewal_date, a.custom, a.last_activity_at, a.created_at, a.updated_at,
                (SELECT count(*)::int FROM contacts c WHERE c.account_id = a.id) AS contact_count
           FROM accounts a LEFT JOIN users u ON u.id = a.owner_id LEFT JOIN teams t ON t.id = a.team_id
          WHERE a.id = $1`,
        [id],
      );
      const r = rows.rows[0];
      if (!r) return null;
      return {
        id: r.id, name: r.name, domain: r.domain, externalId: r.external_id, externalIds: r.external_ids,
        ownerId: r.owner_id, ownerName: r.owner_name, teamId: r.team_id, teamName: r.team_name, segment: r.segment,
        stage: r.stage, arr: r.arr, seats: r.seats, contractStart: r.contract_start, renewalDate: r.renewal_date,
        custom: r.custom, lastActivityAt: iso(r.last_activity_at), createdAt: iso(r.created_at) ?? '', updatedAt: iso(r.updated_at) ?? '',
        contactCount: r.contact_count,
      };
    },

    async create(input: AccountInput, actor: Actor): Promise<AccountRecord> {
      let id: string;
      try {
        id = await db.transaction(async (tx) => {
          const [row] = await tx.insert(accounts).values({ ...toColumns(input), name: input.name }).returning({ id: accounts.id });
          if (!row) throw new Error('insert returned no row');
          await recordAudit(tx, actor, 'account.create', 'account', row.id, input);
          return row.id;
        });
      } catch (err) {
        mapWriteError(err);
      }
      const created = await this.get(id);
      if (!created) throw new AppError('account.not_found');
      return created;
    },

    async update(id: string, patch: AccountPatch, actor: Actor): Promise<AccountRecord> {
      const before = await this.get(id);
      if (!before) throw new AppError('account.not_found');
      try {
        await db.transaction(async (tx) => {
          await tx.update(accounts).set({ ...toColumns(patch), updatedAt: sql`now()` }).where(eq(accounts.id, id));
          await recordAudit(tx, actor, 'account.update', 'account', id, diff(before as unknown as Record<string, unknown>, patch));
        });
      } catch (err) {
        mapWriteError(err);
      }
      const after = await this.get(id);
      if (!after) throw new AppError('account.not_found');
      return after;
    },

    /** Deletes the account, its contacts and rollups (FK cascade) and its raw events. */
    async remove(id: string, actor: Actor): Promise<boolean> {
      return db.transaction(async (tx) => {
        const rows = await tx.delete(accounts).where(eq(accounts.id, id)).returning({ name: accounts.name, externalId: accounts.externalId });
        const row = rows[0];
        if (!row) return false;
        await tx.execute(sql`DELETE FROM events WHERE account_id = ${id}`);
        await recordAudit(tx, actor, 'account.delete', 'account', id, { name: row.name, externalId: row.externalId });
        return true;
      });
    },

    /** Custom field keys that hold numbers on some account (for numeric drivers). */
    async numericCustomFields(): Promise<string[]> {
      const { rows } = await database.query<{ key: string }>(
        `SELECT DISTINCT k.key FROM accounts a, jsonb_each(a.custom) AS k WHERE jsonb_typeof(k.value) = 'number' ORDER BY 1 LIMIT 200`,
      );
      return rows.map((r) => r.key);
    },

    async facets() {
      const [segments, owners] = await Promise.all([
        database.query<{ segment: string }>('SELECT DISTINCT segment FROM accounts WHERE segment IS NOT NULL ORDER BY 1'),
        database.query<{ id: string; name: string }>(
          'SELECT DISTINCT u.id, u.name FROM users u JOIN accounts a ON a.owner_id = u.id ORDER BY u.name',
        ),
      ]);
      return { segments: segments.rows.map((r) => r.segment), stages: [...STAGES], owners: owners.rows };
    },

    /** Daily counts and distinct users per event for the `days` days ending today (UTC), dense. */
    async usage(id: string, days: number, event?: string): Promise<UsageResponse> {
      const to = utcToday();
      const from = addDays(to, -(days - 1));
      const { rows } = await database.query<{ event: string; day: string; count: number; users: number }>(
        `SELECT event, day::text AS day, count, users FROM usage_daily
          WHERE account_id = $1 AND day BETWEEN $2::date AND $3::date AND event <> '$all' AND ($4::text IS NULL OR event = $4)
          ORDER BY event, day`,
        [id, from, to, event ?? null],
      );
      const byEvent = new Map<string, Map<string, { count: number; users: number }>>();
      for (const r of rows) {
        const m = byEvent.get(r.event) ?? new Map<string, { count: number; users: number }>();
        m.set(r.day, { count: r.count, users: r.users });
        byEvent.set(r.event, m);
      }
      const events = [...byEvent].map(([name, points]) => {
        const series = Array.from({ length: days }, (_, i) => {
          const day = addDays(from, i);
          const p = points.get(day);
          return { day, count: p?.count ?? 0, users: p?.users ?? 0 };
        });
        return { event: name, total: series.reduce((a, p) => a + p.count, 0), series };
      });
      events.sort((a, b) => b.total - a.total || a.event.localeCompare(b.event));
      return { from, to, events };
    },
  };
}
export type AccountQueries = ReturnType<typeof createAccountQueries>;

export function iso(v: Date | string | null): string | null {
  if (v === null) return null;
  return (v instanceof Date ? v : new Date(v)).toISOString();
}
