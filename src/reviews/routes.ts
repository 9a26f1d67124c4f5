import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RouteDeps } from '../http/context.js';
import { actor, principalOf } from '../http/context.js';
import { AppError } from '../http/errors.js';
import { can, type Action } from '../auth/policy.js';
import { errorBody } from '../auth/schema.js';
import { createReviewService } from './service.js';
import { patternsQuery, patternsResult, review, reviewDetail, reviewDetailQuery, reviewList, reviewListQuery, reviewPatch } from './schema.js';
import type { LoadedReview } from './store.js';

const tags = ['reviews'];
const idParams = z.object({ id: z.uuid() });

export function reviewRoutes(app: FastifyInstance, { database }: RouteDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const reviews = createReviewService(database);
  const allowed = (req: FastifyRequest, action: Action, l?: LoadedReview) => can(principalOf(req), action, { type: 'reviews', ...(l ? { account: l.account } : {}) });
  const guard = (req: FastifyRequest, action: Action, l?: LoadedReview) => {
    if (!allowed(req, action, l)) throw new AppError('auth.forbidden');
  };

  r.get('/api/reviews', {
    schema: { tags, summary: 'Churn and downgrade reviews, newest loss first (with the earliest signal and its lead days)', querystring: reviewListQuery, response: { 200: reviewList, 400: errorBody, 403: errorBody } },
  }, async (req) => {
    guard(req, 'read');
    return reviews.list(req.query);
  });

  // Declared before /:id so that "patterns" is never read as an id.
  r.get('/api/reviews/patterns', {
    schema: {
      tags, summary: 'Signal combinations (1–3 kinds) that preceded losses: support, counts in losses and retained accounts, lift (+0.5 smoothing), median lead days',
      querystring: patternsQuery, response: { 200: patternsResult, 400: errorBody, 403: errorBody },
    },
  }, async (req) => {
    guard(req, 'read');
    return reviews.patterns(req.query);
  });

  r.get('/api/reviews/:id', {
    schema: {
      tags, summary: "A review with the account's story over its lookback, what was not acted on, and the earliest signal",
      params: idParams, querystring: reviewDetailQuery, response: { 200: reviewDetail, 400: errorBody, 403: errorBody, 404: errorBody },
    },
  }, async (req) => {
    const l = await reviews.load(req.params.id);
    guard(req, 'read', l);
    return { ...(await reviews.detail(l, req.query.actWithinDays)), canEdit: allowed(req, 'update', l) };
  });

  r.patch('/api/reviews/:id', {
    schema: {
      tags, summary: 'Root causes, conclusion, "could we have seen it?", status (concluding needs a conclusion) and owner (admins and managers)',
      params: idParams, body: reviewPatch, response: { 200: review, 400: errorBody, 403: errorBody, 404: errorBody },
    },
  }, async (req) => {
    const l = await reviews.load(req.params.id);
    guard(req, 'update', l);
    return reviews.update(l.review.id, req.body, actor(req));
  });
}
