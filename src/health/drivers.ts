import { asc, eq, sql } from 'drizzle-orm';
import type { Database } from '../db/connect.js';
import { drivers } from '../db/schema.js';
import type { Actor } from '../auth/principal.js';
import { diff, recordAudit } from '../audit/record.js';
import { AppError } from '../http/errors.js';
import { isUniqueViolation } from '../users/queries.js';
import type { Driver, DriverInput, DriverPatch } from './schema.js';
import { usedBy, validateDriver } from './validate.js';

function toDto(r: typeof drivers.$inferSelect): Driver {
  return {
    id: r.id, key: r.key, name: r.name, description: r.description, source: r.source, scoring: r.scoring,
    stageWeights: r.stageWeights, enabled: r.enabled, createdAt: r.createdAt.toISOString(), updatedAt: r.updatedAt.toISOString(),
  };
}

export function createDriverQueries(database: Database) {
  const { db } = database;
  const knownEvents = async () =>
    new Set((await database.query<{ event: string }>(`SELECT DISTINCT event FROM usage_daily WHERE event <> '$all'`)).rows.map((r) => r.event));

  // A disabled driver scores nothing: the checks that need data (events received) apply only to
  // an enabled one, so any driver can be disabled, and one may be saved disabled before its data.
  const check = async (def: Pick<Driver, 'key' | 'source' | 'scoring' | 'stageWeights'> & { enabled?: boolean }) => {
    const all = await queries.list();
    const errors = validateDriver(def, all.filter((d) => d.key !== def.key), def.enabled === false ? null : await knownEvents());
    if (errors.length) throw new AppError('driver.invalid', undefined, errors);
  };

  const queries = {
    async list(): Promise<Driver[]> {
      return (await db.select().from(drivers).orderBy(asc(drivers.name))).map(toDto);
    },
    async enabled(): Promise<Driver[]> {
      return (await db.select().from(drivers).where(eq(drivers.enabled, true)).orderBy(asc(drivers.key))).map(toDto);
    },
    async get(id: string): Promise<Driver | null> {
      const [r] = await db.select().from(drivers).where(eq(drivers.id, id));
      return r ? toDto(r) : null;
    },
    knownEvents,

    async create(input: DriverInput, actor: Actor): Promise<Driver> {
      await check(input);
      try {
        return await db.transaction(async (tx) => {
          const [row] = await tx.insert(drivers).values(input).returning();
          if (!row) throw new Error('insert returned no row');
          await recordAudit(tx, actor, 'driver.create', 'driver', row.id, input);
          return toDto(row);
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError('driver.key_taken', undefined, [{ path: 'key', message: 'another driver has this key' }]);
        throw err;
      }
    },

    async update(id: string, patch: DriverPatch, actor: Actor): Promise<{ before: Driver; after: Driver }> {
      const before = await queries.get(id);
      if (!before) throw new AppError('driver.not_found');
      const next = { ...before, ...patch };
      // Only disabling: nothing about the definition changes, so nothing to check.
      const onlyDisabling = Object.keys(patch).every((k) => k === 'enabled') && patch.enabled === false;
      if (!onlyDisabling) await check(next);
      const after = await db.transaction(async (tx) => {
        const [row] = await tx.update(drivers).set({ ...patch, updatedAt: sql`now()` }).where(eq(drivers.id, id)).returning();
        if (!row) throw new AppError('driver.not_found');
        await recordAudit(tx, actor, 'driver.update', 'driver', id, diff(before as unknown as Record<string, unknown>, patch));
        return toDto(row);
      });
      return { before, after };
    },

    async remove(id: string, actor: Actor): Promise<Driver> {
      const d = await queries.get(id);
      if (!d) throw new AppError('driver.not_found');
      const users = usedBy(d.key, await queries.list());
      if (users.length) throw new AppError('driver.in_use', `The formula of ${users.join(', ')} uses this driver; change it first.`);
      await db.transaction(async (tx) => {
        await tx.delete(drivers).where(eq(drivers.id, id));
        await recordAudit(tx, actor, 'driver.delete', 'driver', id, { key: d.key, name: d.name });
      });
      return d;
    },
  };
  return queries;
}
export type DriverQueries = ReturnType<typeof createDriverQueries>;
