import { STATUS_CODES, type ServerOptions } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import { AppError, ERRORS, type ErrorCode } from '../http/errors.js';

/**
 * How long a client may take, as Fastify server options. Without them Fastify 5 disables Node's
 * request timeout and never closes a silent socket, so a slow client holds its connection (and
 * whatever body it has sent so far) for ever.
 *
 * - headersTimeout: from the first byte to the end of the headers; a client that dribbles its
 *   headers byte by byte (slow loris) is answered 408 and closed.
 * - requestTimeout: the whole request, headers and body; a body that stalls is cut off the same way.
 *   The handler's own time does not count: Node stops the clock once the request is read.
 * - connectionTimeout (socket idle): no byte either way for this long closes the socket.
 * - keepAliveTimeout: an idle kept-alive socket between requests; above the 60 s idle timeout of
 *   common load balancers, so a proxy never reuses a socket the server is closing.
 *
 * Node checks the first two on a timer (connectionsCheckingInterval, 30 s by default, which would
 * let a slow client outlive a 10 s limit threefold): the check runs four times per headers timeout,
 * at most once a second.
 */
export function serverTimeouts(config: Config): { connectionTimeout: number; keepAliveTimeout: number; requestTimeout: number; http: ServerOptions } {
  const h = config.http;
  return {
    connectionTimeout: h.idleTimeoutMs,
    keepAliveTimeout: h.keepAliveTimeoutMs,
    requestTimeout: h.requestTimeoutMs,
    http: {
      headersTimeout: h.headersTimeoutMs,
      // Also given here: Node compares it with headersTimeout when the server is created.
      requestTimeout: h.requestTimeoutMs,
      connectionsCheckingInterval: Math.max(25, Math.min(1000, Math.floor(h.headersTimeoutMs / 4))),
    },
  };
}

const hasBody = (headers: Record<string, string | string[] | undefined>) =>
  headers['transfer-encoding'] !== undefined || Number(headers['content-length'] ?? 0) > 0;

/**
 * At most `max` request bodies arriving at once, across all routes and before authentication (an
 * unauthenticated upload costs memory too). The next one is answered 503 with Retry-After at once,
 * without reading its body, and its connection is closed. A slot is held from the headers until the
 * body is parsed (preValidation) or the response ends, whichever is first, so slow handlers do not
 * hold slots; with the 1 MiB body limit this bounds buffered bodies to about `max` MiB.
 */
export function limitConcurrentUploads(app: FastifyInstance, max: number): void {
  let inFlight = 0;
  const releases = new WeakMap<object, () => void>();

  app.addHook('onRequest', (req, reply, done) => {
    if (!hasBody(req.headers)) return done();
    if (inFlight >= max) {
      // Seconds: long enough for a few uploads to finish, short enough for an SDK's retry loop.
      return done(new AppError('server.busy', undefined, undefined, { 'retry-after': '2', connection: 'close' }));
    }
    inFlight++;
    let held = true;
    const release = () => {
      if (held) {
        held = false;
        inFlight--;
      }
    };
    releases.set(req, release);
    // 'close' comes after the response is sent and also when the socket dies first (timeout, abort).
    reply.raw.once('close', release);
    done();
  });
  app.addHook('preValidation', (req, _reply, done) => {
    releases.get(req)?.();
    done();
  });
}

/**
 * What a client gets when Node refuses its request before Fastify sees it (a header or request
 * timeout, headers too large, bytes that are not HTTP): the same `{code, message}` shape as every
 * other error, instead of Fastify's own. Resets need no answer: the socket is gone.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code]: [number, ErrorCode] =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'request.timeout']
      : err.code === 'HPE_HEADER_OVERFLOW' ? [431, 'request.headers_too_large']
        : [400, 'request.invalid'];
  const body = JSON.stringify({ code, message: ERRORS[code].message });
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy();
}
