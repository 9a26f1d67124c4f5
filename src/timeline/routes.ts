import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RouteDeps } from '../http/context.js';
import { AppError } from '../http/errors.js';
import { errorBody } from '../auth/schema.js';
import { timelinePage, timelineQuery } from './schema.js';

const idParams = z.object({ id: z.uuid() });

export function timelineRoutes(app: FastifyInstance, { services }: RouteDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  // Everyone who reads the account reads its timeline (policy: reading accounts is open to every role).
  r.get('/api/accounts/:id/timeline', {
    schema: {
      tags: ['timeline'],
      summary: "An account's timeline: activities, tasks, health changes, playbooks, rule firings and escalations, newest first",
      params: idParams, querystring: timelineQuery, response: { 200: timelinePage, 400: errorBody, 404: errorBody },
    },
  }, async (req) => {
    const page = await services.timeline.page(req.params.id, req.query);
    if (!page) throw new AppError('account.not_found');
    return page;
  });
}
