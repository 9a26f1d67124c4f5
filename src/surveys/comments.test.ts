import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type SignedIn, type TestApp } from '../../test/support/app.js';
import { account, apiFor, contact, createSurvey, tokenOf } from './test-support.js';

/**
 * A survey's comments come a page at a time (outside tester: they were cut at 200 without a
 * word): `commentsTotal` counts them all, `nextCommentsCursor` leads to the next page, and paging
 * through gives every comment once, newest first, answers at the same instant included.
 */
let t: TestApp;
let manager: SignedIn;
beforeAll(async () => {
  t = await createTestApp();
  manager = await t.signIn('manager');
});
afterAll(() => t?.close());
const api = apiFor(() => t, () => manager);
type Page = { responses: number; comments: { id: string; comment: string }[]; commentsTotal: number; nextCommentsCursor: string | null };

describe('survey results: comments', () => {
  it('pages through every comment once (total, cursor, ties on the time), the figures unchanged on every page', async () => {
    const acct = await account(t);
    const people = await Promise.all(['Ada', 'Ben', 'Cas', 'Dee', 'Eli', 'Fox'].map((n) => contact(t, acct, `${n} Commenter`)));
    const s = await createSurvey(api);
    expect((await api('POST', `/api/surveys/${s.id}/send`, { contactIds: people })).statusCode).toBe(200);
    for (const [i, c] of people.entries()) {
      const token = await tokenOf(t, c);
      // Five with a comment, one without (not a comment; still an answer).
      const payload = i === 5 ? { score: 9 } : { score: 10 - i, comment: `comment ${i}` };
      const res = await t.app.inject({ method: 'POST', url: `/api/public/surveys/${token}`, payload, remoteAddress: `10.95.0.${i + 1}` });
      expect(res.json()).toMatchObject({ counted: true });
    }
    // Three answers at the very same instant: the page boundary falls among them.
    await t.database.query(`UPDATE survey_responses SET answered_at = '2026-11-30 10:00:00.123456+00' WHERE survey_id = $1 AND comment IN ('comment 1', 'comment 2', 'comment 3')`, [s.id]);

    const seen: string[] = [];
    let cursor: string | null = null;
    const sizes: number[] = [];
    do {
      const url: string = `/api/surveys/${s.id}/results?commentsLimit=2${cursor ? `&commentsCursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await api('GET', url);
      expect(res.statusCode, res.body).toBe(200);
      const page = res.json() as Page;
      expect(page.commentsTotal).toBe(5);
      expect(page.responses).toBe(6);
      sizes.push(page.comments.length);
      seen.push(...page.comments.map((c) => c.comment));
      cursor = page.nextCommentsCursor;
    } while (cursor);
    expect(sizes).toEqual([2, 2, 1]);
    expect([...seen].sort()).toEqual(['comment 0', 'comment 1', 'comment 2', 'comment 3', 'comment 4']);
    const whole = (await api('GET', `/api/surveys/${s.id}/results?commentsLimit=200`)).json() as Page;
    expect(whole.comments.map((c) => c.comment)).toEqual(seen);
    expect(whole.nextCommentsCursor).toBeNull();
    // The default page is 50.
    expect(((await api('GET', `/api/surveys/${s.id}/results`)).json() as Page).comments).toHaveLength(5);
  });

  it('refuses a bad cursor or page size field by field (400, never a 500)', async () => {
    const s = await createSurvey(api);
    for (const [query, field] of [['commentsCursor=WzEsMl0', 'commentsCursor'], ['commentsCursor=%%%', 'commentsCursor'], ['commentsLimit=0', 'commentsLimit'], ['commentsLimit=201', 'commentsLimit'], ['commentsLimit=x', 'commentsLimit']] as const) {
      const res = await api('GET', `/api/surveys/${s.id}/results?${query}`);
      expect(res.statusCode, query).toBe(400);
      // A schema error names the query string (querystring.commentsLimit); a cursor error its parameter.
      expect((res.json() as { fields: { path: string }[] }).fields.map((f) => f.path.replace(/^querystring\./, '')), query).toEqual([field]);
    }
  });
});
