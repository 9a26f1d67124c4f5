// The ingest benchmark's load: deterministic, realistic Segment track events (the same rows for
// ingest, COPY and INSERT) and their `events` table rows.
import { ACCOUNTS, BATCH, runStartedAt, TS_HOURS, USERS_PER_ACCOUNT } from './ingest-options.js';

export const EVENT_NAMES = [
  'Report Created', 'Report Exported', 'Dashboard Viewed', 'Invite Sent', 'Integration Connected', 'File Uploaded',
  'Search Performed', 'Comment Added', 'Project Created', 'Settings Updated', 'Alert Configured', 'Workflow Run',
];
export const PLANS = ['free', 'starter', 'pro', 'enterprise'];
export const FEATURES = ['reports', 'dashboards', 'alerts', 'workflows', 'search', 'exports'];
export const BASE_TIME = runStartedAt;

/** A 32-bit hash of (i, salt): cheap, deterministic pseudo-randomness per event. */
export function h32(i: number, salt: number): number {
  let x = (Math.imul(i ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(salt, 0xc2b2ae35)) | 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

export const accountExternalId = (a: number) => `acct-${String(a).padStart(5, '0')}`;
export const userExternalId = (a: number, u: number) => `user-${String(a).padStart(5, '0')}-${u}`;

export type TrackEvent = {
  type: 'track'; messageId: string; event: string; userId: string; anonymousId: string; timestamp: string;
  properties: Record<string, unknown>; context: Record<string, unknown>; integrations: Record<string, unknown>;
};

export function makeEvent(prefix: string, i: number, accounts = ACCOUNTS): TrackEvent {
  const a = h32(i, 1) % accounts;
  const u = h32(i, 2) % USERS_PER_ACCOUNT;
  const ageMs = TS_HOURS === 0 ? h32(i, 3) % 5000 : h32(i, 3) % (TS_HOURS * 3_600_000);
  const feature = FEATURES[h32(i, 5) % FEATURES.length] ?? 'reports';
  return {
    type: 'track',
    messageId: `${prefix}-${i.toString(36)}-${h32(i, 9).toString(16)}`,
    event: EVENT_NAMES[h32(i, 4) % EVENT_NAMES.length] ?? 'Report Created',
    userId: userExternalId(a, u),
    anonymousId: `anon-${h32(a * USERS_PER_ACCOUNT + u, 6).toString(16)}`,
    timestamp: new Date(BASE_TIME - 1000 - ageMs).toISOString(),
    properties: { feature, plan: PLANS[a % PLANS.length], durationMs: h32(i, 7) % 5000, items: h32(i, 8) % 50, source: 'web' },
    context: {
      groupId: accountExternalId(a),
      library: { name: 'analytics-node', version: '2.1.0' },
      ip: `203.0.113.${a % 250}`,
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36',
      page: { path: `/app/${feature}`, url: `https://app.example.com/app/${feature}` },
    },
    integrations: {},
  };
}
export const eventsOfBatch = (prefix: string, b: number, total: number, accounts = ACCOUNTS): TrackEvent[] => {
  const out: TrackEvent[] = [];
  for (let i = b * BATCH; i < Math.min((b + 1) * BATCH, total); i++) out.push(makeEvent(prefix, i, accounts));
  return out;
};

// The columns the ingest path writes into `events` (src/ingest/store.ts insertMessages).
export const EVENT_COLUMNS = [
  'write_key_id', 'message_id', 'type', 'event', 'user_id', 'anonymous_id', 'group_id', 'account_id',
  'properties', 'context', 'ts', 'sent_at', 'received_at',
];
export function eventRow(ev: TrackEvent, writeKeyId: string, accountIds: Map<string, string>, sentAt: string, receivedAt: string): unknown[] {
  const group = ev.context.groupId as string;
  return [
    writeKeyId, ev.messageId, ev.type, ev.event, ev.userId, ev.anonymousId, group, accountIds.get(group) ?? null,
    ev.properties, ev.context, ev.timestamp, sentAt, receivedAt,
  ];
}
