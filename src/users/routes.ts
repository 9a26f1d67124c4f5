import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RouteDeps } from '../http/context.js';
import { actor, principalOf } from '../http/context.js';
import { AppError } from '../http/errors.js';
import { can } from '../auth/policy.js';
import { ROLES } from '../auth/principal.js';
import { passwordSchema } from '../auth/password-policy.js';
import { errorBody, userDto } from '../auth/schema.js';
import { email, text } from '../http/zod.js';

const idParams = z.object({ id: z.uuid() });
const newUser = z.object({
  email: email(),
  name: text().trim().min(1).max(200),
  role: z.enum(ROLES),
  teamId: z.uuid().nullish(),
  password: passwordSchema.optional().describe('Omit to get a generated one, shown once (then it must be changed at the first sign-in)'),
});
const userPatch = z
  .object({ name: text().trim().min(1).max(200), role: z.enum(ROLES), teamId: z.uuid().nullable(), active: z.boolean() })
  .partial()
  .refine((v) => Object.keys(v).length > 0, 'send at least one field');
const team = z.object({ id: z.uuid(), name: z.string() });

export function userRoutes(app: FastifyInstance, { services }: RouteDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const requireAdmin = (req: Parameters<typeof principalOf>[0], subject: 'users' | 'teams') => {
    if (!can(principalOf(req), 'update', { type: subject })) throw new AppError('auth.forbidden');
  };

  r.get('/api/users', { schema: { tags: ['users'], summary: 'List users (for owner pickers and admin)', response: { 200: z.object({ items: z.array(userDto) }) } } },
    async () => ({ items: await services.users.list() }));

  r.post('/api/users', {
    schema: { tags: ['users'], summary: 'Invite a user (admin)', body: newUser, response: { 201: z.object({ user: userDto, temporaryPassword: z.string().optional() }), 400: errorBody, 403: errorBody, 409: errorBody } },
  }, async (req, reply) => {
    requireAdmin(req, 'users');
    return reply.status(201).send(await services.users.create(req.body, actor(req)));
  });

  r.patch('/api/users/:id', {
    schema: { tags: ['users'], summary: 'Change a user: name, role, team, active (admin)', params: idParams, body: userPatch, response: { 200: userDto, 400: errorBody, 403: errorBody, 404: errorBody } },
  }, async (req) => {
    requireAdmin(req, 'users');
    return services.users.update(req.params.id, req.body, actor(req));
  });

  r.post('/api/users/:id/reset-password', {
    schema: { tags: ['users'], summary: 'Generate a new password, shown once; ends the user’s sessions (admin)', params: idParams, response: { 200: z.object({ temporaryPassword: z.string() }), 403: errorBody, 404: errorBody } },
  }, async (req) => {
    requireAdmin(req, 'users');
    return { temporaryPassword: await services.users.setPassword(req.params.id, null, actor(req)) };
  });

  r.get('/api/teams', { schema: { tags: ['users'], summary: 'List teams', response: { 200: z.object({ items: z.array(team) }) } } },
    async () => ({ items: await services.teams.list() }));

  r.post('/api/teams', {
    schema: { tags: ['users'], summary: 'Create a team (admin)', body: z.object({ name: text().trim().min(1).max(100) }), response: { 201: team, 400: errorBody, 403: errorBody, 409: errorBody } },
  }, async (req, reply) => {
    requireAdmin(req, 'teams');
    return reply.status(201).send(await services.teams.create(req.body.name, actor(req)));
  });
}
