import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { can, type Ownable } from '../auth/policy.js';
import { errorBody } from '../auth/schema.js';
import { principalOf, type RouteDeps } from '../http/context.js';
import { DEFINITIONS } from './retention.js';
import { cohortsQuery, cohortsResponse, definitionsResponse, retentionQuery, retentionResponse } from './schema.js';
import { createAnalyticsService } from './service.js';

const TAGS = ['analytics'];

/** Retention analytics over HTTP (issue 13): everyone reads them, over the accounts they may read. */
export function analyticsRoutes(app: FastifyInstance, { database }: RouteDeps) {
  const analytics = createAnalyticsService(database);
  const r = app.withTypeProvider<ZodTypeProvider>();
  const mayRead = (req: FastifyRequest) => (account: Ownable) => can(principalOf(req), 'read', { type: 'account', account });

  r.get('/api/analytics/retention', {
    schema: {
      tags: TAGS,
      summary: 'Per month or quarter (default: the last four quarters or twelve months and this one), from the ARR history: starting and ending ARR, new, expansion, contraction and churned ARR, '
        + 'GRR, NRR and logo retention, with the period\'s status (definitions: GET /api/analytics/definitions)',
      querystring: retentionQuery, response: { 200: retentionResponse, 400: errorBody },
    },
  }, async (req) => analytics.retention(req.query, mayRead(req)));

  r.get('/api/analytics/cohorts', {
    schema: {
      tags: TAGS,
      summary: 'Cohorts by the month (or quarter) of first ARR, each with logos, ARR, logo and revenue retention at every period since, to this one',
      querystring: cohortsQuery, response: { 200: cohortsResponse, 400: errorBody },
    },
  }, async (req) => analytics.cohorts(req.query, mayRead(req)));

  r.get('/api/analytics/definitions', {
    schema: { tags: TAGS, summary: 'The definitions of every retention figure (standard GRR, NRR, logo retention, ARR movements, cohorts), as shown beside them', response: { 200: definitionsResponse } },
  }, async () => ({ ...DEFINITIONS }));
}
