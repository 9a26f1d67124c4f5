import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../http/errors.js';
import type { createApiKeyQueries } from '../apikeys/queries.js';
import type { createSessionQueries } from './sessions.js';
import { safeEqual } from './tokens.js';

export const SESSION_COOKIE = 'canopy_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** The API reference is public, like the OpenAPI document it renders. */
const PUBLIC_PREFIXES = ['/api/docs'];
/** All that a session which must change its password may do (method + route). */
const PASSWORD_CHANGE_ROUTES = new Set(['GET /api/auth/me', 'POST /api/auth/logout', 'POST /api/auth/password']);

/**
 * Resolves the principal of every /api request: a REST key (`Authorization: Bearer`) or a
 * session cookie. Cookie-authenticated writes must echo the session's CSRF token in
 * `x-csrf-token`. A session whose user must change their password reaches only the routes that
 * change it (403 auth.password_change_required elsewhere). Routes marked `config.auth = false` skip this.
 */
export function authHook(services: { apiKeys: ReturnType<typeof createApiKeyQueries>; sessions: ReturnType<typeof createSessionQueries> }) {
  return async function (req: FastifyRequest, _reply: FastifyReply) {
    if (req.routeOptions.config.auth === false || !req.url.startsWith('/api/') || PUBLIC_PREFIXES.some((p) => req.url.startsWith(p))) return;
    const header = req.headers.authorization;
    if (header?.startsWith('Bearer ')) {
      const key = await services.apiKeys.resolve(header.slice(7).trim(), 'rest');
      if (!key || !key.role) throw new AppError('auth.invalid_api_key');
      req.principal = { kind: 'api_key', keyId: key.id, role: key.role, name: key.name };
      return;
    }
    const token = req.cookies[SESSION_COOKIE];
    if (!token) throw new AppError('auth.required');
    const session = await services.sessions.resolve(token);
    if (!session) throw new AppError('auth.required', 'Your session has expired; sign in again.');
    if (!SAFE_METHODS.has(req.method)) {
      const sent = req.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !safeEqual(sent, session.csrfToken)) throw new AppError('auth.csrf');
    }
    // A generated or admin-reset password is known to someone else: until the user replaces it,
    // the session is good for nothing but the change.
    if (session.mustChangePassword && !PASSWORD_CHANGE_ROUTES.has(`${req.method} ${req.routeOptions.url ?? ''}`)) {
      throw new AppError('auth.password_change_required');
    }
    req.sessionToken = token;
    req.principal = { kind: 'user', userId: session.userId, role: session.role, teamId: session.teamId, name: session.name, email: session.email };
  };
}
