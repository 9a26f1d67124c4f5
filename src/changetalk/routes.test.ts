import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, unique, type SignedIn, type TestApp } from '../../test/support/app.js';
import { analyzeTexts } from './analyze.js';
import { textHash } from './normalize.js';
import type { Correction, Phrase, ShownTalk } from './index.js';

/** Change talk over HTTP on a real database: admins' phrases, corrections, validation and authorization. */

let t: TestApp;
let admin: SignedIn;
let csm: SignedIn;
let viewer: SignedIn;

beforeAll(async () => {
  t = await createTestApp();
  [admin, csm, viewer] = [await t.signIn('admin'), await t.signIn('csm'), await t.signIn('viewer')];
});
afterAll(() => t.close());

const api = (method: 'GET' | 'POST' | 'DELETE', url: string, who: SignedIn, payload?: object) =>
  t.app.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });
const classify = async (text: string, who: SignedIn = viewer) => {
  const res = await api('POST', '/api/change-talk/classify', who, { text });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as ShownTalk;
};

/** An account, owned by `ownerId` (null: nobody), created by `who`. */
const newAccount = async (who: SignedIn, ownerId: string | null) => {
  const res = await api('POST', '/api/accounts', who, { name: unique('acct'), arr: 1000, ownerId });
  expect(res.statusCode, res.body).toBe(201);
  return (res.json() as { id: string }).id;
};
const newActivity = async (accountId: string, body: string) => {
  const res = await api('POST', '/api/activities', admin, { accountId, kind: 'note', subject: 'Call notes', body });
  expect(res.statusCode, res.body).toBe(201);
  return (res.json() as { id: string }).id;
};

describe('change talk: classify', () => {
  it('labels a text, names the phrases with their indexes, and says which classifier did it', async () => {
    const text = "I would like to but I'm swamped with the audit.";
    const shown = await classify(text);
    expect(shown).toMatchObject({ label: 'sustain', predicted: 'sustain', corrected: false, version: 'lexicon-3' });
    expect(shown.spans.map((s) => [s.phrase, s.polarity])).toEqual([['would like to', 'change'], ['swamped', 'sustain']]);
    for (const s of shown.spans) expect(text.slice(s.start, s.end)).toBe(s.phrase);
  });

  it('answers an empty text as neutral, and any string (NUL, lone surrogates) without a 5xx', async () => {
    expect(await classify('')).toMatchObject({ label: 'neutral', spans: [] });
    const odd = await classify('\u0000we need to\ud800 roll it out');
    expect(odd.label).toBe('change');
    const tooLong = await api('POST', '/api/change-talk/classify', viewer, { text: 'x'.repeat(20_001) });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json()).toMatchObject({ code: 'request.invalid', fields: [{ path: 'text' }] });
  });
});

describe('change talk: admin phrases', () => {
  it('an added phrase changes a classification; removing it changes it back', async () => {
    const text = 'Our board wants the quarterly sync moved to the bluebird cadence.';
    expect((await classify(text)).label).toBe('neutral');
    const phrase = unique('bluebird cadence').replace(/-/g, ' ');
    const text2 = `Our board wants the quarterly sync moved to the ${phrase}.`;
    const added = await api('POST', '/api/change-talk/phrases', admin, { phrase, polarity: 'change', category: 'commitment' });
    expect(added.statusCode, added.body).toBe(201);
    const p = added.json() as Phrase;
    expect(p).toMatchObject({ phrase, polarity: 'change', category: 'commitment', createdBy: { id: admin.userId } });

    const shown = await classify(text2);
    expect(shown.label).toBe('change');
    expect(shown.version).toMatch(/^lexicon-3\+phrases\.[0-9a-f]{8}$/);
    expect(shown.spans).toContainEqual(expect.objectContaining({ phrase, category: 'commitment', polarity: 'change' }));
    // analyzeTexts (what other parts call) sees it too.
    const [viaAnalyze] = await analyzeTexts(t.database, [text2]);
    expect(viaAnalyze?.label).toBe('change');

    const list = (await api('GET', '/api/change-talk/phrases', viewer)).json() as { items: Phrase[]; version: string };
    expect(list.items.map((i) => i.id)).toContain(p.id);
    expect(list.version).toBe(shown.version);

    const again = await api('POST', '/api/change-talk/phrases', admin, { phrase: phrase.toUpperCase(), polarity: 'change', category: 'need' });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'change_talk.phrase_taken', fields: [{ path: 'phrase' }] });

    expect((await api('DELETE', `/api/change-talk/phrases/${p.id}`, admin)).statusCode).toBe(204);
    expect((await classify(text2)).label).toBe('neutral');
    const gone = await api('DELETE', `/api/change-talk/phrases/${p.id}`, admin);
    expect(gone.statusCode).toBe(404);
    expect(gone.json()).toMatchObject({ code: 'change_talk.phrase_not_found' });
    const audit = await t.database.query<{ action: string }>(
      "SELECT action FROM audit_log WHERE object_type = 'change_talk_phrase' AND object_id = $1 ORDER BY id", [p.id]);
    expect(audit.rows.map((r) => r.action)).toEqual(['create', 'delete']);
  });

  it('a sustain phrase overrides a built-in change phrase with the same words', async () => {
    const text = 'We are thinking about it.';
    expect((await classify(text)).label).toBe('change');
    const added = await api('POST', '/api/change-talk/phrases', admin, { phrase: 'Thinking about', polarity: 'sustain', category: 'commitment' });
    expect(added.statusCode, added.body).toBe(201);
    expect((await classify(text)).label).toBe('sustain');
    await api('DELETE', `/api/change-talk/phrases/${(added.json() as Phrase).id}`, admin);
    expect((await classify(text)).label).toBe('change');
  });

  it('stores a phrase trimmed with whitespace collapsed, and refuses the same words in other spacing, case or apostrophe (409)', async () => {
    const words = unique('swamped with tickets').replace(/-/g, ' ');
    const first = await api('POST', '/api/change-talk/phrases', admin, { phrase: words, polarity: 'sustain', category: 'ability' });
    expect(first.statusCode, first.body).toBe(201);
    const spaced = `  ${words.toUpperCase().replace(/ /g, '  ')}\t`;
    const created = await api('POST', '/api/change-talk/phrases', admin, { phrase: spaced, polarity: 'sustain', category: 'need' });
    expect(created.statusCode, created.body).toBe(409);
    expect(created.json()).toMatchObject({ code: 'change_talk.phrase_taken', fields: [{ path: 'phrase' }] });
    // The other polarity is another phrase; it is stored normalised.
    const other = await api('POST', '/api/change-talk/phrases', admin, { phrase: spaced, polarity: 'change', category: 'need' });
    expect(other.statusCode, other.body).toBe(201);
    expect((other.json() as Phrase).phrase).toBe(words.toUpperCase());
    // Apostrophe forms are the same words to the matcher, so the same phrase.
    const apostrophe = unique("we're drowning");
    expect((await api('POST', '/api/change-talk/phrases', admin, { phrase: apostrophe, polarity: 'sustain', category: 'ability' })).statusCode).toBe(201);
    const curly = await api('POST', '/api/change-talk/phrases', admin, { phrase: apostrophe.replace("'", '\u2019'), polarity: 'sustain', category: 'ability' });
    expect(curly.statusCode, curly.body).toBe(409);
    // A row written before phrases were normalised (double space) still counts as taken.
    const legacy = unique('legacy  spaced phrase').replace(/-/g, ' ');
    await t.database.query("INSERT INTO change_talk_phrases (phrase, polarity, category) VALUES ($1, 'change', 'need')", [legacy]);
    const dup = await api('POST', '/api/change-talk/phrases', admin, { phrase: legacy.replace(/\s+/g, ' '), polarity: 'change', category: 'need' });
    expect(dup.statusCode, dup.body).toBe(409);
    expect(dup.json()).toMatchObject({ fields: [{ path: 'phrase', message: expect.stringContaining(legacy) }] });
    for (const p of (await api('GET', '/api/change-talk/phrases', viewer)).json().items as Phrase[]) {
      if ([words, apostrophe, legacy].some((w) => p.phrase.toLowerCase() === w.toLowerCase())) await api('DELETE', `/api/change-talk/phrases/${p.id}`, admin);
    }
  });

  it('refuses phrases that are too short, without a letter, or of an unknown category, naming the field', async () => {
    for (const [body, path] of [
      [{ phrase: 'x', polarity: 'change', category: 'need' }, 'phrase'],
      [{ phrase: '!!!', polarity: 'change', category: 'need' }, 'phrase'],
      [{ phrase: 'we will', polarity: 'maybe', category: 'need' }, 'polarity'],
      [{ phrase: 'we will', polarity: 'change', category: 'hope' }, 'category'],
      [{ phrase: 'a\u0000b', polarity: 'change', category: 'need' }, 'phrase'],
    ] as const) {
      const res = await api('POST', '/api/change-talk/phrases', admin, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect((res.json() as { fields: { path: string }[] }).fields.map((f) => f.path)).toContain(path);
    }
  });
});

describe('change talk: corrections', () => {
  it('a correction changes what analyzeTexts shows for that text (any spacing or case), is listed and exported', async () => {
    const text = `We will circle back on the ${unique('sso')} rollout next week.`;
    const before = await classify(text);
    const label = before.label === 'change' ? 'sustain' : 'change';
    const res = await api('POST', '/api/change-talk/corrections', csm, { text, label, sourceKind: 'manual', note: 'They meant it' });
    expect(res.statusCode, res.body).toBe(201);
    const c = res.json() as Correction;
    expect(c).toMatchObject({ text, label, predicted: before.label, classifierVersion: before.version, createdBy: { id: csm.userId }, note: 'They meant it' });
    const stored = await t.database.query<{ text_hash: string }>('SELECT text_hash FROM change_talk_corrections WHERE id = $1', [c.id]);
    expect(stored.rows[0]?.text_hash).toBe(textHash(text));

    const [shown, respaced] = await analyzeTexts(t.database, [text, `  ${text.toUpperCase().replace(/ /g, '   ')} `]);
    expect(shown).toMatchObject({ label, predicted: before.label, corrected: true, spans: before.spans });
    expect(respaced).toMatchObject({ label, corrected: true });
    expect(await classify(text)).toMatchObject({ label, corrected: true });

    // The newest correction wins.
    const newer = await api('POST', '/api/change-talk/corrections', admin, { text, label: 'neutral' });
    expect(newer.statusCode).toBe(201);
    expect((await classify(text)).label).toBe('neutral');

    const list = (await api('GET', '/api/change-talk/corrections?limit=1', viewer)).json() as { items: Correction[]; nextCursor: string | null };
    expect(list.items.map((i) => i.id)).toEqual([(newer.json() as Correction).id]);
    expect(list.nextCursor).not.toBeNull();
    const page2 = (await api('GET', `/api/change-talk/corrections?limit=1&cursor=${list.nextCursor}`, viewer)).json() as { items: Correction[] };
    expect(page2.items.map((i) => i.id)).toEqual([c.id]);

    const exported = await api('GET', '/api/change-talk/corrections?format=jsonl', viewer);
    expect(exported.statusCode).toBe(200);
    expect(exported.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const lines = exported.body.trim().split('\n').map((l) => JSON.parse(l) as { text: string; label: string; split: string });
    expect(lines.filter((l) => l.text === text)).toEqual([expect.objectContaining({ text, label: 'neutral', split: 'tune' })]);
  });

  it('validates the correction: empty text, unknown label, unknown account, sourceId without its kind', async () => {
    const cases: [object, string][] = [
      [{ text: '   ', label: 'change' }, 'text'],
      [{ text: 'We will', label: 'maybe' }, 'label'],
      [{ text: 'We will', label: 'change', accountId: '00000000-0000-4000-8000-000000000000' }, 'accountId'],
      [{ text: 'We will', label: 'change', sourceId: '00000000-0000-4000-8000-000000000000' }, 'sourceKind'],
      [{ text: 'x'.repeat(20_001), label: 'change' }, 'text'],
    ];
    for (const [body, path] of cases) {
      const res = await api('POST', '/api/change-talk/corrections', csm, body);
      expect(res.statusCode, JSON.stringify(body).slice(0, 100)).toBe(400);
      expect((res.json() as { fields: { path: string }[] }).fields.map((f) => f.path)).toContain(path);
    }
    const bad = await api('GET', '/api/change-talk/corrections?cursor=nonsense', viewer);
    expect(bad.statusCode).toBe(400);
  });

  it('keeps corrections of an account, filterable by account; the source must exist and belong to the account', async () => {
    const accountId = await newAccount(csm, csm.userId);
    const activityId = await newActivity(accountId, 'We will see about the rollout.');
    const res = await api('POST', '/api/change-talk/corrections', csm, { text: 'Maybe, we will see.', label: 'sustain', accountId, sourceKind: 'activity', sourceId: activityId });
    expect(res.statusCode, res.body).toBe(201);
    const list = (await api('GET', `/api/change-talk/corrections?accountId=${accountId}`, viewer)).json() as { items: Correction[] };
    expect(list.items.map((i) => [i.accountId, i.sourceId, i.createdBy?.id])).toEqual([[accountId, activityId, csm.userId]]);

    // Without accountId the correction belongs to its source's account.
    const bySource = await api('POST', '/api/change-talk/corrections', csm, { text: 'We will see, honestly.', label: 'sustain', sourceKind: 'activity', sourceId: activityId });
    expect(bySource.statusCode, bySource.body).toBe(201);
    expect(bySource.json()).toMatchObject({ accountId, sourceKind: 'activity', sourceId: activityId });

    const otherAccount = await newAccount(admin, null);
    const nowhere = '00000000-0000-4000-8000-000000000000';
    for (const [body, path] of [
      [{ sourceKind: 'activity', sourceId: nowhere }, 'sourceId'],
      [{ sourceKind: 'check_in', sourceId: nowhere }, 'sourceId'],
      [{ sourceKind: 'survey_response', sourceId: nowhere }, 'sourceId'],
      [{ sourceKind: 'manual', sourceId: activityId }, 'sourceId'],
      [{ accountId: otherAccount, sourceKind: 'activity', sourceId: activityId }, 'sourceId'],
    ] as const) {
      const bad = await api('POST', '/api/change-talk/corrections', csm, { text: 'We will see.', label: 'sustain', ...body });
      expect(bad.statusCode, JSON.stringify(body)).toBe(400);
      expect((bad.json() as { fields: { path: string; message: string }[] }).fields).toEqual([expect.objectContaining({ path })]);
    }
  });

  it('needs permission to update the account: a csm cannot correct on an account they do not own, directly or through its activity', async () => {
    const theirs = await newAccount(admin, null);
    const activityId = await newActivity(theirs, 'Too busy for SSO.');
    const direct = await api('POST', '/api/change-talk/corrections', csm, { text: 'Too busy for SSO.', label: 'sustain', accountId: theirs });
    expect(direct.statusCode, direct.body).toBe(403);
    const viaSource = await api('POST', '/api/change-talk/corrections', csm, { text: 'Too busy for SSO.', label: 'sustain', sourceKind: 'activity', sourceId: activityId });
    expect(viaSource.statusCode, viaSource.body).toBe(403);
    const stored = await t.database.query('SELECT 1 FROM change_talk_corrections WHERE account_id = $1', [theirs]);
    expect(stored.rows).toHaveLength(0);
    // Whoever may update it can; and a correction without an account stays open to every csm.
    expect((await api('POST', '/api/change-talk/corrections', admin, { text: 'Too busy for SSO.', label: 'sustain', accountId: theirs })).statusCode).toBe(201);
    expect((await api('POST', '/api/change-talk/corrections', csm, { text: 'Too busy for SSO.', label: 'sustain' })).statusCode).toBe(201);
  });
});

describe('change talk: authorization and evaluation', () => {
  it('everyone classifies and reads; csm and above correct; only admins manage phrases', async () => {
    expect((await api('POST', '/api/change-talk/corrections', viewer, { text: 'We will', label: 'change' })).statusCode).toBe(403);
    const manager = await t.signIn('manager');
    for (const who of [csm, manager]) {
      expect((await api('POST', '/api/change-talk/phrases', who, { phrase: 'zebra plan', polarity: 'change', category: 'need' })).statusCode).toBe(403);
      expect((await api('DELETE', '/api/change-talk/phrases/00000000-0000-4000-8000-000000000000', who)).statusCode).toBe(403);
    }
    expect((await t.app.inject({ method: 'POST', url: '/api/change-talk/classify', payload: { text: 'hi' } })).statusCode).toBe(401);
    for (const url of ['/api/change-talk/phrases', '/api/change-talk/lexicon', '/api/change-talk/corrections', '/api/change-talk/evaluation']) {
      expect((await api('GET', url, viewer)).statusCode, url).toBe(200);
    }
  });

  it('serves the figures of the labelled set and the agreement with corrections', async () => {
    const res = await api('GET', '/api/change-talk/evaluation', viewer);
    const e = res.json() as { version: string; test: { n: number; macroF1: number; classes: { label: string; n: number }[] }; corrections: { n: number; agreement: number | null } };
    expect(e.test.n).toBeGreaterThanOrEqual(75);
    expect(e.test.classes.map((c) => c.label)).toEqual(['change', 'sustain', 'neutral']);
    expect(e.test.macroF1).toBeGreaterThan(0);
    expect(e.corrections.n).toBeGreaterThan(0);
    expect(e.corrections.agreement).not.toBeNull();
  });
});
