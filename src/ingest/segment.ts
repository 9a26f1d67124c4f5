// The Segment HTTP tracking API spec as pure functions: message schemas, size limits, timestamp
// correction, and how traits map onto accounts and contacts. No I/O here.
import { z } from 'zod';

export const MAX_EVENT_BYTES = 32 * 1024;
export const MAX_BATCH_BYTES = 500 * 1024;
export const MESSAGE_TYPES = ['track', 'identify', 'group', 'page', 'screen', 'alias'] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

// SDKs send ids as strings; some send numbers. Segment stores them as strings.
const id = z.union([z.string().min(1).max(512), z.number()]).transform(String);
const timestamp = z.union([z.iso.datetime({ offset: true, local: true }), z.iso.date()]).describe('ISO 8601');
const object = z.record(z.string(), z.unknown());

const common = {
  messageId: z.string().min(1).max(512).optional(),
  userId: id.nullish(),
  anonymousId: id.nullish(),
  timestamp: timestamp.optional(),
  originalTimestamp: timestamp.optional(),
  sentAt: timestamp.optional(),
  context: object.optional(),
  integrations: object.optional(),
};

function needsIdentity(m: { userId?: string | null | undefined; anonymousId?: string | null | undefined }, ctx: z.RefinementCtx) {
  if (!m.userId && !m.anonymousId) ctx.addIssue({ code: 'custom', path: ['userId'], message: 'userId or anonymousId is required' });
}

export const trackMessage = z.looseObject({ ...common, type: z.literal('track').optional(), event: z.string().min(1).max(200), properties: object.optional() }).superRefine(needsIdentity);
export const identifyMessage = z.looseObject({ ...common, type: z.literal('identify').optional(), traits: object.optional() }).superRefine(needsIdentity);
export const groupMessage = z.looseObject({ ...common, type: z.literal('group').optional(), groupId: id, traits: object.optional() }).superRefine(needsIdentity);
export const pageMessage = z.looseObject({ ...common, type: z.enum(['page', 'screen']).optional(), name: z.string().max(200).nullish(), category: z.string().max(200).nullish(), properties: object.optional() }).superRefine(needsIdentity);
export const aliasMessage = z.looseObject({ ...common, type: z.literal('alias').optional(), previousId: id, userId: id });

export const batchItem = z.discriminatedUnion('type', [
  z.looseObject({ ...common, type: z.literal('track'), event: z.string().min(1).max(200), properties: object.optional() }),
  z.looseObject({ ...common, type: z.literal('identify'), traits: object.optional() }),
  z.looseObject({ ...common, type: z.literal('group'), groupId: id, traits: object.optional() }),
  z.looseObject({ ...common, type: z.literal('page'), name: z.string().max(200).nullish(), properties: object.optional() }),
  z.looseObject({ ...common, type: z.literal('screen'), name: z.string().max(200).nullish(), properties: object.optional() }),
  z.looseObject({ ...common, type: z.literal('alias'), previousId: id, userId: id }),
]).superRefine((m, ctx) => {
  if (m.type !== 'alias') needsIdentity(m, ctx);
});
export const batchBody = z.looseObject({
  batch: z.array(batchItem).min(1).max(10_000),
  sentAt: timestamp.optional(),
  context: object.optional(),
  integrations: object.optional(),
  writeKey: z.string().optional(),
});

export type SegmentMessage = {
  type: MessageType; messageId?: string | undefined; userId?: string | null | undefined; anonymousId?: string | null | undefined;
  timestamp?: string | undefined; originalTimestamp?: string | undefined; sentAt?: string | undefined; context?: Record<string, unknown> | undefined;
  event?: string | undefined; name?: string | null | undefined; groupId?: string | undefined; traits?: Record<string, unknown> | undefined;
  properties?: Record<string, unknown> | undefined; previousId?: string | undefined;
};

/** Indexes (and sizes) of messages whose JSON is over the per-event limit. */
export function oversizedMessages(messages: unknown[]): { index: number; bytes: number }[] {
  const out: { index: number; bytes: number }[] = [];
  messages.forEach((m, index) => {
    const bytes = Buffer.byteLength(JSON.stringify(m));
    if (bytes > MAX_EVENT_BYTES) out.push({ index, bytes });
  });
  return out;
}

/**
 * Segment's clock-skew correction: when the client says when it sent the message (sentAt),
 * the event time is moved by the difference between the server's and the client's clocks:
 * timestamp = receivedAt - (sentAt - originalTimestamp). Without sentAt the client's timestamp
 * is taken as is; without any timestamp the event happened when it was received.
 */
export function eventTime(m: Pick<SegmentMessage, 'timestamp' | 'originalTimestamp' | 'sentAt'>, receivedAt: Date, batchSentAt?: string): Date {
  const original = m.originalTimestamp ?? m.timestamp;
  const sent = m.sentAt ?? batchSentAt;
  if (!original) return receivedAt;
  const originalMs = Date.parse(original);
  if (!sent) return new Date(originalMs);
  return new Date(receivedAt.getTime() - (Date.parse(sent) - originalMs));
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' ? String(v) : null);
const num = (v: unknown): number | null => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
  return Number.isFinite(n) ? n : null;
};
const dateOnly = (v: unknown): string | null => {
  const s = str(v);
  if (!s) return null;
  const t = Date.parse(s);
  return Number.isFinite(t) ? new Date(t).toISOString().slice(0, 10) : null;
};
function rest(traits: Record<string, unknown>, used: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(traits).filter(([k]) => !used.includes(k)));
}

export type AccountTraits = {
  externalId: string; name: string | null; domain: string | null; segment: string | null; stage: string | null;
  arr: number | null; seats: number | null; renewalDate: string | null; custom: Record<string, unknown>;
};
const ACCOUNT_STAGES = new Set(['onboarding', 'adoption', 'renewal', 'churned']);

/** Group traits -> account fields; the traits Canopy has no column for become custom fields. */
export function accountFromGroup(groupId: string, traits: Record<string, unknown> = {}): AccountTraits {
  const stage = str(traits.stage)?.toLowerCase() ?? null;
  const website = str(traits.website);
  return {
    externalId: groupId,
    name: str(traits.name),
    domain: str(traits.domain) ?? (website ? website.replace(/^https?:\/\//, '').replace(/\/.*$/, '') : null),
    segment: str(traits.segment) ?? str(traits.tier),
    stage: stage && ACCOUNT_STAGES.has(stage) ? stage : null,
    arr: num(traits.arr) ?? (num(traits.mrr) !== null ? (num(traits.mrr) ?? 0) * 12 : null),
    seats: (() => { const n = num(traits.seats); return n === null ? null : Math.max(0, Math.round(n)); })(),
    renewalDate: dateOnly(traits.renewalDate ?? traits.renewal_date),
    custom: rest(traits, ['name', 'domain', 'website', 'segment', 'tier', 'stage', 'arr', 'mrr', 'seats', 'renewalDate', 'renewal_date']),
  };
}

export type ContactTraits = {
  externalId: string; email: string | null; name: string | null; title: string | null; phone: string | null; role: string | null;
  groupId: string | null; custom: Record<string, unknown>;
};
const CONTACT_ROLES = new Set(['champion', 'executive_sponsor', 'admin', 'user']);

/** Identify traits -> contact fields (Segment's reserved traits), the rest as custom fields. */
export function contactFromIdentify(userId: string, traits: Record<string, unknown> = {}, context: Record<string, unknown> = {}): ContactTraits {
  const first = str(traits.firstName) ?? str(traits.first_name);
  const last = str(traits.lastName) ?? str(traits.last_name);
  const role = str(traits.role)?.toLowerCase().replace(/[\s-]+/g, '_') ?? null;
  const company = traits.company && typeof traits.company === 'object' ? (traits.company as Record<string, unknown>) : {};
  return {
    externalId: userId,
    email: str(traits.email),
    name: str(traits.name) ?? ([first, last].filter(Boolean).join(' ') || null),
    title: str(traits.title),
    phone: str(traits.phone),
    role: role && CONTACT_ROLES.has(role) ? role : null,
    groupId: str(context.groupId) ?? str(traits.groupId) ?? str(company.id),
    custom: rest(traits, ['email', 'name', 'firstName', 'first_name', 'lastName', 'last_name', 'title', 'phone', 'role', 'groupId']),
  };
}

/** The account key a message names: context.groupId, properties.groupId or properties.accountId, or a group call's groupId. */
export function accountKey(m: SegmentMessage): string | null {
  if (m.type === 'group' && m.groupId) return m.groupId;
  return str(m.context?.groupId) ?? str(m.properties?.groupId) ?? str(m.properties?.accountId) ?? null;
}

/** The event name rolled up for a message: track's event, '$page' or '$screen'; null for the rest. */
export function usageEventName(m: Pick<SegmentMessage, 'type' | 'event'>): string | null {
  if (m.type === 'track') return m.event ?? null;
  if (m.type === 'page') return '$page';
  if (m.type === 'screen') return '$screen';
  return null;
}
