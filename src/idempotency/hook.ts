import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../http/errors.js';
import { appliesTo, fingerprint, IDEMPOTENCY_HEADER, keyProblem, principalId, REPLAYED_HEADER } from './key.js';
import type { IdempotencyStore } from './store.js';

export type IdempotencyOptions = {
  /** How long a repeat waits for the first request to finish before answering 409. */
  waitMs?: number;
  /** How often a waiting repeat looks again. */
  pollMs?: number;
  /** A request that runs longer than this stops renewing its lease (a safety net for a hung handler). */
  maxHoldMs?: number;
};

type Claim = { principal: string; key: string; token: string; timer: NodeJS.Timeout; settled: boolean };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The answer as it will go out, when it can be stored as text and sent again byte for byte. */
function storable(payload: unknown): string | null {
  if (payload === null || payload === undefined) return '';
  if (typeof payload === 'string') return payload;
  if (Buffer.isBuffer(payload)) {
    const text = payload.toString('utf8');
    return Buffer.from(text, 'utf8').equals(payload) ? text : null;
  }
  return null; // a stream: not kept
}

/**
 * `Idempotency-Key` for every POST of the REST API (see key.ts for which): the first answer is
 * stored per principal and key and replayed for a repeat. Runs as a preHandler, after
 * authentication and schema validation, so a request refused by either stores nothing and its
 * key stays free for the corrected request. Registered once in src/server/app.ts; a new route is
 * covered without opting in.
 */
export function registerIdempotency(app: FastifyInstance, store: IdempotencyStore, opts: IdempotencyOptions = {}) {
  const waitMs = opts.waitMs ?? 30_000;
  const pollMs = opts.pollMs ?? 100;
  // The owner renews its lease three times per lease while it runs.
  const leaseMs = store.leaseMs;
  const maxHoldMs = opts.maxHoldMs ?? 15 * 60_000;
  const claims = new WeakMap<FastifyRequest, Claim>();

  async function settle(req: FastifyRequest, claim: Claim, answer: { status: number; body: string | null; contentType: string | null } | null) {
    claim.settled = true;
    clearInterval(claim.timer);
    claims.delete(req);
    try {
      // Only an answer that took effect (2xx) is kept. A refusal (any 4xx: invalid, forbidden, not
      // found, conflict) changed nothing, and a 5xx (the database went away) may not have either:
      // the key is given back, so the corrected request or the retry runs.
      if (!answer || answer.body === null || answer.status < 200 || answer.status >= 300) {
        await store.release(claim.principal, claim.key, claim.token);
        return;
      }
      const stored = await store.complete(claim.principal, claim.key, claim.token, { status: answer.status, body: answer.body, contentType: answer.contentType });
      if (!stored) req.log.warn({ key: claim.key }, 'idempotency: the key was taken over before this answer could be stored');
    } catch (err) {
      // The effect has happened; the answer still goes out. The key stays in progress until its
      // lease runs out, then a repeat runs again (the README says so).
      req.log.error({ err: { message: (err as Error).message } }, 'idempotency: could not store the answer');
    }
  }

  app.addHook('preHandler', async (req: FastifyRequest, reply: FastifyReply) => {
    const header = req.headers[IDEMPOTENCY_HEADER];
    // A route with attachValidation reaches here with a failed validation: like any invalid
    // request, it claims no key.
    if (header === undefined || !req.principal || req.validationError || !appliesTo(req.method, req.routeOptions.url ?? '')) return;
    const problem = keyProblem(header);
    if (problem) throw new AppError('idempotency.invalid_key', problem, [{ path: `headers.${IDEMPOTENCY_HEADER}`, message: problem }]);
    const key = header as string;
    const principal = principalId(req.principal);
    const request = { principal, key, fingerprint: fingerprint(req.method, req.url, req.body), method: req.method, path: req.url };
    const deadline = Date.now() + waitMs;
    for (;;) {
      const found = await store.begin(request);
      switch (found.kind) {
        case 'owner': {
          const started = Date.now();
          const claim: Claim = { principal, key, token: found.token, settled: false, timer: setInterval(() => {
            if (Date.now() - started > maxHoldMs) return clearInterval(claim.timer);
            store.renew(principal, key, found.token).then((mine) => {
              if (!mine) clearInterval(claim.timer);
            }, (err: unknown) => req.log.warn({ err: { message: (err as Error).message } }, 'idempotency: could not renew the lease'));
          }, Math.max(50, Math.floor(leaseMs / 3))) };
          claim.timer.unref();
          claims.set(req, claim);
          return;
        }
        case 'mismatch':
          throw new AppError('idempotency.key_reused');
        case 'replay': {
          const { status, body, contentType } = found.answer;
          void reply.status(status).header(REPLAYED_HEADER, 'true');
          if (contentType) void reply.header('content-type', contentType);
          return reply.send(body);
        }
        case 'in_progress':
          if (Date.now() + pollMs > deadline) throw new AppError('idempotency.in_progress', undefined, undefined, { 'retry-after': '1' });
          await sleep(pollMs);
      }
    }
  });

  // The answer is stored before it is sent: a client that has it and retries gets the replay.
  app.addHook('onSend', async (req: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const claim = claims.get(req);
    if (claim && !claim.settled) {
      const type = reply.getHeader('content-type');
      await settle(req, claim, { status: reply.statusCode, body: storable(payload), contentType: typeof type === 'string' ? type : null });
    }
    return payload;
  });

  // A request that ended without passing onSend (a hijacked reply) gives its key back.
  app.addHook('onResponse', async (req: FastifyRequest) => {
    const claim = claims.get(req);
    if (claim && !claim.settled) await settle(req, claim, null);
  });
}
