import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, unique, type SignedIn, type TestApp } from '../support/app.js';
import { fingerprint } from '../../src/idempotency/key.js';

/** Idempotency-Key on the REST API's POSTs (src/idempotency/), over HTTP against a real database. */
let t: TestApp;
let admin: SignedIn;
let other: SignedIn;
let playbookId: string;

type Res = Awaited<ReturnType<TestApp['app']['inject']>>;
const post = (url: string, payload: unknown, key?: string, headers: Record<string, string> = admin.headers): Promise<Res> =>
  t.app.inject({ method: 'POST', url, headers: { ...headers, ...(key === undefined ? {} : { 'idempotency-key': key }) }, payload: payload as object });
const count = async (sql: string, params: unknown[]) => (await t.database.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, params)).rows[0]?.n;
const newKey = () => unique('idem');
async function newAccount(): Promise<string> {
  const res = await post('/api/accounts', { name: unique('acct') });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ id: string }>().id;
}
/** The second answer is the first one, byte for byte, marked as a replay. */
function expectReplay(first: Res, second: Res) {
  expect(second.statusCode).toBe(first.statusCode);
  expect(second.body).toBe(first.body);
  expect(second.headers['content-type']).toBe(first.headers['content-type']);
  expect(second.headers['idempotent-replayed']).toBe('true');
  expect(first.headers['idempotent-replayed']).toBeUndefined();
}

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.signIn('admin');
  other = await t.signIn('admin');
  // Webhook deliveries go to a closed local port, allowed explicitly: never the internet.
  expect((await post('/api/settings/outbound-allowlist', { entry: '127.0.0.1' })).statusCode).toBeLessThan(300);
  const pb = await post('/api/playbooks', { name: unique('pb'), steps: [{ kind: 'task', title: 'Hello', dueOffsetDays: 1, assignee: 'owner' }] });
  expect(pb.statusCode, pb.body).toBe(201);
  playbookId = pb.json<{ id: string }>().id;
}, 60_000);
afterAll(() => t.close());

describe('POST /api/accounts/:id/playbooks with an Idempotency-Key', () => {
  it('starts one run for two identical requests; the second answer is a byte-identical replay', async () => {
    const accountId = await newAccount();
    const key = newKey();
    const first = await post(`/api/accounts/${accountId}/playbooks`, { playbookId }, key);
    expect(first.statusCode, first.body).toBe(201);
    const second = await post(`/api/accounts/${accountId}/playbooks`, { playbookId }, key);
    expectReplay(first, second);
    expect(await count('playbook_runs WHERE account_id = $1', [accountId])).toBe(1);
  });

  it('without the header nothing changes: two requests start two runs', async () => {
    const accountId = await newAccount();
    expect((await post(`/api/accounts/${accountId}/playbooks`, { playbookId })).statusCode).toBe(201);
    expect((await post(`/api/accounts/${accountId}/playbooks`, { playbookId })).statusCode).toBe(201);
    expect(await count('playbook_runs WHERE account_id = $1', [accountId])).toBe(2);
  });

  it('10 concurrent repeats: one run, ten equal answers', async () => {
    const accountId = await newAccount();
    const key = newKey();
    const answers = await Promise.all(Array.from({ length: 10 }, () => post(`/api/accounts/${accountId}/playbooks`, { playbookId }, key)));
    expect(answers.map((a) => a.statusCode)).toEqual(Array(10).fill(201));
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    expect(answers.filter((a) => a.headers['idempotent-replayed'] !== 'true')).toHaveLength(1);
    expect(await count('playbook_runs WHERE account_id = $1', [accountId])).toBe(1);
  });
});

/** Creating routes: a valid body (unique by `marker`) and how to count what it created. */
type Creator = { url: string; body(marker: string, accountId: string): object; created: string; param(marker: string, accountId: string): string };
const CREATORS: Creator[] = [
  { url: '/api/accounts', body: (m) => ({ name: m }), created: 'accounts WHERE name = $1', param: (m) => m },
  { url: '/api/contacts', body: (m, a) => ({ accountId: a, name: m }), created: 'contacts WHERE name = $1', param: (m) => m },
  { url: '/api/tasks', body: (m, a) => ({ accountId: a, title: m }), created: 'tasks WHERE title = $1', param: (m) => m },
  { url: '/api/activities', body: (m, a) => ({ accountId: a, kind: 'call', subject: m }), created: 'activities WHERE subject = $1', param: (m) => m },
  { url: '/api/outcomes', body: (m, a) => ({ accountId: a, kind: 'renewed', occurredOn: '2026-03-01', note: m }), created: 'outcomes WHERE account_id = $1', param: (_m, a) => a },
  { url: '/api/escalations', body: (m, a) => ({ accountId: a, title: m, severity: 'high', members: [{ userId: admin.userId, role: 'csm' }, { userId: other.userId, role: 'support' }] }), created: 'escalations WHERE title = $1', param: (m) => m },
  { url: '/api/webhooks', body: (m) => ({ name: m, url: 'http://127.0.0.1:9/canopy', events: ['task.created'] }), created: 'webhooks WHERE name = $1', param: (m) => m },
];

describe.each(CREATORS)('POST $url with an Idempotency-Key', (c) => {
  it('creates once and replays the first answer', async () => {
    const accountId = await newAccount();
    const marker = unique('m');
    const key = newKey();
    const first = await post(c.url, c.body(marker, accountId), key);
    expect(first.statusCode, first.body).toBe(201);
    const second = await post(c.url, c.body(marker, accountId), key);
    expectReplay(first, second);
    expect(await count(c.created, [c.param(marker, accountId)])).toBe(1);
  });

  it('answers 422 for the same key with a different body, creating nothing', async () => {
    const accountId = await newAccount();
    const key = newKey();
    const marker = unique('m');
    expect((await post(c.url, c.body(marker, accountId), key)).statusCode).toBe(201);
    const otherAccount = await newAccount();
    const otherMarker = unique('m');
    const reused = await post(c.url, c.body(otherMarker, otherAccount), key);
    expect(reused.statusCode).toBe(422);
    expect(reused.json()).toMatchObject({ code: 'idempotency.key_reused' });
    expect(await count(c.created, [c.param(otherMarker, otherAccount)])).toBe(0);
  });
});

describe('the key', () => {
  it('is per principal: the same key from another user or an API key is independent', async () => {
    const key = newKey();
    const name = unique('shared');
    const apiKey = await t.restKey('admin');
    const answers = [
      await post('/api/accounts', { name }, key),
      await post('/api/accounts', { name }, key, other.headers),
      await post('/api/accounts', { name }, key, { authorization: `Bearer ${apiKey}` }),
    ];
    expect(answers.map((a) => a.statusCode)).toEqual([201, 201, 201]);
    expect(answers.map((a) => a.headers['idempotent-replayed'])).toEqual([undefined, undefined, undefined]);
    expect(new Set(answers.map((a) => a.json<{ id: string }>().id)).size).toBe(3);
    expect(await count('accounts WHERE name = $1', [name])).toBe(3);
    const { rows } = await t.database.query<{ principal: string }>('SELECT principal FROM idempotency_keys WHERE key = $1 ORDER BY 1', [key]);
    expect(rows.map((r) => r.principal.split(':')[0])).toEqual(['key', 'user', 'user']);
  });

  it('used on another route is a different request: 422', async () => {
    const key = newKey();
    const accountId = await newAccount();
    expect((await post('/api/tasks', { accountId, title: 'x' }, key)).statusCode).toBe(201);
    expect((await post('/api/activities', { accountId, kind: 'call', subject: 'x' }, key)).statusCode).toBe(422);
  });

  it('is refused (400, nothing created) unless it is 1 to 255 visible ASCII characters', async () => {
    const name = unique('badkey');
    for (const bad of ['', 'has space', 'x'.repeat(256), 'tab\there', 'caf\u00e9']) {
      const res = await post('/api/accounts', { name }, bad);
      expect(res.statusCode, JSON.stringify(bad)).toBe(400);
      expect(res.json()).toMatchObject({ code: 'idempotency.invalid_key', fields: [{ path: 'headers.idempotency-key' }] });
    }
    expect(await count('accounts WHERE name = $1', [name])).toBe(0);
    for (const good of ['x'.repeat(255), '!~', '0f8fad5b-d9cb-469f-a165-70867728950e']) expect((await post('/api/accounts', { name: unique('good') }, good)).statusCode).toBe(201);
  });

  it('survives any header value: never a 5xx', async () => {
    // fast-check repeats short strings; a key already used (with another name) is rightly a 422.
    const used = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 300 }), async (key) => {
        let res: Res;
        try {
          res = await post('/api/accounts', { name: unique('fc') }, key);
        } catch (err) {
          // Characters no HTTP client can send (Node refuses them before the request exists).
          expect((err as { code?: string }).code).toBe('ERR_INVALID_CHAR');
          return;
        }
        expect(res.statusCode, res.body).toBeLessThan(500);
        if (res.statusCode === 201) used.add(key);
        else if (res.statusCode === 422) expect(used.has(key), `422 for a key not used before: ${JSON.stringify(key)}`).toBe(true);
        else expect(res.statusCode, res.body).toBe(400);
      }),
      { numRuns: 60 },
    );
  });
});

describe('what is stored', () => {
  it('a request that fails validation stores nothing; the corrected request with the same key succeeds', async () => {
    const key = newKey();
    const invalid = await post('/api/accounts', { name: '' }, key);
    expect(invalid.statusCode).toBe(400);
    expect(await count('idempotency_keys WHERE key = $1', [key])).toBe(0);
    const name = unique('fixed');
    expect((await post('/api/accounts', { name }, key)).statusCode).toBe(201);
    expect(await count('accounts WHERE name = $1', [name])).toBe(1);
  });

  it('also on a route that validates in its handler (webhooks, attachValidation)', async () => {
    const key = newKey();
    const name = unique('wh');
    const invalid = await post('/api/webhooks', { name, url: 'ftp://nope', events: ['task.created'] }, key);
    expect(invalid.statusCode).toBe(400);
    expect(await count('idempotency_keys WHERE key = $1', [key])).toBe(0);
    expect((await post('/api/webhooks', { name, url: 'http://127.0.0.1:9/canopy', events: ['task.created'] }, key)).statusCode).toBe(201);
  });

  it('a refusal from the handler (404, a 400 of its own checks) keeps nothing: the corrected request runs with the same key', async () => {
    const key = newKey();
    const accountId = await newAccount();
    const missing = await post(`/api/accounts/${accountId}/playbooks`, { playbookId: '00000000-0000-4000-8000-000000000000' }, key);
    expect(missing.statusCode).toBe(404);
    expect(await count('idempotency_keys WHERE key = $1', [key])).toBe(0);
    // An escalation needs two people in two roles: the handler refuses one, the fix goes through.
    const [csm, support] = [(await t.signIn('csm')).userId, (await t.signIn('csm')).userId];
    const one = await post('/api/escalations', { accountId, title: 'Down', severity: 'high', members: [{ userId: csm, role: 'csm' }] }, key);
    expect(one.statusCode, one.body).toBe(400);
    const fixed = await post('/api/escalations', { accountId, title: 'Down', severity: 'high', members: [{ userId: csm, role: 'csm' }, { userId: support, role: 'support' }] }, key);
    expect(fixed.statusCode, fixed.body).toBe(201);
    expectReplay(fixed, await post('/api/escalations', { accountId, title: 'Down', severity: 'high', members: [{ userId: csm, role: 'csm' }, { userId: support, role: 'support' }] }, key));
  });

  it('an expired key (older than 24 h) is taken over: the request runs again', async () => {
    const key = newKey();
    const name = unique('exp');
    expect((await post('/api/accounts', { name }, key)).statusCode).toBe(201);
    await t.database.query(`UPDATE idempotency_keys SET expires_at = now() - interval '1 minute' WHERE key = $1`, [key]);
    const again = await post('/api/accounts', { name }, key);
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBeUndefined();
    expect(await count('accounts WHERE name = $1', [name])).toBe(2);
    // A different request may use an expired key too.
    await t.database.query(`UPDATE idempotency_keys SET expires_at = now() - interval '1 minute' WHERE key = $1`, [key]);
    expect((await post('/api/accounts', { name: unique('other') }, key)).statusCode).toBe(201);
  });

  it('a key abandoned in progress (its process died) is taken over after the lease; a live one is waited for', async () => {
    const name = unique('lease');
    const url = '/api/accounts';
    const principal = `user:${admin.userId}`;
    const fp = fingerprint('POST', url, { name });
    const insert = (key: string, lockedAgo: string) => t.database.query(
      `INSERT INTO idempotency_keys (principal, key, fingerprint, method, path, lock_token, locked_at, expires_at)
       VALUES ($1, $2, $3, 'POST', $4, gen_random_uuid(), now() - $5::interval, now() + interval '1 day')`,
      [principal, key, fp, url, lockedAgo],
    );
    const abandoned = newKey();
    await insert(abandoned, '2 minutes');
    expect((await post(url, { name }, abandoned)).statusCode).toBe(201);
    expect(await count('accounts WHERE name = $1', [name])).toBe(1);

    // In progress and alive: the repeat waits, and gets the answer once it is stored.
    const live = newKey();
    await insert(live, '0 seconds');
    const waiting = post(url, { name }, live);
    await new Promise((r) => setTimeout(r, 400));
    await t.database.query(
      `UPDATE idempotency_keys SET status = 201, response = '{"stored":true}', content_type = 'application/json; charset=utf-8', lock_token = NULL WHERE key = $1`,
      [live],
    );
    const res = await waiting;
    expect(res.statusCode).toBe(201);
    expect(res.body).toBe('{"stored":true}');
    expect(res.headers['idempotent-replayed']).toBe('true');
    expect(await count('accounts WHERE name = $1', [name])).toBe(1);
  });

  it('does not apply to signing in, to GETs, or to other POSTs\' answers without the header', async () => {
    const key = newKey();
    const login = () => t.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'idempotency-key': key }, payload: { email: admin.email, password: 'correct horse battery staple' }, remoteAddress: '10.77.0.1' });
    const a = await login();
    const b = await login();
    expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
    expect(b.headers['idempotent-replayed']).toBeUndefined();
    expect(a.json<{ csrfToken: string }>().csrfToken).not.toBe(b.json<{ csrfToken: string }>().csrfToken);
    const get = await t.app.inject({ method: 'GET', url: '/api/accounts', headers: { ...admin.headers, 'idempotency-key': 'not valid at all' } });
    expect(get.statusCode).toBe(200);
    expect(await count('idempotency_keys WHERE key = $1', [key])).toBe(0);
  });

  it('does not keep answers that carry a credential (a new REST key, a generated password)', async () => {
    const key = newKey();
    const a = await post('/api/api-keys', { name: unique('k'), kind: 'rest', role: 'viewer' }, key);
    const b = await post('/api/api-keys', { name: unique('k'), kind: 'rest', role: 'viewer' }, key);
    expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
    expect(a.json<{ key: string }>().key).not.toBe(b.json<{ key: string }>().key);
    expect(await count('idempotency_keys WHERE key = $1', [key])).toBe(0);
  });

  it('expired keys are purged by the hourly job', async () => {
    const { createIdempotencyStore } = await import('../../src/idempotency/store.js');
    const key = newKey();
    expect((await post('/api/accounts', { name: unique('purge') }, key)).statusCode).toBe(201);
    await t.database.query(`UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = $1`, [key]);
    expect(await createIdempotencyStore(t.database).purgeExpired()).toBeGreaterThanOrEqual(1);
    expect(await count('idempotency_keys WHERE key = $1', [key])).toBe(0);
  });
});
