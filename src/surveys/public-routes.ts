import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorBody } from '../auth/schema.js';
import type { RouteDeps } from '../http/context.js';
import { errorHandler } from '../http/error-handler.js';
import { AppError, ERRORS } from '../http/errors.js';
import { text } from '../http/zod.js';
import { formKey, issueStamp, issueTrapStamp } from '../public/guard.js';
import { PUBLIC_HEADERS, PUBLIC_PAGE_CSP, renderPublicMessage } from '../public/page.js';
import { guardPublicScope, type PublicRateLimits } from '../public/scope.js';
import { CONFIRM_NOTICE, isNoticeKey, renderSurveyPage, renderTrapPage, type NoticeKey } from './public-page.js';
import { publicSurveyAnswer, publicSurveyRecorded } from './schema.js';
import { scoreProblem } from './scores.js';
import type { SurveyService } from './service.js';

/**
 * The public side of a survey (no session; the token is the authorization): the page
 * `GET /s/:token?score=N`, its form post `POST /s/:token` (303 back with a notice), the JSON answer
 * `POST /api/public/surveys/:token`, and the honeypot link `GET /s/:token/confirm`. Every answer is
 * noindex, no-referrer and no-store, with the strict CSP on pages, and is rate-limited per client
 * address and, for writes, per link (in memory, per process). A malformed token is never looked up.
 */

export type SurveyRateLimits = PublicRateLimits;
export const SURVEY_RATE_LIMITS: SurveyRateLimits = { perIpPerMinute: 60, writesPerLinkPerMinute: 10 };

const tokenParams = z.strictObject({ token: text().max(200) });

export async function surveyPublicRoutes(app: FastifyInstance, deps: RouteDeps, limits: SurveyRateLimits = SURVEY_RATE_LIMITS) {
  await app.register(async (scope) => publicScope(scope, deps, limits));
}

/** The same 404 page for an unknown, malformed or stray survey link. */
export function sendSurveyNotFound(reply: FastifyReply) {
  return reply.status(404).headers({ ...PUBLIC_HEADERS, 'content-security-policy': PUBLIC_PAGE_CSP }).type('text/html; charset=utf-8')
    .send(renderPublicMessage('Link not found', ERRORS['survey_link.not_found'].message));
}

async function publicScope(scope: FastifyInstance, deps: RouteDeps, limits: SurveyRateLimits) {
  const surveys: SurveyService = deps.services.surveys;
  await guardPublicScope(scope, { limits, keyPrefix: 'survey', code: 'survey_link.rate_limited' });

  const r = scope.withTypeProvider<ZodTypeProvider>();
  r.post('/api/public/surveys/:token', {
    config: { auth: false },
    schema: {
      tags: ['survey (public)'], security: [],
      summary: "Answer a survey through its link: the score on the survey's scale and a comment; a second answer replaces the first. Without the page's stamp, too fast, or with the honeypot filled, it is kept apart as automated",
      params: tokenParams, body: publicSurveyAnswer, response: { 200: publicSurveyRecorded, 400: errorBody, 404: errorBody, 429: errorBody },
    },
  }, async (req) => {
    const res = await surveys.answer(req.params.token, { ...req.body, via: 'api' });
    return { recorded: true as const, updated: res.updated, counted: !res.bot, reason: res.reason };
  });

  await scope.register(async (pages) => pageRoutes(pages, surveys, deps));
}

async function pageRoutes(pages: FastifyInstance, surveys: SurveyService, deps: RouteDeps) {
  pages.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });
  pages.setErrorHandler((err: FastifyError | AppError | Error, req: FastifyRequest, reply: FastifyReply) => {
    const html = (status: number, title: string, message: string) => reply.status(status).type('text/html; charset=utf-8').send(renderPublicMessage(title, message));
    if (err instanceof AppError) {
      if (err.headers) void reply.headers(err.headers);
      if (err.code === 'survey_link.not_found') return sendSurveyNotFound(reply);
      return html(err.status, err.code === 'survey_link.rate_limited' ? 'Please wait a moment' : 'Not possible', err.message);
    }
    if (hasZodFastifySchemaValidationErrors(err)) return sendSurveyNotFound(reply);
    return errorHandler(err, req, reply);
  });

  const r = pages.withTypeProvider<ZodTypeProvider>();
  const config = { auth: false };
  // Links are opened from mail clients that add their own parameters: unknown ones are ignored.
  // A repeated or odd parameter is ignored (the link still opens), never an error page.
  const pageQuery = z.looseObject({});
  const one = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const formBody = z.object({ score: text().max(10).optional(), comment: text().max(20_000).optional(), stamp: text().max(500).optional(), website: text().max(500).optional() });
  const back = (token: string, notice: NoticeKey) => `/s/${encodeURIComponent(token)}?notice=${notice}`;

  r.get('/s/:token', { config, schema: { hide: true, params: tokenParams, querystring: pageQuery } }, async (req, reply) => {
    // A known notice is the customer's own return after the form's 303: not a first view. A HEAD shows nothing.
    const query = req.query as Record<string, unknown>;
    const notice = isNoticeKey(query.notice) ? query.notice : null;
    const now = new Date();
    const rec = await surveys.open(req.params.token, req.method === 'GET' && notice === null, now);
    const score = one(query.score);
    const asked = score !== undefined && /^\d{1,2}$/.test(score) ? Number(score) : null;
    // A score that is not on this survey's scale is simply not pre-selected.
    // The earlier answer (score, comment) is never shown: a forwarded or shared link must not reveal it.
    const chosen = asked !== null && scoreProblem(rec.kind, asked) === null ? asked : null;
    const stamp = issueStamp(await formKey(deps.database), rec.tokenHash, now);
    return reply.type('text/html; charset=utf-8').send(renderSurveyPage({
      token: req.params.token, kind: rec.kind, question: rec.question, commentPrompt: rec.commentPrompt, firstName: rec.firstName, stamp,
      chosen, answered: rec.answer !== null, comment: null,
    }, notice));
  });

  // The honeypot link of the e-mail: people are asked not to follow it; scanners do.
  r.get('/s/:token/confirm', { config, schema: { hide: true, params: tokenParams } }, async (req, reply) => {
    const now = new Date();
    if (req.method === 'GET') await surveys.trap(req.params.token, now);
    const rec = await surveys.open(req.params.token, false, now);
    // People read the message; a bot that fills in the page's (hidden) form sends the trap stamp back.
    const stamp = issueTrapStamp(await formKey(deps.database), rec.tokenHash, now);
    return reply.type('text/html; charset=utf-8').send(renderTrapPage({
      token: req.params.token, kind: rec.kind, question: rec.question, commentPrompt: rec.commentPrompt, firstName: '', stamp,
      chosen: null, answered: false, comment: null,
    }));
  });

  r.post('/s/:token', { config, schema: { hide: true, params: tokenParams, body: formBody } }, async (req, reply) => {
    const token = req.params.token;
    const score = req.body.score !== undefined && /^\d{1,2}$/.test(req.body.score) ? Number(req.body.score) : null;
    const input = publicSurveyAnswer.safeParse({ score, comment: req.body.comment || undefined, stamp: req.body.stamp || undefined, website: req.body.website || undefined });
    if (!input.success) {
      await surveys.open(token, false); // an unknown link gets its 404 page, not a notice
      return reply.redirect(back(token, 'invalid'), 303);
    }
    let res: Awaited<ReturnType<SurveyService['answer']>>;
    try {
      res = await surveys.answer(token, { ...input.data, via: 'page' });
    } catch (err) {
      if (err instanceof AppError && err.code === 'survey.invalid') return reply.redirect(back(token, 'invalid'), 303);
      throw err;
    }
    if (res.bot && res.reason === 'too_fast') {
      // Sent under the minimum time (the link's score was pre-selected, so one press is natural): kept apart as now, and
      // the page comes back with the choice, the comment (escaped) and the page's ORIGINAL stamp, asking for one more
      // press. A person's second press counts; a bot that posts once and leaves is not counted.
      const rec = await surveys.open(token, false);
      return reply.type('text/html; charset=utf-8').send(renderSurveyPage({
        token, kind: rec.kind, question: rec.question, commentPrompt: rec.commentPrompt, firstName: rec.firstName, stamp: input.data.stamp ?? '',
        chosen: input.data.score, answered: rec.answer !== null, comment: input.data.comment ?? null,
      }, CONFIRM_NOTICE));
    }
    // The same thanks for a person and for every other bot reason: an automated sender learns nothing.
    return reply.redirect(back(token, 'thanks'), 303);
  });
}
