import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../http/context.js';

// Placeholder: filled in by its owner.
export function notificationRoutes(_app: FastifyInstance, _deps: RouteDeps) {}
