import { describe, expect, it } from 'vitest';
import { accountKey, batchBody, batchItem, oversizedMessages, trackMessage, usageEventName, MAX_EVENT_BYTES } from './segment.js';
import { resolveEventTime } from './times.js';
import { accountFromGroup, contactFromIdentify } from './traits.js';

const eventTime = (m: Parameters<typeof resolveEventTime>[0], received: Date, batchSentAt?: string) => resolveEventTime(m, received, batchSentAt).ts;

describe('eventTime (Segment clock-skew correction)', () => {
  const received = new Date('2026-11-22T12:00:10.000Z');
  it('moves the client timestamp by the client/server clock difference when sentAt is given', () => {
    // client clock is 1 hour behind: it says it sent at 11:00:05 what happened at 11:00:00
    const t = eventTime({ timestamp: '2026-11-22T11:00:00.000Z', sentAt: '2026-11-22T11:00:05.000Z' }, received);
    expect(t.toISOString()).toBe('2026-11-22T12:00:05.000Z');
  });
  it('uses the batch sentAt when the message has none', () => {
    const t = eventTime({ timestamp: '2026-11-22T11:00:00.000Z' }, received, '2026-11-22T11:00:10.000Z');
    expect(t.toISOString()).toBe('2026-11-22T12:00:00.000Z');
  });
  it('takes the timestamp as is without sentAt, and receivedAt without any timestamp', () => {
    expect(eventTime({ timestamp: '2026-11-01T08:00:00+02:00' }, received).toISOString()).toBe('2026-11-01T06:00:00.000Z');
    expect(eventTime({}, received).toISOString()).toBe(received.toISOString());
  });
  it('prefers originalTimestamp over timestamp', () => {
    const t = eventTime({ originalTimestamp: '2026-11-22T10:00:00Z', timestamp: '2026-11-22T09:00:00Z' }, received);
    expect(t.toISOString()).toBe('2026-11-22T10:00:00.000Z');
  });
});

describe('validation', () => {
  it('requires event and an identity on track', () => {
    expect(trackMessage.safeParse({ userId: 'u1' }).success).toBe(false);
    expect(trackMessage.safeParse({ event: 'Signed Up' }).success).toBe(false);
    expect(trackMessage.safeParse({ event: 'Signed Up', anonymousId: 'a1' }).success).toBe(true);
  });
  it('coerces numeric ids to strings', () => {
    const r = trackMessage.safeParse({ event: 'X', userId: 42 });
    expect(r.success && r.data.userId).toBe('42');
  });
  it('checks only the envelope of a batch; each message is validated on its own', () => {
    expect(batchBody.safeParse({ batch: [{ type: 'track', event: 'A', userId: 'u' }, { type: 'group', userId: 'u' }] }).success).toBe(true);
    expect(batchBody.safeParse({ batch: 'nope' }).success).toBe(false);
    expect(batchBody.safeParse([]).success).toBe(false);
    expect(batchItem.safeParse({ type: 'group', userId: 'u' }).success).toBe(false);
  });
  it('rejects an unknown type; leaves times to resolveEventTime', () => {
    expect(batchItem.safeParse({ type: 'purchase', userId: 'u' }).success).toBe(false);
    expect(trackMessage.safeParse({ event: 'A', userId: 'u', timestamp: 'yesterday' }).success).toBe(true);
  });
  it('finds messages over 32 KB', () => {
    const big = { type: 'track', event: 'A', userId: 'u', properties: { blob: 'x'.repeat(MAX_EVENT_BYTES) } };
    expect(oversizedMessages([{ type: 'track' }, big]).map((o) => o.index)).toEqual([1]);
  });
});

describe('trait mapping', () => {
  it('maps group traits to account fields and keeps the rest as custom fields', () => {
    const a = accountFromGroup('acme', { name: 'Acme', website: 'https://acme.io/home', plan: 'pro', mrr: '1000', seats: 25, stage: 'Adoption', industry: 'Retail' });
    expect(a).toMatchObject({ externalId: 'acme', name: 'Acme', domain: 'acme.io', arr: 12000, seats: 25, stage: 'adoption', issues: [] });
    expect(a.custom).toEqual({ plan: 'pro', industry: 'Retail' });
  });
  it('maps identify traits, joining first and last names, and finds the account in context', () => {
    const c = contactFromIdentify('u1', { firstName: 'Ada', lastName: 'Lovelace', email: 'ada@acme.io', role: 'Executive Sponsor', plan: 'x' }, { groupId: 'acme' });
    expect(c).toMatchObject({ name: 'Ada Lovelace', email: 'ada@acme.io', role: 'executive_sponsor', groupId: 'acme' });
    expect(c.custom).toEqual({ plan: 'x' });
  });
});

describe('accountKey and usageEventName', () => {
  it('looks in context.groupId, then properties.groupId, then properties.accountId', () => {
    expect(accountKey({ type: 'track', context: { groupId: 'c' }, properties: { groupId: 'p' } })).toBe('c');
    expect(accountKey({ type: 'track', properties: { accountId: 'acc' } })).toBe('acc');
    expect(accountKey({ type: 'track' })).toBeNull();
    expect(accountKey({ type: 'group', groupId: 'g' })).toBe('g');
  });
  it('rolls up track by event name and page/screen under $page/$screen', () => {
    expect(usageEventName({ type: 'track', event: 'Login' })).toBe('Login');
    expect(usageEventName({ type: 'page' })).toBe('$page');
    expect(usageEventName({ type: 'identify' })).toBeNull();
  });
});
