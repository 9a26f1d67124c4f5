import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type SignedIn, type TestApp } from '../../test/support/app.js';

/**
 * The import API through its HTTP routes: preview, dry run then run for real, the errors CSV,
 * re-running an upsert, and who may upload what. Without a job queue the API runs the engine in
 * the background in-process, so each import is polled until it finishes.
 */

const BOUNDARY = '----canopy-import-test-boundary';

/** A multipart/form-data body: one file part named file, and text fields. */
function multipart(csv: string, fields: Record<string, string>) {
  const parts = Object.entries(fields).map(([k, v]) => `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`);
  parts.push(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="accounts.csv"\r\nContent-Type: text/csv\r\n\r\n${csv}\r\n`);
  return { payload: `${parts.join('')}--${BOUNDARY}--\r\n`, contentType: `multipart/form-data; boundary=${BOUNDARY}` };
}

const CSV = 'Company,Website,mrr_amount,Signup Date\nAcme,acme-imp.com,100,25/03/2024\nBeta,beta-imp.io,200,01/02/2024\nGamma,gamma-imp.org,lots,03/04/2024\n';
const MAPPING = JSON.stringify({
  columns: {
    Company: { field: 'name' }, Website: { field: 'domain' }, mrr_amount: { field: 'mrr' }, 'Signup Date': { field: 'customerSince', format: 'DD/MM/YYYY' },
  },
});

type View = { id: string; status: string; dryRun: boolean; counts: { created: number; updated: number; skipped: number; errors: number }; rows: { row: number; action: string }[] };

let t: TestApp;
let admin: SignedIn;

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.signIn('admin');
});
afterAll(async () => {
  await t.close();
});

async function post(url: string, csv: string, fields: Record<string, string>, who: SignedIn = admin) {
  const { payload, contentType } = multipart(csv, fields);
  return t.app.inject({ method: 'POST', url, payload, headers: { ...who.headers, 'content-type': contentType } });
}

async function finished(id: string, timeoutMs = 20_000): Promise<View> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await t.app.inject({ method: 'GET', url: `/api/imports/${id}`, headers: admin.headers });
    expect(res.statusCode).toBe(200);
    const v = res.json<View>();
    if (v.status !== 'queued' && v.status !== 'running') return v;
    if (Date.now() > until) throw new Error(`import ${id} still ${v.status}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function start(fields: Record<string, string>, csv = CSV) {
  const res = await post('/api/imports', csv, fields);
  expect(res.statusCode, res.body).toBe(202);
  return finished(res.json<{ id: string }>().id);
}

const accountsAt = async (domains: string[]) =>
  (await t.database.query<{ domain: string }>('SELECT domain FROM accounts WHERE domain = ANY ($1::text[]) ORDER BY domain', [domains])).rows.map((r) => r.domain);

describe('import API', () => {
  it('previews an accounts CSV with suggested fields and the day-first date format', async () => {
    const res = await post('/api/imports/preview', CSV, { kind: 'accounts' });
    expect(res.statusCode, res.body).toBe(200);
    const cols = new Map(res.json<{ columns: { name: string; suggested: { field: string; format?: string } }[] }>().columns.map((c) => [c.name, c.suggested]));
    expect(cols.get('Company')?.field).toBe('name');
    expect(cols.get('Website')?.field).toBe('domain');
    expect(cols.get('mrr_amount')?.field).toBe('mrr');
    expect(cols.get('Signup Date')).toMatchObject({ field: 'customerSince', format: 'DD/MM/YYYY' });
  });

  it('dry-runs without writing, runs it for real, and serves the rejected rows as CSV', async () => {
    const domains = ['acme-imp.com', 'beta-imp.io', 'gamma-imp.org'];
    const dry = await start({ kind: 'accounts', mode: 'upsert', onError: 'skip', dryRun: 'true', mapping: MAPPING });
    expect(dry.status).toBe('succeeded');
    expect(dry.dryRun).toBe(true);
    expect(dry.counts).toMatchObject({ created: 2, errors: 1 });
    expect(dry.rows.map((r) => r.action).sort()).toEqual(['create', 'create', 'error']);
    expect(await accountsAt(domains)).toEqual([]);

    const run = await t.app.inject({ method: 'POST', url: `/api/imports/${dry.id}/run`, headers: admin.headers });
    expect(run.statusCode, run.body).toBe(202);
    const realId = run.json<{ id: string }>().id;
    expect(realId).not.toBe(dry.id);
    // Run once: a second click does not import the file twice.
    const again = await t.app.inject({ method: 'POST', url: `/api/imports/${dry.id}/run`, headers: admin.headers });
    expect(again.statusCode, again.body).toBe(409);
    const real = await finished(realId);
    expect(real.status).toBe('succeeded');
    expect(real.dryRun).toBe(false);
    expect(real.counts).toMatchObject({ created: 2, errors: 1 });
    expect(await accountsAt(domains)).toEqual(['acme-imp.com', 'beta-imp.io']);

    const errs = await t.app.inject({ method: 'GET', url: `/api/imports/${realId}/errors.csv`, headers: admin.headers });
    expect(errs.statusCode).toBe(200);
    expect(errs.headers['content-type']).toContain('text/csv');
    const lines = errs.body.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
    expect(lines[0]).toMatch(/,error$/);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('gamma-imp.org');
  });

  it('upserting the same file twice creates no duplicates', async () => {
    const csv = 'Company,Website,mrr_amount,Signup Date\nDelta,delta-imp.com,10,25/03/2024\nEpsilon,epsilon-imp.com,20,26/03/2024\n';
    const fields = { kind: 'accounts', mode: 'upsert', onError: 'stop', dryRun: 'false', mapping: MAPPING };
    const first = await start(fields, csv);
    expect(first.status).toBe('succeeded');
    expect(first.counts).toMatchObject({ created: 2, updated: 0, errors: 0 });
    const second = await start(fields, csv);
    expect(second.status).toBe('succeeded');
    expect(second.counts).toMatchObject({ created: 0, updated: 2, errors: 0 });
    expect(await accountsAt(['delta-imp.com', 'epsilon-imp.com'])).toEqual(['delta-imp.com', 'epsilon-imp.com']);
  });

  it('refuses a CSM, a JSON body and an unknown kind', async () => {
    const csm = await t.signIn('csm');
    expect((await post('/api/imports', CSV, { kind: 'accounts', dryRun: 'true' }, csm)).statusCode).toBe(403);
    const json = await t.app.inject({ method: 'POST', url: '/api/imports', headers: admin.headers, payload: { kind: 'accounts' } });
    expect(json.statusCode).toBe(400);
    expect((await post('/api/imports', CSV, { kind: 'planets', dryRun: 'true' })).statusCode).toBe(400);
  });

  it('imports outcomes with a value map and retainedAsOf', async () => {
    await t.database.query(`INSERT INTO accounts (name, domain) VALUES ('Zeta', 'zeta-imp.com'), ('Eta', 'eta-imp.com')`);
    const csv = 'Domain,Outcome,Date\nzeta-imp.com,churn,2025-03-01\n';
    const mapping = JSON.stringify({
      columns: { Domain: { field: 'accountDomain' }, Outcome: { field: 'kind', valueMap: { churn: 'churned' } }, Date: { field: 'occurredOn', format: 'YYYY-MM-DD' } },
      options: { retainedAsOf: '2025-06-30' },
    });
    const v = await start({ kind: 'outcomes', mode: 'create', onError: 'stop', dryRun: 'false', mapping }, csv);
    expect(v.status).toBe('succeeded');
    expect(v.counts).toMatchObject({ created: 1, errors: 0 });
    const { rows } = await t.database.query<{ domain: string; kind: string; day: string }>(
      `SELECT a.domain, o.kind, o.occurred_on::text AS day FROM outcomes o JOIN accounts a ON a.id = o.account_id WHERE a.domain IN ('zeta-imp.com', 'eta-imp.com') ORDER BY a.domain`);
    expect(rows).toEqual([{ domain: 'eta-imp.com', kind: 'retained', day: '2025-06-30' }, { domain: 'zeta-imp.com', kind: 'churned', day: '2025-03-01' }]);
  });

  it('refuses a usage event whose properties nest thousands of levels deep, and the database stays up (issue 8: it crashed the embedded engine)', async () => {
    await t.database.query(`INSERT INTO accounts (name, domain) VALUES ('Iota', 'iota-imp.com')`);
    const props = `{"x":${'['.repeat(3000)}1${']'.repeat(3000)}}`.replace(/"/g, '""');
    const csv = `Domain,Event,Time,Props\niota-imp.com,deep,${new Date(Date.now() - 86_400_000).toISOString()},"${props}"\n`;
    const mapping = JSON.stringify({ columns: { Domain: { field: 'accountDomain' }, Event: { field: 'event' }, Time: { field: 'timestamp' }, Props: { field: 'properties' } } });
    const v = await start({ kind: 'usage_events', mode: 'create', onError: 'skip', dryRun: 'false', mapping }, csv);
    expect(v).toMatchObject({ status: 'succeeded', counts: { created: 0, errors: 1 } });
    expect((await t.app.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);
  });

  it('imports usage_daily rows into usage_daily', async () => {
    await t.database.query(`INSERT INTO accounts (name, domain) VALUES ('Theta', 'theta-imp.com')`);
    const csv = 'Domain,Event,Day,Count\ntheta-imp.com,report_viewed,2025-05-01,7\ntheta-imp.com,report_viewed,2025-05-02,3\n';
    const mapping = JSON.stringify({ columns: { Domain: { field: 'accountDomain' }, Event: { field: 'event' }, Day: { field: 'day', format: 'YYYY-MM-DD' }, Count: { field: 'count' } } });
    const v = await start({ kind: 'usage_daily', mode: 'create', onError: 'stop', dryRun: 'false', mapping }, csv);
    expect(v.status).toBe('succeeded');
    expect(v.counts.errors).toBe(0);
    const { rows } = await t.database.query<{ day: string; count: number }>(
      `SELECT d.day::text AS day, d.count::int AS count FROM usage_daily d JOIN accounts a ON a.id = d.account_id WHERE a.domain = 'theta-imp.com' AND d.event = 'report_viewed' ORDER BY d.day`);
    expect(rows).toEqual([{ day: '2025-05-01', count: 7 }, { day: '2025-05-02', count: 3 }]);
  });
});
