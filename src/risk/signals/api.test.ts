import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, unique, type SignedIn, type TestApp } from '../../../test/support/app.js';

/** The signals API on a real database: definitions (validation, roles, audit, dry run) and raised signals. */
let t: TestApp;
let admin: SignedIn;
let manager: SignedIn;
let csm: SignedIn;
let viewer: SignedIn;
const DAY = 86_400_000;
const dayOf = (d: number) => new Date(Date.now() - d * DAY).toISOString().slice(0, 10);

beforeAll(async () => {
  t = await createTestApp();
  [admin, manager, csm, viewer] = await Promise.all([t.signIn('admin'), t.signIn('manager'), t.signIn('csm'), t.signIn('viewer')]);
});
afterAll(() => t?.close());

async function account(ownerId: string | null = null) {
  const { rows: [a] } = await t.database.query<{ id: string }>(`INSERT INTO accounts (name, stage, arr, owner_id) VALUES ($1, 'adoption', 1000, $2) RETURNING id`, [unique('acct'), ownerId]);
  return a?.id ?? '';
}
type Def = { id: string; kind: string; params: Record<string, unknown>; strength: number };
const defs = async (who: SignedIn) => (await t.app.inject({ method: 'GET', url: '/api/signal-definitions', headers: who.headers })).json() as { items: Def[] };
const defOf = async (kind: string) => (await defs(admin)).items.find((d) => d.kind === kind) as Def;

describe('signal definitions', () => {
  it('everyone reads the 18 seeded kinds; only admins and managers write', async () => {
    const list = await defs(viewer);
    expect(list.items.map((d) => d.kind)).toContain('usage_drop');
    expect(list.items.length).toBeGreaterThanOrEqual(18);
    const usage = await defOf('usage_drop');
    const patch = (who: SignedIn, payload: unknown) => t.app.inject({ method: 'PATCH', url: `/api/signal-definitions/${usage.id}`, headers: who.headers, payload: payload as object });
    expect((await patch(csm, { strength: 0.3 })).statusCode).toBe(403);
    expect((await patch(viewer, { strength: 0.3 })).statusCode).toBe(403);
    const ok = await patch(manager, { strength: 0.3, params: { dropPct: 40, minPriorEvents: 20 } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ strength: 0.3, params: { dropPct: 40 } });
    const audit = await t.database.query<{ changes: Record<string, unknown> }>(`SELECT changes FROM audit_log WHERE action = 'signal_definition.update' AND object_id = $1`, [usage.id]);
    expect(audit.rows[0]?.changes).toHaveProperty('strength');
  });

  it('refuses unknown params keys and wrong types, naming the field', async () => {
    const usage = await defOf('usage_drop');
    const bad = async (payload: object) => {
      const res = await t.app.inject({ method: 'PATCH', url: `/api/signal-definitions/${usage.id}`, headers: admin.headers, payload });
      expect(res.statusCode).toBe(400);
      return res.json() as { code: string; fields?: { path: string }[] };
    };
    expect((await bad({ params: { dropPct: 30, dropPercent: 5 } })).fields?.map((f) => f.path).join()).toContain('dropPercent');
    expect((await bad({ params: { dropPct: '30' } })).fields?.[0]?.path).toBe('params.dropPct');
    expect((await bad({ params: { dropPct: 1e308 } })).code).toBe('signal_definition.invalid');
    expect((await bad({ strength: 1 })).code).toBe('request.invalid');
    expect((await bad({ shout: true })).code).toBe('request.invalid');
  });

  it('creates external kinds only, once', async () => {
    const post = (payload: object) => t.app.inject({ method: 'POST', url: '/api/signal-definitions', headers: manager.headers, payload });
    const kind = `budget_freeze_${Date.now().toString(36)}`;
    const made = await post({ kind, family: 'commercial', label: 'Budget freeze', strength: 0.2, halfLifeDays: 45 });
    expect(made.statusCode).toBe(201);
    expect(made.json()).toMatchObject({ source: 'external', decayFrom: 'end', builtin: false });
    expect((await post({ kind, family: 'commercial', label: 'Again', strength: 0.2, halfLifeDays: 45 })).json()).toMatchObject({ code: 'signal_definition.kind_taken' });
    expect((await post({ kind: 'x2', family: 'weather', label: 'x', strength: 0.2, halfLifeDays: 45 })).statusCode).toBe(400);
    expect((await post({ kind: 'Bad Kind', family: 'other', label: 'x', strength: 0.2, halfLifeDays: 45 })).statusCode).toBe(400);
  });

  it('dry run: accounts gaining and losing the signal under proposed params, writing nothing', async () => {
    const a = await account();
    const b = await account();
    const ins = `INSERT INTO usage_daily (account_id, event, day, count, users) SELECT $1, '$all', d::date, $4, 1 FROM generate_series($2::date, $3::date, interval '1 day') d`;
    for (const [id, recent] of [[a, 6], [b, 3]] as const) {
      await t.database.query(ins, [id, dayOf(59), dayOf(30), 10]);
      await t.database.query(ins, [id, dayOf(29), dayOf(0), recent]);
    }
    const usage = await defOf('usage_drop');
    await t.app.inject({ method: 'PATCH', url: `/api/signal-definitions/${usage.id}`, headers: admin.headers, payload: { params: { dropPct: 30, minPriorEvents: 20 } } });
    const { refreshSignals } = await import('./index.js');
    await t.database.transaction((tx) => refreshSignals(tx, [a, b], new Date()));
    const before = await t.database.query(`SELECT count(*)::int AS n FROM risk_signals`);
    const run = async (payload: object) => {
      const res = await t.app.inject({ method: 'POST', url: `/api/signal-definitions/${usage.id}/dry-run`, headers: manager.headers, payload });
      expect(res.statusCode).toBe(200);
      return res.json() as { now: { accounts: number }; proposed: { accounts: number }; added: { accountId: string }[]; removed: { accountId: string }[] };
    };
    const stricter = await run({ params: { dropPct: 60, minPriorEvents: 20 } });
    expect(stricter.removed.map((x) => x.accountId)).toEqual([a]);
    expect(stricter.proposed.accounts).toBe(stricter.now.accounts - 1);
    const looser = await run({ params: { dropPct: 30, minPriorEvents: 20 } });
    expect(looser.added).toEqual([]);
    expect((await run({ enabled: false })).proposed.accounts).toBe(0);
    expect((await t.app.inject({ method: 'POST', url: `/api/signal-definitions/${usage.id}/dry-run`, headers: csm.headers, payload: {} })).statusCode).toBe(403);
    expect((await t.database.query(`SELECT count(*)::int AS n FROM risk_signals`)).rows).toEqual(before.rows);
  });
});

describe('raised signals', () => {
  it('a CSM raises on their account (manual), not on another; an unknown kind is 400; an API key raises as api', async () => {
    const mine = await account(csm.userId);
    const other = await account();
    const post = (headers: Record<string, string>, payload: object) => t.app.inject({ method: 'POST', url: '/api/risk-signals', headers, payload });
    const made = await post(csm.headers, { accountId: mine, kind: 'manual', note: 'Their CFO asked about cancellation terms' });
    expect(made.statusCode).toBe(201);
    expect(made.json()).toMatchObject({ kind: 'manual', source: 'manual', family: 'other', strength: 0.25, raisedBy: { id: csm.userId }, endedAt: null });
    expect((await post(csm.headers, { accountId: other, kind: 'manual' })).statusCode).toBe(403);
    expect((await post(viewer.headers, { accountId: mine, kind: 'manual' })).statusCode).toBe(403);
    const unknown = await post(csm.headers, { accountId: mine, kind: 'made_up_kind' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ code: 'signal_kind.unknown' });
    expect((await post(csm.headers, { accountId: mine, kind: 'manual', startedAt: '2999-01-01T00:00:00Z' })).statusCode).toBe(400);
    const key = await t.restKey('manager');
    const api = await post({ authorization: `Bearer ${key}` }, { accountId: other, kind: 'manual', strength: 0.4, note: 'from the billing system' });
    expect(api.statusCode).toBe(201);
    expect(api.json()).toMatchObject({ source: 'api', strength: 0.4, raisedBy: null });
  });

  it('resolves a raised signal; a computed one is 409 risk_signal.computed', async () => {
    const id = await account(csm.userId);
    const made = (await t.app.inject({ method: 'POST', url: '/api/risk-signals', headers: csm.headers, payload: { accountId: id, kind: 'manual', note: 'x' } })).json() as { id: string };
    const patch = (sid: string, who: SignedIn) => t.app.inject({ method: 'PATCH', url: `/api/risk-signals/${sid}`, headers: who.headers, payload: { ended: true, note: 'talked to them' } });
    expect((await patch(made.id, viewer)).statusCode).toBe(403);
    const done = await patch(made.id, csm);
    expect(done.statusCode).toBe(200);
    expect((done.json() as { endedAt: string | null }).endedAt).not.toBeNull();
    await t.database.query(`INSERT INTO escalations (account_id, title, severity) VALUES ($1, 'down', 'high')`, [id]);
    const { refreshSignals } = await import('./index.js');
    await t.database.transaction((tx) => refreshSignals(tx, [id], new Date()));
    const { rows: [c] } = await t.database.query<{ id: string }>(`SELECT id FROM risk_signals WHERE account_id = $1 AND source = 'computed'`, [id]);
    const res = await patch(c?.id ?? '', csm);
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'risk_signal.computed' });
    expect((await patch('00000000-0000-4000-8000-000000000000', csm)).statusCode).toBe(404);
  });
});

describe('withdrawn signals and start bounds', () => {
  it('a withdrawn signal no longer counts (not in signalsAsOf), stays in the history as withdrawn, and is audited', async () => {
    const id = await account(csm.userId);
    const post = (payload: object) => t.app.inject({ method: 'POST', url: '/api/risk-signals', headers: csm.headers, payload: { accountId: id, kind: 'manual', ...payload } });
    const kept = (await post({ note: 'real' })).json() as { id: string };
    const wrong = (await post({ note: 'wrong account' })).json() as { id: string };
    const patch = (sid: string, payload: object) => t.app.inject({ method: 'PATCH', url: `/api/risk-signals/${sid}`, headers: csm.headers, payload });
    expect((await patch(wrong.id, { withdrawn: true, ended: true })).statusCode).toBe(400);
    expect((await patch(wrong.id, { withdrawn: false })).statusCode).toBe(400);
    const res = await patch(wrong.id, { withdrawn: true, note: 'raised on the wrong account' });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { startedAt: string; endedAt: string; withdrawnAt: string | null; effective: number };
    expect(body.withdrawnAt).not.toBeNull();
    expect(body.endedAt).toBe(body.startedAt);
    expect(body.effective).toBe(0);
    const { signalsAsOf } = await import('./index.js');
    const asOf = (await signalsAsOf(t.database, [id], new Date())).get(id) ?? [];
    expect(asOf.map((s) => s.id)).toEqual([kept.id]);
    // Resolving the other one keeps it, fading (manual: 14 days half-life after 0024).
    await patch(kept.id, { ended: true });
    const later = (await signalsAsOf(t.database, [id], new Date(Date.now() + 30 * DAY))).get(id) ?? [];
    expect(later.map((s) => s.id)).toEqual([kept.id]);
    expect((await signalsAsOf(t.database, [id], new Date(Date.now() + 120 * DAY))).get(id)).toBeUndefined();
    expect((await defOf('manual')) as unknown).toMatchObject({ halfLifeDays: 14 });
    const audit = await t.database.query(`SELECT 1 FROM audit_log WHERE action = 'risk_signal.withdraw' AND object_id = $1`, [id]);
    expect(audit.rows.length).toBe(1);
    // Withdrawing again changes nothing; a computed signal cannot be withdrawn.
    expect((await patch(wrong.id, { withdrawn: true })).json()).toMatchObject({ withdrawnAt: body.withdrawnAt });
    await t.database.query(`INSERT INTO escalations (account_id, title, severity) VALUES ($1, 'down', 'high')`, [id]);
    const { refreshSignals } = await import('./index.js');
    await t.database.transaction((tx) => refreshSignals(tx, [id], new Date()));
    const { rows: [c] } = await t.database.query<{ id: string }>(`SELECT id FROM risk_signals WHERE account_id = $1 AND source = 'computed'`, [id]);
    expect((await patch(c?.id ?? '', { withdrawn: true })).statusCode).toBe(409);
  });

  it('refuses a start more than 730 days ago or in the future, naming startedAt; detector kinds from other systems keep source api', async () => {
    const id = await account(csm.userId);
    const post = (headers: Record<string, string>, payload: object) => t.app.inject({ method: 'POST', url: '/api/risk-signals', headers, payload: { accountId: id, ...payload } });
    for (const startedAt of ['1901-01-01T00:00:00Z', new Date(Date.now() - 731 * DAY).toISOString(), new Date(Date.now() + DAY).toISOString()]) {
      const res = await post(csm.headers, { kind: 'manual', startedAt });
      expect(res.statusCode).toBe(400);
      expect((res.json() as { fields?: { path: string }[] }).fields?.[0]?.path).toBe('startedAt');
    }
    expect((await post(csm.headers, { kind: 'manual', startedAt: new Date(Date.now() - 700 * DAY).toISOString() })).statusCode).toBe(201);
    const key = await t.restKey('manager');
    const billing = await post({ authorization: `Bearer ${key}` }, { kind: 'payment_failed', note: 'invoice 118 bounced' });
    expect(billing.statusCode).toBe(201);
    expect(billing.json()).toMatchObject({ kind: 'payment_failed', source: 'api' });
  });
});

describe('contact deactivation', () => {
  it('PATCH /api/contacts/:id {active:false} sets deactivated_at (listed), logs the change, and the champion_left signal follows', async () => {
    const id = await account(csm.userId);
    const made = await t.app.inject({ method: 'POST', url: '/api/contacts', headers: csm.headers, payload: { accountId: id, name: 'Ann Champion', role: 'champion' } });
    const c = made.json() as { id: string; active: boolean };
    expect(c.active).toBe(true);
    const off = await t.app.inject({ method: 'PATCH', url: `/api/contacts/${c.id}`, headers: csm.headers, payload: { active: false } });
    expect(off.statusCode).toBe(200);
    expect(off.json()).toMatchObject({ active: false });
    const list = (await t.app.inject({ method: 'GET', url: `/api/contacts?accountId=${id}`, headers: viewer.headers })).json() as { items: { id: string; deactivatedAt: string | null }[] };
    expect(list.items.find((x) => x.id === c.id)?.deactivatedAt).not.toBeNull();
    expect((await t.app.inject({ method: 'PATCH', url: `/api/contacts/${c.id}`, headers: csm.headers, payload: { active: 'no' } })).statusCode).toBe(400);
    const { refreshSignals } = await import('./index.js');
    await t.database.transaction((tx) => refreshSignals(tx, [id], new Date()));
    const kinds = (await t.database.query<{ kind: string }>(`SELECT kind FROM risk_signals WHERE account_id = $1 AND ended_at IS NULL`, [id])).rows.map((r) => r.kind);
    expect(kinds).toContain('champion_left');
    const on = await t.app.inject({ method: 'PATCH', url: `/api/contacts/${c.id}`, headers: csm.headers, payload: { active: true } });
    expect(on.json()).toMatchObject({ active: true, deactivatedAt: null });
    const changes = await t.database.query<{ change: string }>(`SELECT change FROM contact_role_changes WHERE contact_id = $1 ORDER BY id`, [c.id]);
    expect(changes.rows.map((r) => r.change)).toEqual(['deactivated', 'reactivated']);
  });
});
