import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { can } from '../auth/policy.js';
import { errorBody } from '../auth/schema.js';
import type { RouteDeps } from '../http/context.js';
import { actor, principalOf } from '../http/context.js';
import { AppError } from '../http/errors.js';
import {
  classifyBody, correction, correctionCreate, correctionList, correctionListQuery, evaluation, lexicon, phrase, phraseCreate, phraseList,
  shownTalk,
} from './schema.js';
import { createChangeTalkService } from './service.js';

const TAGS = ['change talk'];
const idParams = z.object({ id: z.uuid() });

/** Change talk: classify free text, the admins' phrases, people's corrections, the figures of the labelled set. */
export function changeTalkRoutes(app: FastifyInstance, { database, services }: RouteDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const talk = createChangeTalkService(database);
  const allow = (req: FastifyRequest, action: 'read' | 'create' | 'delete', part?: 'phrases') => {
    if (!can(principalOf(req), action, part ? { type: 'change_talk', part } : { type: 'change_talk' })) throw new AppError('auth.forbidden');
  };

  r.post('/api/change-talk/classify', {
    schema: {
      tags: TAGS, summary: 'Classify a text as change talk, sustain talk or neither, with the phrases that decided it (a correction of the same text wins)',
      body: classifyBody, response: { 200: shownTalk, 400: errorBody },
    },
  }, async (req) => {
    allow(req, 'read');
    return talk.classify(req.body.text);
  });

  r.get('/api/change-talk/lexicon', {
    schema: { tags: TAGS, summary: "The built-in lexicon (phrases, polarity, category, weight) and the classifier's rules", response: { 200: lexicon } },
  }, async (req) => {
    allow(req, 'read');
    return talk.lexicon();
  });

  r.get('/api/change-talk/phrases', {
    schema: { tags: TAGS, summary: 'The phrases admins added to the lexicon', response: { 200: phraseList } },
  }, async (req) => {
    allow(req, 'read');
    return talk.phrases();
  });

  r.post('/api/change-talk/phrases', {
    schema: {
      tags: TAGS, summary: 'Add a phrase to the lexicon (admins); it applies to every text shown from then on',
      body: phraseCreate, response: { 201: phrase, 400: errorBody, 403: errorBody, 409: errorBody },
    },
  }, async (req, reply) => {
    allow(req, 'create', 'phrases');
    return reply.status(201).send(await talk.addPhrase(req.body, actor(req)));
  });

  r.delete('/api/change-talk/phrases/:id', {
    schema: { tags: TAGS, summary: 'Remove a phrase admins added (admins)', params: idParams, response: { 204: z.null(), 403: errorBody, 404: errorBody } },
  }, async (req, reply) => {
    allow(req, 'delete', 'phrases');
    await talk.removePhrase(req.params.id, actor(req));
    return reply.status(204).send(null);
  });

  r.get('/api/change-talk/corrections', {
    schema: {
      tags: TAGS,
      summary: 'Corrections of labels, newest first; with format=jsonl, the newest correction of each text as lines of the labelled set (application/x-ndjson)',
      querystring: correctionListQuery,
      response: { 200: z.union([correctionList, z.string().describe('format=jsonl: one JSON object a line')]), 400: errorBody },
    },
  }, async (req, reply) => {
    allow(req, 'read');
    if (req.query.format === 'jsonl') {
      const body = await talk.correctionsJsonl(req.query.accountId ?? null);
      return reply.type('application/x-ndjson; charset=utf-8').header('content-disposition', 'attachment; filename="change-talk-corrections.jsonl"').send(body);
    }
    return talk.corrections(req.query);
  });

  r.post('/api/change-talk/corrections', {
    schema: {
      tags: TAGS, summary: "Correct a text's label (csm and above): kept, shown wherever the same text appears, and exported as test cases",
      body: correctionCreate, response: { 201: correction, 400: errorBody, 403: errorBody },
      description: 'With accountId or a sourceId (activity, check-in or survey response; it must exist and belong to accountId when both are given), '
        + 'the correction belongs to that account and needs permission to update it. It still applies to the same text everywhere.',
    },
  }, async (req, reply) => {
    allow(req, 'create');
    // A correction tied to an account (given, or its source's) is an edit of that account: the person must be allowed to update it.
    const accountId = await talk.correctionAccount(req.body);
    if (accountId !== null) {
      const account = await services.accounts.get(accountId);
      if (!account) throw new AppError('request.invalid', undefined, [{ path: 'accountId', message: 'No account has this id' }]);
      if (!can(principalOf(req), 'update', { type: 'account', account })) throw new AppError('auth.forbidden');
    }
    return reply.status(201).send(await talk.correct({ ...req.body, ...(accountId !== null ? { accountId } : {}) }, actor(req)));
  });

  r.get('/api/change-talk/evaluation', {
    schema: {
      tags: TAGS, summary: 'The classifier on its labelled set: precision, recall and F1 per class on the tuning and held-out splits, and agreement with corrections',
      response: { 200: evaluation },
    },
  }, async (req) => {
    allow(req, 'read');
    return talk.evaluation();
  });
}
