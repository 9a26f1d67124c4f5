import { describe, expect, it } from 'vitest';
import { alertTask, daysLeft, leadsDue, nextCheckAt, whenText } from './schedule.js';

const now = new Date('2026-12-02T12:00:00Z');
const inDays = (d: number) => new Date(now.getTime() + d * 86_400_000);
const hoursFrom = (d: Date) => (d.getTime() - now.getTime()) / 3_600_000;

describe('nextCheckAt', () => {
  it('daily after a success, weekly while the expiry is far away', () => {
    expect(hoursFrom(nextCheckAt({ now, ok: true, expiresAt: inDays(30), failuresInRow: 0 }))).toBe(24);
    expect(hoursFrom(nextCheckAt({ now, ok: true, expiresAt: inDays(-3), failuresInRow: 0 }))).toBe(24);
    expect(hoursFrom(nextCheckAt({ now, ok: true, expiresAt: inDays(200), failuresInRow: 0 }))).toBe(7 * 24);
    expect(hoursFrom(nextCheckAt({ now, ok: true, expiresAt: null, failuresInRow: 0 }))).toBe(24);
  });
  it('an hour after a failure, doubling per failure in a row, at most a day', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => hoursFrom(nextCheckAt({ now, ok: false, expiresAt: inDays(200), failuresInRow: n })))).toEqual([1, 2, 4, 8, 16, 24]);
  });
});

describe('leadsDue', () => {
  it('nothing outside every lead time', () => {
    expect(leadsDue([60, 30, 7], inDays(61), now, [])).toEqual({ alert: null, record: [] });
  });
  it('alerts the tightest lead crossed once, recording every crossed one', () => {
    expect(leadsDue([60, 30, 7], inDays(45), now, [])).toEqual({ alert: 60, record: [60] });
    expect(leadsDue([60, 30, 7], inDays(5), now, [])).toEqual({ alert: 7, record: [7, 30, 60] });
    expect(leadsDue([60, 30, 7], inDays(25), now, [60])).toEqual({ alert: 30, record: [30] });
    expect(leadsDue([60, 30, 7], inDays(25), now, [60, 30])).toEqual({ alert: null, record: [] });
  });
  it('an expired date is inside every lead', () => {
    expect(leadsDue([60, 30, 7], inDays(-2), now, [60])).toEqual({ alert: 7, record: [7, 30] });
  });
  it('a wider lead crossed after a tighter one was alerted adds no alert (lead times changed)', () => {
    expect(leadsDue([90, 7], inDays(5), now, [7])).toEqual({ alert: null, record: [90] });
  });
});

describe('texts', () => {
  it('days left round up; expired counts back', () => {
    expect(daysLeft(inDays(6.5), now)).toBe(7);
    expect(daysLeft(inDays(-0.5), now)).toBe(0);
    expect(daysLeft(inDays(-3.2), now)).toBe(-3);
    expect(whenText(inDays(7), now)).toBe('expires in 7 days');
    expect(whenText(inDays(0.5), now)).toBe('expires tomorrow');
    expect(whenText(inDays(-0.2), now)).toBe('expired today');
    expect(whenText(inDays(-1.5), now)).toBe('expired 1 day ago');
  });
  it('a domain or certificate is a call; the rest a to-do', () => {
    expect(alertTask({ kind: 'domain', label: 'Main domain', target: 'example.com', accountName: 'Acme', expiresAt: inDays(7) }, now))
      .toEqual({ kind: 'call', title: 'Call Acme: their domain example.com expires in 7 days' });
    expect(alertTask({ kind: 'tls', label: 'Shop', target: 'shop.example.com', accountName: 'Acme', expiresAt: inDays(-2) }, now))
      .toEqual({ kind: 'call', title: 'Call Acme: their TLS certificate for shop.example.com expired 2 days ago' });
    expect(alertTask({ kind: 'contract', label: 'Master agreement', target: null, accountName: 'Acme', expiresAt: inDays(30) }, now))
      .toEqual({ kind: 'todo', title: 'Acme: contract “Master agreement” expires in 30 days' });
  });
});
