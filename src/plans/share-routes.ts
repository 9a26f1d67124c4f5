import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import rateLimit, { normalizeIP } from '@fastify/rate-limit';
import { hasZodFastifySchemaValidationErrors, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { can } from '../auth/policy.js';
import { errorBody } from '../auth/schema.js';
import { actor, principalOf, type RouteDeps } from '../http/context.js';
import { errorHandler } from '../http/error-handler.js';
import { AppError, ERRORS, type ErrorCode } from '../http/errors.js';
import { text } from '../http/zod.js';
import { isNoticeKey, PAGE_CSP, renderMessagePage, renderPlanPage, type NoticeKey } from './share-page.js';
import {
  publicComment, publicCommentCreate, publicComplete, publicPlan, shareCreate, shareCreated, shareState, taskParams, tokenParams,
} from './share-schema.js';
import type { ShareService } from './share-service.js';
import { hashToken } from './share-token.js';
import { planRef } from './store.js';

/**
 * The shared link of a success plan over HTTP.
 *
 * Signed in: create (201 with the token, shown once), revoke, and read the link's state. Whoever
 * may edit the plan's account creates and revokes; everyone reads.
 *
 * Public (no session, `config.auth = false`; the Idempotency-Key hook needs a principal, so it
 * never applies here): the page (HTML), its data (JSON), and, when the link allows it, ticking a
 * customer-side task done and leaving a comment (JSON, and the page's plain HTML forms, answered
 * with a 303 back to the page). Every public answer is noindex, no-referrer and no-store, and is
 * rate-limited per client address and, for writes, per link (in memory, per process).
 */

export type ShareRateLimits = { perIpPerMinute: number; writesPerLinkPerMinute: number };
export const SHARE_RATE_LIMITS: ShareRateLimits = { perIpPerMinute: 60, writesPerLinkPerMinute: 10 };

const idParams = z.strictObject({ id: z.uuid() });
const PUBLIC_HEADERS = { 'x-robots-tag': 'noindex, nofollow', 'referrer-policy': 'no-referrer', 'cache-control': 'no-store' };

export async function shareRoutes(app: FastifyInstance, deps: RouteDeps, limits: ShareRateLimits = SHARE_RATE_LIMITS) {
  const { database } = deps;
  const shares = deps.services.planShares;
  const r = app.withTypeProvider<ZodTypeProvider>();

  /** The plan's account decides who may change its link. */
  const planFor = async (req: FastifyRequest, id: string, write: boolean) => {
    const ref = await planRef(database, id);
    if (!ref) throw new AppError('success_plan.not_found');
    if (write && !can(principalOf(req), 'update', { type: 'account', account: ref.account })) throw new AppError('auth.forbidden');
    return ref;
  };

  r.post('/api/success-plans/:id/share', {
    schema: {
      tags: ['success plans'], summary: "Share the plan with the customer: a new unguessable link (the previous one stops working); only the token's hash is kept",
      params: idParams, body: shareCreate, response: { 201: shareCreated, 400: errorBody, 403: errorBody, 404: errorBody },
    },
  }, async (req, reply) => {
    await planFor(req, req.params.id, true);
    return reply.status(201).send(await shares.create(req.params.id, req.body, actor(req)));
  });

  r.delete('/api/success-plans/:id/share', {
    schema: { tags: ['success plans'], summary: 'Revoke the live shared link (it answers 404 from then on)', params: idParams, response: { 204: z.null(), 403: errorBody, 404: errorBody } },
  }, async (req, reply) => {
    await planFor(req, req.params.id, true);
    await shares.revoke(req.params.id, actor(req));
    return reply.status(204).send(null);
  });

  r.get('/api/success-plans/:id/share', {
    schema: { tags: ['success plans'], summary: "The plan's shared link, its views and the customer's comments", params: idParams, response: { 200: shareState, 404: errorBody } },
  }, async (req) => {
    await planFor(req, req.params.id, false);
    return shares.state(req.params.id);
  });

  await app.register(async (scope) => publicRoutes(scope, shares, limits));
}

async function publicRoutes(scope: FastifyInstance, shares: ShareService, limits: ShareRateLimits) {
  await scope.register(rateLimit, { global: false });
  const perIp = scope.createRateLimit({ max: limits.perIpPerMinute, timeWindow: 60_000, keyGenerator: (req) => `ip:${normalizeIP(req.ip)}` });
  const perLink = scope.createRateLimit({
    max: limits.writesPerLinkPerMinute, timeWindow: 60_000,
    keyGenerator: (req) => `link:${hashToken(String((req.params as { token?: unknown }).token ?? ''))}`,
  });
  const refuse = (ttlInSeconds: number): never => {
    throw new AppError('shared_plan.rate_limited', undefined, undefined, { 'retry-after': String(Math.max(1, ttlInSeconds)) });
  };
  scope.addHook('onRequest', async (req) => {
    const ip = await perIp(req);
    if (!ip.isAllowed && ip.isExceeded) refuse(ip.ttlInSeconds);
    if (req.method === 'POST') {
      const link = await perLink(req);
      if (!link.isAllowed && link.isExceeded) refuse(link.ttlInSeconds);
    }
  });
  scope.addHook('onSend', async (req, reply, payload) => {
    void reply.headers(PUBLIC_HEADERS);
    const type = reply.getHeader('content-type');
    if (typeof type === 'string' && type.startsWith('text/html')) void reply.header('content-security-policy', PAGE_CSP);
    return payload;
  });

  const r = scope.withTypeProvider<ZodTypeProvider>();
  const open = { auth: false };
  const tags = ['shared plan (public)'];

  r.get('/api/shared/plans/:token', {
    config: open,
    schema: {
      tags, security: [], summary: "A shared plan's data, for whoever holds the link (404 once revoked or expired); each call counts as a view",
      params: tokenParams, response: { 200: publicPlan, 404: errorBody, 429: errorBody },
    },
  }, async (req) => (await shares.open(req.params.token, req.headers['user-agent'], req.method === 'GET')).view);

  r.post('/api/shared/plans/:token/tasks/:taskId/complete', {
    config: open,
    schema: {
      tags, security: [], summary: 'The customer ticks one of its own open tasks done (only when the link allows updates)',
      params: taskParams, body: publicComplete, response: { 204: z.null(), 400: errorBody, 403: errorBody, 404: errorBody, 409: errorBody, 429: errorBody },
    },
  }, async (req, reply) => {
    await shares.completeTask(req.params.token, req.params.taskId, req.body);
    return reply.status(204).send(null);
  });

  r.post('/api/shared/plans/:token/comments', {
    config: open,
    schema: {
      tags, security: [], summary: 'The customer leaves a comment on the plan or one of its goals (only when the link allows updates)',
      params: tokenParams, body: publicCommentCreate, response: { 201: publicComment, 400: errorBody, 403: errorBody, 404: errorBody, 429: errorBody },
    },
  }, async (req, reply) => reply.status(201).send(await shares.comment(req.params.token, req.body)));

  await scope.register(async (pages) => pageRoutes(pages, shares));
}

/**
 * Any other path under /shared/ (a trailing slash, an extra segment, a token longer than the
 * router takes) answers like a dead link: the same 404 page with the same public headers, never
 * the signed-in web app (which has no such page, no noindex and a cacheable answer).
 */
export function sendSharedNotFound(reply: FastifyReply) {
  const { message } = ERRORS['shared_plan.not_found'];
  return reply.status(404).headers({ ...PUBLIC_HEADERS, 'content-security-policy': PAGE_CSP }).type('text/html; charset=utf-8')
    .send(renderMessagePage(PAGE_TITLES['shared_plan.not_found'] ?? 'Link not found', message));
}

/** What a refused form post says on the page it returns to; anything not listed gets its own page. */
const FORM_NOTICES: Partial<Record<ErrorCode, NoticeKey>> = {
  'shared_plan.invalid': 'invalid', 'shared_plan.task_closed': 'closed', 'shared_plan.not_customer_task': 'not_yours', 'shared_plan.item_not_found': 'gone',
};
const PAGE_TITLES: Partial<Record<ErrorCode, string>> = {
  'shared_plan.not_found': 'Link not found', 'shared_plan.read_only': 'Read-only link', 'shared_plan.rate_limited': 'Please wait a moment',
};

async function pageRoutes(pages: FastifyInstance, shares: ShareService) {
  // Plain HTML forms post application/x-www-form-urlencoded; the platform's URLSearchParams reads it.
  pages.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });
  pages.setErrorHandler((err: FastifyError | AppError | Error, req: FastifyRequest, reply: FastifyReply) => {
    const html = (status: number, title: string, message: string) => reply.status(status).type('text/html; charset=utf-8').send(renderMessagePage(title, message));
    if (err instanceof AppError) {
      if (err.headers) void reply.headers(err.headers);
      return html(err.status, PAGE_TITLES[err.code] ?? 'Not possible', err.message);
    }
    if (hasZodFastifySchemaValidationErrors(err)) return html(400, 'Not a valid link', 'This address is not a valid shared plan link.');
    return errorHandler(err, req, reply);
  });

  const r = pages.withTypeProvider<ZodTypeProvider>();
  const config = { auth: false };
  // A shared page is opened from e-mails and chats that add their own parameters: unknown ones are ignored.
  const pageQuery = z.object({ notice: text().max(40).optional() });
  const formBody = z.object({ contactId: text().max(200).optional(), body: text().max(20_000).optional(), goalId: text().max(200).optional() });
  const back = (token: string, notice: NoticeKey) => `/shared/plans/${encodeURIComponent(token)}?notice=${notice}`;

  /** Runs a form's write; a refusal the page can explain goes back to the page with its notice, the rest gets its own page. */
  const submit = async (reply: FastifyReply, token: string, ok: NoticeKey, write: () => Promise<unknown>) => {
    try {
      await write();
      return reply.redirect(back(token, ok), 303);
    } catch (err) {
      const notice = err instanceof AppError ? FORM_NOTICES[err.code] : undefined;
      if (notice) return reply.redirect(back(token, notice), 303);
      throw err;
    }
  };

  r.get('/shared/plans/:token', { config, schema: { hide: true, params: tokenParams, querystring: pageQuery } }, async (req, reply) => {
    // A known notice is the customer's own return after a form post (the 303 back here): the
    // page they already had open, not another view. A HEAD shows nothing to anyone.
    const notice = isNoticeKey(req.query.notice) ? req.query.notice : null;
    const { view } = await shares.open(req.params.token, req.headers['user-agent'], req.method === 'GET' && notice === null);
    return reply.type('text/html; charset=utf-8').send(renderPlanPage(view, req.params.token, notice));
  });

  r.post('/shared/plans/:token/tasks/:taskId/complete', { config, schema: { hide: true, params: taskParams, body: formBody } }, async (req, reply) =>
    submit(reply, req.params.token, 'task_done', () => {
      const input = publicComplete.safeParse({ contactId: req.body.contactId });
      if (!input.success) throw new AppError('shared_plan.invalid');
      return shares.completeTask(req.params.token, req.params.taskId, input.data);
    }));

  r.post('/shared/plans/:token/comments', { config, schema: { hide: true, params: tokenParams, body: formBody } }, async (req, reply) =>
    submit(reply, req.params.token, 'comment_added', () => {
      const input = publicCommentCreate.safeParse({ contactId: req.body.contactId, body: req.body.body, goalId: req.body.goalId || undefined });
      if (!input.success) throw new AppError('shared_plan.invalid');
      return shares.comment(req.params.token, input.data);
    }));
}
