import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, ERRORS, type ErrorCode, type FieldError } from './errors.js';

const DB_DOWN_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '53300']);

/** Refused by the embedded database's session queue, possibly wrapped (drizzle keeps it as the cause). */
function isDatabaseBusy(err: unknown, depth = 0): boolean {
  if (!(err instanceof Error) || depth > 5) return false;
  return err.name === 'DatabaseBusyError' || (err.cause !== err && isDatabaseBusy(err.cause, depth + 1));
}

export function isDatabaseUnavailable(err: unknown): boolean {
  // The embedded engine (WebAssembly) died; its supervisor reopens it (src/db/pglite-supervised.ts).
  if (err instanceof Error && err.name === 'RuntimeError' && err.constructor.name === 'RuntimeError') return true;
  const e = err as { code?: string; message?: string; cause?: unknown };
  if (e.code && (DB_DOWN_CODES.has(e.code) || e.code.startsWith('08'))) return true;
  // node-postgres gives its client and pool failures no code, only these messages: a client whose
  // connection broke ("… has encountered a connection error and is not queryable", "… was closed
  // and is not queryable"), a lost or timed-out connection, and a pool that was shut down.
  const down = /Connection terminated|timeout exceeded when trying to connect|is not queryable|Cannot use a pool after calling end on the pool|PGlite is closed/i;
  if (typeof e.message === 'string' && down.test(e.message)) return true;
  return e.cause !== undefined && e.cause !== err && isDatabaseUnavailable(e.cause);
}

/**
 * The SQLSTATE of a database error, whether thrown by `pg`, by PGlite, or wrapped by Drizzle (which
 * keeps the driver's error as `cause`). Only five-character codes count: Node's own codes
 * (ECONNRESET…) are not SQLSTATEs.
 */
function sqlState(err: unknown): string | null {
  for (let e = err, depth = 0; e && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return null;
}

/**
 * Errors that the client's data caused and that the schemas did not catch: class 22 (data exception:
 * 22P05 untranslatable character, 22021 bad byte sequence, 22P02 invalid text representation, 22003
 * numeric out of range, 22007/22008/22009 dates and time zones, …), a NOT NULL (23502) or CHECK
 * (23514) violation. They are 400s, never 500s; the message stays generic so no SQL leaks. Mapped by
 * code, never by message text.
 */
function isClientDataError(err: unknown): boolean {
  const code = sqlState(err);
  return code !== null && (code.startsWith('22') || code === '23502' || code === '23514');
}

function send(reply: FastifyReply, code: ErrorCode, message?: string, fields?: FieldError[], details?: Record<string, unknown>) {
  const body: { code: ErrorCode; message: string; fields?: FieldError[]; details?: Record<string, unknown> } = { code, message: message ?? ERRORS[code].message };
  if (fields?.length) body.fields = fields;
  if (details) body.details = details;
  return reply.status(ERRORS[code].status).type('application/json').send(body);
}

/** Turns every error into {code, message, fields?}; no stack trace ever reaches a client. */
export function errorHandler(err: FastifyError | AppError | Error, req: FastifyRequest, reply: FastifyReply) {
  const ingest = req.url.startsWith('/v1/');
  if (err instanceof AppError) {
    if (err.headers) void reply.headers(err.headers);
    return send(reply, err.code, err.message, err.fields, err.details);
  }
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = (err as { validationContext?: string }).validationContext;
    const fields = err.validation.map((v) => {
      const p = v.instancePath.replace(/^\//, '').replace(/\//g, '.');
      return { path: where && where !== 'body' ? `${where}${p ? `.${p}` : ''}` : p || '(body)', message: v.message ?? 'invalid' };
    });
    return send(reply, ingest ? 'ingest.invalid_event' : 'request.invalid', undefined, fields);
  }
  const fe = err as FastifyError;
  switch (fe.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return send(reply, ingest ? 'ingest.invalid_json' : 'request.invalid_json', `The body is not valid JSON: ${fe.message}`);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return send(reply, ingest ? 'ingest.batch_too_large' : 'request.too_large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return send(reply, 'request.unsupported_media_type');
    case 'FST_ERR_VALIDATION':
      return send(reply, 'request.invalid', fe.message);
  }
  if (fe.statusCode === 429) return send(reply, 'auth.rate_limited', fe.message);
  // A client that hung up mid-upload surfaces as ECONNRESET "aborted" from the body reader: its
  // problem, not the database's (an operator alerting on "database unavailable" must not see it).
  if (req.raw.aborted || (fe.code === 'ECONNRESET' && err.message === 'aborted')) {
    req.log.info('the client closed the connection before its request was read');
    return send(reply, 'request.invalid', 'The connection was closed before the request body arrived.');
  }
  // The embedded database's session queue refused the request before any work (src/db/pglite-queue.ts):
  // load, not an outage, so a warning and its own code; the client retries after Retry-After.
  if (isDatabaseBusy(err)) {
    req.log.warn('database busy: the request was refused before any work');
    void reply.header('retry-after', '5');
    return send(reply, 'service.busy');
  }
  if (isDatabaseUnavailable(err)) {
    req.log.error({ err: { message: err.message, code: fe.code } }, 'database unavailable');
    void reply.header('retry-after', '5');
    return send(reply, 'service.unavailable');
  }
  if (isClientDataError(err)) {
    // Logged at warn: a schema let through a value the database refuses, which a schema should catch.
    req.log.warn({ err: { message: err.message, code: sqlState(err) } }, 'database refused client data');
    const message = 'A value in the request cannot be stored; check the fields for NUL characters, broken Unicode, or out-of-range numbers and dates.';
    return send(reply, ingest ? 'ingest.invalid_event' : 'request.invalid', message);
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return send(reply, 'request.invalid', fe.message);
  }
  req.log.error({ err }, 'unhandled error');
  return send(reply, 'internal');
}
