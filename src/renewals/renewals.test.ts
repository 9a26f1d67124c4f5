import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type SignedIn, type TestApp } from '../../test/support/app.js';
import { addMonths } from './periods.js';
import { apiAs, insertAccount, insertSignal, quarterStarts, setRisk } from './test-support.js';

/** Renewals over HTTP on a real database: the forecast per quarter, the list and its risks, overrides and their audit, CSV, validation, roles. */
let t: TestApp;
let admin: SignedIn;
let manager: SignedIn;
let csm: SignedIn;
let viewer: SignedIn;
let api: ReturnType<typeof apiAs>;

beforeAll(async () => {
  t = await createTestApp();
  [admin, manager, csm, viewer] = [await t.signIn('admin'), await t.signIn('manager'), await t.signIn('csm'), await t.signIn('viewer')];
  api = apiAs(t);
});
afterAll(() => t?.close());

type Tally = { arr: number; forecast: number; count: number };
type ForecastPeriod = { period: string; start: string; arrDue: number; forecast: number; count: number; commit: Tally; likely: Tally; atRisk: Tally };
type Forecast = { periods: ForecastPeriod[]; totals: { arrDue: number; forecast: number; count: number } };
type Item = {
  account: { id: string; name: string; owner: { id: string; name: string } | null }; renewalDate: string; arr: number; probability: number; probabilitySource: string;
  forecast: number; category: string; suggested: string; override: { category: string; reason: string; by: { id: string } | null } | null;
  risks: { id: string; kind: string; label: string; contribution: number; evidence: { summary: string } }[];
};
type List = { from: string; to: string; periods: { period: string; arrDue: number; forecast: number; count: number; byCategory: Record<string, number> }[]; items: Item[]; nextCursor: string | null; total: number };

const forecast = async (period = 'quarter') => (await api(viewer, 'GET', `/api/renewals/forecast?period=${period}`)).json() as Forecast;
const minus = (a: Tally, b: Tally) => ({ arr: a.arr - b.arr, forecast: Math.round((a.forecast - b.forecast) * 100) / 100, count: a.count - b.count });

describe('the renewal forecast', () => {
  it('sums ARR due, forecast and categories per quarter for the next four quarters (a small book with known ARR, dates and risk)', async () => {
    const before = await forecast();
    const q = quarterStarts();
    const day = (i: number) => addMonths(q[i] ?? '', 0).replace(/-01$/, '-11');
    await insertAccount(t, { arr: 10_000, renewalDate: day(0), risk: 0.1 }); // 0.9 commit, 9 000
    await insertAccount(t, { arr: 20_000, renewalDate: day(0), risk: 0.5 }); // 0.5 at risk, 10 000
    await insertAccount(t, { arr: 5_000, renewalDate: day(1) }); // no risk row: 0.95 commit, 4 750
    await insertAccount(t, { arr: 8_000, renewalDate: day(2), risk: 0.3 }); // 0.7 likely, 5 600
    await insertAccount(t, { arr: 7_000, renewalDate: day(3), stage: 'churned', risk: 0.9 }); // churned: not a renewal
    await insertAccount(t, { arr: 9_999, renewalDate: q[4] ?? '', risk: 0 }); // the first day after the horizon
    const after = await forecast();
    expect(after.periods.map((p) => p.start)).toEqual(q.slice(0, 4));
    const delta = after.periods.map((p, i) => {
      const b = before.periods[i] as ForecastPeriod;
      return { arrDue: p.arrDue - b.arrDue, forecast: Math.round((p.forecast - b.forecast) * 100) / 100, count: p.count - b.count, commit: minus(p.commit, b.commit), likely: minus(p.likely, b.likely), atRisk: minus(p.atRisk, b.atRisk) };
    });
    const zero = { arr: 0, forecast: 0, count: 0 };
    expect(delta).toEqual([
      { arrDue: 30_000, forecast: 19_000, count: 2, commit: { arr: 10_000, forecast: 9000, count: 1 }, likely: zero, atRisk: { arr: 20_000, forecast: 10_000, count: 1 } },
      { arrDue: 5000, forecast: 4750, count: 1, commit: { arr: 5000, forecast: 4750, count: 1 }, likely: zero, atRisk: zero },
      { arrDue: 8000, forecast: 5600, count: 1, commit: zero, likely: { arr: 8000, forecast: 5600, count: 1 }, atRisk: zero },
      { arrDue: 0, forecast: 0, count: 0, commit: zero, likely: zero, atRisk: zero },
    ]);
    expect(after.totals.arrDue - before.totals.arrDue).toBe(43_000);
    // The calendar of the same range agrees with the forecast, period by period; by month it has twelve.
    const list = (await api(viewer, 'GET', '/api/renewals?group=quarter')).json() as List;
    expect(list.periods.map((p) => [p.period, p.arrDue, p.forecast, p.count])).toEqual(after.periods.map((p) => [p.period, p.arrDue, p.forecast, p.count]));
    const months = (await api(viewer, 'GET', '/api/renewals?group=month')).json() as List;
    expect(months.periods).toHaveLength(12);
    expect(months.periods.reduce((s, p) => s + p.arrDue, 0)).toBe(list.periods.reduce((s, p) => s + p.arrDue, 0));
    expect((await forecast('month')).periods).toHaveLength(12);
  });

  it('lists renewals by date with probability, its source, forecast and the three largest risks with their labels', async () => {
    const date = addMonths(quarterStarts()[1] ?? '', 1);
    const id = await insertAccount(t, { name: 'Risky Ltd', arr: 12_000, renewalDate: date });
    const [s1, s2, s3, s4] = [await insertSignal(t, id, 'usage_drop', 'Usage down 40 %'), await insertSignal(t, id, 'champion_left', 'Ada left'), await insertSignal(t, id, 'open_escalation', 'Outage'), await insertSignal(t, id, 'low_csat', 'CSAT 2')];
    await setRisk(t, id, 0.55, [
      { signalId: s1, kind: 'usage_drop', family: 'usage', strength: 0.2, effective: 0.2, contribution: 12 },
      { signalId: s2, kind: 'champion_left', family: 'relationship', strength: 0.3, effective: 0.3, contribution: 25 },
      { signalId: s3, kind: 'open_escalation', family: 'support', strength: 0.2, effective: 0.2, contribution: 15 },
      { signalId: s4, kind: 'low_csat', family: 'sentiment', strength: 0.1, effective: 0.1, contribution: 3 },
    ]);
    const noRisk = await insertAccount(t, { name: 'Unscored Inc', arr: 1000, renewalDate: date });
    const list = (await api(csm, 'GET', `/api/renewals?from=${date}&to=${addMonths(date, 1)}&group=month`)).json() as List;
    const risky = list.items.find((i) => i.account.id === id);
    expect(risky).toMatchObject({ renewalDate: date, arr: 12_000, probability: 0.45, probabilitySource: 'risk', forecast: 5400, category: 'at_risk', suggested: 'at_risk', override: null });
    expect(risky?.risks.map((r) => [r.kind, r.label, r.contribution])).toEqual([['champion_left', 'Champion left', 25], ['open_escalation', 'Open escalation', 15], ['usage_drop', 'Usage down month on month', 12]]);
    expect(risky?.risks[0]?.evidence.summary).toBe('Ada left');
    expect(list.items.find((i) => i.account.id === noRisk)).toMatchObject({ probability: 0.95, probabilitySource: 'default', category: 'commit', risks: [] });
  });

  it('pages the list by (renewal date, account) with nextCursor, the periods covering every page', async () => {
    const from = '2031-01-01';
    const ids = [];
    for (const d of ['2031-01-05', '2031-01-05', '2031-02-10']) ids.push(await insertAccount(t, { arr: 100, renewalDate: d }));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await api(viewer, 'GET', `/api/renewals?from=${from}&to=2031-04-01&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      const page = res.json() as List;
      expect(page.total).toBe(3);
      expect(page.periods[0]).toMatchObject({ period: '2031-Q1', arrDue: 300, count: 3 });
      seen.push(...page.items.map((i) => i.account.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.slice(0, 2).sort()).toEqual(ids.slice(0, 2).sort());
    expect(seen[2]).toBe(ids[2]);
  });
});

describe('overrides', () => {
  it("a manager's override changes the category (not the forecast), keeps the suggestion, is audited, and is removed again", async () => {
    const date = addMonths(quarterStarts()[2] ?? '', 1);
    const id = await insertAccount(t, { name: 'Override Co', arr: 8000, renewalDate: date, risk: 0.3 });
    const put = await api(manager, 'PUT', `/api/renewals/${id}/override`, { renewalDate: date, category: 'at_risk', reason: 'Budget freeze announced on the call' });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({ category: 'at_risk', suggested: 'likely', forecast: 5600, override: { category: 'at_risk', reason: 'Budget freeze announced on the call', by: { id: manager.userId } } });
    const audit = await t.database.query<{ action: string; actor_id: string; changes: { category: { from: unknown; to: unknown }; reason: string; suggested: string } }>(
      "SELECT action, actor_id, changes FROM audit_log WHERE object_type = 'account' AND object_id = $1 AND action LIKE 'renewal_override.%' ORDER BY id", [id],
    );
    expect(audit.rows).toEqual([{ action: 'renewal_override.set', actor_id: manager.userId, changes: { renewalDate: date, category: { from: null, to: 'at_risk' }, suggested: 'likely', reason: 'Budget freeze announced on the call' } }]);
    const list = (await api(viewer, 'GET', `/api/renewals?from=${date}&to=${addMonths(date, 1)}`)).json() as List;
    expect(list.items.find((i) => i.account.id === id)?.category).toBe('at_risk');
    expect(list.periods.reduce((s, p) => s + (p.byCategory.at_risk ?? 0), 0)).toBeGreaterThanOrEqual(8000);

    // The override belongs to that renewal: once the renewal date moves, the suggestion applies again.
    const wrong = await api(manager, 'PUT', `/api/renewals/${id}/override`, { renewalDate: addMonths(date, 12), category: 'commit', reason: 'x' });
    expect(wrong.statusCode).toBe(409);
    expect(wrong.json()).toMatchObject({ code: 'renewal.date_mismatch', details: { currentRenewalDate: date } });
    await t.database.query('UPDATE accounts SET renewal_date = $2::date WHERE id = $1', [id, addMonths(date, 12)]);
    const moved = (await api(viewer, 'GET', `/api/renewals?from=${addMonths(date, 12)}&to=${addMonths(date, 13)}`)).json() as List;
    expect(moved.items.find((i) => i.account.id === id)).toMatchObject({ category: 'likely', override: null });
    await t.database.query('UPDATE accounts SET renewal_date = $2::date WHERE id = $1', [id, date]);

    expect((await api(admin, 'DELETE', `/api/renewals/${id}/override?renewalDate=${date}`)).statusCode).toBe(204);
    const again = await api(admin, 'DELETE', `/api/renewals/${id}/override?renewalDate=${date}`);
    expect(again.statusCode).toBe(404);
    expect(again.json()).toMatchObject({ code: 'renewal_override.not_found' });
    const actions = await t.database.query<{ action: string; changes: { category: { from: unknown } } }>(
      "SELECT action, changes FROM audit_log WHERE object_id = $1 AND action LIKE 'renewal_override.%' ORDER BY id", [id],
    );
    expect(actions.rows.map((r) => r.action)).toEqual(['renewal_override.set', 'renewal_override.clear']);
    expect(actions.rows[1]?.changes.category.from).toBe('at_risk');
  });

  it('only admins and managers (and manager keys) override; everyone reads; nobody signed in gets 401', async () => {
    const date = addMonths(quarterStarts()[1] ?? '', 2);
    const own = await insertAccount(t, { arr: 100, renewalDate: date, ownerId: csm.userId });
    const body = { renewalDate: date, category: 'commit', reason: 'Signed early' };
    expect((await api(csm, 'PUT', `/api/renewals/${own}/override`, body)).statusCode).toBe(403); // even on their own account
    expect((await api(viewer, 'PUT', `/api/renewals/${own}/override`, body)).statusCode).toBe(403);
    expect((await api(csm, 'DELETE', `/api/renewals/${own}/override?renewalDate=${date}`)).statusCode).toBe(403);
    expect((await api(null, 'GET', '/api/renewals')).statusCode).toBe(401);
    const key = await t.restKey('manager');
    const viaKey = await t.app.inject({ method: 'PUT', url: `/api/renewals/${own}/override`, headers: { authorization: `Bearer ${key}` }, payload: body });
    expect(viaKey.statusCode, viaKey.body).toBe(200);
    expect(viaKey.json()).toMatchObject({ override: { by: null, category: 'commit' } });
    for (const who of [admin, manager, csm, viewer]) {
      for (const url of ['/api/renewals', '/api/renewals/forecast', '/api/renewals.csv', '/api/analytics/retention']) expect((await api(who, 'GET', url)).statusCode, url).toBe(200);
    }
    expect((await api(admin, 'PUT', `/api/renewals/00000000-0000-4000-8000-000000000000/override`, body)).statusCode).toBe(404);
  });
});

describe('CSV', () => {
  it('exports the columns, writes numbers as numbers and defuses cells a spreadsheet would run as formulas', async () => {
    const date = '2032-05-05';
    const id = await insertAccount(t, { name: '=HYPERLINK("http://evil.example","click")', arr: 2500, renewalDate: date, risk: 0.2 });
    const sid = await insertSignal(t, id, 'manual', 'Raised');
    await setRisk(t, id, 0.2, [{ signalId: sid, kind: 'manual', family: 'other', strength: 0.25, effective: 0.2, contribution: 20 }]);
    await api(manager, 'PUT', `/api/renewals/${id}/override`, { renewalDate: date, category: 'likely', reason: '+1 from procurement; @legal to confirm' });
    const other = await insertAccount(t, { name: '-minus\tand "quotes", commas', arr: 10, renewalDate: '2032-05-06' });
    const res = await api(viewer, 'GET', `/api/renewals.csv?from=2032-05-01&to=2032-06-01`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.headers['content-disposition']).toContain('renewals-2032-05-01-2032-06-01.csv');
    const rows = parse(res.body) as string[][];
    expect(rows[0]).toEqual(['account', 'owner', 'renewal date', 'ARR', 'renewal probability', 'forecast', 'category', 'overridden', 'reason', 'top risks']);
    expect(rows[1]).toEqual(["'=HYPERLINK(\"http://evil.example\",\"click\")", '', date, '2500', '0.8', '2000', 'likely', 'yes', "'+1 from procurement; @legal to confirm", 'Raised by hand']);
    expect(rows[2]).toEqual(["'-minus\tand \"quotes\", commas", '', '2032-05-06', '10', '0.95', '9.5', 'commit', 'no', '', '']);
    expect(rows).toHaveLength(3);
    expect(other).toBeTruthy();
  });
});

describe('validation', () => {
  it.each([
    ['/api/renewals?from=2027-01-01T00:00:00Z', 'from'],
    ['/api/renewals?from=01/02/2027', 'from'],
    ['/api/renewals?to=2027-02-30', 'to'],
    ['/api/renewals?from=2027-06-01&to=2027-01-01', 'to'],
    ['/api/renewals?from=2027-01-01&to=2027-01-01', 'to'],
    ['/api/renewals?from=2027-01-01&to=2030-01-02', 'to'],
    ['/api/renewals?group=week', 'group'],
    ['/api/renewals?limit=0', 'limit'],
    ['/api/renewals?cursor=bm9wZQ', 'cursor'],
    ['/api/renewals.csv?from=2027-01-01&to=2026-01-01', 'to'],
    ['/api/renewals/forecast?period=year', 'period'],
    ['/api/analytics/retention?period=week', 'period'],
    ['/api/analytics/retention?from=2020-01-01&to=2024-01-01', 'to'],
    ['/api/analytics/retention?from=1800-01-01', 'from'],
  ])('%s is a 400 naming querystring.%s', async (url, field) => {
    const res = await api(viewer, 'GET', url);
    expect(res.statusCode, res.body).toBe(400);
    const body = res.json() as { code: string; fields?: { path: string }[] };
    expect(body.code).toBe('request.invalid');
    expect(body.fields?.map((f) => f.path)).toContain(field === 'cursor' ? 'cursor' : `querystring.${field}`);
  });

  it('refuses a bad override body field by field, and writes nothing', async () => {
    const id = await insertAccount(t, { arr: 1, renewalDate: '2033-01-01' });
    const res = await api(manager, 'PUT', `/api/renewals/${id}/override`, { renewalDate: '2033-1-1', category: 'maybe', reason: '   ' });
    expect(res.statusCode).toBe(400);
    expect((res.json() as { fields: { path: string }[] }).fields.map((f) => f.path).sort()).toEqual(['category', 'reason', 'renewalDate']);
    expect((await api(manager, 'DELETE', `/api/renewals/${id}/override`)).statusCode).toBe(400);
    expect((await t.database.query('SELECT 1 FROM renewal_overrides WHERE account_id = $1', [id])).rows).toHaveLength(0);
  });
});
