import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../http/context.js';

// Placeholder: filled in by its owner.
export function taskRoutes(_app: FastifyInstance, _deps: RouteDeps) {}
