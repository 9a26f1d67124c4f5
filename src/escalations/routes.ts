import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../http/context.js';

// Placeholder: filled in by its owner.
export function escalationRoutes(_app: FastifyInstance, _deps: RouteDeps) {}
