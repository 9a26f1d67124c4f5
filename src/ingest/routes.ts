import zlib from 'node:zlib';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RouteDeps } from '../http/context.js';
import { AppError } from '../http/errors.js';
import { boundedJsonParser } from '../http/json-body.js';
import { errorBody } from '../auth/schema.js';
import { createKeyCache, KEY_CACHE_MS } from './key-cache.js';
import { jsonBytes, prepareBatch, sanitizeElement, type Rejected, type Warning } from './prepare.js';
import type { IngestResult, WriteKey } from './service.js';
import {
  aliasMessage, batchBody, groupMessage, identifyMessage, MAX_BATCH_BYTES, MAX_EVENT_BYTES, pageMessage,
  trackMessage, type MessageType, type SegmentMessage,
} from './segment.js';

const fieldError = z.object({ path: z.string(), message: z.string() });
const ok = z.object({
  success: z.literal(true),
  accepted: z.number().int().describe('Events stored by this call'),
  duplicates: z.number().int().describe('Events skipped because this write key already sent their messageId'),
  duplicateMessageIds: z.array(z.string()).describe('The messageIds skipped as duplicates, each once'),
  rejected: z.array(z.object({
    index: z.number().int().describe('Position in `batch` (0 for a single-event call)'),
    messageId: z.string().optional(),
    code: z.string().describe('ingest.invalid_event, ingest.event_too_large or ingest.invalid_value'),
    message: z.string(),
    fields: z.array(fieldError).optional(),
  })).describe('Events not stored; fix and resend them (their messageIds were not used up)'),
  warnings: z.array(z.object({
    index: z.number().int().optional().describe('Position in `batch`; absent for the batch envelope'),
    field: z.string(),
    message: z.string(),
  })).describe('Events stored with a repair: characters removed, time taken as receivedAt, a trait value not applied to the account or contact'),
}).describe('Each event is decided on its own: stored, duplicate or rejected');
const responses = { 200: ok, 400: errorBody, 401: errorBody, 413: errorBody, 415: errorBody, 503: errorBody };
const atomicQuery = z.object({ atomic: z.enum(['true', 'false', '1', '0']).optional().describe('All or nothing: any bad event fails the batch with 400') });

type IngestRequest = FastifyRequest & { writeKey?: WriteKey; ingestWarnings?: Warning[] };

/** The HTTP basic user name (Segment's way of sending the write key), or null. */
function basicUser(header: string | undefined): string | null {
  if (!header || !/^basic /i.test(header)) return null;
  const user = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8').split(':')[0];
  return user || null;
}

const isAtomic = (req: FastifyRequest) => {
  const q = (req.query as { atomic?: string } | undefined)?.atomic;
  const h = String(req.headers['x-canopy-atomic'] ?? '').toLowerCase();
  return q === 'true' || q === '1' || h === 'true' || h === '1';
};

const answer = (r: IngestResult, rejected: Rejected[] = [], warnings: Warning[] = []) => ({
  success: true as const,
  accepted: r.accepted,
  duplicates: r.duplicates,
  duplicateMessageIds: r.duplicateMessageIds,
  rejected: [...rejected, ...r.rejected].sort((a, b) => a.index - b.index),
  warnings: [...warnings, ...r.warnings].sort((a, b) => (a.index ?? -1) - (b.index ?? -1)),
});

export function ingestRoutes(app: FastifyInstance, { services }: RouteDeps) {
  return app.register(async (scope) => {
    // Segment's and RudderStack's own servers read the body as JSON whatever the content type says:
    // analytics.js' beacon sends text/plain, the RudderStack Node SDK gzipped JSON labelled
    // application/x-www-form-urlencoded (as does `curl -d`). All are depth-checked like any JSON body.
    const parseJson = boundedJsonParser(scope, 'ingest.too_deep');
    scope.removeContentTypeParser(['application/json', 'text/plain']);
    for (const type of ['application/json', 'text/plain', 'application/x-www-form-urlencoded']) {
      scope.addContentTypeParser(type, { parseAs: 'string', bodyLimit: MAX_BATCH_BYTES }, parseJson);
    }
    // SDKs may gzip (or deflate) their batches. The body limit applies to the inflated bytes,
    // so a small compressed body cannot expand past 500 KB.
    scope.addHook('preParsing', async (req, _reply, payload) => {
      const encoding = String(req.headers['content-encoding'] ?? 'identity').toLowerCase();
      if (encoding === 'identity') return payload;
      if (encoding !== 'gzip' && encoding !== 'x-gzip' && encoding !== 'deflate') throw new AppError('request.unsupported_media_type', `Content-Encoding ${encoding} is not supported; use gzip, deflate or none.`);
      const inflated = payload.pipe(encoding === 'deflate' ? zlib.createInflate() : zlib.createGunzip());
      inflated.on('error', () => undefined); // surfaced by the body reader as a bad body
      delete req.headers['content-length'];
      return inflated;
    });

    // The key is checked before the body is read: a wrong Basic key costs no parsing. Only a
    // request without one (the key in the body, as analytics.js' beacon does) reads the body first.
    const keys = createKeyCache((key) => services.apiKeys.resolve(key, 'write'), KEY_CACHE_MS);
    scope.addHook('onRequest', async (req: IngestRequest) => {
      // Another scheme, or Basic without a user name: the key may still come in the body.
      const key = basicUser(req.headers.authorization);
      if (!key) return;
      const found = await keys.get(key);
      if (!found) throw new AppError('ingest.invalid_write_key');
      req.writeKey = found;
    });
    /** The key from the body when none came in the header; repairs the body's strings before validation. */
    const bodyKeyAndSanitize = (whole: boolean) => async (req: IngestRequest) => {
      if (!req.writeKey) {
        const bodyKey = (req.body as { writeKey?: unknown } | undefined)?.writeKey;
        const found = typeof bodyKey === 'string' && bodyKey ? await keys.get(bodyKey) : null;
        if (!found) throw new AppError('ingest.invalid_write_key');
        req.writeKey = found;
      }
      const body = req.body;
      if (!body || typeof body !== 'object' || Array.isArray(body)) return;
      if (whole) {
        // A single-event call: the body is the event, so its size and strings are the event's.
        const bytes = jsonBytes(body);
        if (bytes > MAX_EVENT_BYTES) throw new AppError('ingest.event_too_large', `The event is ${bytes} bytes; the limit is ${MAX_EVENT_BYTES / 1024} KB.`, [{ path: '(body)', message: `${bytes} bytes` }]);
        const clean = sanitizeElement(body, 0);
        req.body = clean.value;
        req.ingestWarnings = clean.warnings;
      } else {
        // A batch: the envelope here, each element later on its own (prepareBatch).
        const { batch, ...envelope } = body as Record<string, unknown>;
        const clean = sanitizeElement(envelope, -1);
        req.body = { ...(clean.value as object), batch };
        req.ingestWarnings = clean.warnings.map(({ field, message }) => ({ field: `(batch).${field}`, message }));
      }
    };
    const keyOf = (req: IngestRequest): WriteKey => {
      if (!req.writeKey) throw new AppError('ingest.invalid_write_key');
      return req.writeKey;
    };
    const r = scope.withTypeProvider<ZodTypeProvider>();

    const single = (type: MessageType, path: string, schema: z.ZodType, summary: string) =>
      r.post(path, {
        bodyLimit: MAX_BATCH_BYTES,
        config: { auth: false },
        schema: { tags: ['ingestion (Segment spec)'], summary, security: [{ writeKey: [] }], body: schema, response: responses },
        preValidation: bodyKeyAndSanitize(true),
      }, async (req) => {
        const body = req.body as Record<string, unknown>;
        const msgType = type === 'page' && body.type === 'screen' ? 'screen' : type;
        // One event is the whole request: if the database refuses it, the call is a 400.
        const result = await services.ingest.ingest(keyOf(req), [{ ...(body as SegmentMessage), type: msgType }], { ip: req.ip, atomic: true, log: req.log });
        return answer(result, [], (req as IngestRequest).ingestWarnings);
      });

    single('track', '/v1/track', trackMessage, 'Record what a user did (Segment track)');
    single('identify', '/v1/identify', identifyMessage, 'Create or update a contact from a user and traits (Segment identify)');
    single('group', '/v1/group', groupMessage, 'Create or update an account (groupId = external id) and tie the user to it (Segment group)');
    single('page', '/v1/page', pageMessage, 'Record a page view (Segment page)');
    single('screen', '/v1/screen', pageMessage, 'Record a screen view (Segment screen)');
    single('alias', '/v1/alias', aliasMessage, 'Accepted and stored; Canopy does not merge identities (Segment alias)');

    for (const path of ['/v1/batch', '/v1/import']) {
      r.post(path, {
        bodyLimit: MAX_BATCH_BYTES,
        config: { auth: false },
        schema: {
          tags: ['ingestion (Segment spec)'],
          summary: 'Several messages at once, each stored or rejected on its own (Segment batch; ≤ 500 KB, ≤ 32 KB per event)',
          description: 'Answers 200 with the events stored, skipped as duplicates and rejected (with their index). '
            + 'With `?atomic=true` or the header `x-canopy-atomic: true` the batch is all or nothing and any bad event answers 400.',
          security: [{ writeKey: [] }], body: batchBody, querystring: atomicQuery, response: responses,
        },
        preValidation: bodyKeyAndSanitize(false),
      }, async (req) => {
        const atomic = isAtomic(req);
        const { ready, rejected, warnings } = prepareBatch(req.body.batch);
        if (atomic && rejected.length > 0) {
          const code = rejected.every((x) => x.code === 'ingest.event_too_large') ? 'ingest.event_too_large' : 'ingest.invalid_event';
          throw new AppError(code, `${rejected.length} event(s) are invalid; nothing was stored (atomic batch).`,
            rejected.flatMap((x) => (x.fields ?? [{ path: '', message: x.message }]).map((f) => ({ path: f.path ? `batch.${x.index}.${f.path}` : `batch.${x.index}`, message: f.message }))));
        }
        const envelope: Warning[] = [...((req as IngestRequest).ingestWarnings ?? [])];
        const context = req.body.context;
        const contextIsObject = !!context && typeof context === 'object' && !Array.isArray(context);
        if (context !== undefined && context !== null && !contextIsObject) envelope.push({ field: '(batch).context', message: 'not an object; ignored' });
        const result = await services.ingest.ingest(keyOf(req), ready.map((x) => x.message), {
          indexes: ready.map((x) => x.index), atomic, ip: req.ip, log: req.log,
          ...(req.body.sentAt !== undefined ? { batchSentAt: req.body.sentAt } : {}),
          ...(contextIsObject ? { batchContext: context as Record<string, unknown> } : {}),
        });
        return answer(result, rejected, [...envelope, ...warnings]);
      });
    }
  });
}
