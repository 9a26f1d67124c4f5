import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { can, type Ownable } from '../auth/policy.js';
import { errorBody } from '../auth/schema.js';
import { actor, principalOf, type RouteDeps } from '../http/context.js';
import { AppError } from '../http/errors.js';
import { task } from '../tasks/schema.js';
import type { CanAct } from '../tasks/service.js';
import {
  accountReadiness, checkInCreate, checkInRecorded, checkInRequestCreate, checkInRequestCreated, initiative, initiativeCreate, initiativePatch,
  readinessAccounts, readinessAccountsQuery, readinessSummary, settingsBody, spoonTaskCreate,
} from './schema.js';

const idParams = z.object({ id: z.uuid() });
const TAGS = ['readiness'];
const spoonTask = task.extend({ reused: z.boolean().describe('true (200): the open spoon task this route already made for the initiative; no new task') });
const errors = { 400: errorBody, 403: errorBody, 404: errorBody };

/** Readiness over HTTP: whoever may edit the account writes its initiatives and check-ins; everyone reads. */
export function readinessRoutes(app: FastifyInstance, { services }: RouteDeps) {
  const readiness = services.readiness;
  const r = app.withTypeProvider<ZodTypeProvider>();

  const mayEdit = (req: FastifyRequest, account: Ownable) => can(principalOf(req), 'update', { type: 'account', account });
  const mustAccount = async (id: string, field?: string) => {
    const a = await services.accounts.get(id);
    if (!a) throw new AppError('account.not_found', undefined, field ? [{ path: field, message: 'no such account' }] : undefined);
    return a;
  };
  /** The initiative (404) and, for writes, edit rights on its account. */
  const mustInitiative = async (req: FastifyRequest, id: string, write: boolean) => {
    const ref = await readiness.ref(id);
    if (!ref) throw new AppError('initiative.not_found');
    if (!can(principalOf(req), write ? 'update' : 'read', { type: 'account', account: ref.account })) throw new AppError('auth.forbidden');
    return ref;
  };
  const canActFor = (req: FastifyRequest): CanAct => (t) => can(principalOf(req), 'update', { type: 'task', task: t });

  r.post('/api/accounts/:id/initiatives', {
    schema: { tags: TAGS, summary: 'Add an initiative we ask the customer to act on (optionally a goal or milestone of its success plan)', params: idParams, body: initiativeCreate, response: { 201: initiative, ...errors } },
  }, async (req, reply) => {
    const a = await mustAccount(req.params.id);
    if (!mayEdit(req, a)) throw new AppError('auth.forbidden');
    const id = await readiness.createInitiative(a.id, req.body, actor(req));
    return reply.status(201).send(await readiness.initiative(id, true));
  });

  r.get('/api/accounts/:id/readiness', {
    schema: { tags: TAGS, summary: "The account's initiatives with their check-ins (oldest first), latest quadrant and recommendation, and the account's quadrant", params: idParams, response: { 200: accountReadiness, 404: errorBody } },
  }, async (req) => {
    const a = await mustAccount(req.params.id);
    return readiness.readiness(a.id, mayEdit(req, a));
  });

  r.get('/api/initiatives/:id', {
    schema: { tags: TAGS, summary: 'One initiative with its check-ins and recommendation', params: idParams, response: { 200: initiative, 404: errorBody } },
  }, async (req) => {
    const ref = await mustInitiative(req, req.params.id, false);
    return readiness.initiative(ref.id, mayEdit(req, ref.account));
  });

  r.patch('/api/initiatives/:id', {
    schema: { tags: TAGS, summary: 'Change an initiative (title, description, goal or milestone link, status)', params: idParams, body: initiativePatch, response: { 200: initiative, ...errors } },
  }, async (req) => {
    await mustInitiative(req, req.params.id, true);
    await readiness.updateInitiative(req.params.id, req.body, actor(req));
    return readiness.initiative(req.params.id, true);
  });

  r.delete('/api/initiatives/:id', {
    schema: { tags: TAGS, summary: 'Delete an initiative with its check-ins and requests', params: idParams, response: { 204: z.null(), 403: errorBody, 404: errorBody } },
  }, async (req, reply) => {
    await mustInitiative(req, req.params.id, true);
    await readiness.deleteInitiative(req.params.id, actor(req));
    return reply.status(204).send(null);
  });

  r.post('/api/check-ins', {
    schema: {
      tags: TAGS, summary: 'Record a check-in (importance and confidence 0–10, the two follow-ups): its quadrant, the recommendation and the change talk heard',
      body: checkInCreate, response: { 201: checkInRecorded, ...errors },
    },
  }, async (req, reply) => {
    const a = await mustAccount(req.body.accountId, 'accountId');
    if (!mayEdit(req, a)) throw new AppError('auth.forbidden');
    return reply.status(201).send(await readiness.recordCheckIn(req.body, actor(req)));
  });

  r.post('/api/initiatives/:id/check-in-requests', {
    schema: {
      tags: TAGS,
      summary: 'Ask a contact for a check-in by e-mail (a one-time answer link; 201); while their request on this initiative is open (not answered, not expired) asking again returns it (200, reused: true: no new e-mail, no spoon charged); 409 capacity.exceeded unless confirmOverload',
      params: idParams, body: checkInRequestCreate, response: { 200: checkInRequestCreated, 201: checkInRequestCreated, ...errors, 409: errorBody },
    },
  }, async (req, reply) => {
    await mustInitiative(req, req.params.id, true);
    const r = await readiness.requestCheckIn(req.params.id, req.body, actor(req));
    return reply.status(r.reused ? 200 : 201).send(r);
  });

  r.post('/api/initiatives/:id/spoon-task', {
    schema: {
      tags: TAGS, summary: 'Give a spoon: our task doing for the customer what the initiative asks of them (gives_spoon), citing the latest check-in (201); while the initiative has an open spoon task of ours made here, that one is returned (200, reused: true) instead of a second',
      params: idParams, body: spoonTaskCreate, response: { 200: spoonTask, 201: spoonTask, ...errors },
    },
  }, async (req, reply) => {
    await mustInitiative(req, req.params.id, true);
    const t = await readiness.spoonTask(req.params.id, req.body, actor(req), canActFor(req));
    return reply.status(t.reused ? 200 : 201).send(t);
  });

  r.get('/api/readiness/summary', {
    schema: { tags: TAGS, summary: 'Accounts and ARR per quadrant (of the active accounts, as the portfolio counts them, that you may read), and those without a check-in', response: { 200: readinessSummary } },
  }, async (req) => readiness.summary((account) => can(principalOf(req), 'read', { type: 'account', account })));

  r.get('/api/readiness/accounts', {
    schema: {
      tags: TAGS, summary: "The accounts behind the summary's numbers in one quadrant (or none: no check-in yet), with the check-in that sets it: the same accounts (active, those you may read) and rule as the summary; ARR descending, then name",
      querystring: readinessAccountsQuery, response: { 200: readinessAccounts, 400: errorBody },
    },
  }, async (req) => readiness.accounts((account) => can(principalOf(req), 'read', { type: 'account', account }), req.query));

  r.get('/api/readiness/settings', {
    schema: { tags: TAGS, summary: 'The readiness thresholds (high = at or above; default 7 and 7)', response: { 200: settingsBody, 403: errorBody } },
  }, async (req) => {
    if (!can(principalOf(req), 'read', { type: 'app_settings' })) throw new AppError('auth.forbidden');
    return readiness.settings();
  });

  r.put('/api/readiness/settings', {
    schema: { tags: TAGS, summary: 'Set the readiness thresholds (admins and managers)', body: settingsBody, response: { 200: settingsBody, 400: errorBody, 403: errorBody } },
  }, async (req) => {
    if (!can(principalOf(req), 'update', { type: 'app_settings' })) throw new AppError('auth.forbidden');
    return readiness.putSettings(req.body, actor(req));
  });
}
