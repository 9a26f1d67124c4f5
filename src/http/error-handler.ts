import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, ERRORS, type ErrorCode, type FieldError } from './errors.js';

const DB_DOWN_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '53300']);

function isDatabaseUnavailable(err: unknown): boolean {
  // The embedded engine (WebAssembly) died: the database is gone for this process.
  if (err instanceof Error && err.name === 'RuntimeError' && err.constructor.name === 'RuntimeError') return true;
  const e = err as { code?: string; message?: string; cause?: unknown };
  if (e.code && (DB_DOWN_CODES.has(e.code) || e.code.startsWith('08'))) return true;
  if (typeof e.message === 'string' && /Connection terminated|timeout exceeded when trying to connect|PGlite is closed/i.test(e.message)) return true;
  return e.cause !== undefined && e.cause !== err && isDatabaseUnavailable(e.cause);
}

function send(reply: FastifyReply, code: ErrorCode, message?: string, fields?: FieldError[]) {
  const body: { code: ErrorCode; message: string; fields?: FieldError[] } = { code, message: message ?? ERRORS[code].message };
  if (fields?.length) body.fields = fields;
  return reply.status(ERRORS[code].status).type('application/json').send(body);
}

/** Turns every error into {code, message, fields?}; no stack trace ever reaches a client. */
export function errorHandler(err: FastifyError | AppError | Error, req: FastifyRequest, reply: FastifyReply) {
  const ingest = req.url.startsWith('/v1/');
  if (err instanceof AppError) {
    if (err.headers) void reply.headers(err.headers);
    return send(reply, err.code, err.message, err.fields);
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
  if (isDatabaseUnavailable(err)) {
    req.log.error({ err: { message: err.message, code: fe.code } }, 'database unavailable');
    void reply.header('retry-after', '5');
    return send(reply, 'service.unavailable');
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return send(reply, 'request.invalid', fe.message);
  }
  req.log.error({ err }, 'unhandled error');
  return send(reply, 'internal');
}
