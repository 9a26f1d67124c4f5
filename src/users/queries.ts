import { asc, eq, sql } from 'drizzle-orm';
import type { Database } from '../db/connect.js';
import { teams, users } from '../db/schema.js';
import type { Actor, Role } from '../auth/principal.js';
import { generatePassword, hashPassword, verifyPassword } from '../auth/passwords.js';
import { assertPasswordPolicy } from '../auth/password-policy.js';
import { recordAudit, diff } from '../audit/record.js';
import { AppError } from '../http/errors.js';

export type UserDto = {
  id: string; email: string; name: string; role: Role; teamId: string | null; teamName: string | null;
  active: boolean; lastLoginAt: string | null; createdAt: string;
};

export type NewUser = { email: string; name: string; role: Role; teamId?: string | null | undefined; password?: string | undefined };
export type UserPatch = { name?: string | undefined; role?: Role | undefined; teamId?: string | null | undefined; active?: boolean | undefined };

const isUniqueViolation = (err: unknown) => (err as { code?: string }).code === '23505' || (err as { cause?: { code?: string } }).cause?.code === '23505';
const isFkViolation = (err: unknown) => (err as { code?: string }).code === '23503' || (err as { cause?: { code?: string } }).cause?.code === '23503';

export function createUserQueries(database: Database) {
  const { db } = database;
  const select = () =>
    db.select({ u: users, teamName: teams.name }).from(users).leftJoin(teams, eq(teams.id, users.teamId));

  return {
    async list(): Promise<UserDto[]> {
      return (await select().orderBy(asc(users.name))).map((r) => toDto(r.u, r.teamName));
    },

    async get(id: string): Promise<UserDto | null> {
      const [r] = await select().where(eq(users.id, id));
      return r ? toDto(r.u, r.teamName) : null;
    },

    async findForLogin(email: string) {
      const [r] = await db.select().from(users).where(sql`lower(${users.email}) = lower(${email})`);
      return r ?? null;
    },

    async recordLogin(id: string): Promise<void> {
      await db.update(users).set({ lastLoginAt: sql`now()` }).where(eq(users.id, id));
    },

    async count(): Promise<number> {
      const { rows } = await database.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
      return rows[0]?.n ?? 0;
    },

    /** Creates a user; without a password one is generated and returned (shown once). */
    async create(input: NewUser, actor: Actor): Promise<{ user: UserDto; temporaryPassword?: string }> {
      // Here rather than only in the HTTP schema, so the CLI and the bootstrap admin obey it too.
      if (input.password !== undefined) assertPasswordPolicy(input.password);
      const temporaryPassword = input.password ? undefined : generatePassword();
      const passwordHash = await hashPassword(input.password ?? temporaryPassword ?? '');
      let id: string;
      try {
        id = await db.transaction(async (tx) => {
          const [row] = await tx
            .insert(users)
            .values({ email: input.email.trim(), name: input.name, role: input.role, teamId: input.teamId ?? null, passwordHash, mustChangePassword: !input.password })
            .returning({ id: users.id });
          if (!row) throw new Error('insert returned no row');
          await recordAudit(tx, actor, 'user.create', 'user', row.id, { email: input.email, name: input.name, role: input.role, teamId: input.teamId ?? null });
          return row.id;
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError('user.email_taken', undefined, [{ path: 'email', message: 'already in use' }]);
        if (isFkViolation(err)) throw new AppError('team.not_found', undefined, [{ path: 'teamId', message: 'no such team' }]);
        throw err;
      }
      const user = await this.get(id);
      if (!user) throw new Error('created user not found');
      return temporaryPassword ? { user, temporaryPassword } : { user };
    },

    async update(id: string, patch: UserPatch, actor: Actor): Promise<UserDto> {
      const before = await this.get(id);
      if (!before) throw new AppError('user.not_found');
      if (actor.id === id && ((patch.role && patch.role !== 'admin' && before.role === 'admin') || patch.active === false)) {
        throw new AppError('user.cannot_demote_self');
      }
      try {
        await db.transaction(async (tx) => {
          await tx.update(users).set({ ...patch, updatedAt: sql`now()` }).where(eq(users.id, id));
          // A deactivated user's sessions die with the change.
          if (patch.active === false) await tx.execute(sql`DELETE FROM sessions WHERE user_id = ${id}`);
          await recordAudit(tx, actor, 'user.update', 'user', id, diff(before, patch));
        });
      } catch (err) {
        if (isFkViolation(err)) throw new AppError('team.not_found', undefined, [{ path: 'teamId', message: 'no such team' }]);
        throw err;
      }
      const after = await this.get(id);
      if (!after) throw new AppError('user.not_found');
      return after;
    },

    /**
     * A user changes their own password: the current one must be right, the new one must pass the
     * policy and differ. Ends every other session of the user (a thief's included) and clears
     * must_change_password, in one transaction with the audit entry.
     */
    async changeOwnPassword(id: string, input: { currentPassword: string; newPassword: string }, keepSessionHash: string | null, actor: Actor): Promise<void> {
      const [row] = await db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, id));
      if (!row) throw new AppError('user.not_found');
      if (!(await verifyPassword(row.passwordHash, input.currentPassword))) {
        throw new AppError('auth.wrong_password', undefined, [{ path: 'currentPassword', message: 'is wrong' }]);
      }
      assertPasswordPolicy(input.newPassword, 'newPassword');
      if (input.newPassword === input.currentPassword) {
        throw new AppError('auth.weak_password', 'The new password must differ from the current one.', [{ path: 'newPassword', message: 'must differ from the current password' }]);
      }
      const passwordHash = await hashPassword(input.newPassword);
      await db.transaction(async (tx) => {
        await tx.update(users).set({ passwordHash, mustChangePassword: false, updatedAt: sql`now()` }).where(eq(users.id, id));
        await tx.execute(sql`DELETE FROM sessions WHERE user_id = ${id} AND token_hash IS DISTINCT FROM ${keepSessionHash}`);
        await recordAudit(tx, actor, 'user.change_password', 'user', id, null);
      });
    },

    async setPassword(id: string, password: string | null, actor: Actor): Promise<string> {
      const temporaryPassword = password ?? generatePassword();
      const passwordHash = await hashPassword(temporaryPassword);
      const found = await db.transaction(async (tx) => {
        const rows = await tx
          .update(users)
          .set({ passwordHash, mustChangePassword: password === null, updatedAt: sql`now()` })
          .where(eq(users.id, id))
          .returning({ id: users.id });
        if (rows.length === 0) return false;
        await tx.execute(sql`DELETE FROM sessions WHERE user_id = ${id}`);
        await recordAudit(tx, actor, 'user.reset_password', 'user', id, null);
        return true;
      });
      if (!found) throw new AppError('user.not_found');
      return temporaryPassword;
    },
  };
}
export type UserQueries = ReturnType<typeof createUserQueries>;

function toDto(u: typeof users.$inferSelect, teamName: string | null): UserDto {
  return {
    id: u.id, email: u.email, name: u.name, role: u.role, teamId: u.teamId, teamName,
    active: u.active, lastLoginAt: u.lastLoginAt?.toISOString() ?? null, createdAt: u.createdAt.toISOString(),
  };
}

export { isUniqueViolation, isFkViolation };
