import type { FastifyInstance } from 'fastify';
import rateLimit, { normalizeIP } from '@fastify/rate-limit';
import { AppError, type ErrorCode } from '../http/errors.js';
import { PUBLIC_HEADERS, PUBLIC_PAGE_CSP } from './page.js';
import { hashToken } from './token.js';

export type PublicRateLimits = { perIpPerMinute: number; writesPerLinkPerMinute: number };

/**
 * What every public answer scope (the check-in page, the survey page) does before its routes:
 * a rate limit per client address on every request and per link on writes (in memory, per
 * process; keys prefixed per scope), refused with `code` and `Retry-After`; and on every answer
 * the public headers (never indexed or cached, no referrer), plus the strict CSP on HTML pages.
 */
export async function guardPublicScope(scope: FastifyInstance, o: { limits: PublicRateLimits; keyPrefix: string; code: ErrorCode }): Promise<void> {
  await scope.register(rateLimit, { global: false });
  const perIp = scope.createRateLimit({ max: o.limits.perIpPerMinute, timeWindow: 60_000, keyGenerator: (req) => `${o.keyPrefix}-ip:${normalizeIP(req.ip)}` });
  const perLink = scope.createRateLimit({
    max: o.limits.writesPerLinkPerMinute, timeWindow: 60_000,
    keyGenerator: (req) => `${o.keyPrefix}-link:${hashToken(String((req.params as { token?: unknown }).token ?? ''))}`,
  });
  scope.addHook('onRequest', async (req) => {
    const refuse = (ttl: number): never => { throw new AppError(o.code, undefined, undefined, { 'retry-after': String(Math.max(1, ttl)) }); };
    const ip = await perIp(req);
    if (!ip.isAllowed && ip.isExceeded) refuse(ip.ttlInSeconds);
    if (req.method === 'POST') {
      const link = await perLink(req);
      if (!link.isAllowed && link.isExceeded) refuse(link.ttlInSeconds);
    }
  });
  scope.addHook('onSend', async (_req, reply, payload) => {
    void reply.headers(PUBLIC_HEADERS);
    const type = reply.getHeader('content-type');
    if (typeof type === 'string' && type.startsWith('text/html')) void reply.header('content-security-policy', PUBLIC_PAGE_CSP);
    return payload;
  });
}
