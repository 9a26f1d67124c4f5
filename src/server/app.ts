import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from '../config.js';
import type { Database } from '../db/connect.js';
import type { JobQueue } from '../jobs/queue.js';
import { createLogger, redactUrl, type Logger } from '../logger.js';
import { authHook } from '../auth/hook.js';
import { errorHandler } from '../http/error-handler.js';
import { boundedJsonParser } from '../http/json-body.js';
import { createServices, type Services } from '../services.js';
import { registerIdempotency } from '../idempotency/hook.js';
import { documentIdempotency } from '../idempotency/openapi.js';
import { createIdempotencyStore } from '../idempotency/store.js';
import { clientErrorHandler, limitConcurrentUploads, serverTimeouts } from './limits.js';
import { registerRoutes } from './routes.js';
import { sendSharedNotFound } from '../plans/share-routes.js';
import { sendSurveyNotFound } from '../surveys/public-routes.js';
import { sendCheckInNotFound } from '../readiness/public-routes.js';

const WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');

export type BuildAppOptions = {
  config: Config;
  database: Database;
  jobs?: JobQueue | null;
  /** The process logger; tests pass false. */
  logger?: Logger | false;
  webDist?: string;
};

export type CanopyApp = FastifyInstance & { services: Services };

export async function buildApp(opts: BuildAppOptions): Promise<CanopyApp> {
  const { config, database } = opts;
  const app = Fastify({
    ...(opts.logger === false ? { logger: false } : { loggerInstance: opts.logger ?? createLogger(config) }),
    // Fastify's two info lines per request (7,000 in 45 minutes) give way to one debug line below.
    logController: new LogController({ disableRequestLogging: true }),
    // Only the configured proxies may name the client (CANOPY_TRUST_PROXY); by default nobody can.
    trustProxy: config.trustProxy.length > 0 ? config.trustProxy : false,
    bodyLimit: 1024 * 1024,
    routerOptions: { maxParamLength: 200 },
    // Plugins (the API reference's assets, say) load in well under a second; 10 s, Fastify's default,
    // was seen to run out while a busy 2-core machine started several processes at once.
    pluginTimeout: 60_000,
    ...serverTimeouts(config),
    clientErrorHandler,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  // One line per request at debug (LOG_LEVEL=debug shows them): method, path with secret query
  // values hidden, status, time; no headers, so no cookie, authorization or write key. A 5xx is a
  // warning (the error handler has logged its cause at error).
  app.addHook('onResponse', async (req, reply) => {
    const line = { method: req.method, url: redactUrl(req.url), status: reply.statusCode, ms: Math.round(reply.elapsedTime) };
    if (reply.statusCode >= 500) req.log.warn(line, 'request failed');
    else req.log.debug(line, 'request');
  });
  // First hook of all, before authentication: an unauthenticated upload holds memory too.
  limitConcurrentUploads(app as unknown as FastifyInstance, config.http.maxConcurrentUploads);
  // Every JSON body is depth-checked right after parsing, before any validator, handler or query.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, boundedJsonParser(app as unknown as FastifyInstance));

  const services = createServices(config, database, opts.jobs ?? null);
  app.decorate('services', services);
  app.decorateRequest('principal', null);
  app.decorateRequest('sessionToken', null);

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Mantine and ECharts set inline styles; the Swagger UI needs them too.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
      },
    },
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    crossOriginEmbedderPolicy: false,
    hsts: config.cookieSecure,
  });
  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Canopy API',
        version: '0.1.0',
        description:
          'REST API of Canopy (session cookie or `Authorization: Bearer <REST key>`) and the Segment-compatible ' +
          'ingestion API under /v1 (write key as the HTTP basic user name). Errors are `{code, message, fields?}`.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'canopy_session' },
          bearer: { type: 'http', scheme: 'bearer' },
          writeKey: { type: 'http', scheme: 'basic' },
        },
      },
      security: [{ session: [] }, { bearer: [] }],
    },
    // Every POST the Idempotency-Key hook covers documents the header and its 409/422 answers.
    transform: (input) => jsonSchemaTransform(documentIdempotency(input)),
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: false });

  app.addHook('onRequest', authHook(services));
  // After authentication (keys are per principal) and, as a preHandler, after schema validation.
  registerIdempotency(app as unknown as FastifyInstance, createIdempotencyStore(database));
  await registerRoutes(app as unknown as FastifyInstance, { config, database, services });

  const webDist = opts.webDist ?? WEB_DIST;
  const hasWeb = fs.existsSync(path.join(webDist, 'index.html'));
  if (hasWeb) {
    // Files are looked up per request, so a rebuilt web app is served without a restart.
    await app.register(fastifyStatic, { root: webDist, wildcard: true, index: false, serveDotFiles: false });
    app.get('/', { config: { auth: false }, schema: { hide: true } }, (_req, reply) => reply.type('text/html').sendFile('index.html'));
  }
  app.setNotFoundHandler((req, reply) => {
    if (req.url.startsWith('/shared/')) return sendSharedNotFound(reply);
    if (req.url.startsWith('/s/')) return sendSurveyNotFound(reply);
    if (req.url.startsWith('/c/')) return sendCheckInNotFound(reply);
    const page = req.method === 'GET' && !req.url.startsWith('/api/') && !req.url.startsWith('/v1/') && !path.extname(req.url.split('?')[0] ?? '');
    // The single-page app owns every other GET path: it gets index.html and routes itself.
    if (page && hasWeb) return reply.type('text/html').sendFile('index.html');
    if (page) return reply.type('text/plain').send('Canopy API is running. The web app is not built: run `npm run build:web`.');
    return reply.status(404).send({ code: 'not_found', message: 'Not found.' });
  });
  return app as unknown as CanopyApp;
}
