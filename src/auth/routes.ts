import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RouteDeps } from '../http/context.js';
import { principalOf } from '../http/context.js';
import { AppError } from '../http/errors.js';
import { verifyPassword } from './passwords.js';
import { SESSION_COOKIE } from './hook.js';
import { errorBody, loginBody, sessionResponse } from './schema.js';

export function authRoutes(app: FastifyInstance, { config, services }: RouteDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const cookieOptions = {
    path: '/', httpOnly: true, sameSite: 'lax' as const, secure: config.cookieSecure, maxAge: Math.floor(config.sessionMaxMs / 1000),
  };

  r.post('/api/auth/login', {
    config: { auth: false },
    schema: {
      tags: ['auth'], summary: 'Sign in with e-mail and password; sets the session cookie', security: [],
      body: loginBody, response: { 200: sessionResponse, 401: errorBody, 429: errorBody },
    },
  }, async (req, reply) => {
    const { email, password } = req.body;
    await services.throttle.check(email, req.ip);
    const user = await services.users.findForLogin(email);
    const ok = await verifyPassword(user?.active ? user.passwordHash : null, password);
    if (!user || !user.active || !ok) {
      await services.throttle.recordFailure(email, req.ip);
      req.log.info({ email: email.toLowerCase() }, 'sign-in failed');
      throw new AppError('auth.invalid_credentials');
    }
    await services.throttle.clear(email);
    await services.users.recordLogin(user.id);
    const { token, csrfToken } = await services.sessions.create(user.id, { ip: req.ip, userAgent: req.headers['user-agent'] });
    void reply.setCookie(SESSION_COOKIE, token, cookieOptions);
    const dto = await services.users.get(user.id);
    if (!dto) throw new AppError('user.not_found');
    return { user: dto, csrfToken };
  });

  r.post('/api/auth/logout', {
    schema: { tags: ['auth'], summary: 'End the session (the cookie stops working at once)', response: { 204: z.null() } },
  }, async (req, reply) => {
    if (req.sessionToken) await services.sessions.destroy(req.sessionToken);
    void reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.status(204).send(null);
  });

  r.get('/api/auth/me', {
    schema: { tags: ['auth'], summary: 'The signed-in user and the CSRF token to send with writes', response: { 200: sessionResponse, 401: errorBody } },
  }, async (req) => {
    const p = principalOf(req);
    if (p.kind !== 'user' || !req.sessionToken) throw new AppError('auth.required', 'This endpoint is for browser sessions.');
    const [user, session] = await Promise.all([services.users.get(p.userId), services.sessions.resolve(req.sessionToken)]);
    if (!user || !session) throw new AppError('auth.required');
    return { user, csrfToken: session.csrfToken };
  });
}
