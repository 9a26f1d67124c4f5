import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorBody } from '../auth/schema.js';
import type { RouteDeps } from '../http/context.js';
import type { Database } from '../db/connect.js';
import type { Outbox } from '../deps.js';
import { errorHandler } from '../http/error-handler.js';
import { boundedJsonParser } from '../http/json-body.js';
import { AppError, ERRORS } from '../http/errors.js';
import { text } from '../http/zod.js';
import { formKey, issueStamp, judgeSubmission } from '../public/guard.js';
import { PUBLIC_HEADERS, PUBLIC_PAGE_CSP, renderPublicMessage } from '../public/page.js';
import { hashToken } from '../public/token.js';
import { guardPublicScope, type PublicRateLimits } from '../public/scope.js';
import { answerRequest, firstNameOf, liveRequest, openRequest, type Answer } from './public.js';
import { formFields, repeatedJsonKeys } from './public-body.js';
import { isNoticeKey, renderCheckInPage, type NoticeKey } from './public-page.js';
import { publicCheckInAnswer, publicCheckInRecorded } from './schema.js';

/**
 * The check-in asked by e-mail, answered without a session (`config.auth = false`): the page
 * GET /c/:token (HTML; writes nothing but the first view), its form POST /c/:token (303 back with
 * a notice) and the JSON POST /api/public/check-ins/:token. Every answer is noindex, no-referrer
 * and no-store, rate-limited per client address and, for writes, per link (in memory, per
 * process). A submission judged automated (src/public/guard.ts) is refused and records nothing.
 */

export type CheckInRateLimits = PublicRateLimits;
export const CHECK_IN_RATE_LIMITS: CheckInRateLimits = { perIpPerMinute: 60, writesPerLinkPerMinute: 10 };

const tokenParams = z.strictObject({ token: text().max(200) });

/** Judges the submission, then records the answer (or replaces the earlier one) in one transaction. */
async function submit(database: Database, outbox: Outbox, token: string, answer: Answer & { stamp?: string | undefined; website?: string | undefined }, via: 'page' | 'api', now = new Date()) {
  const req = await liveRequest(database, token, now);
  const judgement = judgeSubmission({
    key: await formKey(database), stamp: answer.stamp, tokenHash: hashToken(token), honeypot: answer.website, now, viewed: { firstViewedAt: req.firstViewedAt },
    // The page's form must carry its stamp; a JSON client showing its own page may send none.
    stampRequired: via === 'page',
  });
  if (judgement.bot) throw new AppError('check_in_link.suspect', undefined, undefined, undefined, { reason: judgement.reason });
  const r = await database.transaction((tx) => answerRequest(tx, token, answer, now));
  if (r.queued > 0) await outbox.wake();
  return r;
}

/** Any other path under /c/ answers like a dead link: the same 404 page with the same public headers. */
export function sendCheckInNotFound(reply: FastifyReply) {
  return reply.status(404).headers({ ...PUBLIC_HEADERS, 'content-security-policy': PUBLIC_PAGE_CSP }).type('text/html; charset=utf-8')
    .send(renderPublicMessage('Link not found', ERRORS['check_in_link.not_found'].message));
}

export async function readinessPublicRoutes(app: FastifyInstance, deps: RouteDeps, limits: CheckInRateLimits = CHECK_IN_RATE_LIMITS) {
  await app.register(async (scope) => publicScope(scope, deps, limits));
}

async function publicScope(scope: FastifyInstance, { database, services }: RouteDeps, limits: CheckInRateLimits) {
  const outbox = services.outbox;
  await guardPublicScope(scope, { limits, keyPrefix: 'check-in', code: 'check_in_link.rate_limited' });

  // JSON as the app reads it (boundedJsonParser), except that a key sent twice in one object is refused, never resolved.
  const appJson = boundedJsonParser(scope);
  scope.removeContentTypeParser('application/json');
  scope.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    appJson(req, body, (err: Error | null, value?: unknown) => {
      if (err) return done(err);
      const repeated = value === undefined ? [] : repeatedJsonKeys(String(body));
      if (repeated.length) return done(new AppError('request.invalid', 'A field was sent more than once.', repeated.map((path) => ({ path, message: 'Sent more than once; send it once' }))));
      return done(null, value);
    });
  });

  const r = scope.withTypeProvider<ZodTypeProvider>();
  r.post('/api/public/check-ins/:token', {
    config: { auth: false },
    schema: {
      tags: ['check-in (public)'], security: [],
      summary: 'The contact answers a check-in asked by e-mail (one answer per link: a second answer replaces the first, 200); refused (422) when it looks automated',
      params: tokenParams, body: publicCheckInAnswer, response: { 200: publicCheckInRecorded, 201: publicCheckInRecorded, 400: errorBody, 404: errorBody, 422: errorBody, 429: errorBody },
    },
  }, async (req, reply) => {
    const { updated } = await submit(database, outbox, req.params.token, req.body, 'api');
    return reply.status(updated ? 200 : 201).send({ recorded: true as const, updated });
  });

  await scope.register(async (pages) => pageRoutes(pages, database, outbox));
}

async function pageRoutes(pages: FastifyInstance, database: Database, outbox: Outbox) {
  pages.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_req, body, done) => {
    done(null, formFields(String(body)));
  });
  pages.setErrorHandler((err: FastifyError | AppError | Error, req: FastifyRequest, reply: FastifyReply) => {
    const html = (status: number, title: string, message: string) => reply.status(status).type('text/html; charset=utf-8').send(renderPublicMessage(title, message));
    if (err instanceof AppError) {
      if (err.headers) void reply.headers(err.headers);
      return html(err.status, err.code === 'check_in_link.not_found' ? 'Link not found' : err.code === 'check_in_link.rate_limited' ? 'Please wait a moment' : 'Not possible', err.message);
    }
    if (hasZodFastifySchemaValidationErrors(err)) return html(400, 'Not a valid link', 'This address is not a valid check-in link.');
    return errorHandler(err, req, reply);
  });

  const r = pages.withTypeProvider<ZodTypeProvider>();
  const config = { auth: false };
  const pageQuery = z.object({ notice: text().max(40).optional() });
  // A field sent twice arrives as the list of its values (formFields) and makes the answer invalid: never pick one.
  const field = (max: number) => z.union([text().max(max), z.array(z.string().max(max)).max(50)]).optional();
  const formBody = z.object({
    importance: field(10), confidence: field(10), whyNotLower: field(20_000), whatWouldMoveHigher: field(20_000), stamp: field(500), website: field(500),
  });
  type FormBody = z.infer<typeof formBody>;
  const once = (b: FormBody) => Object.values(b).every((v) => !Array.isArray(v));
  const one = (v: string | string[] | undefined) => (typeof v === 'string' ? v : undefined);
  const back = (token: string, notice: NoticeKey) => `/c/${encodeURIComponent(token)}?notice=${notice}`;
  /** A form's score: the digits the radio sent, else nothing (refused by the answer's schema, never guessed). */
  const score = (s: string | undefined) => (s !== undefined && /^\d{1,2}$/.test(s) ? Number(s) : undefined);

  r.get('/c/:token', { config, schema: { hide: true, params: tokenParams, querystring: pageQuery } }, async (req, reply) => {
    // A known notice is the contact's own return after posting (the 303 back): not a new view. HEAD shows nothing to anyone.
    const notice = isNoticeKey(req.query.notice) ? req.query.notice : null;
    const now = new Date();
    const view = await openRequest(database, req.params.token, now, req.method === 'GET' && notice === null);
    const stamp = issueStamp(await formKey(database), hashToken(req.params.token), now);
    return reply.type('text/html; charset=utf-8').send(renderCheckInPage({
      token: req.params.token, title: view.title, firstName: firstNameOf(view.contactName), stamp, expiresAt: view.expiresAt.toISOString(), answer: view.answer,
    }, notice));
  });

  r.post('/c/:token', { config, schema: { hide: true, params: tokenParams, body: formBody } }, async (req, reply) => {
    const b = req.body;
    const input = publicCheckInAnswer.safeParse({
      importance: score(one(b.importance)), confidence: score(one(b.confidence)), whyNotLower: one(b.whyNotLower) || undefined,
      whatWouldMoveHigher: one(b.whatWouldMoveHigher) || undefined, stamp: one(b.stamp) ?? '', website: one(b.website) || undefined,
    });
    if (!input.success || !once(b)) {
      await liveRequest(database, req.params.token, new Date()); // a dead link is a 404 page, not a notice
      return reply.redirect(back(req.params.token, 'invalid'), 303);
    }
    try {
      const { updated } = await submit(database, outbox, req.params.token, input.data, 'page');
      return reply.redirect(back(req.params.token, updated ? 'updated' : 'thanks'), 303);
    } catch (err) {
      if (err instanceof AppError && err.code === 'check_in_link.suspect') {
        // Sent too soon after the page was shown: nothing is recorded, but what the contact typed comes back with the page's
        // own stamp (so pressing Send again a moment later passes the minimum time). Other reasons go back to an empty page.
        if (err.details?.reason !== 'too_fast') return reply.redirect(back(req.params.token, 'suspect'), 303);
        const view = await liveRequest(database, req.params.token, new Date());
        const d = input.data;
        return reply.status(422).type('text/html; charset=utf-8').send(renderCheckInPage({
          token: req.params.token, title: view.title, firstName: firstNameOf(view.contactName), stamp: d.stamp ?? '', expiresAt: view.expiresAt.toISOString(),
          answer: { importance: d.importance, confidence: d.confidence, whyNotLower: d.whyNotLower ?? null, whatWouldMoveHigher: d.whatWouldMoveHigher ?? null },
        }, 'suspect'));
      }
      throw err;
    }
  });
}
