import { z } from 'zod';
import { email, jsonObject, queryInt, text } from '../http/zod.js';

export const CONTACT_ROLES = ['champion', 'executive_sponsor', 'admin', 'user'] as const;

export const contactInput = z.object({
  accountId: z.uuid().nullable(),
  name: text().trim().max(200).nullish(),
  email: email().nullish(),
  title: text().trim().max(200).nullish(),
  role: z.enum(CONTACT_ROLES).nullish(),
  phone: text().trim().max(50).nullish(),
  externalId: text().trim().min(1).max(200).nullish().describe('The Segment userId of this person'),
  custom: jsonObject().optional(),
});
export type ContactInput = z.infer<typeof contactInput>;
export const contactCreate = contactInput.refine((v) => Boolean(v.name || v.email), { message: 'Give a name or an e-mail address', path: ['name'] });
export const contactPatch = contactInput.extend({
  active: z.boolean().describe('false: the person left (deactivated_at is set, kept in history); true: back again'),
}).partial().refine((v) => Object.keys(v).length > 0, 'Send at least one field');
export type ContactPatch = z.infer<typeof contactPatch>;

export const contact = z.object({
  id: z.uuid(),
  accountId: z.uuid().nullable(),
  externalId: z.string().nullable(),
  email: z.string().nullable(),
  name: z.string().nullable(),
  title: z.string().nullable(),
  role: z.enum(CONTACT_ROLES).nullable(),
  phone: z.string().nullable(),
  custom: z.record(z.string(), z.unknown()),
  lastSeenAt: z.string().nullable(),
  active: z.boolean(),
  deactivatedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Contact = z.infer<typeof contact>;

export const contactListQuery = z.object({
  accountId: z.uuid().optional(),
  search: text().trim().max(200).optional(),
  role: z.enum(CONTACT_ROLES).optional(),
  sort: z.enum(['name', '-name', 'lastSeenAt', '-lastSeenAt']).default('name'),
  cursor: text().max(500).optional(),
  limit: queryInt(1, 200).default(50),
});
export type ContactListQuery = z.infer<typeof contactListQuery>;
