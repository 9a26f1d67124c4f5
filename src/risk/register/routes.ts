import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { can, type Action } from '../../auth/policy.js';
import { errorBody } from '../../auth/schema.js';
import { actor, principalOf, type RouteDeps } from '../../http/context.js';
import { AppError } from '../../http/errors.js';
import type { LoadedRisk } from './risks.js';
import {
  failureMode, failureModeCreate, failureModeList, failureModeListQuery, failureModePatch, raisedRisk, raisedRiskCreated,
  riskCreate, riskList, riskListQuery, riskPatch, startedRun,
} from './schema.js';
import { createRegisterService } from './service.js';

const idParams = z.object({ id: z.uuid() });
const tags = ['risk register'];

/** The risk register: failure modes (admins and managers write) and risks raised on accounts (whoever may edit the account). */
export function riskRegisterRoutes(app: FastifyInstance, { database, services }: RouteDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const register = createRegisterService(database, services.playbooks);
  const modes = (req: FastifyRequest, action: Action) => {
    if (!can(principalOf(req), action, { type: 'failure_modes' })) throw new AppError('auth.forbidden', 'Only admins and managers edit the failure modes.');
  };
  const mayEdit = (req: FastifyRequest, l: LoadedRisk) => can(principalOf(req), 'update', { type: 'account', account: l.account });
  const dto = (req: FastifyRequest, l: LoadedRisk) => ({ ...l.risk, canEdit: mayEdit(req, l) });
  const guard = (req: FastifyRequest) => (l: LoadedRisk) => {
    if (!mayEdit(req, l)) throw new AppError('auth.forbidden');
  };
  const loadRisk = async (id: string) => {
    const l = await register.loadRisk(id);
    if (!l) throw new AppError('account_risk.not_found');
    return l;
  };

  r.get('/api/failure-modes', {
    schema: { tags, summary: 'Failure modes with their playbook, signal kinds, owner team and live raised risks', querystring: failureModeListQuery, response: { 200: failureModeList, 400: errorBody } },
  }, async (req) => {
    modes(req, 'read');
    return { items: await register.listModes({ includeArchived: req.query.includeArchived }), canEdit: can(principalOf(req), 'update', { type: 'failure_modes' }) };
  });

  r.post('/api/failure-modes', {
    schema: { tags, summary: 'Add a failure mode (signal kinds must be defined; the playbook must exist)', body: failureModeCreate, response: { 201: failureMode, 400: errorBody, 403: errorBody, 409: errorBody } },
  }, async (req, reply) => {
    modes(req, 'create');
    return reply.status(201).send(await register.createMode(req.body, actor(req)));
  });

  r.patch('/api/failure-modes/:id', {
    schema: { tags, summary: 'Edit a failure mode; archived: true archives it (raised risks keep it)', params: idParams, body: failureModePatch, response: { 200: failureMode, 400: errorBody, 403: errorBody, 404: errorBody, 409: errorBody } },
  }, async (req) => {
    modes(req, 'update');
    return register.updateMode(req.params.id, req.body, actor(req));
  });

  r.get('/api/account-risks', {
    schema: { tags, summary: 'Raised risks, newest first (filter by status, account, failure mode)', querystring: riskListQuery, response: { 200: riskList, 400: errorBody } },
  }, async (req) => {
    const page = await register.listRisks(req.query);
    return { items: page.items.map((l) => dto(req, l)), nextCursor: page.nextCursor };
  });

  r.post('/api/accounts/:id/risks', {
    schema: {
      tags, summary: 'Raise a risk on an account (a live risk of the same failure mode is returned with 200 and reused: true)',
      params: idParams, body: riskCreate, response: { 200: raisedRiskCreated, 201: raisedRiskCreated, 400: errorBody, 403: errorBody, 404: errorBody },
    },
  }, async (req, reply) => {
    const a = await services.accounts.get(req.params.id);
    if (!a) throw new AppError('account.not_found');
    if (!can(principalOf(req), 'update', { type: 'account', account: a })) throw new AppError('auth.forbidden');
    const { reused, arrAtRiskBasis, loaded } = await register.raise(req.params.id, req.body, actor(req));
    return reply.status(reused ? 200 : 201).send({ ...dto(req, loaded), reused, arrAtRiskBasis });
  });

  r.patch('/api/account-risks/:id', {
    schema: { tags, summary: 'Change status (open, mitigating, resolved, accepted), note, ARR at risk or owner team', params: idParams, body: riskPatch, response: { 200: raisedRisk, 400: errorBody, 403: errorBody, 404: errorBody, 409: errorBody } },
  }, async (req) => {
    const l = await loadRisk(req.params.id);
    guard(req)(l);
    return dto(req, await register.update(l, req.body, actor(req)));
  });

  r.post('/api/account-risks/:id/start-playbook', {
    schema: {
      tags, summary: "Start the failure mode's playbook on the account; the risk links the run and moves to mitigating",
      params: idParams, response: { 200: startedRun, 201: startedRun, 403: errorBody, 404: errorBody, 409: errorBody },
    },
  }, async (req, reply) => {
    const { runId, reused, loaded } = await register.startPlaybook(req.params.id, actor(req), guard(req));
    return reply.status(reused ? 200 : 201).send({ runId, reused, risk: dto(req, loaded) });
  });
}
