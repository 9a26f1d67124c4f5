import type { Config } from '../config.js';
import type { Database } from '../db/connect.js';
import { SYSTEM_ACTOR } from '../auth/principal.js';
import { passwordProblem } from '../auth/password-policy.js';
import { AppError } from '../http/errors.js';
import { createUserQueries } from './queries.js';

/** On a database without users, creates the first admin (from the environment, or generated). */
export async function bootstrapAdmin(database: Database, config: Config): Promise<{ email: string; generatedPassword?: string } | null> {
  const users = createUserQueries(database);
  if ((await users.count()) > 0) return null;
  const email = config.adminEmail ?? 'admin@canopy.local';
  // Named after the variable, so the operator knows what to fix (the same policy as every password).
  const problem = config.adminPassword === undefined ? null : passwordProblem(config.adminPassword);
  if (problem) throw new AppError('auth.weak_password', `CANOPY_ADMIN_PASSWORD ${problem}.`);
  let temporaryPassword: string | undefined;
  try {
    ({ temporaryPassword } = await users.create({ email, name: 'Administrator', role: 'admin', password: config.adminPassword }, SYSTEM_ACTOR));
  } catch (err) {
    // Two processes starting together on a new database (two servers on one PostgreSQL) both saw no
    // users; the one that lost the race finds the admin the other created, and that is not an error.
    if (err instanceof AppError && err.code === 'user.email_taken') return null;
    throw err;
  }
  return temporaryPassword ? { email, generatedPassword: temporaryPassword } : { email };
}
