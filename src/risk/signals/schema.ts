import { z } from 'zod';
import { dateTime, text } from '../../http/zod.js';
import { SIGNAL_SOURCES, type SignalFamily } from './types.js';

/** Request and response shapes of the signals API (docs/design/issue-12-contract.md). */
const family = z.enum(['usage', 'relationship', 'sentiment', 'support', 'delivery', 'commercial', 'engagement', 'other'] as const satisfies readonly SignalFamily[]);
const strength = z.number().min(0.001).max(0.999).describe('The probability that this fact alone precedes a loss (0.001–0.999)');
const halfLifeDays = z.number().int().min(1).max(3650);
const decayFrom = z.enum(['end', 'start']);
const params = z.record(text().max(100), z.unknown()).describe('Per kind (validated strictly: an unknown key or a wrong type is refused, naming the field)');

export const evidence = z.object({
  summary: z.string(),
  facts: z.record(z.string(), z.unknown()).optional(),
  refs: z.array(z.object({ type: z.string(), id: z.string(), label: z.string().optional() })).optional(),
});

export const definition = z.object({
  id: z.uuid(), kind: z.string(), family, label: z.string(), description: z.string(), source: z.enum(['detector', 'external']),
  params: z.record(z.string(), z.unknown()), strength: z.number(), halfLifeDays: z.number().int(), decayFrom, enabled: z.boolean(),
  builtin: z.boolean(), updatedAt: z.string(),
});

export const definitionCreate = z.strictObject({
  kind: text().regex(/^[a-z][a-z0-9_]{1,62}$/, 'lowercase letters, digits and _ (2–63), starting with a letter'),
  family,
  label: text().trim().min(1).max(200),
  description: text().max(2000).default(''),
  strength,
  halfLifeDays,
  decayFrom: decayFrom.default('end'),
});
export type DefinitionCreate = z.infer<typeof definitionCreate>;

export const definitionPatch = z.strictObject({
  label: text().trim().min(1).max(200).optional(),
  description: text().max(2000).optional(),
  params: params.optional(),
  strength: strength.optional(),
  halfLifeDays: halfLifeDays.optional(),
  decayFrom: decayFrom.optional(),
  enabled: z.boolean().optional(),
  family: family.optional(),
});
export type DefinitionPatch = z.infer<typeof definitionPatch>;

const dryRunAccount = z.object({ accountId: z.uuid(), name: z.string(), evidence });
export const dryRunResult = z.object({
  now: z.object({ accounts: z.number().int() }),
  proposed: z.object({ accounts: z.number().int() }),
  added: z.array(dryRunAccount).describe('Accounts that would gain the signal (at most 100)'),
  removed: z.array(dryRunAccount).describe('Accounts that would lose it (at most 100; evidence is the current one)'),
  sample: z.array(dryRunAccount).describe('A few accounts that would have it, with their evidence'),
});

export const signal = z.object({
  id: z.uuid(), accountId: z.uuid(), kind: z.string(), family, label: z.string(), strength: z.number(), effective: z.number(),
  startedAt: z.string(), endedAt: z.string().nullable(), evidence,
  source: z.enum(SIGNAL_SOURCES).describe("'computed' (detected by Canopy from the book's data), 'manual' (raised by a person), 'rule', 'api' (another system), 'imported' (history from before Canopy watched the account)"),
  note: z.string().nullable(), raisedBy: z.object({ id: z.string(), name: z.string() }).nullable(),
  withdrawnAt: z.string().nullable().optional().describe('Set when withdrawn (raised by mistake): the signal never counted; endedAt equals startedAt'),
  contribution: z.number().describe('Points of risk score this signal adds; 0 here: the account risk (GET /api/accounts/:id/risk) apportions the score'),
});

export const signalCreate = z.strictObject({
  accountId: z.uuid(),
  kind: text().max(100),
  strength: strength.optional(),
  note: text().trim().max(5000).nullable().optional(),
  startedAt: dateTime().optional().describe('When the fact began (default now; not in the future, not more than 730 days ago)'),
});
export type SignalCreate = z.infer<typeof signalCreate>;

export const signalPatch = z.union([
  z.strictObject({
    ended: z.literal(true).describe('Resolve the signal (manual, rule and API signals only): it was real and was dealt with; it fades over its half-life'),
    note: text().trim().max(5000).nullable().optional(),
  }),
  z.strictObject({
    withdrawn: z.literal(true).describe('Withdraw the signal (manual, rule and API signals only): it was raised by mistake and no longer counts at all'),
    note: text().trim().max(5000).nullable().optional(),
  }),
]);
export type SignalPatch = z.infer<typeof signalPatch>;
