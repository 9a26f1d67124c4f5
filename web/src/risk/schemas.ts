import { z } from 'zod';

/**
 * The risk radar's shapes (issue 12, seed 002), as in docs/design/issue-12-contract.md. Parsed with
 * zod so that a server that drifts from the contract fails loudly in one place, not in a chart.
 */

export const RISK_LEVELS = ['low', 'medium', 'high', 'critical'] as const;
export const riskLevel = z.enum(RISK_LEVELS);
export type RiskLevel = z.infer<typeof riskLevel>;

export const SIGNAL_FAMILIES = ['usage', 'relationship', 'sentiment', 'support', 'delivery', 'commercial', 'engagement', 'other'] as const;
export type SignalFamily = (typeof SIGNAL_FAMILIES)[number];

export const RAISED_STATUSES = ['open', 'mitigating', 'resolved', 'accepted'] as const;
export type RaisedStatus = (typeof RAISED_STATUSES)[number];

const named = z.object({ id: z.string(), name: z.string() });
const num = z.number();

export const evidence = z.object({
  summary: z.string(),
  facts: z.record(z.string(), z.unknown()).optional(),
  refs: z.array(z.object({ type: z.string(), id: z.string(), label: z.string().optional().nullable() })).optional(),
});

export const signal = z.object({
  id: z.string(),
  accountId: z.string().optional(),
  kind: z.string(),
  family: z.string(),
  label: z.string().optional().default(''),
  strength: num,
  effective: num.optional(),
  startedAt: z.string(),
  endedAt: z.string().nullable().optional(),
  evidence: evidence.catch({ summary: '' }),
  source: z.string().optional().default('computed'),
  note: z.string().nullable().optional(),
  raisedBy: named.nullable().optional(),
  contribution: num.optional().default(0),
});

export const failureModeRef = z.object({
  id: z.string(),
  key: z.string().nullable().optional(),
  name: z.string(),
  playbook: named.nullable().optional(),
  matchedKinds: z.array(z.string()).optional().default([]),
});

export const raisedRisk = z.object({
  id: z.string(),
  accountId: z.string(),
  failureMode: failureModeRef.nullable().optional(),
  title: z.string().nullable().optional(),
  status: z.enum(RAISED_STATUSES),
  arrAtRisk: num.nullable().optional(),
  ownerTeam: named.nullable().optional(),
  note: z.string().nullable().optional(),
  signalIds: z.array(z.string()).optional().default([]),
  playbookRun: z.object({ id: z.string(), status: z.string() }).nullable().optional(),
  createdAt: z.string(),
  updatedAt: z.string().optional(),
  canEdit: z.boolean().optional().default(false),
  accountName: z.string().optional(),
  raisedBy: named.nullable().optional(),
  resolvedAt: z.string().nullable().optional(),
});

/** The CSM's own judgment: low, medium or high (the model alone says critical). */
export const JUDGMENT_LEVELS = ['low', 'medium', 'high'] as const;
export const judgment = z.object({ level: riskLevel, note: z.string().nullable().optional(), by: named.nullable().optional(), at: z.string() });

export const modelInfo = z.object({ kind: z.enum(['default', 'calibrated']), outcomes: num });

export const accountRisk = z.object({
  accountId: z.string().optional(),
  score: num,
  level: riskLevel,
  probability: num,
  model: modelInfo.optional(),
  computedAt: z.string().nullable().optional(),
  signals: z.array(signal),
  families: z.array(z.object({ family: z.string(), probability: num })).optional().default([]),
  judgment: judgment.nullable().optional(),
  failureModes: z.array(failureModeRef).optional().default([]),
  risks: z.array(raisedRisk).optional().default([]),
  healthComputedAt: z.string().nullable().optional(),
  canEdit: z.boolean().optional().default(false),
});

export const radarItem = z.object({
  account: z.object({
    id: z.string(),
    name: z.string(),
    arr: num.nullable().optional(),
    renewalDate: z.string().nullable().optional(),
    owner: named.nullable().optional(),
    segment: z.string().nullable().optional(),
  }),
  score: num,
  level: riskLevel,
  probability: num,
  arrAtRisk: num.nullable().optional(),
  topSignals: z.array(signal).optional().default([]),
  acted: z.boolean(),
  lastActionAt: z.string().nullable().optional(),
  judgment: judgment.nullable().optional(),
});
export const radarPage = z.object({ items: z.array(radarItem), nextCursor: z.string().nullable().optional(), total: num.optional() });

export const riskSummary = z.object({
  levels: z.array(z.object({ level: riskLevel, accounts: num, arr: num })),
  arrAtRisk: num.optional(),
  model: z
    .object({ withinFamilyShare: num.optional(), outcomes: num.optional(), calibratedKinds: num.optional(), minOutcomes: num.optional() })
    .optional(),
});

const auc = z.object({ auc: num.nullable(), low: num.nullable().optional(), high: num.nullable().optional(), n: num.optional() });
export const evaluation = z.object({
  n: num,
  losses: num.optional(),
  retained: num.optional(),
  leadDays: num.optional(),
  compound: auc,
  weightedAverage: auc,
  health: auc,
  verdict: z.string().optional().default(''),
});

/** GET /api/accounts/:id/risk/history (src/risk/schema.ts historyResponse): the recorded moves, newest first, and the signals of the window. */
export const riskChange = z.object({
  id: z.string(),
  at: z.string(),
  fromScore: z.number().nullable(),
  toScore: z.number(),
  fromLevel: riskLevel.nullable(),
  toLevel: riskLevel,
});
export const riskHistory = z.object({ changes: z.array(riskChange), signals: z.array(signal) });

export const signalDefinition = z.object({
  id: z.string(),
  kind: z.string(),
  family: z.string(),
  label: z.string(),
  description: z.string().nullable().optional(),
  source: z.enum(['detector', 'external']),
  params: z.record(z.string(), z.unknown()).optional().default({}),
  strength: num,
  halfLifeDays: num,
  decayFrom: z.enum(['end', 'start']).optional(),
  enabled: z.boolean(),
  builtin: z.boolean().optional(),
  updatedAt: z.string().optional(),
});

const dryRunAccount = z.object({ accountId: z.string(), name: z.string().nullable().optional(), evidence: evidence.nullable().optional() });
export const dryRun = z.object({
  now: z.object({ accounts: num }),
  proposed: z.object({ accounts: num }),
  added: z.array(dryRunAccount),
  removed: z.array(dryRunAccount),
  sample: z.unknown().optional(),
});

export const failureMode = z.object({
  id: z.string(),
  key: z.string().nullable().optional(),
  name: z.string(),
  description: z.string().nullable().optional(),
  signalKinds: z.array(z.object({ kind: z.string(), label: z.string().optional(), family: z.string().optional() })).optional().default([]),
  playbook: named.extend({ archived: z.boolean().optional() }).nullable().optional(),
  ownerTeam: named.nullable().optional(),
  liveRisks: num.optional(),
  archived: z.boolean().optional().default(false),
});
export const failureModeList = z.object({ items: z.array(failureMode), canEdit: z.boolean().optional().default(false) });

export type Evidence = z.infer<typeof evidence>;
export type Signal = z.infer<typeof signal>;
export type FailureModeRef = z.infer<typeof failureModeRef>;
export type RaisedRisk = z.infer<typeof raisedRisk>;
export type Judgment = z.infer<typeof judgment>;
export type AccountRisk = z.infer<typeof accountRisk>;
export type RadarItem = z.infer<typeof radarItem>;
export type RiskSummary = z.infer<typeof riskSummary>;
export type Evaluation = z.infer<typeof evaluation>;
export type Auc = z.infer<typeof auc>;
export type SignalDefinition = z.infer<typeof signalDefinition>;
export type RiskChange = z.infer<typeof riskChange>;
export type RiskHistory = z.infer<typeof riskHistory>;
export type DryRun = z.infer<typeof dryRun>;
export type FailureMode = z.infer<typeof failureMode>;
export type FailureModeList = z.infer<typeof failureModeList>;
