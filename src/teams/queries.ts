import { asc, eq } from 'drizzle-orm';
import type { Database } from '../db/connect.js';
import { teams } from '../db/schema.js';
import type { Actor } from '../auth/principal.js';
import { recordAudit } from '../audit/record.js';
import { AppError } from '../http/errors.js';
import { isUniqueViolation } from '../users/queries.js';

export function createTeamQueries(database: Database) {
  const { db } = database;
  return {
    async list() {
      return db.select({ id: teams.id, name: teams.name }).from(teams).orderBy(asc(teams.name));
    },
    async findByName(name: string) {
      const [row] = await db.select({ id: teams.id, name: teams.name }).from(teams).where(eq(teams.name, name));
      return row ?? null;
    },
    async create(name: string, actor: Actor) {
      try {
        return await db.transaction(async (tx) => {
          const [row] = await tx.insert(teams).values({ name }).returning({ id: teams.id, name: teams.name });
          if (!row) throw new Error('insert returned no row');
          await recordAudit(tx, actor, 'team.create', 'team', row.id, { name });
          return row;
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError('team.name_taken', undefined, [{ path: 'name', message: 'already in use' }]);
        throw err;
      }
    },
  };
}
