import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { can, type Ownable } from '../auth/policy.js';
import { errorBody } from '../auth/schema.js';
import { actor, principalOf, type RouteDeps } from '../http/context.js';
import { AppError } from '../http/errors.js';
import {
  accountIdParams, csvQuery, forecastQuery, forecastResponse, overrideBody, overrideDeleteQuery, renewalItem, renewalsQuery, renewalsResponse,
} from './schema.js';
import { createRenewalService } from './service.js';

const TAGS = ['renewals'];

/**
 * Renewals over HTTP (issue 12, seed 002: keep stakeholders able to forecast). Everyone reads the
 * calendar, the forecast and the CSV, of the accounts they may read; admins and managers
 * override a renewal's category with a reason (policy subject renewal_overrides).
 */
export function renewalRoutes(app: FastifyInstance, { database }: RouteDeps) {
  const renewals = createRenewalService(database);
  const r = app.withTypeProvider<ZodTypeProvider>();
  const mayRead = (req: FastifyRequest) => (account: Ownable) => can(principalOf(req), 'read', { type: 'account', account });
  const mustWrite = (req: FastifyRequest) => {
    if (!can(principalOf(req), 'update', { type: 'renewal_overrides' })) throw new AppError('auth.forbidden');
  };

  r.get('/api/renewals', {
    schema: {
      tags: TAGS,
      summary: "Renewals in [from, to) (default: this quarter's start to four quarters ahead) of accounts not churned: ARR due and the risk-adjusted forecast per month or quarter, and the renewals by date with probability, category, override and the top risks",
      querystring: renewalsQuery, response: { 200: renewalsResponse, 400: errorBody },
    },
  }, async (req) => renewals.list(req.query, mayRead(req)));

  r.get('/api/renewals/forecast', {
    schema: {
      tags: TAGS, summary: 'The forecast for the next four quarters (or twelve months) from this one: ARR due, forecast, and commit / likely / at-risk sums and counts',
      querystring: forecastQuery, response: { 200: forecastResponse, 400: errorBody },
    },
  }, async (req) => renewals.forecast(req.query.period, mayRead(req)));

  r.get('/api/renewals.csv', {
    schema: {
      tags: TAGS, summary: 'The renewals of [from, to) as CSV (text/csv): account, owner, renewal date, ARR, renewal probability, forecast, category, overridden, reason, top risks',
      querystring: csvQuery, response: { 200: z.string().describe('text/csv'), 400: errorBody },
    },
  }, async (req, reply) => {
    const { from, to, body } = await renewals.csv(req.query, mayRead(req));
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="renewals-${from}-${to}.csv"`).send(body);
  });

  r.put('/api/renewals/:accountId/override', {
    schema: {
      tags: TAGS, summary: "Override the category of an account's coming renewal with a reason (admins and managers; audited); renewalDate must be the account's current renewal date (409 renewal.date_mismatch)",
      params: accountIdParams, body: overrideBody, response: { 200: renewalItem, 400: errorBody, 403: errorBody, 404: errorBody, 409: errorBody },
    },
  }, async (req) => {
    mustWrite(req);
    return renewals.setOverride(req.params.accountId, req.body, actor(req));
  });

  r.delete('/api/renewals/:accountId/override', {
    schema: {
      tags: TAGS, summary: 'Remove the override of a renewal (admins and managers; audited): its category follows the probability again',
      params: accountIdParams, querystring: overrideDeleteQuery, response: { 204: z.null(), 400: errorBody, 403: errorBody, 404: errorBody },
    },
  }, async (req, reply) => {
    mustWrite(req);
    await renewals.clearOverride(req.params.accountId, req.query.renewalDate, actor(req));
    return reply.status(204).send(null);
  });
}
