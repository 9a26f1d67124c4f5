import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RouteDeps } from '../http/context.js';
import { actor, principalOf } from '../http/context.js';
import { AppError } from '../http/errors.js';
import { can } from '../auth/policy.js';
import { errorBody } from '../auth/schema.js';
import { recordAuditRaw } from '../audit/record.js';
import { isFkViolation } from '../users/queries.js';

const ROLE = z.enum(['support', 'exec_sponsor', 'product']);
const assignment = z.object({ id: z.uuid(), role: ROLE, teamId: z.uuid().nullable(), teamName: z.string().nullable(), userId: z.uuid(), userName: z.string() });

/**
 * Who plays support lead, internal executive sponsor and product for a team (or for everyone):
 * playbook task steps and rule tasks with those assignee roles go to them.
 */
export function roleAssignmentRoutes(app: FastifyInstance, { database }: RouteDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const list = async () => (await database.query<{ id: string; role: z.infer<typeof ROLE>; team_id: string | null; team_name: string | null; user_id: string; user_name: string }>(
    `SELECT ra.id, ra.role, ra.team_id, t.name AS team_name, ra.user_id, u.name AS user_name
       FROM role_assignments ra JOIN users u ON u.id = ra.user_id LEFT JOIN teams t ON t.id = ra.team_id
      ORDER BY ra.role, t.name NULLS FIRST`,
  )).rows.map((x) => ({ id: x.id, role: x.role, teamId: x.team_id, teamName: x.team_name, userId: x.user_id, userName: x.user_name }));

  r.get('/api/role-assignments', { schema: { tags: ['tasks'], summary: 'Who plays support, exec sponsor and product, per team or for everyone (admin, manager)', response: { 200: z.object({ items: z.array(assignment) }), 403: errorBody } } },
    async (req) => {
      if (!can(principalOf(req), 'read', { type: 'role_assignments' })) throw new AppError('auth.forbidden');
      return { items: await list() };
    });

  r.put('/api/role-assignments', {
    schema: {
      tags: ['tasks'], summary: 'Set who plays a role for a team (teamId null: for everyone) — admins',
      body: z.object({ role: ROLE, teamId: z.uuid().nullable(), userId: z.uuid() }),
      response: { 200: z.object({ items: z.array(assignment) }), 400: errorBody, 403: errorBody },
    },
  }, async (req) => {
    if (!can(principalOf(req), 'update', { type: 'role_assignments' })) throw new AppError('auth.forbidden');
    const { role, teamId, userId } = req.body;
    await database.transaction(async (tx) => {
      await tx.query(`DELETE FROM role_assignments WHERE role = $1 AND team_id IS NOT DISTINCT FROM $2::uuid`, [role, teamId]);
      await tx.query('INSERT INTO role_assignments (role, team_id, user_id) VALUES ($1, $2, $3)', [role, teamId, userId]).catch((err: unknown) => {
        if (isFkViolation(err)) throw new AppError('request.invalid', 'No such user or team.', [{ path: 'userId', message: 'no such user (or team)' }]);
        throw err;
      });
      await recordAuditRaw(tx, actor(req), [{ action: 'set', objectType: 'role_assignment', objectId: `${role}:${teamId ?? '*'}`, changes: { userId } }]);
    });
    return { items: await list() };
  });

  r.delete('/api/role-assignments/:id', {
    schema: { tags: ['tasks'], summary: 'Remove a role assignment — admins', params: z.object({ id: z.uuid() }), response: { 204: z.null(), 403: errorBody, 404: errorBody } },
  }, async (req, reply) => {
    if (!can(principalOf(req), 'delete', { type: 'role_assignments' })) throw new AppError('auth.forbidden');
    await database.transaction(async (tx) => {
      const { rowCount } = await tx.query('DELETE FROM role_assignments WHERE id = $1', [req.params.id]);
      if (rowCount === 0) throw new AppError('not_found');
      await recordAuditRaw(tx, actor(req), [{ action: 'delete', objectType: 'role_assignment', objectId: req.params.id }]);
    });
    return reply.status(204).send(null);
  });
}
