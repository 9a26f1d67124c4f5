import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { createTestApp, type SignedIn, type TestApp } from '../../test/support/app.js';
import { account, apiFor, contact, createSurvey, sleep, stampIn, tokenOf } from './test-support.js';

/** The survey API's edges: validation per kind, audiences (filters, rights, empty), dry runs, capacity, archive, CSV. */
let t: TestApp;
let manager: SignedIn;
let csm: SignedIn;

beforeAll(async () => {
  t = await createTestApp();
  manager = await t.signIn('manager');
  csm = await t.signIn('csm');
});
afterAll(() => t?.close());
const api = apiFor(() => t, () => manager);
const recipients = async (surveyId: string) => (await t.database.query<{ contact_id: string }>('SELECT contact_id FROM survey_recipients WHERE survey_id = $1', [surveyId])).rows.map((r) => r.contact_id).sort();

describe('surveys API', () => {
  it('creates with defaults, refuses bad fields field by field, edits and archives; a CSM may not create', async () => {
    const s = await createSurvey(api);
    expect(s).toMatchObject({ kind: 'nps', throttleDays: 90, reminderAfterDays: 5, spoonCost: 1, archived: false, stats: { sent: 0, answered: 0, responseRate: null } });
    const bad = await api('POST', '/api/surveys', { name: '', kind: 'stars', question: 'x', emailSubject: 'y', throttleDays: -1 });
    expect(bad.statusCode).toBe(400);
    const paths = ((bad.json() as { fields: { path: string }[] }).fields).map((f) => f.path).sort();
    expect(paths).toEqual(['kind', 'name', 'throttleDays']);
    expect((await api('POST', '/api/surveys', { name: 'x', kind: 'nps', question: 'q', emailSubject: 's' }, csm)).statusCode).toBe(403);
    expect((await api('PATCH', `/api/surveys/${s.id}`, { kind: 'csat' })).statusCode).toBe(400); // the kind is fixed
    const archived = await api('PATCH', `/api/surveys/${s.id}`, { archived: true, name: 'Old NPS' });
    expect(archived.json()).toMatchObject({ archived: true, name: 'Old NPS' });
    const list = (await api('GET', '/api/surveys')).json() as { items: { id: string }[] };
    expect(list.items.map((i) => i.id)).not.toContain(s.id);
    expect(((await api('GET', '/api/surveys?archived=true')).json() as { items: { id: string }[] }).items.map((i) => i.id)).toContain(s.id);
    const acct = await account(t);
    const send = await api('POST', `/api/surveys/${s.id}/send`, { contactIds: [await contact(t, acct, 'Ann A')] });
    expect(send.statusCode).toBe(409);
    expect(send.json()).toMatchObject({ code: 'survey.archived' });
  });

  it('validates the score per kind: CSAT 1–5, CES 1–7, with a field error', async () => {
    const acct = await account(t);
    const c1 = await contact(t, acct, 'Cat Csat');
    const c2 = await contact(t, acct, 'Ces Person');
    const csat = await createSurvey(api, { kind: 'csat', question: 'How satisfied are you?' });
    const ces = await createSurvey(api, { kind: 'ces', question: 'How easy was it?', throttleDays: 0 });
    await api('POST', `/api/surveys/${csat.id}/send`, { contactIds: [c1] });
    await api('POST', `/api/surveys/${ces.id}/send`, { contactIds: [c2] });
    const [t1, t2] = [await tokenOf(t, c1), await tokenOf(t, c2)];
    const p1 = await t.app.inject({ method: 'GET', url: `/s/${t1}?score=9` });
    expect(p1.body).not.toContain('checked'); // 9 is not on a 1–5 scale: nothing pre-selected
    expect((p1.body.match(/type="radio"/g) ?? []).length).toBe(5);
    const p2 = await t.app.inject({ method: 'GET', url: `/s/${t2}?score=7` });
    expect((p2.body.match(/type="radio"/g) ?? []).length).toBe(7);
    expect(p2.body).toContain('value="7" required checked');
    // Parameters a mail client adds, or a repeated score, are ignored: the page still opens.
    const odd = await t.app.inject({ method: 'GET', url: `/s/${t2}?score=3&score=4&utm_source=mail&notice=zzz` });
    expect(odd.statusCode).toBe(200);
    expect(odd.body).not.toContain('checked');
    for (const [token, score] of [[t1, 0], [t1, 6], [t2, 8], [t2, 0]] as const) {
      const res = await t.app.inject({ method: 'POST', url: `/api/public/surveys/${token}`, payload: { score } });
      expect(res.statusCode, `${score}`).toBe(400);
      expect(res.json()).toMatchObject({ code: 'survey.invalid', fields: [{ path: 'score' }] });
    }
    expect((await t.app.inject({ method: 'POST', url: `/api/public/surveys/${t1}`, payload: { score: 11 } })).statusCode).toBe(400);
    // The page's form with a score off the scale goes back to the page with a notice.
    const form = await t.app.inject({ method: 'POST', url: `/s/${t1}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'score=6&stamp=x' });
    expect(form.statusCode).toBe(303);
    expect(form.headers.location).toBe(`/s/${t1}?notice=invalid`);
    expect((await t.database.query('SELECT 1 FROM survey_responses WHERE survey_id = ANY($1::uuid[])', [[csat.id, ces.id]])).rows).toEqual([]);

    await sleep(3100);
    await t.app.inject({ method: 'POST', url: `/api/public/surveys/${t1}`, payload: { score: 4, stamp: stampIn(p1.body) } });
    await t.app.inject({ method: 'POST', url: `/api/public/surveys/${t2}`, payload: { score: 6, stamp: stampIn(p2.body) } });
    expect((await api('GET', `/api/surveys/${csat.id}/results`)).json()).toMatchObject({ csat: { score: 100, mean: 4, n: 1 }, responses: 1 });
    expect((await api('GET', `/api/surveys/${ces.id}/results`)).json()).toMatchObject({ ces: { mean: 6, n: 1 }, distribution: expect.arrayContaining([{ score: 6, count: 1 }]) });
    const csv = await api('GET', `/api/surveys/${csat.id}/responses.csv`);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const rows = parse(csv.body, { columns: true }) as Record<string, string>[];
    expect(rows).toMatchObject([{ score: '4', contact: 'Cat Csat', bot: 'false' }]);
  });

  it('sends to a filter of the book: only accounts the caller may update, contact roles, a dry run that writes nothing, an empty audience', async () => {
    const segment = `seg-${Date.now()}`;
    const mine = await account(t, { ownerId: csm.userId, segment });
    const theirs = await account(t, { ownerId: manager.userId, segment });
    const champ = await contact(t, mine, 'Cho Champion', { role: 'champion' });
    await contact(t, mine, 'Uri User', { role: 'user' });
    await contact(t, theirs, 'Tia Theirs', { role: 'champion' });
    const s = await createSurvey(api);

    const dry = await api('POST', `/api/surveys/${s.id}/send`, { filter: { segment, contactRoles: ['champion'] }, dryRun: true }, csm);
    expect(dry.statusCode, dry.body).toBe(200);
    expect(dry.json()).toMatchObject({ sent: 1, dryRun: true, recipients: [{ contactId: champ, contactName: 'Cho Champion' }], skipped: [] });
    // This app has no CANOPY_PUBLIC_URL: the e-mails' links would be relative, and the send says so.
    expect((dry.json() as { warnings: string[] }).warnings).toEqual([expect.stringMatching(/CANOPY_PUBLIC_URL is not set: the links in these e-mails are relative/)]);
    expect(await recipients(s.id)).toEqual([]);
    expect((await t.database.query("SELECT 1 FROM outbound_messages WHERE contact_id = $1", [champ])).rows).toEqual([]);

    const real = await api('POST', `/api/surveys/${s.id}/send`, { filter: { segment, contactRoles: ['champion'] } }, csm);
    expect(real.json()).toMatchObject({ sent: 1, dryRun: false, warnings: [expect.stringMatching(/CANOPY_PUBLIC_URL/)] });
    expect(await recipients(s.id)).toEqual([champ]);
    // Named contacts of an account the CSM may not update: refused.
    const other = await contact(t, theirs, 'Oli Other');
    expect((await api('POST', `/api/surveys/${s.id}/send`, { contactIds: [other] }, csm)).statusCode).toBe(403);
    // Nothing at all matches: 400 with the field.
    const empty = await api('POST', `/api/surveys/${s.id}/send`, { filter: { segment: 'no-such-segment' } });
    expect(empty.statusCode).toBe(400);
    expect(empty.json()).toMatchObject({ code: 'survey.empty_audience', fields: [{ path: 'filter' }] });
    // Unknown contacts are field errors; neither or both of contactIds and filter too.
    const unknown = await api('POST', `/api/surveys/${s.id}/send`, { contactIds: [champ, '00000000-0000-4000-8000-000000000000'] });
    expect(unknown.json()).toMatchObject({ code: 'survey.invalid', fields: [{ path: 'contactIds.1' }] });
    expect((await api('POST', `/api/surveys/${s.id}/send`, {})).json()).toMatchObject({ fields: [{ path: 'contactIds' }] });
  });

  it("skips a recipient over the customer's capacity unless the overload is confirmed", async () => {
    const acct = await account(t);
    const cap = await t.app.inject({ method: 'PUT', url: `/api/accounts/${acct}/capacity`, headers: manager.headers, payload: { spoons: 1 } });
    expect(cap.statusCode, cap.body).toBe(200);
    const [a, b] = [await contact(t, acct, 'Amy One'), await contact(t, acct, 'Bob Two')];
    const s = await createSurvey(api, { spoonCost: 1 });
    // The dry run says that Bob's "0 left" counts Amy, sent before him in this same send (the account still shows 1 left).
    const dry = await api('POST', `/api/surveys/${s.id}/send`, { contactIds: [a, b], dryRun: true });
    expect(dry.json()).toMatchObject({ sent: 1, dryRun: true, skipped: [{ contactId: b, reason: 'over_capacity' }] });
    const dryDetail = (dry.json() as { skipped: { detail: string }[] }).skipped[0]?.detail ?? '';
    expect(dryDetail).toMatch(/has 0 of 1 spoon left .*\(1 used\)/);
    expect(dryDetail).toContain('after the 1 recipient of this send before them');
    const first = await api('POST', `/api/surveys/${s.id}/send`, { contactIds: [a, b] });
    expect(first.json()).toMatchObject({ sent: 1, skipped: [{ contactId: b, reason: 'over_capacity', detail: dryDetail }] });
    // Alone, Bob's refusal counts no one of this send, and says nothing of it.
    const alone = await api('POST', `/api/surveys/${s.id}/send`, { contactIds: [b], dryRun: true });
    expect((alone.json() as { skipped: { detail: string }[] }).skipped[0]?.detail).not.toContain('of this send before them');
    const confirmed = await api('POST', `/api/surveys/${s.id}/send`, { contactIds: [b], confirmOverload: true });
    expect(confirmed.json()).toMatchObject({ sent: 1, skipped: [] });
    const { rows } = await t.database.query<{ contact_id: string; overload: boolean }>('SELECT contact_id, overload FROM survey_recipients WHERE survey_id = $1 ORDER BY sent_at', [s.id]);
    expect(rows).toEqual([{ contact_id: a, overload: false }, { contact_id: b, overload: true }]);
  });
});

describe('answers at once through one link', () => {
  it('five answers sent together leave one answer (the others update it), never a second row', async () => {
    const acct = await account(t);
    const c = await contact(t, acct, 'Zed Twice');
    const s = await createSurvey(api);
    await api('POST', `/api/surveys/${s.id}/send`, { contactIds: [c] });
    const token = await tokenOf(t, c);
    const page = await t.app.inject({ method: 'GET', url: `/s/${token}`, remoteAddress: '10.96.0.1' });
    await sleep(3100);
    const res = await Promise.all([6, 7, 8, 9, 10].map((score, i) =>
      t.app.inject({ method: 'POST', url: `/api/public/surveys/${token}`, payload: { score, stamp: stampIn(page.body) }, remoteAddress: `10.96.1.${i}` })));
    const bodies = res.map((r) => r.json() as { counted: boolean; updated: boolean });
    expect(bodies.every((b) => b.counted)).toBe(true);
    expect(bodies.filter((b) => !b.updated)).toHaveLength(1);
    const { rows } = await t.database.query<{ n: number }>('SELECT count(*)::int AS n FROM survey_responses WHERE survey_id = $1', [s.id]);
    expect(rows[0]?.n).toBe(1);
  });
});

describe('public survey rate limits', () => {
  it('answers 429 with Retry-After past 60 requests a minute from one address (the page too, as a page)', async () => {
    const fake = 'B'.repeat(43);
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) statuses.push((await t.app.inject({ method: 'GET', url: `/s/${fake}`, remoteAddress: '10.98.0.1' })).statusCode);
    expect(statuses.every((s) => s === 404)).toBe(true);
    const page = await t.app.inject({ method: 'GET', url: `/s/${fake}`, remoteAddress: '10.98.0.1' });
    expect(page.statusCode).toBe(429);
    expect(page.headers['content-type']).toContain('text/html');
    expect(Number(page.headers['retry-after'])).toBeGreaterThan(0);
    const json = await t.app.inject({ method: 'POST', url: `/api/public/surveys/${fake}`, payload: { score: 1 }, remoteAddress: '10.98.0.1' });
    expect(json.json()).toMatchObject({ code: 'survey_link.rate_limited' });
    expect((await t.app.inject({ method: 'GET', url: `/s/${fake}`, remoteAddress: '10.98.0.2' })).statusCode).toBe(404);
  });

  it('answers 429 past 10 writes a minute through one link, from any address', async () => {
    const acct = await account(t);
    const c = await contact(t, acct, 'Rae Limit');
    const s = await createSurvey(api);
    await api('POST', `/api/surveys/${s.id}/send`, { contactIds: [c] });
    const token = await tokenOf(t, c);
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      statuses.push((await t.app.inject({ method: 'POST', url: `/api/public/surveys/${token}`, payload: { score: 99 }, remoteAddress: `10.97.0.${i + 1}` })).statusCode);
    }
    expect(statuses.slice(0, 10).every((x) => x === 400)).toBe(true);
    expect(statuses[10]).toBe(429);
    expect((await t.app.inject({ method: 'GET', url: `/s/${token}`, remoteAddress: '10.97.1.1' })).statusCode).toBe(200);
  });
});
