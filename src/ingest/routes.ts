import zlib from 'node:zlib';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RouteDeps } from '../http/context.js';
import { AppError } from '../http/errors.js';
import { errorBody } from '../auth/schema.js';
import type { WriteKey } from './service.js';
import {
  aliasMessage, batchBody, groupMessage, identifyMessage, MAX_BATCH_BYTES, MAX_EVENT_BYTES, oversizedMessages, pageMessage,
  trackMessage, type MessageType, type SegmentMessage,
} from './segment.js';

const ok = z.object({ success: z.literal(true), accepted: z.number().int(), duplicates: z.number().int() });
const responses = { 200: ok, 400: errorBody, 401: errorBody, 413: errorBody, 503: errorBody };

/** The write key: HTTP basic user name (Segment's way) or `writeKey` in the body. */
function writeKeyOf(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  if (h?.startsWith('Basic ')) {
    const decoded = Buffer.from(h.slice(6), 'base64').toString('utf8');
    const user = decoded.split(':')[0];
    if (user) return user;
  }
  const body = req.body as { writeKey?: unknown } | undefined;
  return typeof body?.writeKey === 'string' && body.writeKey ? body.writeKey : null;
}

export function ingestRoutes(app: FastifyInstance, { services }: RouteDeps) {
  return app.register(async (scope) => {
    // analytics.js' beacon transport sends JSON as text/plain.
    scope.addContentTypeParser('text/plain', { parseAs: 'string', bodyLimit: MAX_BATCH_BYTES }, scope.getDefaultJsonParser('error', 'error'));
    // SDKs may gzip (or deflate) their batches. The body limit applies to the inflated bytes,
    // so a small compressed body cannot expand past 500 KB.
    scope.addHook('preParsing', async (req, _reply, payload) => {
      const encoding = String(req.headers['content-encoding'] ?? 'identity').toLowerCase();
      if (encoding === 'identity') return payload;
      if (encoding !== 'gzip' && encoding !== 'deflate') throw new AppError('request.unsupported_media_type', `Content-Encoding ${encoding} is not supported; use gzip, deflate or none.`);
      const inflated = payload.pipe(encoding === 'gzip' ? zlib.createGunzip() : zlib.createInflate());
      inflated.on('error', () => undefined); // surfaced by the body reader as a bad body
      delete req.headers['content-length'];
      return inflated;
    });
    const r = scope.withTypeProvider<ZodTypeProvider>();

    const authenticate = async (req: FastifyRequest): Promise<WriteKey> => {
      const key = writeKeyOf(req);
      const found = key ? await services.apiKeys.resolve(key, 'write') : null;
      if (!found) throw new AppError('ingest.invalid_write_key');
      return { id: found.id, name: found.name };
    };
    const accept = async (req: FastifyRequest, key: WriteKey, messages: SegmentMessage[], batch?: { sentAt?: string | undefined; context?: Record<string, unknown> | undefined }) => {
      const tooBig = oversizedMessages(messages);
      if (tooBig.length > 0) {
        throw new AppError(
          'ingest.event_too_large',
          `${tooBig.length} event(s) exceed ${MAX_EVENT_BYTES / 1024} KB; nothing was stored (a batch is all or nothing).`,
          tooBig.map((t) => ({ path: batch ? `batch.${t.index}` : '(body)', message: `${t.bytes} bytes` })),
        );
      }
      const result = await services.ingest.ingest(key, messages, {
        ip: req.ip, ...(batch?.sentAt ? { batchSentAt: batch.sentAt } : {}), ...(batch?.context ? { batchContext: batch.context } : {}),
      });
      return { success: true as const, accepted: result.accepted, duplicates: result.duplicates };
    };

    const single = (type: MessageType, path: string, schema: z.ZodType, summary: string) =>
      r.post(path, {
        bodyLimit: MAX_BATCH_BYTES,
        config: { auth: false },
        schema: { tags: ['ingestion (Segment spec)'], summary, security: [{ writeKey: [] }], body: schema, response: responses },
        preValidation: async (req) => {
          (req as FastifyRequest & { writeKey?: WriteKey }).writeKey = await authenticate(req);
        },
      }, async (req) => {
        const key = (req as FastifyRequest & { writeKey?: WriteKey }).writeKey;
        if (!key) throw new AppError('ingest.invalid_write_key');
        const body = req.body as Record<string, unknown>;
        const msgType = type === 'page' && body.type === 'screen' ? 'screen' : type;
        return accept(req, key, [{ ...(body as SegmentMessage), type: msgType }]);
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
          tags: ['ingestion (Segment spec)'], summary: 'Several messages at once, all or nothing (Segment batch; ≤ 500 KB, ≤ 32 KB per event)',
          security: [{ writeKey: [] }], body: batchBody, response: responses,
        },
        preValidation: async (req) => {
          (req as FastifyRequest & { writeKey?: WriteKey }).writeKey = await authenticate(req);
        },
      }, async (req) => {
        const key = (req as FastifyRequest & { writeKey?: WriteKey }).writeKey;
        if (!key) throw new AppError('ingest.invalid_write_key');
        return accept(req, key, req.body.batch as SegmentMessage[], { sentAt: req.body.sentAt, context: req.body.context });
      });
    }
  });
}
