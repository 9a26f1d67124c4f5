// The risk API's shapes (docs/design/issue-12-contract.md): request validation and the OpenAPI document.
import { z } from 'zod';
import { queryInt, text } from '../http/zod.js';
import { SIGNAL_FAMILIES } from './signals/types.js';

export const riskLevel = z.enum(['low', 'medium', 'high', 'critical']);
const family = z.enum(SIGNAL_FAMILIES as unknown as [string, ...string[]]);
const person = z.object({ id: z.string(), name: z.string() });

export const evidence = z.object({
  summary: z.string(),
  facts: z.record(z.string(), z.unknown()).optional(),
  refs: z.array(z.object({ type: z.string(), id: z.string(), label: z.string().optional() })).optional(),
});

export const signal = z.object({
  id: z.string(), accountId: z.string(), kind: z.string(), family, label: z.string(),
  strength: z.number().describe('The probability this fact alone precedes a loss (calibrated or default)'),
  effective: z.number().describe('Strength after decay when the risk was computed'),
  startedAt: z.string(), endedAt: z.string().nullable(), evidence, source: z.enum(['computed', 'manual', 'rule', 'api', 'imported']),
  note: z.string().nullable(), raisedBy: person.nullable(),
  contribution: z.number().int().describe('Points of the score; the contributions of an account add up to its score'),
});

export const judgment = z.object({ level: z.enum(['low', 'medium', 'high']), note: z.string(), by: person.nullable(), at: z.string() });
export const judgmentInput = z.object({
  level: z.enum(['low', 'medium', 'high']),
  note: text().trim().min(1).max(5000),
}).strict();

const failureModeRef = z.object({
  id: z.string(), key: z.string().nullable(), name: z.string(), playbook: person.nullable(), matchedKinds: z.array(z.string()),
});

export const riskResponse = z.object({
  accountId: z.string(),
  score: z.number().int().min(0).max(100),
  level: riskLevel,
  probability: z.number().min(0).max(1),
  model: z.object({ kind: z.enum(['default', 'calibrated']), outcomes: z.number().int() }),
  computedAt: z.string().nullable().describe('null: not computed yet (score 0, no signals)'),
  signals: z.array(signal),
  families: z.array(z.object({ family, probability: z.number() })),
  judgment: judgment.nullable().describe("The CSM's own judgment: shown beside the model, never mixed into it"),
  failureModes: z.array(failureModeRef),
  risks: z.array(z.record(z.string(), z.unknown())).describe('Raised risks, open and mitigating (the register)'),
  healthComputedAt: z.string().nullable(),
  canEdit: z.boolean(),
});

export const historyQuery = z.object({ days: queryInt(1, 3650).default(180) });
export const historyResponse = z.object({
  changes: z.array(z.object({ id: z.string(), at: z.string(), fromScore: z.number().int().nullable(), toScore: z.number().int(), fromLevel: riskLevel.nullable(), toLevel: riskLevel })),
  signals: z.array(signal),
});

export const radarQuery = z.object({
  cursor: text().max(500).optional(),
  limit: queryInt(1, 200).default(50),
  level: riskLevel.optional(),
  ownerId: z.union([z.uuid(), z.literal('none')]).optional(),
  teamId: z.uuid().optional(),
  segment: text().max(200).optional(),
  renewalWithinDays: queryInt(0, 3650).optional(),
  acted: z.enum(['true', 'false']).optional(),
});
export const radarResponse = z.object({
  items: z.array(z.object({
    account: z.object({ id: z.string(), name: z.string(), arr: z.number(), renewalDate: z.string().nullable(), owner: person.nullable(), segment: z.string().nullable() }),
    score: z.number().int(), level: riskLevel, probability: z.number(), arrAtRisk: z.number().describe('ARR × probability'),
    topSignals: z.array(signal).max(3), acted: z.boolean().describe('An open task, a running playbook, or an activity since the top signal started'),
    lastActionAt: z.string().nullable(), judgment: judgment.nullable(),
  })),
  nextCursor: z.string().nullable(),
  total: z.number().int(),
});

export const summaryResponse = z.object({
  levels: z.array(z.object({ level: riskLevel, accounts: z.number().int(), arr: z.number() })),
  arrAtRisk: z.number(),
  model: z.object({ withinFamilyShare: z.number(), outcomes: z.number().int(), calibratedKinds: z.number().int(), minOutcomes: z.number().int() }),
});

const aucOf = z.object({ auc: z.number().nullable(), low: z.number().nullable(), high: z.number().nullable() });
export const evaluationQuery = z.object({ leadDays: queryInt(0, 365).default(90) });
export const evaluationResponse = z.object({
  n: z.number().int(), losses: z.number().int(), retained: z.number().int(), leadDays: z.number().int(),
  compound: aucOf, weightedAverage: aucOf, health: aucOf.extend({ n: z.number().int() }),
  verdict: z.string(),
});

export const calibrationResponse = z.object({
  minOutcomes: z.number().int(), minAccountsWith: z.number().int(), outcomes: z.number().int(), priorWeight: z.number(),
  baseRate: z.object({
    outcomes: z.number().nullable().describe('π_s: losses (churned, downgraded) / recorded outcomes'),
    book: z.number().nullable().describe("π_b: accounts lost in the last 365 days / accounts that were customers then; calibrated strengths are shifted from π_s to π_b"),
  }),
  kinds: z.array(z.object({
    kind: z.string(), default: z.number(), calibrated: z.number().nullable(), accountsWith: z.number().int(), lossesWith: z.number().int(),
    leadDays: z.number().int().nullable(), computedAt: z.string().nullable(),
  })),
});
