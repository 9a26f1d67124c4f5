import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../http/context.js';

/** The public check-in page and answer (no session). */
export async function readinessPublicRoutes(_app: FastifyInstance, _deps: RouteDeps) {
  // filled in below
}
