import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RouteDeps } from '../http/context.js';
import { principalOf } from '../http/context.js';
import { AppError } from '../http/errors.js';
import { errorBody } from '../auth/schema.js';
import { text } from '../http/zod.js';
import { VIEW_SCOPES, stateProblems, viewState, type ViewScope, type ViewState } from './state.js';
import * as store from './store.js';

/** Saved views belong to people: an API key has none. */
function viewerOf(req: FastifyRequest): store.Viewer & { role: string } {
  const p = principalOf(req);
  if (p.kind !== 'user') throw new AppError('auth.session_only');
  return { userId: p.userId, teamId: p.teamId, role: p.role };
}
const mayShare = (role: string) => role === 'admin' || role === 'manager';
/** The owner edits their view; managers and admins also edit a shared view they see. */
const mayEdit = (who: store.Viewer & { role: string }, v: store.ViewRow) => v.owner_id === who.userId || (v.shared && mayShare(who.role));

function checkState(scope: ViewScope, state: ViewState): void {
  const problems = stateProblems(scope, state);
  if (problems.length) throw new AppError('request.invalid', problems.map((p) => p.message).join('; ').slice(0, 2000), problems);
}

const scopeEnum = z.enum(VIEW_SCOPES);
const name = text().trim().min(1).max(100);
const view = z.object({
  id: z.uuid(), scope: scopeEnum, name: z.string(), shared: z.boolean(), teamId: z.uuid().nullable(),
  ownerId: z.uuid(), ownerName: z.string(), mine: z.boolean(), canEdit: z.boolean(),
  state: viewState, teamDefault: z.boolean().describe("The team's default for this scope (set by a manager or admin)"),
  isDefault: z.boolean().describe("The view this user opens by default: their own pick, else their team's default"),
  createdAt: z.string(), updatedAt: z.string(),
});
const idParams = z.object({ id: z.uuid() });
const createBody = z.object({
  scope: scopeEnum, name, shared: z.boolean().default(false).describe('Shared with your team (managers and admins)'), state: viewState,
  default: z.boolean().default(false).describe('Make it your default for this scope'),
  teamDefault: z.boolean().default(false).describe("Make it the team's default for this scope (managers and admins; implies shared)"),
}).strict();
const patchBody = z.object({ name: name.optional(), shared: z.boolean().optional(), state: viewState.optional(), teamDefault: z.boolean().optional() }).strict();

export function viewRoutes(app: FastifyInstance, { database }: RouteDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['views'];

  async function present(who: store.Viewer & { role: string }, rows: store.ViewRow[]) {
    const own = await store.userDefaults(database, who);
    const defaults = new Map<ViewScope, string>();
    for (const scope of VIEW_SCOPES) {
      const mine = own.get(scope);
      // a team default of one's own team wins over one shared with everyone
      const team = rows.find((v) => v.scope === scope && v.team_default && v.team_id !== null && v.team_id === who.teamId)
        ?? rows.find((v) => v.scope === scope && v.team_default && v.team_id === null);
      const id = mine ?? team?.id;
      if (id) defaults.set(scope, id);
    }
    return rows.map((v) => ({
      id: v.id, scope: v.scope, name: v.name, shared: v.shared, teamId: v.team_id, ownerId: v.owner_id, ownerName: v.owner_name,
      mine: v.owner_id === who.userId, canEdit: mayEdit(who, v), state: v.state, teamDefault: v.team_default,
      isDefault: defaults.get(v.scope) === v.id, createdAt: v.created_at, updatedAt: v.updated_at,
    }));
  }
  async function presentOne(who: store.Viewer & { role: string }, id: string) {
    const [out] = await present(who, [await load(who, id)]);
    if (!out) throw new AppError('view.not_found');
    return out;
  }
  async function load(who: store.Viewer, id: string) {
    const v = await store.getVisible(database, who, id);
    if (!v) throw new AppError('view.not_found');
    return v;
  }

  r.get('/api/views', {
    schema: { tags, summary: 'Saved views you see (yours and those shared with your team), with the default resolved', querystring: z.object({ scope: scopeEnum.optional() }), response: { 200: z.object({ items: z.array(view) }), 400: errorBody, 403: errorBody } },
  }, async (req) => {
    const who = viewerOf(req);
    return { items: await present(who, await store.listVisible(database, who, req.query.scope)) };
  });

  r.post('/api/views', {
    schema: { tags, summary: 'Save a view of the portfolio or the inbox (its filters are checked against the list)', body: createBody, response: { 201: view, 400: errorBody, 403: errorBody, 409: errorBody } },
  }, async (req, reply) => {
    const who = viewerOf(req);
    const b = req.body;
    checkState(b.scope, b.state);
    const shared = b.shared || b.teamDefault;
    if (shared && !mayShare(who.role)) throw new AppError('auth.forbidden', 'Managers and admins share views with the team.');
    const id = await database.transaction(async (tx) => {
      const created = await store.insertView(tx, { ownerId: who.userId, scope: b.scope, name: b.name, shared, teamId: shared ? who.teamId : null, state: b.state });
      if (!created) throw new AppError('view.name_taken');
      if (b.teamDefault) await store.setTeamDefault(tx, { id: created, scope: b.scope, team_id: who.teamId }, true);
      if (b.default) await store.setUserDefault(tx, who.userId, b.scope, created);
      return created;
    });
    return reply.status(201).send(await presentOne(who, id));
  });

  r.patch('/api/views/:id', {
    schema: { tags, summary: 'Rename, re-share, change the state of a view, or make it the team default (the owner; managers and admins for shared views)', params: idParams, body: patchBody, response: { 200: view, 400: errorBody, 403: errorBody, 404: errorBody, 409: errorBody } },
  }, async (req) => {
    const who = viewerOf(req);
    const v = await load(who, req.params.id);
    if (!mayEdit(who, v)) throw new AppError('auth.forbidden', 'Only its owner changes this view.');
    const b = req.body;
    if ((b.shared === true && !v.shared) || b.teamDefault !== undefined) {
      if (!mayShare(who.role)) throw new AppError('auth.forbidden', 'Managers and admins share views and set team defaults.');
    }
    if (b.teamDefault === true && !(b.shared ?? v.shared)) throw new AppError('request.invalid', 'A team default must be shared.', [{ path: 'teamDefault', message: 'share the view first' }]);
    if (b.state) checkState(v.scope, b.state);
    if (b.name !== undefined && await store.nameTaken(database, v.owner_id, v.scope, b.name, v.id)) throw new AppError('view.name_taken');
    await database.transaction(async (tx) => {
      await store.updateView(tx, v.id, b);
      if (b.teamDefault !== undefined) await store.setTeamDefault(tx, v, b.teamDefault);
    });
    return presentOne(who, v.id);
  });

  r.delete('/api/views/:id', {
    schema: { tags, summary: 'Delete a view (the owner; managers and admins for shared views)', params: idParams, response: { 204: z.null(), 403: errorBody, 404: errorBody } },
  }, async (req, reply) => {
    const who = viewerOf(req);
    const v = await load(who, req.params.id);
    if (!mayEdit(who, v)) throw new AppError('auth.forbidden', 'Only its owner deletes this view.');
    await store.deleteView(database, v.id);
    return reply.status(204).send(null);
  });

  r.put('/api/views/defaults/:scope', {
    schema: { tags, summary: 'Your default view for a scope (null: none of your own, the team default applies)', params: z.object({ scope: scopeEnum }), body: z.object({ viewId: z.uuid().nullable() }).strict(), response: { 200: z.object({ scope: scopeEnum, viewId: z.uuid().nullable() }), 400: errorBody, 403: errorBody, 404: errorBody } },
  }, async (req) => {
    const who = viewerOf(req);
    const { viewId } = req.body;
    if (viewId !== null) {
      const v = await load(who, viewId);
      if (v.scope !== req.params.scope) throw new AppError('request.invalid', `That view is of the ${v.scope} list, not ${req.params.scope}.`, [{ path: 'viewId', message: 'a view of another scope' }]);
    }
    await store.setUserDefault(database, who.userId, req.params.scope, viewId);
    return { scope: req.params.scope, viewId };
  });
}
