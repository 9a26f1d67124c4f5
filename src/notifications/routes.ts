import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RouteDeps } from '../http/context.js';
import { actor, principalOf } from '../http/context.js';
import { AppError } from '../http/errors.js';
import { errorBody } from '../auth/schema.js';
import { throwIfInvalid } from '../webhooks/schema.js';
import { notificationList, notificationListQuery, prefsDto, prefsPut } from './schema.js';

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
