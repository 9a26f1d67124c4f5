import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RouteDeps } from '../http/context.js';
import { actor, principalOf } from '../http/context.js';
import { AppError } from '../http/errors.js';
import { errorBody } from '../auth/schema.js';
import { throwIfInvalid } from '../webhooks/schema.js';
import { notificationList, notificationListQuery, prefsDto, prefsPut } from './schema.js';
import { emailSettings, outboundMessage, outboxPage, outboxQuery } from './outbox-schema.js';
import { can, type Action } from '../auth/policy.js';
import { text } from '../http/zod.js';

/** The signed-in user's id: notifications belong to people, not to API keys. */
function userOf(req: FastifyRequest): string {
  const p = principalOf(req);
  if (p.kind !== 'user') throw new AppError('notification.user_only');
  return p.userId;
}

export function notificationRoutes(app: FastifyInstance, { services }: RouteDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['notifications'];
  const unread = z.object({ unreadCount: z.number().int() });

  r.get('/api/notifications', {
    schema: { tags, summary: 'My notifications, newest first, with the unread count', querystring: notificationListQuery, response: { 200: notificationList, 400: errorBody, 403: errorBody } },
  }, async (req) => services.notifications.list(userOf(req), req.query));

  r.post('/api/notifications/:id/read', {
    schema: { tags, summary: 'Mark one of my notifications read', params: z.object({ id: z.uuid() }), response: { 200: unread, 403: errorBody, 404: errorBody } },
  }, async (req) => services.notifications.markRead(userOf(req), req.params.id));

  r.post('/api/notifications/read-all', {
    schema: { tags, summary: 'Mark all my notifications read', response: { 200: unread.extend({ updated: z.number().int() }), 403: errorBody } },
  }, async (req) => services.notifications.markAllRead(userOf(req)));

  // The outbox: admins and managers read it, admins retry and cancel.
  const mayOutbox = (req: FastifyRequest, action: Action) => {
    if (!can(principalOf(req), action, { type: 'outbox' })) throw new AppError('auth.forbidden', action === 'read' ? 'Admins and managers read the outbox.' : 'Only admins retry or cancel messages.');
  };
  const idParams = z.object({ id: z.uuid() });
  const otags = ['outbox'];

  r.get('/api/outbox', {
    schema: {
      tags: otags, summary: 'Outbound e-mail and Slack messages, newest first: awaiting approval, queued, sending, sent, failed (and why), cancelled',
      querystring: outboxQuery, response: { 200: outboxPage, 400: errorBody, 403: errorBody },
    },
  }, async (req) => {
    mayOutbox(req, 'read');
    return services.outboxAdmin.list(req.query);
  });

  r.post('/api/outbox/:id/retry', {
    schema: { tags: otags, summary: 'Send a failed (or queued) message again now', params: idParams, response: { 200: outboundMessage, 403: errorBody, 404: errorBody, 409: errorBody } },
  }, async (req) => {
    mayOutbox(req, 'update');
    return services.outboxAdmin.retry(req.params.id, actor(req));
  });

  r.post('/api/outbox/:id/cancel', {
    schema: {
      tags: otags, summary: 'Cancel a queued message or one awaiting approval: it is never sent (a playbook e-mail step is cancelled with it)',
      params: idParams, body: z.object({ reason: text().trim().max(500).optional() }).optional(),
      response: { 200: outboundMessage, 400: errorBody, 403: errorBody, 404: errorBody, 409: errorBody },
    },
  }, async (req) => {
    mayOutbox(req, 'update');
    return services.outboxAdmin.cancel(req.params.id, req.body?.reason, actor(req));
  });

  r.get('/api/settings/email', {
    schema: { tags: otags, summary: 'Whether e-mail is sent (CANOPY_SMTP_URL), for the web app\'s banner', response: { 200: emailSettings } },
  }, async () => services.outboxAdmin.emailSettings());

  r.get('/api/notifications/prefs', {
    schema: { tags, summary: 'My notification channels', response: { 200: prefsDto, 403: errorBody } },
  }, async (req) => services.notifications.getPrefs(userOf(req)));

  r.put('/api/notifications/prefs', {
    attachValidation: true,
    schema: { tags, summary: 'Choose my notification channels (in-app, e-mail, Slack, daily digest)', body: prefsPut, response: { 200: prefsDto, 400: errorBody, 403: errorBody } },
  }, async (req) => {
    const userId = userOf(req);
    throwIfInvalid(req, 'notification.prefs_invalid');
    return services.notifications.putPrefs(userId, req.body, actor(req));
  });
}
