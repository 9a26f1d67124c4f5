import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RouteDeps } from '../http/context.js';
import { actor, principalOf } from '../http/context.js';
import { AppError } from '../http/errors.js';
import { can, type Subject } from '../auth/policy.js';
import { errorBody } from '../auth/schema.js';
import { isoDate, queryInt, text } from '../http/zod.js';
import { utcToday } from '../accounts/usage.js';
import { STAGES } from '../accounts/schema.js';
import { SOURCE_CATALOG } from './sources.js';
import {
  backfillInput, driver, driverInput, driverPatch, healthExplanation, impactResult, outcome, outcomeInput, overrideInput, previewInput, previewResult, run,
} from './schema.js';

const idParams = z.object({ id: z.uuid() });
/** ?asOf=YYYY-MM-DD: a day up to today (UTC), measured as the back-fill does. */
const asOfQuery = z.object({
  asOf: isoDate().refine((d) => d <= utcToday(), 'must be today or earlier').optional().describe('Measure as of the end of this day (YYYY-MM-DD, up to today, UTC)'),
});
const band = z.enum(['good', 'watch', 'poor', 'none']);
const tags = ['health'];

export function healthRoutes(app: FastifyInstance, { services }: RouteDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { health } = services;
  const allow = (req: FastifyRequest, action: 'create' | 'update' | 'delete', subject: Subject) => {
    if (!can(principalOf(req), action, subject)) throw new AppError('auth.forbidden');
  };
  const account = async (id: string) => {
    const a = await services.accounts.get(id);
    if (!a) throw new AppError('account.not_found');
    return a;
  };
  const stagesOf = (w: Partial<Record<string, number>>) => Object.entries(w).filter(([, v]) => (v ?? 0) > 0).map(([s]) => s);

  r.get('/api/drivers', { schema: { tags, summary: 'The drivers (leading indicators) and their weights per stage', response: { 200: z.object({ items: z.array(driver) }) } } },
    async () => ({ items: await health.drivers.list() }));

  r.get('/api/drivers/catalog', {
    schema: { tags, summary: 'What a driver can be built from: source types, event names seen, fields, stages', response: { 200: z.object({
      sources: z.array(z.object({ type: z.string(), label: z.string(), description: z.string(), available: z.boolean() })),
      events: z.array(z.string()), fields: z.array(z.string()), stages: z.array(z.enum(STAGES)),
    }) } },
  }, async () => ({
    sources: SOURCE_CATALOG,
    events: [...(await health.drivers.knownEvents())].sort(),
    fields: ['arr', 'seats', 'days_to_renewal', 'account_age_days', ...(await services.accounts.numericCustomFields()).map((k) => `custom.${k}`)],
    stages: [...STAGES],
  }));

  r.post('/api/drivers', { schema: { tags, summary: 'Create a driver (admin, manager)', body: driverInput, response: { 201: driver, 400: errorBody, 403: errorBody, 409: errorBody } } },
    async (req, reply) => {
      allow(req, 'create', { type: 'drivers' });
      const d = await health.drivers.create(req.body, actor(req));
      await health.markDirty({ stages: stagesOf(d.stageWeights) }, 'driver');
      return reply.status(201).send(d);
    });

  r.patch('/api/drivers/:id', { schema: { tags, summary: 'Change a driver; the accounts of its stages are recomputed (admin, manager)', params: idParams, body: driverPatch, response: { 200: driver, 400: errorBody, 403: errorBody, 404: errorBody } } },
    async (req) => {
      allow(req, 'update', { type: 'drivers' });
      const { before, after } = await health.drivers.update(req.params.id, req.body, actor(req));
      await health.markDirty({ stages: [...new Set([...stagesOf(before.stageWeights), ...stagesOf(after.stageWeights)])] }, 'driver');
      return after;
    });

  r.delete('/api/drivers/:id', { schema: { tags, summary: 'Delete a driver (admin, manager)', params: idParams, response: { 204: z.null(), 403: errorBody, 404: errorBody, 409: errorBody } } },
    async (req, reply) => {
      allow(req, 'delete', { type: 'drivers' });
      const d = await health.drivers.remove(req.params.id, actor(req));
      await health.markDirty({ stages: stagesOf(d.stageWeights) }, 'driver');
      return reply.status(204).send(null);
    });

  r.post('/api/drivers/preview', { schema: { tags, summary: 'What a driver definition would give over the book (today, or as of a past day), before saving', querystring: asOfQuery, body: previewInput, response: { 200: previewResult, 400: errorBody } } },
    async (req) => health.preview({ id: 'preview', key: req.body.key ?? '__preview', name: 'preview', ...req.body }, req.query.asOf));

  r.get('/api/drivers/impact', {
    schema: { tags, summary: 'How well each driver (and health) separated retained from lost accounts before their outcomes (AUC)', querystring: z.object({ leadDays: queryInt(0, 180).default(28) }), response: { 200: impactResult } },
  }, async (req) => health.impact(req.query.leadDays));

  r.get('/api/accounts/:id/health', { schema: { tags, summary: 'Health with its explanation: each driver’s value, score, weight and points lost (they add up to 100 − score); with asOf, as of the end of that day (computed now, not stored)', params: idParams, querystring: asOfQuery, response: { 200: healthExplanation, 400: errorBody, 404: errorBody } } },
    async (req) => {
      const a = await account(req.params.id);
      if (req.query.asOf && req.query.asOf < utcToday()) return health.explainAsOf(a.id, req.query.asOf);
      return health.queries.explanation(a.id, a.stage);
    });

  r.get('/api/accounts/:id/health/history', { schema: { tags, summary: 'Daily health snapshots', params: idParams, querystring: z.object({ days: queryInt(1, 730).default(90) }), response: { 200: z.object({ items: z.array(z.object({ day: z.string(), score: z.number().nullable(), band: z.enum(['good', 'watch', 'poor']).nullable() })) }), 404: errorBody } } },
    async (req) => {
      await account(req.params.id);
      return health.queries.history(req.params.id, req.query.days);
    });

  r.post('/api/accounts/:id/health/override', { schema: { tags, summary: 'Override the health with a reason and an expiry: until it expires or is cleared it is the effective health every list and rule reads (the computed score is shown beside it)', params: idParams, body: overrideInput, response: { 201: healthExplanation, 400: errorBody, 403: errorBody, 404: errorBody } } },
    async (req, reply) => {
      const a = await account(req.params.id);
      allow(req, 'update', { type: 'account', account: a });
      await health.queries.setOverride(a.id, req.body, actor(req));
      // The effective health changed: the account's rules run again soon (a trigger marked it).
      await services.rules.scheduleEvaluation();
      return reply.status(201).send(await health.queries.explanation(a.id, a.stage));
    });

  r.delete('/api/accounts/:id/health/override', { schema: { tags, summary: 'Clear the override', params: idParams, response: { 204: z.null(), 403: errorBody, 404: errorBody } } },
    async (req, reply) => {
      const a = await account(req.params.id);
      allow(req, 'update', { type: 'account', account: a });
      await health.queries.clearOverride(a.id, actor(req));
      await services.rules.scheduleEvaluation();
      return reply.status(204).send(null);
    });

  r.get('/api/health/summary', { schema: { tags, summary: 'The book (accounts, active, churned, ARR), active accounts and ARR per band of effective health (a valid override, else computed), and the 90-day band trend (computed)', response: { 200: z.object({
    book: z.object({
      accounts: z.number().int().describe('Every account, churned included'),
      active: z.number().int().describe('Accounts not churned: the bands below add up to this'),
      churned: z.number().int(),
      activeArr: z.number().describe('ARR of the active accounts'),
      churnedArr: z.number().describe('ARR of the churned accounts (not in the bands)'),
      overridden: z.number().int().describe('Active accounts whose health is a valid override'),
    }),
    bands: z.array(z.object({ band, accounts: z.number().int(), arr: z.number(), overridden: z.number().int().describe('Of these, accounts in this band by an override') })),
    trend: z.array(z.object({ day: z.string(), good: z.number().int(), watch: z.number().int(), poor: z.number().int(), averageScore: z.number().nullable() })),
  }) } } }, async () => health.queries.summary());

  r.post('/api/health/recompute', { schema: { tags, summary: 'Recompute every account’s health now (admin, manager); follow it at /api/health/runs/{id}', response: { 202: z.object({ runId: z.uuid() }), 403: errorBody } } },
    async (req, reply) => {
      allow(req, 'create', { type: 'health_runs' });
      return reply.status(202).send({ runId: await health.startRecompute(`user:${actor(req).label}`) });
    });

  r.post('/api/health/backfill', {
    schema: { tags, summary: 'Rebuild the daily health history of the last N days from the stored usage, with today’s drivers (admin, manager); follow it at /api/health/runs/{id}', body: backfillInput.nullish(), response: { 202: run, 400: errorBody, 403: errorBody } },
  }, async (req, reply) => {
    allow(req, 'create', { type: 'health_runs' });
    const id = await health.startBackfill(req.body?.days ?? 90, `user:${actor(req).label}`);
    return reply.status(202).send(await health.queries.run(id));
  });

  r.get('/api/health/runs/:id', { schema: { tags, summary: 'Progress of a recompute or a history back-fill', params: idParams, response: { 200: run, 404: errorBody } } },
    async (req) => health.queries.run(req.params.id));

  r.get('/api/health/runs', { schema: { tags, summary: 'Recent recomputes and history back-fills (trigger backfill:…)', querystring: z.object({ limit: queryInt(1, 50).default(5) }), response: { 200: z.object({ items: z.array(run) }) } } },
    async (req) => ({ items: await health.queries.runs(req.query.limit) }));

  r.get('/api/outcomes', { schema: { tags, summary: 'Historic outcomes (renewed, expanded, churned, downgraded)', querystring: z.object({ accountId: z.uuid().optional(), limit: queryInt(1, 1000).default(200) }), response: { 200: z.object({ items: z.array(outcome) }) } } },
    async (req) => ({ items: await health.queries.outcomes(req.query) }));

  r.post('/api/outcomes', { schema: { tags, summary: 'Record an outcome of an account', body: outcomeInput, response: { 201: z.object({ id: z.uuid() }), 400: errorBody, 403: errorBody, 404: errorBody, 409: errorBody } } },
    async (req, reply) => {
      allow(req, 'update', { type: 'account', account: await account(req.body.accountId) });
      return reply.status(201).send({ id: await health.queries.addOutcome(req.body, actor(req)) });
    });

  r.post('/api/outcomes/import', {
    schema: { tags, summary: 'Import outcomes (up to 5000), all or nothing; accounts by id or external id (manager, admin)', body: z.object({ items: z.array(outcomeInput.omit({ accountId: true }).extend({ accountId: z.uuid().optional(), accountExternalId: text().max(200).optional() })).min(1).max(5000) }), response: { 201: z.object({ created: z.number().int(), skipped: z.number().int() }), 400: errorBody, 403: errorBody } },
  }, async (req, reply) => {
    allow(req, 'update', { type: 'drivers' });
    return reply.status(201).send(await health.importOutcomes(req.body.items, actor(req)));
  });

  r.delete('/api/outcomes/:id', { schema: { tags, summary: 'Delete an outcome', params: idParams, response: { 204: z.null(), 403: errorBody, 404: errorBody } } },
    async (req, reply) => {
      const accountId = await health.queries.outcomeAccount(req.params.id);
      if (!accountId) throw new AppError('not_found');
      allow(req, 'update', { type: 'account', account: await account(accountId) });
      await health.queries.removeOutcome(req.params.id, actor(req));
      return reply.status(204).send(null);
    });
}
