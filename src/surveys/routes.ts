import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { can, type Ownable } from '../auth/policy.js';
import { errorBody } from '../auth/schema.js';
import { actor, principalOf, type RouteDeps } from '../http/context.js';
import { AppError } from '../http/errors.js';
import { accountSurveyAnswers, resultsQuery, sendResult, survey, surveyCreate, surveyList, surveyPatch, surveyResults, surveySend } from './schema.js';

const idParams = z.strictObject({ id: z.uuid() });
const TAGS = ['surveys'];
const listQuery = z.strictObject({ archived: z.enum(['true', 'false']).optional().describe('true: archived surveys too') });

/**
 * Surveys over HTTP: everyone reads them and their results; admins and managers create, edit and
 * archive; sending is checked per account (a CSM sends to contacts of the accounts they may update).
 */
export function surveyRoutes(app: FastifyInstance, { services }: RouteDeps) {
  const surveys = services.surveys;
  const r = app.withTypeProvider<ZodTypeProvider>();
  const allow = (req: FastifyRequest, action: 'read' | 'create' | 'update') => {
    if (!can(principalOf(req), action, { type: 'surveys' })) throw new AppError('auth.forbidden');
  };
  const mayUpdate = (req: FastifyRequest) => (account: Ownable) => can(principalOf(req), 'update', { type: 'account', account });

  r.get('/api/surveys', {
    schema: { tags: TAGS, summary: 'Surveys (NPS, CSAT, CES), newest first, with how many were sent and answered', querystring: listQuery, response: { 200: surveyList, 400: errorBody } },
  }, async (req) => {
    allow(req, 'read');
    return { items: await surveys.list(req.query.archived === 'true') };
  });

  r.post('/api/surveys', {
    schema: { tags: TAGS, summary: 'Create a survey (admin, manager)', body: surveyCreate, response: { 201: survey, 400: errorBody, 403: errorBody } },
  }, async (req, reply) => {
    allow(req, 'create');
    return reply.status(201).send(await surveys.create(req.body, actor(req)));
  });

  r.get('/api/surveys/:id', {
    schema: { tags: TAGS, summary: 'One survey', params: idParams, response: { 200: survey, 404: errorBody } },
  }, async (req) => {
    allow(req, 'read');
    return surveys.get(req.params.id);
  });

  r.patch('/api/surveys/:id', {
    schema: { tags: TAGS, summary: 'Edit or archive a survey (admin, manager); its kind cannot change', params: idParams, body: surveyPatch, response: { 200: survey, 400: errorBody, 403: errorBody, 404: errorBody } },
  }, async (req) => {
    allow(req, 'update');
    await surveys.get(req.params.id);
    return surveys.update(req.params.id, req.body, actor(req));
  });

  r.post('/api/surveys/:id/send', {
    schema: {
      tags: TAGS,
      summary: 'Send the survey by e-mail to contacts, or to a filter of the book (accounts you may update); throttled, capacity-checked, or a dry run',
      params: idParams, body: surveySend, response: { 200: sendResult, 400: errorBody, 403: errorBody, 404: errorBody, 409: errorBody },
    },
  }, async (req) => {
    allow(req, 'read');
    return surveys.send(req.params.id, req.body, mayUpdate(req), actor(req));
  });

  r.get('/api/surveys/:id/results', {
    schema: {
      tags: TAGS, summary: 'Results: the score, distribution, response rate, score by month and comments with change talk (bots kept apart)',
      params: idParams, querystring: resultsQuery, response: { 200: surveyResults, 400: errorBody, 404: errorBody },
    },
  }, async (req) => {
    allow(req, 'read');
    return surveys.results(req.params.id, req.query);
  });

  r.get('/api/surveys/:id/responses.csv', {
    schema: { tags: TAGS, summary: 'Every answer as CSV (text/csv), bots marked', params: idParams, response: { 200: z.string().describe('text/csv'), 404: errorBody } },
  }, async (req, reply) => {
    allow(req, 'read');
    const body = await surveys.csv(req.params.id);
    return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="survey-${req.params.id}.csv"`).send(body);
  });

  r.get('/api/accounts/:id/surveys', {
    schema: { tags: TAGS, summary: "The account's survey answers (bots not), newest first, with change talk", params: idParams, response: { 200: accountSurveyAnswers, 404: errorBody } },
  }, async (req) => {
    const a = await services.accounts.get(req.params.id);
    if (!a) throw new AppError('account.not_found');
    if (!can(principalOf(req), 'read', { type: 'account', account: a })) throw new AppError('auth.forbidden');
    return surveys.accountAnswers(a.id);
  });
}
