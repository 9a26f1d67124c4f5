import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RouteDeps } from '../http/context.js';
import { actor, principalOf } from '../http/context.js';
import { AppError } from '../http/errors.js';
import { can, type Ownable } from '../auth/policy.js';
import { errorBody } from '../auth/schema.js';
import {
  funnel, funnelQuery, libraryRecord, seed, seedEventCreate, seedHarvest, seedList, seedPlant, seedQuestion, seedQuestionCreate,
  seedQuestionList, seedQuestionListQuery, seedQuestionPatch,
} from './schema.js';

const idParams = z.object({ id: z.uuid() });
const TAGS = ['seeds'];
const refused = errorBody.describe('`seed.move_refused`: the seed cannot take this event (`fields` name why); or `idempotency.key_reused`: this Idempotency-Key was used with a different request.');

/** Seeds follow their account: whoever may edit it plants and moves them; everyone reads. The library has its own subject. */
export function seedRoutes(app: FastifyInstance, { services }: RouteDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  const mayEdit = (req: FastifyRequest, account: Ownable) => can(principalOf(req), 'update', { type: 'account', account });
  const library = (req: FastifyRequest, action: 'create' | 'update') => {
    if (!can(principalOf(req), action, { type: 'seed_questions' })) throw new AppError('auth.forbidden');
  };
  const account = async (id: string) => {
    const a = await services.accounts.get(id);
    if (!a) throw new AppError('account.not_found');
    return a;
  };
  /** The seed, after checking that the caller may edit its account. */
  const editable = async (req: FastifyRequest, id: string) => {
    const s = await services.seeds.load(id);
    if (!s) throw new AppError('seed.not_found');
    if (!mayEdit(req, s.account)) throw new AppError('auth.forbidden');
    return s;
  };

  // ---- The library of crazy questions ----
  r.get('/api/seed-questions', {
    schema: { tags: TAGS, summary: 'The library of crazy questions, each with its record (how often it was planted and how it grew)', querystring: seedQuestionListQuery, response: { 200: seedQuestionList, 400: errorBody } },
  }, async (req) => ({ items: await services.seeds.listQuestions(req.query) }));

  r.post('/api/seed-questions', {
    schema: { tags: TAGS, summary: 'Add a question to the library (any CSM)', body: seedQuestionCreate, response: { 201: seedQuestion, 400: errorBody, 403: errorBody } },
  }, async (req, reply) => {
    library(req, 'create');
    return reply.status(201).send(await services.seeds.createQuestion(req.body, actor(req)));
  });

  r.get('/api/seed-questions/:id', {
    schema: { tags: TAGS, summary: 'One question with its record, across accounts and per CSM', params: idParams, response: { 200: seedQuestion, 404: errorBody } },
  }, async (req) => services.seeds.getQuestion(req.params.id));

  r.patch('/api/seed-questions/:id', {
    schema: { tags: TAGS, summary: 'Edit, re-theme or archive a question (admins and managers)', params: idParams, body: seedQuestionPatch, response: { 200: seedQuestion, 400: errorBody, 403: errorBody, 404: errorBody } },
  }, async (req) => {
    library(req, 'update');
    return services.seeds.updateQuestion(req.params.id, req.body, actor(req));
  });

  r.get('/api/seed-library/record', {
    schema: { tags: TAGS, summary: "The library's record per theme and per question (planted, strong reactions, sprouted, harvested, median days to harvest), across accounts and per CSM", response: { 200: libraryRecord } },
  }, async () => services.seeds.libraryRecord());

  // ---- Seeds on accounts ----
  r.post('/api/accounts/:id/seeds', {
    schema: {
      tags: TAGS,
      summary: 'Plant a seed: a question of the library or a new one (with a theme it joins the library), asked to a contact, in an activity',
      params: idParams, body: seedPlant, response: { 201: seed, 400: errorBody, 403: errorBody, 404: errorBody },
    },
  }, async (req, reply) => {
    const a = await account(req.params.id);
    if (!mayEdit(req, a)) throw new AppError('auth.forbidden');
    if (req.body.text !== undefined && req.body.theme !== undefined) library(req, 'create');
    return reply.status(201).send(await services.seeds.plant({ ...req.body, accountId: a.id }, actor(req)));
  });

  r.get('/api/accounts/:id/seeds', {
    schema: { tags: TAGS, summary: "The account's seeds, newest first, with their evidence and re-ask clock", params: idParams, response: { 200: seedList, 404: errorBody } },
  }, async (req) => {
    const a = await account(req.params.id);
    return { items: await services.seeds.listForAccount(a.id, mayEdit(req, a)) };
  });

  r.get('/api/seeds/funnel', {
    schema: {
      tags: TAGS, summary: 'The planting funnel per month planted and CSM: planted, then how many reached reacted, sprouted, rooted, harvested (by the highest stage reached)',
      querystring: funnelQuery, response: { 200: funnel, 400: errorBody },
    },
  }, async (req) => services.seeds.funnel(req.query));

  r.get('/api/seeds/:id', {
    schema: { tags: TAGS, summary: 'One seed with its events', params: idParams, response: { 200: seed, 404: errorBody } },
  }, async (req) => {
    const s = await services.seeds.load(req.params.id);
    if (!s) throw new AppError('seed.not_found');
    return services.seeds.get(s.id, mayEdit(req, s.account));
  });

  r.post('/api/seeds/:id/events', {
    schema: {
      tags: TAGS,
      summary: 'Record evidence on a seed (a reaction, an objection, a follow-up, a variant asked, …); the stage machine moves it or answers 422 naming the fields',
      params: idParams, body: seedEventCreate, response: { 200: seed, 400: errorBody, 403: errorBody, 404: errorBody, 422: refused },
    },
  }, async (req) => {
    const s = await editable(req, req.params.id);
    return services.seeds.recordEvent(s.id, req.body, actor(req));
  });

  r.post('/api/seeds/:id/harvest', {
    schema: {
      tags: TAGS,
      summary: "One click from seed to goal: a new goal in the account's success plan (created when it has none), harvested from this seed",
      params: idParams, body: seedHarvest, response: { 200: seed, 400: errorBody, 403: errorBody, 404: errorBody, 422: refused },
    },
  }, async (req) => {
    const s = await editable(req, req.params.id);
    return services.seeds.harvest(s.id, req.body, actor(req));
  });
}
