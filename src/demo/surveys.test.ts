// The demo's surveys (issue 11) on a real database: NPS campaigns a quarter apart and a CSAT survey,
// response rates of 30–50 %, scores that follow health, comments with change and sustain talk, and
// a few automated answers kept apart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type SignedIn, type TestApp } from '../../test/support/app.js';
import { seedDemo } from './seed.js';
import { seedDemoSurveys, type DemoSurveysSummary } from './surveys.js';
import { seedDemoWork } from './work.js';

let t: TestApp;
let manager: SignedIn;
let summary: DemoSurveysSummary;
const now = new Date();

beforeAll(async () => {
  t = await createTestApp();
  await seedDemo(t.database, { accounts: 80, days: 30, seed: 5, now });
  await t.app.services.health.refreshDirty();
  // As `canopy start --demo` loads it (src/main.ts): the work demo's renewal playbook surveys champions first.
  await seedDemoWork(t.config, t.database, { seed: 5, now });
  summary = await seedDemoSurveys(t.config, t.database, { seed: 5, now });
  manager = await t.signIn('manager');
}, 240_000);
afterAll(() => t?.close());

const get = async <T>(url: string) => (await t.app.inject({ method: 'GET', url, headers: manager.headers })).json() as T;
type Results = { responses: number; responseRate: number | null; nps?: { score: number | null }; csat?: { score: number | null }; bots: number; overTime: { month: string; n: number }[];
  comments: { changeTalk: { label: string } }[] };

describe('demo surveys', () => {
  it('has an NPS campaign a quarter over the last year and a CSAT survey, each answered by 30–50 %', async () => {
    const all = await get<{ items: { id: string; name: string; kind: string; stats: { sent: number; responseRate: number | null } }[] }>('/api/surveys');
    const list = { items: all.items.filter((s) => s.name !== 'Renewal readiness (NPS)') };
    expect(list.items.map((s) => s.kind).sort()).toEqual(['csat', 'nps']);
    for (const s of list.items) {
      expect(s.stats.sent, s.kind).toBeGreaterThan(20);
      expect(s.stats.responseRate, s.kind).toBeGreaterThanOrEqual(25);
      expect(s.stats.responseRate, s.kind).toBeLessThanOrEqual(55);
    }
    const { rows: campaigns } = await t.database.query<{ n: number }>(
      `SELECT count(DISTINCT date_trunc('week', r.sent_at))::int AS n FROM survey_recipients r JOIN surveys s ON s.id = r.survey_id WHERE s.kind = 'nps'`);
    expect(campaigns[0]?.n).toBeGreaterThanOrEqual(4);
    const nps = list.items.find((s) => s.kind === 'nps');
    const r = await get<Results>(`/api/surveys/${nps?.id}/results`);
    expect(r.overTime.length).toBeGreaterThanOrEqual(4);
    expect(r.nps?.score).toBe(summary.nps);
    expect(r.bots).toBe(summary.bots);
    expect(summary.bots).toBeGreaterThan(0);
    // Comments carry both change talk and sustain talk.
    const labels = new Set(r.comments.map((c) => c.changeTalk.label));
    expect(labels.has('change')).toBe(true);
    expect(labels.has('sustain')).toBe(true);
  });

  it('scores follow health: healthy accounts give a higher NPS than poor ones', async () => {
    const { rows } = await t.database.query<{ band: string; nps: number }>(
      `SELECT h.band, (100.0 * (count(*) FILTER (WHERE x.score >= 9) - count(*) FILTER (WHERE x.score <= 6)) / count(*))::float8 AS nps
         FROM survey_responses x JOIN surveys s ON s.id = x.survey_id JOIN account_health_effective h ON h.account_id = x.account_id
        WHERE s.kind = 'nps' AND NOT x.bot GROUP BY h.band`);
    const by = new Map(rows.map((x) => [x.band, x.nps]));
    expect(by.get('good') ?? 0).toBeGreaterThan(by.get('poor') ?? 100);
  });

  it('reminded once those who did not answer, and bots never count', async () => {
    const { rows: [u] } = await t.database.query<{ unanswered: number; reminded: number }>(
      `SELECT count(*) FILTER (WHERE answered_at IS NULL)::int AS unanswered, count(*) FILTER (WHERE answered_at IS NULL AND reminded_at IS NOT NULL)::int AS reminded
         FROM survey_recipients r JOIN surveys s ON s.id = r.survey_id WHERE s.name <> 'Renewal readiness (NPS)'`); // the playbook's sends are this week's
    expect(u?.reminded).toBe(u?.unanswered);
    const { rows: [b] } = await t.database.query<{ n: number }>('SELECT count(*)::int AS n FROM survey_responses x JOIN survey_recipients r ON r.id = x.recipient_id WHERE x.bot AND r.answered_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM survey_responses y WHERE y.recipient_id = r.id AND NOT y.bot)');
    expect(b?.n).toBe(0);
  });

  it("respects the 90-day throttle against the renewal playbook's sends, and counts every survey of the book", async () => {
    const { rows: [renewal] } = await t.database.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM survey_recipients r JOIN surveys s ON s.id = r.survey_id WHERE s.name = 'Renewal readiness (NPS)'`);
    expect(renewal?.n, 'the renewal playbook surveyed someone').toBeGreaterThan(0);
    const { rows: [clash] } = await t.database.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM survey_recipients a JOIN survey_recipients b ON b.contact_id = a.contact_id AND b.id <> a.id
        WHERE b.sent_at >= a.sent_at AND b.sent_at - a.sent_at < interval '90 days'`);
    expect(clash?.n).toBe(0);
    const list = await get<{ items: unknown[] }>('/api/surveys');
    expect(list.items).toHaveLength(3);
    expect(summary.surveys).toBe(list.items.length);
  });
});
