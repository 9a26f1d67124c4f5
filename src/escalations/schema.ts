import { z } from 'zod';
import { activity } from '../activities/schema.js';
import { queryInt, text } from '../http/zod.js';

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export const ESCALATION_STATUSES = ['open', 'investigating', 'mitigated', 'resolved'] as const;
export const MEMBER_ROLES = ['csm', 'support', 'product', 'engineering', 'exec_sponsor', 'manager'] as const;
export type Severity = (typeof SEVERITIES)[number];
export type EscalationStatus = (typeof ESCALATION_STATUSES)[number];
export type MemberRole = (typeof MEMBER_ROLES)[number];

const memberInput = z.object({ userId: z.uuid(), role: z.enum(MEMBER_ROLES) });
export type MemberInput = z.infer<typeof memberInput>;
const members = z.array(memberInput).max(30).describe('At least two people in at least two roles: never one throat to choke');
const contactIds = z.array(z.uuid()).max(50).describe('Customer contacts involved (of the same account)');

export const escalationCreate = z.object({
  accountId: z.uuid(),
  title: text().trim().min(1).max(300),
  description: text().max(20_000).default(''),
  severity: z.enum(SEVERITIES),
  members,
  contactIds: contactIds.default([]),
});
export type EscalationCreate = z.infer<typeof escalationCreate>;

export const escalationPatch = z
  .object({
    title: text().trim().min(1).max(300),
    description: text().max(20_000),
    severity: z.enum(SEVERITIES),
    status: z.enum(ESCALATION_STATUSES).describe('resolved sets resolvedAt; moving away from resolved reopens it'),
    members: members.describe('Replaces the members (same rule as on create)'),
    contactIds: contactIds.describe('Replaces the contacts'),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, 'send at least one field');
export type EscalationPatch = z.infer<typeof escalationPatch>;

export const escalationListQuery = z.object({
  accountId: z.uuid().optional(),
  status: z.enum([...ESCALATION_STATUSES, 'active']).optional().describe("'active' = not resolved"),
  severity: z.enum(SEVERITIES).optional(),
  mine: z.enum(['true', 'false']).default('false').transform((v) => v === 'true').describe('Only escalations you are a member of'),
  sort: z.enum(['createdAt', '-createdAt', 'updatedAt', '-updatedAt', 'severity', '-severity']).default('-createdAt'),
  cursor: text().max(500).optional(),
  limit: queryInt(1, 200).default(50),
});
export type EscalationListQuery = z.infer<typeof escalationListQuery>;

export const escalation = z.object({
  id: z.uuid(),
  accountId: z.uuid(),
  accountName: z.string(),
  title: z.string(),
  description: z.string(),
  severity: z.enum(SEVERITIES),
  status: z.enum(ESCALATION_STATUSES),
  openedBy: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  members: z.array(z.object({ userId: z.uuid(), name: z.string(), role: z.enum(MEMBER_ROLES) })),
  contacts: z.array(z.object({ id: z.uuid(), name: z.string(), email: z.string().nullable(), role: z.string().nullable() })),
  activityCount: z.number().int(),
  lastActivityAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  resolvedAt: z.string().nullable(),
});
export type Escalation = z.infer<typeof escalation>;

export const escalationDetail = escalation.extend({
  thread: z.array(activity).describe('Activities in this escalation, oldest first'),
  canEdit: z.boolean(),
});

export const escalationList = z.object({ items: z.array(escalation), nextCursor: z.string().nullable() });
