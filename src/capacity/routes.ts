import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { can } from '../auth/policy.js';
import { errorBody } from '../auth/schema.js';
import type { RouteDeps } from '../http/context.js';
import { actor, principalOf } from '../http/context.js';
import { AppError } from '../http/errors.js';
import { accountCapacity } from './index.js';
import { capacityAccounts } from './accounts.js';
import { capacity, capacityAccounts as capacityAccountsList, capacityAccountsQuery, capacityPut, capacityQuery, capacitySettings } from './schema.js';
import { getCapacitySettings, putCapacitySettings, setAccountCapacity } from './service.js';

const idParams = z.object({ id: z.uuid() });
const TAGS = ['capacity'];

/** The customer's spoons: everyone reads an account's capacity; whoever may edit the account sets it; admins and managers set the default. */
export function capacityRoutes(app: FastifyInstance, deps: RouteDeps) {
  const { services, database } = deps;
  const r = app.withTypeProvider<ZodTypeProvider>();
  const mustAccount = async (id: string) => {
    const a = await services.accounts.get(id);
    if (!a) throw new AppError('account.not_found');
    return a;
  };

  r.get('/api/accounts/:id/capacity', {
    schema: {
      tags: TAGS, summary: "The customer's capacity (spoons) this period: what is asked, what is left, and why",
      description: 'Asks are the customer-owned tasks (not cancelled; dated by due date, else creation), survey recipients and check-in requests (by sent time) and customer e-mails with a spoon cost. The capacity is the set one (or the default), lowered by a recent low-confidence check-in and sustain talk, each with its reason.',
      params: idParams, querystring: capacityQuery, response: { 200: capacity, 400: errorBody, 404: errorBody },
    },
  }, async (req) => {
    const a = await mustAccount(req.params.id);
    if (!can(principalOf(req), 'read', { type: 'account', account: a })) throw new AppError('auth.forbidden');
    const at = req.query.at ? new Date(`${req.query.at}T12:00:00.000Z`) : new Date();
    return { ...(await accountCapacity(database, a.id, at)), canEdit: can(principalOf(req), 'update', { type: 'account', account: a }) };
  });

  r.put('/api/accounts/:id/capacity', {
    schema: {
      tags: TAGS, summary: "Set the account's capacity per period (null: the default) and contacts' own capacities",
      params: idParams, body: capacityPut, response: { 200: capacity, 400: errorBody, 403: errorBody, 404: errorBody },
    },
  }, async (req) => {
    const a = await mustAccount(req.params.id);
    if (!can(principalOf(req), 'update', { type: 'account', account: a })) throw new AppError('auth.forbidden');
    return { ...(await setAccountCapacity(database, a.id, req.body, actor(req))), canEdit: true };
  });

  r.get('/api/capacity/accounts', {
    schema: {
      tags: TAGS, summary: 'The accounts over capacity (left < 0, or 0 with an overload) or near it (at most 2 spoons left) this period, with the costliest asks',
      description: 'Computed only for the accounts with an ask costing something this period, a capacity set low, or (when the default itself is low) evidence that lowers it; any other account has no ask and room left. The figures are those of GET /api/accounts/:id/capacity.',
      querystring: capacityAccountsQuery, response: { 200: capacityAccountsList, 400: errorBody },
    },
  }, async (req) => capacityAccounts(database, (account) => can(principalOf(req), 'read', { type: 'account', account }), req.query));

  r.get('/api/capacity/settings', {
    schema: { tags: TAGS, summary: 'The default capacity and the period (default 10 spoons a week, weeks from Monday UTC)', response: { 200: capacitySettings } },
  }, async (req) => {
    if (!can(principalOf(req), 'read', { type: 'app_settings' })) throw new AppError('auth.forbidden');
    return getCapacitySettings(database);
  });

  r.put('/api/capacity/settings', {
    schema: { tags: TAGS, summary: 'Set the default capacity and the period (admins and managers)', body: capacitySettings, response: { 200: capacitySettings, 400: errorBody, 403: errorBody } },
  }, async (req) => {
    if (!can(principalOf(req), 'update', { type: 'app_settings' })) throw new AppError('auth.forbidden');
    return putCapacitySettings(database, req.body, actor(req));
  });
}
