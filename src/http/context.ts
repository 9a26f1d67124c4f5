import type { FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import type { Database } from '../db/connect.js';
import type { Principal } from '../auth/principal.js';
import { actorOf } from '../auth/principal.js';
import { AppError } from './errors.js';
import type { Services } from '../services.js';

export type RouteDeps = { config: Config; database: Database; services: Services };

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
    sessionToken: string | null;
  }
  interface FastifyContextConfig {
    /** false: the route needs no principal (sign-in, liveness, docs, ingestion with its own key). */
    auth?: boolean;
  }
}

/** The principal of an authenticated route (the auth hook guarantees one). */
export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal) throw new AppError('auth.required');
  return req.principal;
}

export function actor(req: FastifyRequest) {
  return actorOf(principalOf(req), req.ip);
}
