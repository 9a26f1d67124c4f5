import { describe, expect, it } from 'vitest';
import { surveyCreate } from '../api/schemas';
import { surveyResults, type Survey, type SurveyResults } from '../api/surveys';
import { emptyAudience, sendBody, toggleContact } from './audience';
import { DEFAULT_QUESTION, followKind, formatNps, formatRate, latestMonth, fullDistribution, headline, monthLabel, scoreGroup, skipCounts, skipLabel, sortSurveys } from './logic';

const results = (over: Partial<SurveyResults> = {}): SurveyResults => ({
  responses: 0,
  responseRate: null,
  distribution: [],
  overTime: [],
  comments: [],
  bots: 0,
  ...over,
});

const survey = (id: string, over: Partial<Survey> = {}, stats: Partial<Survey['stats']> = {}): Survey => ({
  id,
  name: id,
  kind: 'nps',
  question: 'q',
  commentPrompt: null,
  emailSubject: 's',
  emailIntro: '',
  throttleDays: 90,
  reminderAfterDays: 5,
  spoonCost: 1,
  archived: false,
  createdAt: '2026-01-01T00:00:00Z',
  ...over,
  stats: { sent: 0, answered: 0, responseRate: null, ...stats },
});

describe('score groups', () => {
  it('splits NPS into detractors 0–6, passives 7–8, promoters 9–10', () => {
    expect([0, 6, 7, 8, 9, 10].map((s) => scoreGroup('nps', s))).toEqual(['detractor', 'detractor', 'passive', 'passive', 'promoter', 'promoter']);
  });
  it('splits CSAT 1–2 / 3 / 4–5 and CES 1–3 / 4 / 5–7', () => {
    expect([1, 2, 3, 4, 5].map((s) => scoreGroup('csat', s))).toEqual(['detractor', 'detractor', 'passive', 'promoter', 'promoter']);
    expect([1, 3, 4, 5, 7].map((s) => scoreGroup('ces', s))).toEqual(['detractor', 'detractor', 'passive', 'promoter', 'promoter']);
  });
});

describe('fullDistribution', () => {
  it('fills every score of the scale, zero where nobody answered, in order', () => {
    const d = fullDistribution('csat', [{ score: 4, count: 3 }, { score: 1, count: 1 }]);
    expect(d.map((x) => [x.score, x.count, x.group])).toEqual([
      [1, 1, 'detractor'],
      [2, 0, 'detractor'],
      [3, 0, 'passive'],
      [4, 3, 'promoter'],
      [5, 0, 'promoter'],
    ]);
    expect(fullDistribution('nps', [])).toHaveLength(11);
    expect(fullDistribution('ces', []).map((x) => x.score)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });
});

describe('headline', () => {
  it('gives the signed NPS with its n, and a dash without answers', () => {
    const h = headline('nps', results({ nps: { score: 32.4, promoters: 5, passives: 2, detractors: 1, n: 8 } }));
    expect(h).toMatchObject({ label: 'NPS', value: '+32', number: 32.4, n: 8 });
    expect(headline('nps', results({ nps: { score: 0, promoters: 0, passives: 0, detractors: 0, n: 0 } }))).toMatchObject({ value: '—', number: null, n: 0 });
    expect(headline('nps', undefined)).toMatchObject({ value: '—', number: null });
  });
  it('gives CSAT as a percentage and CES as a mean with one decimal', () => {
    expect(headline('csat', results({ csat: { score: 84.6, mean: 4.2, n: 13 } }))).toMatchObject({ value: '85%', n: 13 });
    expect(headline('ces', results({ ces: { mean: 5.64, n: 4 } }))).toMatchObject({ value: '5.6', number: 5.64 });
  });
  it('formats negative NPS with a minus sign and zero unsigned', () => {
    expect([formatNps(-8), formatNps(0), formatNps(100), formatNps(null)]).toEqual(['−8', '0', '+100', '—']);
  });
});

describe('followKind', () => {
  it('replaces a default or empty text with the new kind’s default, and keeps what a person wrote', () => {
    expect(followKind(DEFAULT_QUESTION.nps, 'nps', 'csat', DEFAULT_QUESTION)).toBe(DEFAULT_QUESTION.csat);
    expect(followKind('', 'nps', 'ces', DEFAULT_QUESTION)).toBe(DEFAULT_QUESTION.ces);
    expect(followKind('Would you buy us again?', 'nps', 'csat', DEFAULT_QUESTION)).toBe('Would you buy us again?');
  });
});

describe('sortSurveys', () => {
  const rows = [survey('b', {}, { sent: 10, responseRate: 50 }), survey('a', {}, { sent: 3, responseRate: null }), survey('c', {}, { sent: 7, responseRate: 20 })];
  it('sorts by a number either way, surveys without a value last in both', () => {
    expect(sortSurveys(rows, 'rate', new Map()).map((s) => s.id)).toEqual(['c', 'b', 'a']);
    expect(sortSurveys(rows, '-rate', new Map()).map((s) => s.id)).toEqual(['b', 'c', 'a']);
    expect(sortSurveys(rows, '-sent', new Map()).map((s) => s.id)).toEqual(['b', 'c', 'a']);
  });
  it('sorts by the score of the results, and by name', () => {
    const scores = new Map([['a', -10], ['b', null], ['c', 40]]);
    expect(sortSurveys(rows, '-score', scores).map((s) => s.id)).toEqual(['c', 'a', 'b']);
    expect(sortSurveys(rows, 'name', scores).map((s) => s.id)).toEqual(['a', 'b', 'c']);
  });
  it('leaves the order alone for an unknown key', () => {
    expect(sortSurveys(rows, 'bogus', new Map()).map((s) => s.id)).toEqual(['b', 'a', 'c']);
  });
});

describe('skipped recipients', () => {
  it('counts by reason, most common first, and names known reasons in words', () => {
    const skipped = [{ reason: 'throttled' }, { reason: 'no_email' }, { reason: 'throttled' }, { reason: 'weird' }];
    expect(skipCounts(skipped)).toEqual([
      { reason: 'throttled', count: 2 },
      { reason: 'no_email', count: 1 },
      { reason: 'weird', count: 1 },
    ]);
    expect([skipLabel('over_capacity'), skipLabel('weird')]).toEqual(['Over capacity', 'weird']);
  });
});

describe('sendBody', () => {
  const contact = { id: 'c1', name: 'Ann', email: 'a@x.test', accountName: 'X' };
  it('sends chosen contacts by id, and says what is missing without any', () => {
    expect(sendBody(emptyAudience(), { dryRun: true, confirmOverload: false })).toEqual({ missing: 'Choose at least one contact' });
    const a = { ...emptyAudience(), contacts: [contact] };
    expect(sendBody(a, { dryRun: false, confirmOverload: true })).toEqual({ body: { contactIds: ['c1'], dryRun: false, confirmOverload: true } });
  });
  it('refuses a filter without a criterion (the whole book) and sends only the criteria set', () => {
    const f = { ...emptyAudience(), mode: 'filter' as const };
    expect(sendBody(f, { dryRun: true, confirmOverload: false })).toHaveProperty('missing');
    expect(sendBody({ ...f, segment: 'SMB', contactRoles: ['champion'] }, { dryRun: true, confirmOverload: false })).toEqual({
      body: { filter: { segment: 'SMB', contactRoles: ['champion'] }, dryRun: true },
    });
  });
  it('limits the filter to the account when opened from an account', () => {
    expect(sendBody(emptyAudience('acc-1'), { dryRun: true, confirmOverload: false })).toEqual({ body: { filter: { accountIds: ['acc-1'] }, dryRun: true } });
  });
  it('toggles a contact in and out of the chosen list', () => {
    expect(toggleContact([], contact)).toEqual([contact]);
    expect(toggleContact([contact], contact)).toEqual([]);
  });
});

describe('the API schemas', () => {
  it('parses the contract’s results shape and refuses a drifted one with the field’s path', () => {
    const ok = results({ responses: 1, responseRate: 50, nps: { score: 100, promoters: 1, passives: 0, detractors: 0, n: 1 }, overTime: [{ month: '2026-11', score: 100, n: 1 }] });
    expect(surveyResults.parse(ok)).toMatchObject({ responses: 1 });
    const bad = surveyResults.safeParse({ ...ok, distribution: [{ score: '9', count: 1 }] });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(['distribution', 0, 'score']);
  });
  it('validates the form with the API’s own schema, a message per field (throttle in whole days, spoons 0–10)', () => {
    const input = { name: 'Q3', kind: 'nps', question: 'q', commentPrompt: null, emailSubject: 's', emailIntro: '', throttleDays: 90, reminderAfterDays: null, spoonCost: 1 };
    expect(surveyCreate.safeParse(input).success).toBe(true);
    const bad = surveyCreate.safeParse({ ...input, name: ' ', throttleDays: 1.5, spoonCost: 11 });
    expect(bad.error?.issues.map((i) => i.path[0]).sort()).toEqual(['name', 'spoonCost', 'throttleDays']);
  });
});

describe('latestMonth', () => {
  it('names the last month that has answers, in the kind’s format', () => {
    const overTime = [
      { month: '2026-09', score: 20, n: 3 },
      { month: '2026-10', score: -12.4, n: 2 },
      { month: '2026-11', score: null, n: 0 },
    ];
    expect(latestMonth('nps', overTime)).toBe('Oct 2026: −12');
    expect(latestMonth('csat', [{ month: '2026-01', score: 84.6, n: 5 }])).toBe('Jan 2026: 85%');
    expect(latestMonth('ces', [])).toBeNull();
  });
});

describe('formatRate', () => {
  it('writes the API’s 0–100 percentages, one decimal under 10', () => {
    expect([formatRate(42.4), formatRate(7.46), formatRate(100), formatRate(null)]).toEqual(['42%', '7.5%', '100%', '—']);
  });
});

describe('monthLabel', () => {
  it('writes a month in words, and leaves anything else alone', () => {
    expect([monthLabel('2026-03'), monthLabel('2026-12-01'), monthLabel('soon')]).toEqual(['Mar 2026', 'Dec 2026', 'soon']);
  });
});
