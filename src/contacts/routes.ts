import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RouteDeps } from '../http/context.js';
import { actor, principalOf } from '../http/context.js';
import { AppError } from '../http/errors.js';
import { can, type Ownable } from '../auth/policy.js';
import { errorBody } from '../auth/schema.js';
import { contact, contactCreate, contactListQuery, contactPatch } from './schema.js';

const idParams = z.object({ id: z.uuid() });
const UNOWNED = { ownerId: null, teamId: null };

export function contactRoutes(app: FastifyInstance, { services }: RouteDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  /** A contact is edited by whoever may edit its account; one without an account, by managers and admins. */
  const authorize = async (req: FastifyRequest, accountId: string | null) => {
    let ownable: Ownable = UNOWNED;
    if (accountId) {
      const a = await services.accounts.get(accountId);
      if (!a) throw new AppError('account.not_found', undefined, [{ path: 'accountId', message: 'no such account' }]);
      ownable = a;
    }
    if (!can(principalOf(req), 'update', { type: 'account', account: ownable })) throw new AppError('auth.forbidden');
  };
  const load = async (id: string) => {
    const c = await services.contacts.get(id);
    if (!c) throw new AppError('contact.not_found');
    return c;
  };

  r.get('/api/contacts', {
    schema: { tags: ['contacts'], summary: 'List contacts (of one account with accountId)', querystring: contactListQuery, response: { 200: z.object({ items: z.array(contact), nextCursor: z.string().nullable() }), 400: errorBody } },
  }, async (req) => services.contacts.list(req.query));

  r.post('/api/contacts', {
    schema: { tags: ['contacts'], summary: 'Create a contact', body: contactCreate, response: { 201: contact, 400: errorBody, 403: errorBody, 404: errorBody, 409: errorBody } },
  }, async (req, reply) => {
    await authorize(req, req.body.accountId);
    return reply.status(201).send(await services.contacts.create(req.body, actor(req)));
  });

  r.get('/api/contacts/:id', { schema: { tags: ['contacts'], summary: 'One contact', params: idParams, response: { 200: contact, 404: errorBody } } },
    async (req) => load(req.params.id));

  r.patch('/api/contacts/:id', {
    schema: { tags: ['contacts'], summary: 'Change some fields of a contact', params: idParams, body: contactPatch, response: { 200: contact, 400: errorBody, 403: errorBody, 404: errorBody, 409: errorBody } },
  }, async (req) => {
    const before = await load(req.params.id);
    await authorize(req, before.accountId);
    // Moving a contact to another account needs edit rights there too.
    if (req.body.accountId !== undefined && req.body.accountId !== before.accountId) await authorize(req, req.body.accountId);
    return services.contacts.update(req.params.id, req.body, actor(req));
  });

  r.delete('/api/contacts/:id', {
    schema: { tags: ['contacts'], summary: 'Delete a contact', params: idParams, response: { 204: z.null(), 403: errorBody, 404: errorBody } },
  }, async (req, reply) => {
    const c = await load(req.params.id);
    await authorize(req, c.accountId);
    await services.contacts.remove(c.id, actor(req));
    return reply.status(204).send(null);
  });
}
