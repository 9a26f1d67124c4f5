import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RouteDeps } from '../../http/context.js';
import { actor, principalOf } from '../../http/context.js';
import { AppError } from '../../http/errors.js';
import { can } from '../../auth/policy.js';
import { errorBody } from '../../auth/schema.js';
import { createSignalService } from './service.js';
import { definition, definitionCreate, definitionPatch, dryRunResult, signal, signalCreate, signalPatch } from './schema.js';

const idParams = z.object({ id: z.uuid() });
const TAG = ['risk'];

/** Signal definitions (CS ops tune thresholds, strengths and decay, with a dry run) and signals raised by hand or by API. */
export function riskSignalRoutes(app: FastifyInstance, { database, services }: RouteDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const signals = createSignalService(database);
  const mayEditSettings = (req: FastifyRequest) => {
    if (!can(principalOf(req), 'update', { type: 'risk_settings' })) throw new AppError('auth.forbidden', 'Only admins and managers change signal definitions.');
  };
  const mayEditAccount = async (req: FastifyRequest, accountId: string, path: string | null) => {
    const a = await services.accounts.get(accountId);
    if (!a) throw new AppError('account.not_found', undefined, path ? [{ path, message: 'no such account' }] : undefined);
    if (!can(principalOf(req), 'update', { type: 'account', account: a })) throw new AppError('auth.forbidden');
  };

  r.get('/api/signal-definitions', {
    schema: { tags: TAG, summary: 'Risk signal kinds: what each means, its params, strength and decay', response: { 200: z.object({ items: z.array(definition) }) } },
  }, async () => ({ items: await signals.listDefinitions() }));

  r.post('/api/signal-definitions', {
    schema: {
      tags: TAG, summary: 'Define an external signal kind (raised by hand, by a rule or by POST /api/risk-signals; admins and managers)',
      body: definitionCreate, response: { 201: definition, 400: errorBody, 403: errorBody, 409: errorBody },
    },
  }, async (req, reply) => {
    mayEditSettings(req);
    return reply.status(201).send(await signals.createDefinition(req.body, actor(req)));
  });

  r.patch('/api/signal-definitions/:id', {
    schema: {
      tags: TAG, summary: 'Change a signal kind: label, params (validated per kind), strength, half-life, decay, enabled, family (admins and managers)',
      params: idParams, body: definitionPatch, response: { 200: definition, 400: errorBody, 403: errorBody, 404: errorBody },
    },
  }, async (req) => {
    mayEditSettings(req);
    return signals.updateDefinition(req.params.id, req.body, actor(req));
  });

  r.post('/api/signal-definitions/:id/dry-run', {
    schema: {
      tags: TAG, summary: 'What a change would do: the accounts that would gain and lose the signal (nothing is written)',
      params: idParams, body: definitionPatch, response: { 200: dryRunResult, 400: errorBody, 403: errorBody, 404: errorBody },
    },
  }, async (req) => {
    mayEditSettings(req);
    return signals.dryRun(req.params.id, req.body);
  });

  r.post('/api/risk-signals', {
    schema: {
      tags: TAG, summary: 'Raise a risk signal on an account (by hand from a session, "api" from an API key); an unknown kind is refused',
      description: 'Any enabled kind may be raised, detector kinds included: another system may report what it knows (a billing system reports payment_failed). '
        + 'Such a signal keeps source "api" (or "manual" from a session), never "computed": Canopy did not detect it, and its refresh neither ends nor duplicates it. '
        + 'startedAt may not be in the future nor more than 730 days ago (400 naming startedAt).',
      body: signalCreate, response: { 201: signal, 400: errorBody, 403: errorBody, 404: errorBody },
    },
  }, async (req, reply) => {
    await mayEditAccount(req, req.body.accountId, 'accountId');
    const source = principalOf(req).kind === 'api_key' ? 'api' : 'manual';
    const raised = await signals.raise(req.body, source, actor(req));
    // The insert marked the account's risk dirty (trigger): refresh it soon, as health does after a change.
    await services.risk.scheduleRefresh();
    return reply.status(201).send(raised);
  });

  r.patch('/api/risk-signals/:id', {
    schema: {
      tags: TAG, summary: 'Resolve or withdraw a signal raised by hand, by a rule or by API (computed signals end by themselves: 409 risk_signal.computed)',
      description: '{ended: true}: the fact was real and was dealt with; the signal fades over its kind\'s half-life (14 days for manual). '
        + '{withdrawn: true}: it was raised by mistake; it stops counting at once and entirely (it stays in the history with withdrawnAt). '
        + 'Imported history cannot be changed (400).',
      params: idParams, body: signalPatch, response: { 200: signal, 400: errorBody, 403: errorBody, 404: errorBody, 409: errorBody },
    },
  }, async (req) => {
    const s = await signals.get(req.params.id);
    if (!s) throw new AppError('risk_signal.not_found');
    await mayEditAccount(req, s.accountId, null);
    const resolved = await signals.resolve(req.params.id, req.body, actor(req));
    await services.risk.scheduleRefresh();
    return resolved;
  });
}
