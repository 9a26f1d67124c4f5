import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from './errors.js';
import { MAX_JSON_DEPTH } from './zod.js';

/**
 * How deep a JSON body may nest (MAX_JSON_DEPTH, 32, defined with the other value bounds in zod.ts).
 * Real clients stay under ten levels (a Segment event with its context and properties is four or
 * five deep); a body nested hundreds of levels deep is an attack, and at a few thousand levels it
 * overflows the embedded database's stack and JSON.stringify. Checked right after parsing, before
 * any handler, validator or query runs.
 */
export { MAX_JSON_DEPTH };

/**
 * The first place where `value` nests deeper than `maxDepth` (a dotted path such as
 * `properties.x.0.0`), or null. Iterative, so it cannot itself overflow the stack.
 */
export function tooDeepAt(value: unknown, maxDepth = MAX_JSON_DEPTH): string | null {
  const stack: { v: unknown; depth: number; path: string }[] = [{ v: value, depth: 0, path: '' }];
  while (stack.length > 0) {
    const { v, depth, path } = stack.pop() as { v: unknown; depth: number; path: string };
    if (v === null || typeof v !== 'object') continue;
    if (depth >= maxDepth) return path || '(body)';
    const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x] as const) : Object.entries(v as Record<string, unknown>);
    for (const [k, x] of entries) stack.push({ v: x, depth: depth + 1, path: path ? `${path}.${k}` : k });
  }
  return null;
}

export function assertJsonDepth(value: unknown, errorCode: 'request.too_deep' | 'ingest.too_deep', maxDepth = MAX_JSON_DEPTH): void {
  const at = tooDeepAt(value, maxDepth);
  if (at !== null) {
    throw new AppError(errorCode, `The body nests deeper than ${maxDepth} levels at ${at}; flatten it.`, [{ path: at, message: `nested deeper than ${maxDepth} levels` }]);
  }
}

type Done = (err: Error | null, body?: unknown) => void;

/**
 * Fastify's own JSON parser (prototype-poisoning protection included) followed by the depth check.
 * Install it for application/json on the root instance, and reuse `boundedJsonParser` for other
 * content types that carry JSON (the ingestion API's text/plain and form-encoded bodies).
 */
export function boundedJsonParser(app: FastifyInstance, errorCode: 'request.too_deep' | 'ingest.too_deep' = 'request.too_deep') {
  // A REST body is one record: `__proto__` or `constructor.prototype` in it is refused (400). A
  // Segment batch holds many events from many sources: one such key in one event's properties must
  // not cost the whole batch, so ingestion drops those keys (never applied to any object) instead.
  const poisoning = errorCode === 'ingest.too_deep' ? 'remove' : 'error';
  const parse = app.getDefaultJsonParser(poisoning, poisoning);
  return (req: FastifyRequest, body: string | Buffer, done: Done) => {
    // Many clients send `Content-Type: application/json` on every request, bodiless ones included
    // (DELETE, an action POST): no bytes is no body, for the route's schema to accept or refuse.
    if (body.length === 0) return done(null, undefined);
    void parse(req, typeof body === 'string' ? body : body.toString('utf8'), (err: Error | null, value?: unknown) => {
      if (err) return done(err);
      try {
        assertJsonDepth(value, errorCode);
      } catch (e) {
        return done(e as Error);
      }
      done(null, value);
    });
  };
}
