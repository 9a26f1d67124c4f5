import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { AppError } from '../http/errors.js';

/**
 * The one password policy, applied wherever a person chooses a password: the users API, the
 * `canopy create-user` command, the first admin from CANOPY_ADMIN_PASSWORD and the password change.
 * Generated passwords (24 random characters) pass it by construction.
 */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 1024;

const COMMON_FILE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'common-passwords.txt');
// Read once per process: a few hundred short lines.
const COMMON = new Set(
  fs.readFileSync(COMMON_FILE, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#')),
);

// Control characters (NUL, escape, DEL, C1) and lone surrogates: invisible, often mangled by
// terminals, forms and password managers, and a NUL ends the string in some C libraries.
const UNTYPEABLE = /[\p{Cc}\p{Cs}]/u;

/** The first rule the password breaks, as a sentence naming it; null when it passes. */
export function passwordProblem(password: string): string | null {
  if (UNTYPEABLE.test(password)) return 'must not contain control characters (such as NUL, tab or newline)';
  if (password.trim() === '') return 'must not be blank or only spaces';
  // Counted in characters as people see them (code points), not UTF-16 units.
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return `must be at least ${PASSWORD_MIN_LENGTH} characters long`;
  if (length > PASSWORD_MAX_LENGTH) return `must be at most ${PASSWORD_MAX_LENGTH} characters long`;
  if (COMMON.has(password.toLowerCase())) return 'is one of the most common passwords; choose another';
  return null;
}

/** Throws auth.weak_password (400) naming the broken rule, with the field it belongs to. */
export function assertPasswordPolicy(password: string, field = 'password'): void {
  const problem = passwordProblem(password);
  if (problem) throw new AppError('auth.weak_password', `The password ${problem}.`, [{ path: field, message: problem }]);
}

/** The same policy as a zod schema, so request validation and the OpenAPI document carry it. */
export const passwordSchema = z
  .string()
  .max(PASSWORD_MAX_LENGTH * 2)
  .superRefine((value, ctx) => {
    const problem = passwordProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .describe(`At least ${PASSWORD_MIN_LENGTH} characters, not blank, no control characters, not a common password`);
