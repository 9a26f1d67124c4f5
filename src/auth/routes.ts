import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RouteDeps } from '../http/context.js';
import { actor, principalOf } from '../http/context.js';
import { AppError } from '../http/errors.js';
import { verifyPassword } from './passwords.js';
import { SESSION_COOKIE } from './hook.js';
import { DEVICE_COOKIE, DEVICE_MAX_AGE_SECONDS, isKnownDevice, issueDeviceCookie } from './devices.js';
import { sha256 } from './tokens.js';
import { errorBody, loginBody, passwordChangeBody, sessionResponse } from './schema.js';

export function authRoutes(app: FastifyInstance, { config, services }: RouteDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const cookieOptions = {
    path: '/', httpOnly: true, sameSite: 'lax' as const, secure: config.cookieSecure, maxAge: Math.floor(config.sessionMaxMs / 1000),
  };
  // Sent only to the sign-in routes: nothing else needs it.
  const deviceCookieOptions = { path: '/api/auth', httpOnly: true, sameSite: 'lax' as const, secure: config.cookieSecure, maxAge: DEVICE_MAX_AGE_SECONDS };
  const rememberDevice = (reply: FastifyReply, userId: string, passwordHash: string) =>
    void reply.setCookie(DEVICE_COOKIE, issueDeviceCookie(userId, passwordHash), deviceCookieOptions);

  /** A secret that only a browser this user signed in with before holds: its device cookie or a live session. */
  const knownBrowser = async (req: FastifyRequest, user: { id: string; passwordHash: string | null }): Promise<string | null> => {
    const device = req.cookies[DEVICE_COOKIE];
    if (device && isKnownDevice(device, user)) return device;
    const session = req.cookies[SESSION_COOKIE];
    if (session && (await services.sessions.resolve(session))?.userId === user.id) return session;
    return null;
  };

  r.post('/api/auth/login', {
    config: { auth: false },
    schema: {
      tags: ['auth'], summary: 'Sign in with e-mail and password; sets the session cookie', security: [],
      description: 'Failed sign-ins are limited per network address and per account, with a growing delay; a browser this user signed in with before is counted on its own.',
      body: loginBody, response: { 200: sessionResponse, 401: errorBody, 429: errorBody },
    },
  }, async (req, reply) => {
    const { email, password } = req.body;
    const found = await services.users.findForLogin(email);
    const user = found?.active ? found : null;
    // The try is counted before the password is checked, so concurrent guesses cannot outrun the limit.
    const ticket = await services.throttle.signIn(email, req.ip, user ? await knownBrowser(req, user) : null);
    const ok = await verifyPassword(user?.passwordHash ?? null, password);
    if (!user?.passwordHash || !ok) {
      req.log.info({ email: email.toLowerCase() }, 'sign-in failed');
      throw new AppError('auth.invalid_credentials');
    }
    await services.throttle.succeeded(ticket);
    await services.users.recordLogin(user.id);
    const { token, csrfToken } = await services.sessions.create(user.id, { ip: req.ip, userAgent: req.headers['user-agent'] });
    void reply.setCookie(SESSION_COOKIE, token, cookieOptions);
    rememberDevice(reply, user.id, user.passwordHash);
    const dto = await services.users.get(user.id);
    if (!dto) throw new AppError('user.not_found');
    return { user: dto, csrfToken, mustChangePassword: user.mustChangePassword };
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
    if (p.kind !== 'user' || !req.sessionToken) throw new AppError('auth.session_only');
    const [user, session] = await Promise.all([services.users.get(p.userId), services.sessions.resolve(req.sessionToken)]);
    if (!user || !session) throw new AppError('auth.required');
    return { user, csrfToken: session.csrfToken, mustChangePassword: session.mustChangePassword };
  });

  r.post('/api/auth/password', {
    schema: {
      tags: ['auth'], summary: 'Change your own password; ends your other sessions',
      description: 'Needs the current password. The only route open to a session that must change its password.',
      body: passwordChangeBody, response: { 204: z.null(), 400: errorBody, 403: errorBody, 429: errorBody },
    },
  }, async (req, reply) => {
    const p = principalOf(req);
    if (p.kind !== 'user' || !req.sessionToken) throw new AppError('auth.session_only');
    const ticket = await services.throttle.passwordCheck(p.userId);
    await services.users.changeOwnPassword(p.userId, req.body, sha256(req.sessionToken), actor(req));
    await services.throttle.succeeded(ticket);
    // The old device cookie died with the old password hash; this browser stays known.
    const fresh = await services.users.findForLogin(p.email);
    if (fresh?.passwordHash) rememberDevice(reply, p.userId, fresh.passwordHash);
    return reply.status(204).send(null);
  });
}
