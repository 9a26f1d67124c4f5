import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, unique, type SignedIn, type TestApp } from '../../test/support/app.js';
import { SYSTEM_ACTOR } from '../auth/principal.js';
import { measure, type MeasuredDriver } from './metrics.js';
import { measureDays } from './metrics-days.js';
import type { DriverSource } from './schema.js';

/**
 * The survey_metric driver source (issue 11): NPS, CSAT, response rate and detractor share of an
 * account's answers over a window, from people's answers only, with exact past values (an answer
 * given later is not seen by an earlier day), day by day the same in measure() and measureDays().
 */
let t: TestApp;
let manager: SignedIn;
const DAY = 86_400_000;
const at = (daysAgo: number) => new Date(Date.now() - daysAgo * DAY);
const dayOf = (daysAgo: number) => at(daysAgo).toISOString().slice(0, 10);

beforeAll(async () => {
  t = await createTestApp();
  manager = await t.signIn('manager');
});
afterAll(() => t?.close());

async function survey(kind: 'nps' | 'csat' | 'ces') {
  const { rows: [s] } = await t.database.query<{ id: string }>(
    `INSERT INTO surveys (name, kind, question, email_subject, email_intro) VALUES ($1, $2, 'q', 's', '') RETURNING id`, [unique(kind), kind]);
  return s?.id ?? '';
}
/** A recipient sent `sentDaysAgo`, answered (by a person, or a bot) `answeredDaysAgo` with `score`. */
async function asked(accountId: string, surveyId: string, sentDaysAgo: number, answer?: { score: number; daysAgo: number; bot?: boolean }) {
  const contactId = (await t.app.services.contacts.create({ accountId, name: unique('c'), email: `${unique('c')}@example.test` }, SYSTEM_ACTOR)).id;
  const { rows: [r] } = await t.database.query<{ id: string }>(
    `INSERT INTO survey_recipients (survey_id, account_id, contact_id, token_hash, sent_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [surveyId, accountId, contactId, unique('hash'), at(sentDaysAgo).toISOString()]);
  if (answer) {
    await t.database.query(
      `INSERT INTO survey_responses (survey_id, recipient_id, account_id, contact_id, score, bot, answered_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [surveyId, r?.id, accountId, contactId, answer.score, answer.bot ?? false, at(answer.daysAgo).toISOString()]);
  }
}
const src = (metric: 'nps' | 'csat' | 'response_rate' | 'detractor_share', windowDays: number, surveyKind?: 'nps' | 'csat' | 'ces'): DriverSource =>
  ({ type: 'survey_metric', metric, windowDays, ...(surveyKind ? { surveyKind } : {}) });

describe('driver source survey_metric', () => {
  it('measures NPS, CSAT, response rate and detractor share over the window, from people only, as of any past day', async () => {
    const acct = (await t.app.services.accounts.create({ name: unique('sv'), stage: 'onboarding' }, SYSTEM_ACTOR)).id;
    await t.database.query(`UPDATE accounts SET first_activity_at = now() - interval '120 days' WHERE id = $1`, [acct]);
    const nps = await survey('nps');
    const csat = await survey('csat');
    await asked(acct, nps, 80, { score: 10, daysAgo: 79 });
    await asked(acct, nps, 40, { score: 3, daysAgo: 38 });
    await asked(acct, nps, 40, { score: 9, daysAgo: 10 });
    await asked(acct, nps, 40); // never answered
    await asked(acct, nps, 40, { score: 0, daysAgo: 39, bot: true }); // a bot: never counted
    await asked(acct, csat, 20, { score: 5, daysAgo: 19 });
    await asked(acct, csat, 20, { score: 2, daysAgo: 18 });

    const drivers: MeasuredDriver[] = [
      { key: 'nps90', source: src('nps', 90), trend: false },
      { key: 'nps30', source: src('nps', 30), trend: false },
      { key: 'csat', source: src('csat', 60), trend: false },
      { key: 'rate', source: src('response_rate', 60, 'nps'), trend: false },
      { key: 'rateAll', source: src('response_rate', 60), trend: false },
      { key: 'det', source: src('detractor_share', 90), trend: false },
      { key: 'detCsat', source: src('detractor_share', 90, 'csat'), trend: false },
    ];
    const [now] = await measure(t.database, drivers, { ids: [acct] }, dayOf(0));
    const v = (key: string) => now?.raw.get(key)?.current;
    expect(v('nps90')).toBe(33.3); // 10, 3, 9: two promoters, one detractor of three (the bot's 0 not counted)
    expect(v('nps30')).toBe(100); // only the 9 of 10 days ago
    expect(v('csat')).toBe(50); // 5 and 2
    expect(v('rate')).toBe(50); // sent within 60 days: four, two answered by people (the bot's does not count)
    expect(v('rateAll')).toBe(66.7); // + two CSAT sends, both answered: 4 of 6
    expect(v('det')).toBe(33.3);
    expect(v('detCsat')).toBe(50);

    // As of 30 days ago the 9 had not been given: NPS of (3) over 30 days, of (10, 3) over 90.
    const [then] = await measure(t.database, drivers, { ids: [acct] }, dayOf(30));
    expect(then?.raw.get('nps30')?.current).toBe(-100);
    expect(then?.raw.get('nps90')?.current).toBe(0);
    expect(then?.raw.get('rate')?.current).toBe(40); // five sent in the 60 days before; two answered by then (not yet the 9)
    expect(then?.raw.get('csat')?.current).toBeNull(); // no CSAT answer yet: no data, not zero

    const days = await measureDays(t.database, drivers, { ids: [acct] }, dayOf(60), dayOf(1));
    expect(days).toHaveLength(60);
    for (const { day, measurements } of days) {
      const [want] = await measure(t.database, drivers, { ids: [acct] }, day);
      for (const d of drivers) expect([day, d.key, measurements[0]?.raw.get(d.key)?.current]).toEqual([day, d.key, want?.raw.get(d.key)?.current]);
    }
  });

  it('is offered in the catalogue and refuses a survey kind that contradicts the metric', async () => {
    const cat = (await t.app.inject({ method: 'GET', url: '/api/drivers/catalog', headers: manager.headers })).json() as { sources: { type: string; available: boolean }[] };
    expect(cat.sources.find((s) => s.type === 'survey_metric')).toMatchObject({ available: true });
    const bad = await t.app.inject({
      method: 'POST', url: '/api/drivers', headers: manager.headers,
      payload: { key: 'nps_csat', name: 'x', source: { type: 'survey_metric', metric: 'nps', windowDays: 90, surveyKind: 'csat' }, scoring: { type: 'bands', direction: 'higher_is_better', thresholds: [{ value: 0, score: 100 }] }, stageWeights: { onboarding: 1 } },
    });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json())).toContain('source.surveyKind');
    const tooLong = await t.app.inject({
      method: 'POST', url: '/api/drivers', headers: manager.headers,
      payload: { key: 'nps_long', name: 'x', source: { type: 'survey_metric', metric: 'nps', windowDays: 731 }, scoring: { type: 'bands', direction: 'higher_is_better', thresholds: [{ value: 0, score: 100 }] }, stageWeights: { onboarding: 1 } },
    });
    expect(tooLong.statusCode).toBe(400);
  });
});
