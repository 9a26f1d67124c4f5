import type { FastifySchema, RouteOptions } from 'fastify';
import { z } from 'zod';
import { errorBody } from '../auth/schema.js';
import { appliesTo, IDEMPOTENCY_HEADER, KEY_PATTERN, MAX_KEY_LENGTH } from './key.js';

const keyHeader = z.string().min(1).max(MAX_KEY_LENGTH).regex(KEY_PATTERN).optional().describe(
  'Makes the request safe to retry: the first successful (2xx) answer for this key is stored for 24 hours (per user or API key) and ' +
  'sent again, with `Idempotent-Replayed: true`, for a repeat; a refusal (4xx) or 5xx keeps nothing. 1–255 visible ASCII characters, e.g. a UUID.',
);
const IN_PROGRESS = '`idempotency.in_progress`: a request with this Idempotency-Key is still running; retry after `Retry-After` seconds.';
const inProgress = errorBody.describe(IN_PROGRESS);
const reused = errorBody.describe('`idempotency.key_reused`: this Idempotency-Key was used with a different request (method, URL or body).');

/**
 * Adds the Idempotency-Key header and its 409/422 answers to the OpenAPI operation of every route
 * the hook applies to, before the zod schemas are turned into JSON Schema. For the document only:
 * the hook validates the header itself (400 idempotency.invalid_key).
 */
export function documentIdempotency<I extends { schema: FastifySchema | undefined; route: RouteOptions }>(input: I): I {
  const { schema, route } = input;
  const methods = [route.method].flat();
  if (!schema || schema.hide || route.config?.auth === false || !methods.includes('POST') || !appliesTo('POST', route.url)) return input;
  const headers = schema.headers instanceof z.ZodObject ? schema.headers.extend({ [IDEMPOTENCY_HEADER]: keyHeader }) : z.object({ [IDEMPOTENCY_HEADER]: keyHeader });
  const response = { ...(schema.response as Record<string, unknown> | undefined) };
  // A route's own 409 (a name taken, say) keeps its schema; its description names both causes.
  const conflict = response['409'];
  response['409'] = conflict instanceof z.ZodType
    ? conflict.describe(`${conflict.description ?? 'A conflict (see `code`)'}; or ${IN_PROGRESS}`)
    : conflict ?? inProgress;
  response['422'] ??= reused;
  return { ...input, schema: { ...schema, headers, response } };
}
