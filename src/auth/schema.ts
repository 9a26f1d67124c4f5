import { z } from 'zod';
import { ROLES } from './principal.js';
import { passwordSchema } from './password-policy.js';
import { text } from '../http/zod.js';

export const userDto = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  teamId: z.uuid().nullable(),
  teamName: z.string().nullable(),
  active: z.boolean(),
  lastLoginAt: z.string().nullable(),
  createdAt: z.string(),
});

// The e-mail reaches the throttle's and the users' queries: text() refuses what PostgreSQL cannot store.
export const loginBody = z.object({ email: text().trim().min(1).max(320), password: z.string().min(1).max(1024) });
export const sessionResponse = z.object({
  user: userDto,
  csrfToken: z.string(),
  mustChangePassword: z.boolean().describe('true: this session may only change the password (POST /api/auth/password) until it does'),
});
export const passwordChangeBody = z.object({ currentPassword: z.string().min(1).max(1024), newPassword: passwordSchema });
export const errorBody = z.object({
  code: z.string(),
  message: z.string(),
  fields: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  details: z.record(z.string(), z.unknown()).optional().describe('Machine-readable facts about the error (e.g. capacity.exceeded: left, capacity, used, cost, suggestion)'),
});
