import { z } from 'zod';
import { int4, isoDate, money, text } from '../http/zod.js';

/** Requests and responses of subscriptions and ARR history: the one source for validation, types and OpenAPI. */

const day = () => isoDate().describe('YYYY-MM-DD');
const fields = {
  externalId: text().trim().min(1).max(200).nullable().optional().describe('The id in the billing system (unique)'),
  plan: text().trim().min(1).max(200),
  seats: int4().min(0).nullable().optional(),
  arr: money().describe('Annual recurring revenue of this subscription'),
  startsOn: day().describe('First day it runs'),
  endsOn: day().nullable().optional().describe('First day it no longer runs (its renewal day); null: open-ended'),
};
const endsAfter = (v: { startsOn?: string | undefined; endsOn?: string | null | undefined }, ctx: z.RefinementCtx) => {
  if (v.startsOn && v.endsOn && v.endsOn <= v.startsOn) ctx.addIssue({ code: 'custom', path: ['endsOn'], message: 'Must be after startsOn (endsOn is the first day the subscription no longer runs)' });
};

export const subscriptionCreate = z.strictObject({ accountId: z.uuid(), ...fields }).superRefine(endsAfter);
export const subscriptionPatch = z.strictObject({
  externalId: fields.externalId, plan: fields.plan.optional(), seats: fields.seats, arr: fields.arr.optional(), startsOn: fields.startsOn.optional(), endsOn: fields.endsOn,
}).superRefine(endsAfter);

export const subscription = z.object({
  id: z.uuid(), accountId: z.uuid(), externalId: z.string().nullable(), plan: z.string(), seats: z.number().int().nullable(), arr: z.number(),
  startsOn: z.string(), endsOn: z.string().nullable(), source: z.enum(['api', 'import', 'demo']), importId: z.string().nullable(), createdAt: z.string(), updatedAt: z.string(),
});
export const subscriptionList = z.object({ items: z.array(subscription) });

export const arrHistory = z.object({
  items: z.array(z.object({
    validFrom: z.string().describe('ARR, seats and plan hold from this day until the next item'),
    arr: z.number(), seats: z.number().int().nullable(), plan: z.string().nullable(),
    source: z.enum(['subscriptions', 'account', 'outcome', 'backfill']).describe('subscriptions: from the subscriptions; account: a change of the account\'s ARR (or being churned); outcome: a recorded outcome; backfill: from before the history was kept'),
  })),
});
