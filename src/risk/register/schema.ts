import { z } from 'zod';
import { money, queryInt, text } from '../../http/zod.js';

export const RISK_STATUSES = ['open', 'mitigating', 'resolved', 'accepted'] as const;
export type RiskStatus = (typeof RISK_STATUSES)[number];

const ref = z.object({ id: z.uuid(), name: z.string() });
const signalKind = text().regex(/^[a-z][a-z0-9_]{1,62}$/, 'a signal kind such as usage_drop');
const signalKinds = z.array(signalKind).max(30).describe('Signal kinds that point at this failure mode (each must exist in signal definitions)');

export const failureModeRef = z.object({
  id: z.uuid(), key: z.string().nullable(), name: z.string(), playbook: ref.nullable(), matchedKinds: z.array(z.string()),
});

export const failureMode = z.object({
  id: z.uuid(),
  key: z.string().nullable(),
  name: z.string(),
  description: z.string(),
  signalKinds: z.array(z.object({ kind: z.string(), label: z.string(), family: z.string() })),
  playbook: ref.extend({ archived: z.boolean() }).nullable(),
  ownerTeam: ref.nullable(),
  liveRisks: z.number().int().describe('Raised risks of this mode that are open or mitigating'),
  archived: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type FailureMode = z.infer<typeof failureMode>;
export const failureModeList = z.object({ items: z.array(failureMode), canEdit: z.boolean() });
export const failureModeListQuery = z.object({
  includeArchived: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
});

export const failureModeCreate = z.object({
  key: text().regex(/^[a-z][a-z0-9_]{1,62}$/, 'lower case letters, digits and _, such as budget_cut').optional(),
  name: text().trim().min(1).max(200),
  description: text().max(5000).default(''),
  signalKinds: signalKinds.default([]),
  playbookId: z.uuid().nullable().default(null),
  ownerTeamId: z.uuid().nullable().default(null),
}).strict();
export type FailureModeCreate = z.infer<typeof failureModeCreate>;

export const failureModePatch = z.object({
  name: text().trim().min(1).max(200),
  description: text().max(5000),
  signalKinds,
  playbookId: z.uuid().nullable(),
  ownerTeamId: z.uuid().nullable(),
  archived: z.boolean().describe('Archive instead of delete: raised risks keep their mode'),
}).partial().strict().refine((v) => Object.keys(v).length > 0, 'send at least one field');
export type FailureModePatch = z.infer<typeof failureModePatch>;

export const raisedRisk = z.object({
  id: z.uuid(),
  accountId: z.uuid(),
  accountName: z.string(),
  failureMode: failureModeRef.nullable(),
  title: z.string(),
  status: z.enum(RISK_STATUSES),
  arrAtRisk: z.number().nullable(),
  ownerTeam: ref.nullable(),
  note: z.string().nullable(),
  signalIds: z.array(z.uuid()),
  playbookRun: z.object({ id: z.uuid(), status: z.string() }).nullable(),
  raisedBy: ref.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  resolvedAt: z.string().nullable(),
  canEdit: z.boolean(),
});
export type RaisedRisk = z.infer<typeof raisedRisk>;

export const raisedRiskCreated = raisedRisk.extend({
  reused: z.boolean().describe('true: this mode already had a live risk on the account; that one is returned (200)'),
  arrAtRiskBasis: z.string().nullable().describe('How arrAtRisk was set when it was not sent (account ARR × compound risk probability), or null'),
});

export const riskCreate = z.object({
  failureModeId: z.uuid().optional(),
  title: text().trim().min(1).max(300).optional().describe("Defaults to the failure mode's name"),
  arrAtRisk: money().optional().describe("Defaults to the account's ARR × its compound risk probability"),
  note: text().max(5000).optional(),
  signalIds: z.array(z.uuid()).max(50).optional().describe("Signals of this account that point at the risk"),
}).strict();
export type RiskCreate = z.infer<typeof riskCreate>;

export const riskPatch = z.object({
  status: z.enum(RISK_STATUSES).describe('resolved and accepted set resolvedAt; open and mitigating clear it'),
  note: text().max(5000).nullable(),
  arrAtRisk: money().nullable(),
  ownerTeamId: z.uuid().nullable(),
}).partial().strict().refine((v) => Object.keys(v).length > 0, 'send at least one field');
export type RiskPatch = z.infer<typeof riskPatch>;

export const riskListQuery = z.object({
  status: z.enum([...RISK_STATUSES, 'live']).optional().describe("'live' = open or mitigating"),
  accountId: z.uuid().optional(),
  failureModeId: z.uuid().optional(),
  cursor: text().max(500).optional(),
  limit: queryInt(1, 200).default(50),
});
export type RiskListQuery = z.infer<typeof riskListQuery>;
export const riskList = z.object({ items: z.array(raisedRisk), nextCursor: z.string().nullable() });

export const startedRun = z.object({
  runId: z.uuid(),
  reused: z.boolean().describe('true: the run this risk started is still running; it is returned (200) instead of a second one'),
  risk: raisedRisk,
});
