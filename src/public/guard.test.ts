import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/connect.js';
import { createTestDatabase } from '../../test/support/db.js';
import { formKey, issueStamp, issueTrapStamp, judgeSubmission, verifyStamp, type SubmissionInput } from './guard.js';
import { hashToken, newToken } from './token.js';

const KEY = 'k'.repeat(43);
const tokenHash = hashToken(newToken());
const rendered = new Date('2026-03-02T10:00:00Z');
const later = (ms: number) => new Date(rendered.getTime() + ms);

/** A person: the page viewed, the stamp from that page, 20 seconds spent, honeypot left empty. */
const human = (over: Partial<SubmissionInput> = {}): SubmissionInput => ({
  key: KEY, stamp: issueStamp(KEY, tokenHash, rendered), tokenHash, honeypot: '', now: later(20_000),
  viewed: { firstViewedAt: rendered }, stampRequired: true, ...over,
});

describe('judgeSubmission', () => {
  it('accepts a person who viewed the page, took their time and left the honeypot empty', () => {
    expect(judgeSubmission(human())).toEqual({ bot: false, reason: null });
    expect(judgeSubmission(human({ honeypot: undefined }))).toEqual({ bot: false, reason: null });
  });

  it('a filled honeypot field is a bot', () => {
    expect(judgeSubmission(human({ honeypot: 'http://spam.example' }))).toEqual({ bot: true, reason: 'honeypot_field' });
  });

  it("the honeypot page's stamp is a bot (it filled in the hidden form), however long it took", () => {
    const trap = issueTrapStamp(KEY, tokenHash, rendered);
    expect(judgeSubmission(human({ stamp: trap }))).toEqual({ bot: true, reason: 'honeypot_link' });
    expect(judgeSubmission(human({ stamp: trap, stampRequired: false, now: later(3_600_000) }))).toEqual({ bot: true, reason: 'honeypot_link' });
    // Another link's trap stamp is simply forged here.
    expect(judgeSubmission(human({ stamp: issueTrapStamp(KEY, hashToken(newToken()), rendered) }))).toEqual({ bot: true, reason: 'stamp_forged' });
  });

  it('under 3 seconds on the page is a bot; exactly 3 seconds is not', () => {
    expect(judgeSubmission(human({ now: later(2_999) }))).toEqual({ bot: true, reason: 'too_fast' });
    expect(judgeSubmission(human({ now: later(3_000) }))).toEqual({ bot: false, reason: null });
  });

  it("a missing stamp is a bot on the page's form; a JSON answer may come without one (judged by the honeypot field)", () => {
    for (const stamp of [undefined, null, '']) {
      expect(judgeSubmission(human({ stamp }))).toEqual({ bot: true, reason: 'stamp_missing' });
      expect(judgeSubmission(human({ stamp, stampRequired: false, viewed: { firstViewedAt: null } }))).toEqual({ bot: false, reason: null });
      expect(judgeSubmission(human({ stamp, stampRequired: false, honeypot: 'x' }))).toEqual({ bot: true, reason: 'honeypot_field' });
    }
    // A stamp that is sent is checked, JSON or not.
    expect(judgeSubmission(human({ stampRequired: false, now: later(1_000) }))).toEqual({ bot: true, reason: 'too_fast' });
  });

  it('a forged stamp is a bot: another key, another link, an edited time, garbage, or a time in the future', () => {
    const otherKey = issueStamp('x'.repeat(43), tokenHash, rendered);
    const otherLink = issueStamp(KEY, hashToken(newToken()), rendered);
    const good = issueStamp(KEY, tokenHash, rendered);
    const edited = `${rendered.getTime() - 60_000}${good.slice(13)}`;
    const future = issueStamp(KEY, tokenHash, later(10 * 60_000));
    for (const stamp of [otherKey, otherLink, edited, 'not-a-stamp', `${good}x`, future]) {
      expect(judgeSubmission(human({ stamp })), stamp).toEqual({ bot: true, reason: 'stamp_forged' });
    }
  });

  it('a stamp older than 24 hours has expired; 24 hours exactly has not', () => {
    expect(judgeSubmission(human({ now: later(24 * 3_600_000 + 1) }))).toEqual({ bot: true, reason: 'stamp_expired' });
    expect(judgeSubmission(human({ now: later(24 * 3_600_000) }))).toEqual({ bot: false, reason: null });
  });

  it('a page never viewed is a bot', () => {
    expect(judgeSubmission(human({ viewed: { firstViewedAt: null } }))).toEqual({ bot: true, reason: 'not_viewed' });
  });

  it('verifyStamp gives back the issue time of a genuine stamp only', () => {
    expect(verifyStamp(KEY, tokenHash, issueStamp(KEY, tokenHash, rendered))?.toISOString()).toBe(rendered.toISOString());
    expect(verifyStamp(KEY, hashToken('other'), issueStamp(KEY, tokenHash, rendered))).toBeNull();
  });
});

describe('formKey', () => {
  let database: Database;
  let drop: () => Promise<void>;
  beforeAll(async () => ({ database, drop } = await createTestDatabase()));
  afterAll(async () => drop());

  it('is created once, kept, and long enough', async () => {
    const [a, b] = await Promise.all([formKey(database), formKey(database)]);
    expect(a).toBe(b);
    expect(a.length).toBeGreaterThanOrEqual(43);
    expect(await formKey(database)).toBe(a);
  });
});
