import { z } from 'zod';
import { isoDate, queryInt, text } from '../http/zod.js';

const ASK_KINDS = ['task', 'survey', 'check_in', 'email'] as const;
const spoons = z.number().int().min(0).max(100);

export const capacitySettings = z.strictObject({
  defaultSpoons: spoons.describe("An account's capacity per period when none is set for it (default 10)"),
  period: z.enum(['week', 'month']).describe('week: Monday 00:00 UTC to the next Monday; month: the calendar month (UTC)'),
});
export type CapacitySettings = z.infer<typeof capacitySettings>;

export const capacityPut = z.strictObject({
  spoons: spoons.nullable().describe("The account's capacity per period; null: the default"),
  note: text().trim().max(2000).nullish().describe('Why (shown with the capacity)'),
  contacts: z.array(z.strictObject({
    contactId: z.uuid(),
    spoons: spoons.nullable().describe("The contact's own capacity per period; null: none (only the account's counts)"),
  })).max(200).optional(),
});
export type CapacityPut = z.infer<typeof capacityPut>;

export const capacityQuery = z.object({
  at: isoDate().optional().describe('A day in the period to show (YYYY-MM-DD); default today'),
});

const person = z.object({ id: z.uuid(), name: z.string() });

export const capacity = z.object({
  period: z.object({ from: z.string().describe('YYYY-MM-DD, inclusive'), to: z.string().describe('YYYY-MM-DD, exclusive'), kind: z.enum(['week', 'month']) }),
  capacity: z.number().int().describe('The spoons for the period after the automatic lowering (never below 0)'),
  base: z.number().int().describe("The account's set capacity, or the default"),
  isDefault: z.boolean().describe('true: no capacity is set for the account; the default applies'),
  note: z.string().nullable(),
  used: z.number().int(),
  left: z.number().int().describe('capacity − used; negative when the period is overloaded'),
  asks: z.array(z.object({
    kind: z.enum(ASK_KINDS), id: z.uuid(), label: z.string(), cost: z.number().int(), at: z.string(),
    contact: person.nullable(), overload: z.boolean().describe('Confirmed although it exceeded what was left'), status: z.string(),
  })),
  given: z.array(z.object({ taskId: z.uuid(), title: z.string(), at: z.string(), status: z.string() })).describe('Spoons given: tasks we do for the customer'),
  reasons: z.array(z.object({ text: z.string(), delta: z.number().int() })).describe('Why the capacity is lower than the base, with the evidence'),
  contacts: z.array(z.object({ contactId: z.uuid(), name: z.string(), capacity: z.number().int(), used: z.number().int(), left: z.number().int() })),
  overloads: z.number().int().describe('Asks confirmed over capacity in the period'),
  canEdit: z.boolean(),
});
export type Capacity = z.infer<typeof capacity>;

export const capacityAccountsQuery = z.object({
  state: z.enum(['over', 'near', 'all']).default('all').describe('over: left < 0, or 0 with an ask confirmed as an overload; near: otherwise at most 2 spoons left; all: both'),
  limit: queryInt(1, 200).default(50),
  cursor: text().max(500).optional().describe('nextCursor of the previous page'),
});
const ask = capacity.shape.asks.element;
export const capacityAccounts = z.object({
  period: z.object({ from: z.string().describe('YYYY-MM-DD, inclusive'), to: z.string().describe('YYYY-MM-DD, exclusive') }),
  items: z.array(z.object({
    accountId: z.uuid(), accountName: z.string(), ownerName: z.string().nullable(), arr: z.number(), state: z.enum(['over', 'near']),
    capacity: z.number().int(), used: z.number().int(), left: z.number().int(), overloads: z.number().int(),
    topAsks: z.array(ask).describe('The costliest asks of the period (at most 3)'),
  })).describe('Least left first, then name'),
  nextCursor: z.string().nullable(),
});
