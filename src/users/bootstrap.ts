import type { Config } from '../config.js';
import type { Database } from '../db/connect.js';
import { SYSTEM_ACTOR } from '../auth/principal.js';
import { createUserQueries } from './queries.js';

/** On a database without users, creates the first admin (from the environment, or generated). */
export async function bootstrapAdmin(database: Database, config: Config): Promise<{ email: string; generatedPassword?: string } | null> {
  const users = createUserQueries(database);
  if ((await users.count()) > 0) return null;
  const email = config.adminEmail ?? 'admin@canopy.local';
  const { temporaryPassword } = await users.create({ email, name: 'Administrator', role: 'admin', password: config.adminPassword }, SYSTEM_ACTOR);
  return temporaryPassword ? { email, generatedPassword: temporaryPassword } : { email };
}
