import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RouteDeps } from '../http/context.js';
import { AppError } from '../http/errors.js';
import { errorBody } from '../auth/schema.js';
import { ACTIVITY_KINDS } from './schema.js';

const idParams = z.object({ id: z.uuid() });

export const autopilotResponse = z.object({
  onAutopilot: z.boolean(),
  reasons: z.array(z.string()).describe('Why it is (or is not) on autopilot, one line per condition that decided it'),
  touchpoints: z.array(z.object({ id: z.uuid(), kind: z.enum(ACTIVITY_KINDS), at: z.string(), subject: z.string() }))
    .describe('The last N touchpoints (activities other than notes), oldest first'),
  n: z.number().int().describe('How many touchpoints make a routine (CANOPY_AUTOPILOT_TOUCHPOINTS)'),
});

export function autopilotRoutes(app: FastifyInstance, { services }: RouteDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  // Everyone who may read the account may read its verdict (reading accounts is open to every role).
  r.get('/api/accounts/:id/autopilot', {
    schema: {
      tags: ['accounts'],
      summary: 'Whether the account is on autopilot (its last N touchpoints routine), computed now, with the touchpoints and reasons',
      params: idParams, response: { 200: autopilotResponse, 404: errorBody },
    },
  }, async (req) => {
    const a = await services.accounts.get(req.params.id);
    if (!a) throw new AppError('account.not_found');
    return services.autopilot.forAccount(a.id);
  });
}
