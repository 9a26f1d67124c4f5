// The Segment HTTP tracking API spec as pure functions: message schemas, size limits, and the
// account a message names. Times: times.ts; traits: traits.ts; string repair: sanitize.ts. No I/O here.
import { z } from 'zod';

export const MAX_EVENT_BYTES = 32 * 1024;
export const MAX_BATCH_BYTES = 500 * 1024;
export const MESSAGE_TYPES = ['track', 'identify', 'group', 'page', 'screen', 'alias'] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

// SDKs send ids as strings; some send numbers. Segment stores them as strings.
const id = z.union([z.string().min(1).max(512), z.number()]).transform(String);
// Times are checked by resolveEventTime (times.ts), not here: an unreadable or implausible time
// falls back to receivedAt with a warning instead of failing the event (Segment's rule).
const time = z.unknown().describe('ISO 8601 date-time (without an offset: UTC). Unreadable or implausible times fall back to receivedAt, with a warning.');
const object = z.record(z.string(), z.unknown());

const common = {
  messageId: id.optional(),
  userId: id.nullish(),
  anonymousId: id.nullish(),
  timestamp: time.optional(),
  originalTimestamp: time.optional(),
  sentAt: time.optional(),
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

/** One message of a batch: validated on its own, so a bad one is rejected alone. */
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
export const MAX_BATCH_ITEMS = 10_000;
/**
 * The batch envelope. Only its shape is checked here (an object whose `batch` is an array);
 * each element is validated by `batchItem` on its own, so one bad message is that message's problem.
 */
export const batchBody = z.looseObject({
  batch: z.array(z.unknown().describe('A Segment message: track, identify, group, page, screen or alias, with `type`')).max(MAX_BATCH_ITEMS),
  sentAt: time.optional(),
  // Envelope fields of the wrong type are ignored with a warning, not a 400: the events are still readable.
  context: z.unknown().optional().describe('Merged under each message\'s own context (an object; anything else is ignored)'),
  integrations: z.unknown().optional(),
  writeKey: z.unknown().optional(),
});

export type SegmentMessage = {
  type: MessageType; messageId?: string | undefined; userId?: string | null | undefined; anonymousId?: string | null | undefined;
  timestamp?: unknown; originalTimestamp?: unknown; sentAt?: unknown; context?: Record<string, unknown> | undefined;
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

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' ? String(v) : null);

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
