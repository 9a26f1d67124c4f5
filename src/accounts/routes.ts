import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RouteDeps } from '../http/context.js';
import { actor, principalOf } from '../http/context.js';
import { AppError } from '../http/errors.js';
import { can } from '../auth/policy.js';
import type { Principal } from '../auth/principal.js';
import { errorBody } from '../auth/schema.js';
import { account, accountCreate, accountDateProblems, accountList, accountListQuery, accountPatch, facets, usageQuery, usageResponse } from './schema.js';
import { listAccounts } from './list.js';
import type { AccountRecord } from './queries.js';

const idParams = z.object({ id: z.uuid() });
const withCanEdit = (p: Principal, a: AccountRecord) => ({ ...a, canEdit: can(p, 'update', { type: 'account', account: a }) });

export function accountRoutes(app: FastifyInstance, { database, services }: RouteDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const load = async (id: string) => {
    const a = await services.accounts.get(id);
    if (!a) throw new AppError('account.not_found');
    return a;
  };

  r.get('/api/accounts', {
    schema: { tags: ['accounts'], summary: 'Search, filter, sort and page through accounts (keyset cursor)', querystring: accountListQuery, response: { 200: accountList, 400: errorBody } },
  }, async (req) => {
    const p = principalOf(req);
    return listAccounts(database, req.query, { userId: p.kind === 'user' ? p.userId : null });
  });

  r.get('/api/accounts/facets', { schema: { tags: ['accounts'], summary: 'Values for the portfolio filters', response: { 200: facets } } },
    async () => services.accounts.facets());

  r.post('/api/accounts', {
    schema: { tags: ['accounts'], summary: 'Create an account', body: accountCreate, response: { 201: account, 400: errorBody, 403: errorBody, 409: errorBody } },
  }, async (req, reply) => {
    const p = principalOf(req);
    const input = { ...req.body };
    // A CSM's new account is theirs unless they name an owner or team.
    if (p.kind === 'user' && p.role === 'csm' && input.ownerId === undefined && input.teamId === undefined) input.ownerId = p.userId;
    if (!can(p, 'create', { type: 'account', account: { ownerId: input.ownerId ?? null, teamId: input.teamId ?? null } })) throw new AppError('auth.forbidden');
    const created = await services.accounts.create(input, actor(req));
    await services.health.markDirty({ ids: [created.id] }, 'created');
    return reply.status(201).send(withCanEdit(p, created));
  });

  r.get('/api/accounts/:id', { schema: { tags: ['accounts'], summary: 'One account with its fields', params: idParams, response: { 200: account, 404: errorBody } } },
    async (req) => withCanEdit(principalOf(req), await load(req.params.id)));

  r.patch('/api/accounts/:id', {
    schema: { tags: ['accounts'], summary: 'Change some fields of an account', params: idParams, body: accountPatch, response: { 200: account, 400: errorBody, 403: errorBody, 404: errorBody, 409: errorBody } },
  }, async (req) => {
    const p = principalOf(req);
    const before = await load(req.params.id);
    if (!can(p, 'update', { type: 'account', account: before })) throw new AppError('auth.forbidden');
    // The dates as they will be after this change; a stored renewal date may stay even when past.
    const dates = {
      contractStart: req.body.contractStart !== undefined ? req.body.contractStart : before.contractStart,
      renewalDate: req.body.renewalDate !== undefined ? req.body.renewalDate : before.renewalDate,
    };
    const dateProblems = accountDateProblems(dates, before.renewalDate);
    if (dateProblems.length > 0) throw new AppError('request.invalid', undefined, dateProblems);
    const after = await services.accounts.update(req.params.id, req.body, actor(req));
    await services.health.markDirty({ ids: [after.id] }, 'field');
    return withCanEdit(p, after);
  });

  r.delete('/api/accounts/:id', {
    schema: { tags: ['accounts'], summary: 'Delete an account with its contacts and usage (manager, admin)', params: idParams, response: { 204: z.null(), 403: errorBody, 404: errorBody } },
  }, async (req, reply) => {
    const a = await load(req.params.id);
    if (!can(principalOf(req), 'delete', { type: 'account', account: a })) throw new AppError('auth.forbidden');
    await services.accounts.remove(a.id, actor(req));
    return reply.status(204).send(null);
  });

  r.get('/api/accounts/:id/usage', {
    schema: { tags: ['accounts'], summary: 'Daily counts and distinct users per event name', params: idParams, querystring: usageQuery, response: { 200: usageResponse, 404: errorBody } },
  }, async (req) => {
    await load(req.params.id);
    return services.accounts.usage(req.params.id, req.query.days, req.query.event);
  });
}
