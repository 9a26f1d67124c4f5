// The risk API (issue 12): an account's compound risk with its story, the CSM's judgment beside it,
// its history, the radar, the summary, the evaluation against the rivals, and the calibration.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RouteDeps } from '../http/context.js';
import { actor, principalOf } from '../http/context.js';
import { AppError } from '../http/errors.js';
import { can } from '../auth/policy.js';
import { errorBody } from '../auth/schema.js';
import { recordAuditRaw } from '../audit/record.js';
import { failureModesFor } from './register/index.js';
import { MIN_ACCOUNTS_WITH, MIN_OUTCOMES, PRIOR_WEIGHT } from './calibrate.js';
import { evaluateRisk } from './evaluate.js';
import { DEFAULT_WITHIN_FAMILY_SHARE } from './model.js';
import { type Signal, calibrationTable, contributingSignals, healthComputedAt, insertJudgment, judgments, riskChanges, riskRecords, signalHistory } from './queries.js';
import { openRisks } from './raised.js';
import { baseRates } from './store.js';
import { radar, summary } from './radar.js';
import {
  calibrationResponse, evaluationQuery, evaluationResponse, historyQuery, historyResponse, judgment, judgmentInput, radarQuery, radarResponse, riskResponse, summaryResponse,
} from './schema.js';

const idParams = z.object({ id: z.uuid() });
const tags = ['risk'];

export function riskRoutes(app: FastifyInstance, { services, database }: RouteDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const readable = async (req: FastifyRequest, id: string) => {
    const a = await services.accounts.get(id);
    if (!a || !can(principalOf(req), 'read', { type: 'account', account: a })) throw new AppError('account.not_found');
    return a;
  };

  r.get('/api/accounts/:id/risk', {
    schema: { tags, summary: "The account's compound risk: score, level, probability, each signal's contribution (they add up to the score), the judgment beside it, the failure modes its signals point at", params: idParams, response: { 200: riskResponse, 404: errorBody } },
  }, async (req) => {
    const a = await readable(req, req.params.id);
    const record = (await riskRecords(database, [a.id])).get(a.id) ?? null;
    const [signals, judged, health, risks] = await Promise.all([
      record ? contributingSignals(database, [record]) : Promise.resolve(new Map<string, Signal[]>()),
      judgments(database, [a.id]),
      healthComputedAt(database, a.id),
      openRisks(database, a.id, can(principalOf(req), 'update', { type: 'account', account: a })),
    ]);
    const list = signals.get(a.id) ?? [];
    const failureModes = await failureModesFor(database, [...new Set(list.map((s) => s.kind))]);
    return {
      accountId: a.id, score: record?.score ?? 0, level: record?.level ?? 'low', probability: record?.probability ?? 0,
      model: record?.model ?? { kind: 'default' as const, outcomes: 0 }, computedAt: record?.computedAt ?? null,
      signals: list, families: record?.families ?? [], judgment: judged.get(a.id) ?? null, failureModes, risks,
      healthComputedAt: health, canEdit: can(principalOf(req), 'update', { type: 'account', account: a }),
    };
  });

  r.post('/api/accounts/:id/risk/judgment', {
    schema: { tags, summary: "Record the CSM's own judgment of the account's risk (shown beside the model, never mixed into it)", params: idParams, body: judgmentInput, response: { 201: judgment, 400: errorBody, 403: errorBody, 404: errorBody } },
  }, async (req, reply) => {
    const a = await readable(req, req.params.id);
    const p = principalOf(req);
    if (!can(p, 'update', { type: 'account', account: a })) throw new AppError('auth.forbidden');
    const by = p.kind === 'user' ? p.userId : null;
    const id = await database.transaction(async (tx) => {
      const jid = await insertJudgment(tx, a.id, req.body, by);
      await recordAuditRaw(tx, actor(req), [{ action: 'risk.judgment', objectType: 'account', objectId: a.id, changes: { level: req.body.level, judgmentId: jid } }]);
      return jid;
    });
    const saved = (await judgments(database, [a.id])).get(a.id);
    if (!saved) throw new AppError('account.not_found');
    req.log.debug({ judgmentId: id }, 'risk judgment recorded');
    return reply.status(201).send(saved);
  });

  r.get('/api/accounts/:id/risk/history', {
    schema: { tags, summary: "The account's risk moves and the signals that bore on it over the last `days` days (ended ones too)", params: idParams, querystring: historyQuery, response: { 200: historyResponse, 400: errorBody, 404: errorBody } },
  }, async (req) => {
    const a = await readable(req, req.params.id);
    const now = new Date();
    const [changes, signals] = await Promise.all([riskChanges(database, a.id, req.query.days, now), signalHistory(database, a.id, req.query.days, now)]);
    return { changes, signals };
  });

  r.get('/api/risk/radar', {
    schema: { tags, summary: 'The book ranked by compound risk (score desc, then account id), with ARR at risk, renewal, top signals, owner and whether anyone has acted', querystring: radarQuery, response: { 200: radarResponse, 400: errorBody } },
  }, async (req) => radar(database, req.query));

  r.get('/api/risk/summary', {
    schema: { tags, summary: 'Accounts and ARR per risk level, the ARR at risk, and the model in use', response: { 200: summaryResponse } },
  }, async () => {
    const [s, cal, outcomes] = await Promise.all([
      summary(database), calibrationTable(database), database.query<{ n: number }>('SELECT count(*)::int AS n FROM outcomes'),
    ]);
    return { ...s, model: { withinFamilyShare: DEFAULT_WITHIN_FAMILY_SHARE, outcomes: outcomes.rows[0]?.n ?? 0, calibratedKinds: cal.filter((k) => k.calibrated !== null).length, minOutcomes: MIN_OUTCOMES } };
  });

  r.get('/api/risk/evaluation', {
    schema: { tags, summary: 'Canopy measures itself: AUC of compound risk, of a weighted average of the same signals and of health, leadDays before each recorded outcome, with bootstrap 95 % intervals, n and a verdict', querystring: evaluationQuery, response: { 200: evaluationResponse, 400: errorBody } },
  }, async (req) => evaluateRisk(database, req.query.leadDays));

  r.get('/api/risk/calibration', {
    schema: { tags, summary: "Each signal kind's default strength and its strength measured on the book's outcomes (null below the floor), with the counts", response: { 200: calibrationResponse } },
  }, async () => {
    const [kinds, outcomes, baseRate] = await Promise.all([
      calibrationTable(database), database.query<{ n: number }>('SELECT count(*)::int AS n FROM outcomes'), baseRates(database, new Date()),
    ]);
    return { minOutcomes: MIN_OUTCOMES, minAccountsWith: MIN_ACCOUNTS_WITH, priorWeight: PRIOR_WEIGHT, outcomes: outcomes.rows[0]?.n ?? 0, baseRate, kinds };
  });
}
