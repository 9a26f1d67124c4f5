import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { can, type Ownable } from '../auth/policy.js';
import { errorBody } from '../auth/schema.js';
import { actor, principalOf, type RouteDeps } from '../http/context.js';
import { AppError } from '../http/errors.js';
import { accountCriticalDates, bookQuery, criticalDate, criticalDateCheck, criticalDateCreate, criticalDatePage, criticalDatePatch } from './schema.js';
import { dateDto } from './store.js';

const idParams = z.strictObject({ id: z.uuid() });
const TAGS = ['critical dates'];

/**
 * Critical dates over HTTP. Reading follows the account (`read`); adding, editing, archiving and
 * checking a date need `update` on its account.
 */
export function criticalDateRoutes(app: FastifyInstance, { services }: RouteDeps) {
  const dates = services.criticalDates;
  const r = app.withTypeProvider<ZodTypeProvider>();
  const may = (req: FastifyRequest, action: 'read' | 'update', account: Ownable) => can(principalOf(req), action, { type: 'account', account });
  const ownable = (d: { owner_id: string | null; team_id: string | null }): Ownable => ({ ownerId: d.owner_id, teamId: d.team_id });

  const account = async (req: FastifyRequest, id: string, action: 'read' | 'update') => {
    const a = await services.accounts.get(id);
    if (!a) throw new AppError('account.not_found');
    if (!may(req, action, a)) throw new AppError('auth.forbidden');
    return a;
  };
  /** The date, after the policy on its account. */
  const date = async (req: FastifyRequest, id: string, action: 'read' | 'update') => {
    const d = await dates.get(id);
    if (!may(req, 'read', ownable(d))) throw new AppError('critical_date.not_found');
    if (!may(req, action, ownable(d))) throw new AppError('auth.forbidden');
    return d;
  };
  const one = async (req: FastifyRequest, id: string) => {
    const d = await dates.getWithChecks(id);
    return dateDto(d, new Date(), may(req, 'update', ownable(d)), true);
  };

  r.post('/api/accounts/:id/critical-dates', {
    schema: {
      tags: TAGS,
      summary: 'Add a critical date: a domain or TLS certificate (checked live; give `target`), or a contract, licence, card or custom date (give `expiresAt`; a date-only value means 00:00 UTC of that day)',
      params: idParams, body: criticalDateCreate, response: { 201: criticalDate, 400: errorBody, 403: errorBody, 404: errorBody },
    },
  }, async (req, reply) => {
    const a = await account(req, req.params.id, 'update');
    const id = await dates.create(a.id, req.body, actor(req));
    return reply.status(201).send(await one(req, id));
  });

  r.get('/api/accounts/:id/critical-dates', {
    schema: { tags: TAGS, summary: "The account's critical dates (not archived), soonest first, each with its last five checks", params: idParams, response: { 200: accountCriticalDates, 404: errorBody } },
  }, async (req) => {
    const a = await account(req, req.params.id, 'read');
    const canEdit = may(req, 'update', a);
    const now = new Date();
    return { items: (await dates.account(a.id)).map((d) => dateDto(d, now, canEdit, true)) };
  });

  r.get('/api/critical-dates', {
    schema: {
      tags: TAGS,
      summary: "The book's next expiries: expired first, then soonest (dates with no known expiry last); with account, owner, days left and the last check",
      querystring: bookQuery, response: { 200: criticalDatePage, 400: errorBody },
    },
  }, async (req) => {
    const { rows, nextCursor } = await dates.book(req.query);
    const now = new Date();
    const items = rows.filter((d) => may(req, 'read', ownable(d))).map((d) => dateDto(d, now, may(req, 'update', ownable(d)), false));
    return { items, nextCursor };
  });

  r.get('/api/critical-dates/:id', {
    schema: { tags: TAGS, summary: 'One critical date with its last five checks', params: idParams, response: { 200: criticalDate, 404: errorBody } },
  }, async (req) => {
    await date(req, req.params.id, 'read');
    return one(req, req.params.id);
  });

  r.patch('/api/critical-dates/:id', {
    schema: {
      tags: TAGS, summary: 'Edit a critical date (its kind cannot change), archive or restore it',
      params: idParams, body: criticalDatePatch, response: { 200: criticalDate, 400: errorBody, 403: errorBody, 404: errorBody },
    },
  }, async (req) => {
    await date(req, req.params.id, 'update');
    await dates.update(req.params.id, req.body, actor(req));
    return one(req, req.params.id);
  });

  r.delete('/api/critical-dates/:id', {
    schema: { tags: TAGS, summary: 'Archive a critical date: off the radar, no more alerts or checks; its checks stay on record', params: idParams, response: { 204: z.null(), 403: errorBody, 404: errorBody } },
  }, async (req, reply) => {
    await date(req, req.params.id, 'update');
    await dates.archive(req.params.id, actor(req));
    return reply.status(204).send(null);
  });

  r.post('/api/critical-dates/:id/check', {
    schema: {
      tags: TAGS,
      summary: 'Check now (a TLS handshake or an RDAP lookup, through the outbound rules) and record the result; a failed check (refused address, timeout, no RDAP service, 404) is a 200 with ok false and the error',
      params: idParams, response: { 200: criticalDateCheck, 403: errorBody, 404: errorBody, 409: errorBody },
    },
  }, async (req) => {
    await date(req, req.params.id, 'update');
    return dates.check(req.params.id);
  });
}
