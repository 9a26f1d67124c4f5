import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, unique, type SignedIn, type TestApp } from '../../test/support/app.js';
import { SYSTEM_ACTOR } from '../auth/principal.js';

let t: TestApp;
let manager: SignedIn;
const tag = unique('page');
beforeAll(async () => {
  t = await createTestApp();
  manager = await t.signIn('manager');
  // 130 accounts in one segment, with ties and gaps in every sort key.
  for (let i = 0; i < 130; i++) {
    await t.app.services.accounts.create({
      name: `${tag} ${String(i % 40).padStart(2, '0')}`,
      segment: tag,
      stage: (['onboarding', 'adoption', 'renewal'] as const)[i % 3],
      arr: (i % 7) * 1000,
      renewalDate: i % 5 === 0 ? null : `2027-0${(i % 9) + 1}-15`,
      ownerId: i % 4 === 0 ? manager.userId : null,
    }, SYSTEM_ACTOR);
  }
});
afterAll(() => t.close());

const get = (url: string) => t.app.inject({ method: 'GET', url, headers: manager.headers });
type Page = { items: { id: string; name: string; arr: number; renewalDate: string | null; stage: string; ownerId: string | null; usage: number[] }[]; nextCursor: string | null; total: number };

async function walk(query: string, expectedTotal = 130): Promise<Page['items']> {
  const all: Page['items'] = [];
  let cursor: string | null = null;
  do {
    const res = await get(`/api/accounts?segment=${encodeURIComponent(tag)}&limit=50&${query}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(res.statusCode).toBe(200);
    const page = res.json() as Page;
    expect(page.total).toBe(expectedTotal);
    all.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}

describe('GET /api/accounts (keyset pagination)', () => {
  it.each(['name', '-name', 'arr', '-arr', 'renewalDate', '-renewalDate', 'lastActivityAt', 'createdAt', '-createdAt'])(
    'returns every account exactly once in %s order',
    async (sort) => {
      const items = await walk(`sort=${sort}`);
      expect(items).toHaveLength(130);
      expect(new Set(items.map((i) => i.id)).size).toBe(130);
      const key = sort.replace('-', '');
      if (key === 'arr') {
        const arrs = items.map((i) => i.arr);
        expect(arrs).toEqual([...arrs].sort((a, b) => (sort.startsWith('-') ? b - a : a - b)));
      }
      if (key === 'renewalDate') {
        const dates = items.map((i) => i.renewalDate);
        const nulls = dates.filter((d) => d === null).length;
        expect(nulls).toBe(26);
        expect(dates.slice(-nulls).every((d) => d === null)).toBe(true); // nulls last both ways
        const set = dates.slice(0, -nulls) as string[];
        expect(set).toEqual([...set].sort((a, b) => (sort.startsWith('-') ? b.localeCompare(a) : a.localeCompare(b))));
      }
    },
  );

  it('filters by stage, owner and ARR, and searches names', async () => {
    const renewal = await walk('stage=renewal', 43); // i % 3 === 2 for i < 130
    expect(renewal.length).toBeGreaterThan(0);
    expect(renewal.every((i) => i.stage === 'renewal')).toBe(true);
    const mine = (await get(`/api/accounts?segment=${encodeURIComponent(tag)}&ownerId=me&limit=200`)).json() as Page;
    expect(mine.total).toBe(33);
    expect(mine.items.every((i) => i.ownerId === manager.userId)).toBe(true);
    const rich = (await get(`/api/accounts?segment=${encodeURIComponent(tag)}&arrMin=5000&limit=200`)).json() as Page;
    expect(rich.items.every((i) => i.arr >= 5000)).toBe(true);
    expect(rich.total).toBe(36); // i % 7 in {5, 6}: 18 each for i < 130
    expect((rich as Page & { totalArr: number }).totalArr).toBe(18 * 5000 + 18 * 6000);
    const found = (await get(`/api/accounts?search=${encodeURIComponent(`${tag} 07`)}`)).json() as Page;
    expect(found.items.length).toBeGreaterThan(0);
    expect(found.items.every((i) => i.name === `${tag} 07`)).toBe(true);
    // LIKE wildcards in a search are plain characters.
    expect(((await get(`/api/accounts?segment=${encodeURIComponent(tag)}&search=%25`)).json() as Page).total).toBe(0);
  });

  it('includes a 30-day usage series for each account', async () => {
    const page = (await get(`/api/accounts?segment=${encodeURIComponent(tag)}&limit=5`)).json() as Page;
    expect(page.items.every((i) => i.usage.length === 30)).toBe(true);
  });

  it('rejects a bad sort, limit or cursor with field errors', async () => {
    const res = await get('/api/accounts?sort=colour&limit=0');
    expect(res.statusCode).toBe(400);
    const paths = (res.json() as { fields: { path: string }[] }).fields.map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['querystring.sort', 'querystring.limit']));
    expect((await get('/api/accounts?cursor=garbage')).json()).toMatchObject({ code: 'request.invalid', fields: [{ path: 'cursor' }] });
  });
});

describe('account create, edit, delete', () => {
  it('validates input with field-level errors', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/accounts', headers: manager.headers, payload: { name: '', arr: -5, stage: 'won', renewalDate: '31/12/2026' } });
    expect(res.statusCode).toBe(400);
    const paths = (res.json() as { fields: { path: string }[] }).fields.map((f) => f.path).sort();
    expect(paths).toEqual(['arr', 'name', 'renewalDate', 'stage']);
  });

  type Refusal = { code: string; fields: { path: string; message: string }[] };
  const post = (payload: object) => t.app.inject({ method: 'POST', url: '/api/accounts', headers: manager.headers, payload });
  const patch = (id: string, payload: object) => t.app.inject({ method: 'PATCH', url: `/api/accounts/${id}`, headers: manager.headers, payload });
  const refusal = (res: { statusCode: number; json: () => unknown }) => {
    expect(res.statusCode).toBe(400);
    const body = res.json() as Refusal;
    expect(body.code).toBe('request.invalid');
    return Object.fromEntries(body.fields.map((f) => [f.path, f.message]));
  };
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

  it('refuses negative or fractional ARR and seats in words instead of clamping them', async () => {
    expect(refusal(await post({ name: unique('neg'), arr: -5, seats: -1 }))).toEqual({ arr: 'Must be 0 or more', seats: 'Must be 0 or more' });
    expect(refusal(await post({ name: unique('frac'), seats: 2.5 }))).toEqual({ seats: 'Must be a whole number' });
    expect(refusal(await post({ name: 'x'.repeat(201), renewalDate: '31/12/2026' }))).toEqual({
      name: 'At most 200 characters',
      renewalDate: 'Enter a date as YYYY-MM-DD',
    });
    const created = await post({ name: unique('ok'), arr: 10 });
    expect(created.statusCode).toBe(201);
    const id = (created.json() as { id: string }).id;
    expect(refusal(await patch(id, { arr: -1 }))).toEqual({ arr: 'Must be 0 or more' });
    expect(refusal(await patch(id, { seats: -3 }))).toEqual({ seats: 'Must be 0 or more' });
    expect((await t.app.services.accounts.get(id))?.arr).toBe(10);
  });

  it('refuses what is not a domain, keeps a real one in lower case', async () => {
    expect(refusal(await post({ name: unique('dom'), domain: 'not a domain!!' }))).toEqual({ domain: 'Enter a domain such as acme.com' });
    expect(refusal(await post({ name: unique('dom'), domain: 'https://acme.com/' })).domain).toMatch(/https:\/\//);
    const ok = await post({ name: unique('dom'), domain: ' Acme.COM ' });
    expect(ok.statusCode).toBe(201);
    const id = (ok.json() as { id: string; domain: string }).id;
    expect((ok.json() as { domain: string }).domain).toBe('acme.com');
    expect(refusal(await patch(id, { domain: 'acme' }))).toEqual({ domain: 'Enter a domain such as acme.com' });
  });

  it('refuses a contract start after the renewal date, on the renewal field', async () => {
    expect(refusal(await post({ name: unique('dates'), contractStart: day(400), renewalDate: day(30) }))).toEqual({
      renewalDate: 'The renewal date must be on or after the contract start',
    });
    const created = await post({ name: unique('dates'), contractStart: day(-30), renewalDate: day(300) });
    expect(created.statusCode).toBe(201);
    const id = (created.json() as { id: string }).id;
    // Both in the body, or one against the other as stored.
    expect(refusal(await patch(id, { contractStart: day(20), renewalDate: day(10) }))).toHaveProperty('renewalDate');
    expect(refusal(await patch(id, { contractStart: day(301) }))).toEqual({ renewalDate: 'The renewal date must be on or after the contract start' });
    expect(refusal(await patch(id, { renewalDate: day(-31) }))).toEqual({ renewalDate: 'The renewal date must be on or after the contract start' });
    expect((await patch(id, { contractStart: day(300) })).statusCode).toBe(200);
  });

  it('refuses setting a renewal date in the past, and keeps a lapsed one that is already stored', async () => {
    expect(refusal(await post({ name: unique('past'), renewalDate: '2020-06-30' }))).toEqual({
      renewalDate: 'The renewal date is in the past: pick today or a later date',
    });
    expect((await post({ name: unique('today'), renewalDate: day(0) })).statusCode).toBe(201);
    const created = await post({ name: unique('lapsed'), renewalDate: day(60) });
    const id = (created.json() as { id: string }).id;
    expect(refusal(await patch(id, { renewalDate: '2020-06-30' }))).toHaveProperty('renewalDate');
    // A renewal that lapsed (stored earlier, here by ingestion's path) stays editable around it.
    await t.app.services.accounts.update(id, { renewalDate: '2024-03-31' }, SYSTEM_ACTOR);
    const kept = await patch(id, { renewalDate: '2024-03-31', segment: 'Mid-market' });
    expect(kept.statusCode).toBe(200);
    expect(refusal(await patch(id, { renewalDate: '2024-04-30' }))).toHaveProperty('renewalDate');
    expect((await patch(id, { renewalDate: null })).statusCode).toBe(200);
  });

  it('keeps custom fields and external ids, answers 409 for a taken external id, and audits every change', async () => {
    const ext = unique('ext');
    const created = await t.app.inject({ method: 'POST', url: '/api/accounts', headers: manager.headers, payload: { name: 'Globex', externalId: ext, externalIds: { salesforce: '001X' }, custom: { region: 'EMEA', tier: 2 } } });
    expect(created.statusCode).toBe(201);
    const id = (created.json() as { id: string }).id;
    expect(created.json()).toMatchObject({ externalId: ext, externalIds: { salesforce: '001X' }, custom: { region: 'EMEA', tier: 2 }, stage: 'onboarding', arr: 0 });
    const dup = await t.app.inject({ method: 'POST', url: '/api/accounts', headers: manager.headers, payload: { name: 'Other', externalId: ext } });
    expect(dup.statusCode).toBe(409);
    expect(dup.json()).toMatchObject({ code: 'account.external_id_taken', fields: [{ path: 'externalId' }] });

    const patched = await t.app.inject({ method: 'PATCH', url: `/api/accounts/${id}`, headers: manager.headers, payload: { arr: 120000, custom: { region: 'NA' } } });
    expect(patched.json()).toMatchObject({ arr: 120000, custom: { region: 'NA' } });
    expect((await t.app.inject({ method: 'DELETE', url: `/api/accounts/${id}`, headers: manager.headers })).statusCode).toBe(204);
    expect((await get(`/api/accounts/${id}`)).statusCode).toBe(404);

    const audit = (await get(`/api/audit?objectType=account&objectId=${id}`)).json() as { items: { action: string; actorId: string; changes: Record<string, unknown> }[] };
    expect(audit.items.map((a) => a.action)).toEqual(['account.delete', 'account.update', 'account.create']);
    expect(audit.items.every((a) => a.actorId === manager.userId)).toBe(true);
    expect(audit.items[1]?.changes).toEqual({ arr: { from: 0, to: 120000 }, custom: { from: { region: 'EMEA', tier: 2 }, to: { region: 'NA' } } });
  });
});

describe('contacts', () => {
  it('creates, lists by account, edits and deletes contacts', async () => {
    const a = await t.app.services.accounts.create({ name: unique('with-contacts') }, SYSTEM_ACTOR);
    const post = (payload: object) => t.app.inject({ method: 'POST', url: '/api/contacts', headers: manager.headers, payload });
    expect((await post({ accountId: a.id, name: 'Zed', role: 'champion', email: 'zed@x.test' })).statusCode).toBe(201);
    const amy = (await post({ accountId: a.id, name: 'Amy', role: 'executive_sponsor', custom: { linkedin: 'amy' } })).json() as { id: string };
    const bad = await post({ accountId: a.id, role: 'boss' });
    expect(bad.statusCode).toBe(400);
    expect((bad.json() as { fields: { path: string }[] }).fields.map((f) => f.path)).toContain('role');
    const list = (await get(`/api/contacts?accountId=${a.id}`)).json() as { items: { name: string }[] };
    expect(list.items.map((c) => c.name)).toEqual(['Amy', 'Zed']);
    const edited = await t.app.inject({ method: 'PATCH', url: `/api/contacts/${amy.id}`, headers: manager.headers, payload: { title: 'CFO' } });
    expect(edited.json()).toMatchObject({ name: 'Amy', title: 'CFO', custom: { linkedin: 'amy' } });
    expect((await t.app.inject({ method: 'DELETE', url: `/api/contacts/${amy.id}`, headers: manager.headers })).statusCode).toBe(204);
    expect(((await get(`/api/contacts?accountId=${a.id}`)).json() as { items: unknown[] }).items).toHaveLength(1);
    expect((await get(`/api/accounts/${a.id}`)).json()).toMatchObject({ contactCount: 1 });
  });
});
