import { randomBytes } from 'node:crypto';
import type { Queryable } from '../db/connect.js';
import { recordAuditRaw } from '../audit/record.js';
import { SYSTEM_ACTOR } from '../auth/principal.js';
import { assertPasswordPolicy } from '../auth/password-policy.js';
import { hashPassword } from '../auth/passwords.js';

/**
 * A demo you can sign in to as a CSM or a manager: the demo's people get one password, generated
 * per load and printed once by the command that loaded it (`canopy start --demo`, `canopy
 * seed-demo`). Only the demo does this: seedDemo alone (tests, the API) leaves them without one,
 * and only users that still have no password get it. They are not asked to change it: it is a
 * demo, and the password was never a secret to the person who loaded it.
 */
export async function giveDemoPasswords(q: Queryable, emails: string[], password = `demo-${randomBytes(12).toString('base64url')}`): Promise<{ password: string; users: number }> {
  assertPasswordPolicy(password);
  let users = 0;
  for (const email of emails) {
    const { rows } = await q.query<{ id: string }>(
      'UPDATE users SET password_hash = $2, must_change_password = false WHERE email = $1 AND password_hash IS NULL RETURNING id',
      [email, await hashPassword(password)],
    );
    for (const r of rows) {
      users += 1;
      await recordAuditRaw(q, { ...SYSTEM_ACTOR, label: 'demo loader' }, [{ action: 'user.demo_password', objectType: 'user', objectId: r.id }]);
    }
  }
  return { password, users };
}

/** The lines `canopy start --demo` prints: how to sign in as a CSM and as a manager. */
export function demoSignInLines(people: { email: string; role: string }[], password: string): string[] {
  const csm = people.find((p) => p.role === 'csm');
  const manager = people.find((p) => p.role === 'manager');
  return [
    `Demo sign-in (demo users only; shown once, write it down): password ${password}`,
    ...(csm ? [`  as a CSM:     ${csm.email}`] : []),
    ...(manager ? [`  as a manager: ${manager.email}`] : []),
  ];
}
