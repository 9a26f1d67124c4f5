import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/support/db.js';
import type { Database } from '../../db/connect.js';
import { raiseSignal, raiseSignalsForFirings, refreshSignals, signalsAsOf } from './index.js';

/** Computed signals on a real database (PGlite, or PostgreSQL with TEST_DATABASE_URL): appear, end and decay. */
let database: Database;
let drop: () => Promise<void>;
const DAY = 86_400_000;
const now = new Date(Date.now() - (Date.now() % DAY) + 12 * 3600_000); // today, noon UTC
const ago = (d: number) => new Date(now.getTime() - d * DAY);
const dayOf = (d: number) => ago(d).toISOString().slice(0, 10);

beforeAll(async () => { ({ database, drop } = await createTestDatabase()); }, 180_000); // migrating an in-process database takes over a minute on a busy machine
afterAll(() => drop?.());

async function account(name: string) {
  const { rows: [a] } = await database.query<{ id: string }>(`INSERT INTO accounts (name, stage, arr, created_at) VALUES ($1, 'adoption', 1000, $2) RETURNING id`, [name, ago(300)]);
  return a?.id ?? '';
}
async function usage(accountId: string, fromDaysAgo: number, toDaysAgo: number, perDay: number) {
  await database.query(
    `INSERT INTO usage_daily (account_id, event, day, count, users) SELECT $1, '$all', d::date, $4, 1 FROM generate_series($2::date, $3::date, interval '1 day') d
     ON CONFLICT (account_id, event, day) DO UPDATE SET count = EXCLUDED.count`, [accountId, dayOf(fromDaysAgo), dayOf(toDaysAgo), perDay]);
}
const signals = async (id: string) => (await database.query<{ kind: string; started_at: Date; ended_at: Date | null; evidence: { summary: string } }>(
  `SELECT kind, started_at, ended_at, evidence FROM risk_signals WHERE account_id = $1 AND source = 'computed' ORDER BY kind, started_at`, [id])).rows;

describe('refreshSignals', () => {
  it('opens usage_drop when the rollups fall, keeps it (same start) on the next pass, ends it when usage recovers, and it decays', async () => {
    const id = await account('usage');
    await usage(id, 59, 30, 10);
    await usage(id, 29, 0, 5);
    await database.transaction((tx) => refreshSignals(tx, [id], now));
    let s = (await signals(id)).filter((x) => x.kind === 'usage_drop');
    expect(s).toHaveLength(1);
    expect(s[0]?.ended_at).toBeNull();
    expect(s[0]?.evidence.summary).toMatch(/fell 50%/);
    const later = new Date(now.getTime() + 3600_000);
    await database.transaction((tx) => refreshSignals(tx, [id], later));
    s = (await signals(id)).filter((x) => x.kind === 'usage_drop');
    expect(s).toHaveLength(1);
    expect(new Date(s[0]?.started_at ?? 0)).toEqual(now);

    await usage(id, 29, 0, 10);
    const end = new Date(now.getTime() + 2 * 3600_000);
    await database.transaction((tx) => refreshSignals(tx, [id], end));
    s = (await signals(id)).filter((x) => x.kind === 'usage_drop');
    expect(new Date(s[0]?.ended_at ?? 0)).toEqual(end);

    // As of: open before its end, decaying after (half-life 30 d: 0.2 → 1% after ~130 days), absent before it began.
    const at = async (t: Date) => (await signalsAsOf(database, [id], t)).get(id)?.filter((x) => x.kind === 'usage_drop') ?? [];
    expect((await at(later))[0]?.endedAt).toBeNull();
    expect((await at(new Date(end.getTime() + 100 * DAY)))[0]?.endedAt).toEqual(end);
    expect(await at(new Date(end.getTime() + 140 * DAY))).toHaveLength(0);
    expect(await at(new Date(now.getTime() - 1000))).toHaveLength(0);
  });

  it('champion_left from a deactivation (at the deactivation), ended by a new active champion', async () => {
    const id = await account('champion');
    const { rows: [c] } = await database.query<{ id: string }>(`INSERT INTO contacts (account_id, name, role, created_at) VALUES ($1, 'Ann', 'champion', $2) RETURNING id`, [id, ago(200)]);
    await database.query(`UPDATE contacts SET deactivated_at = $2 WHERE id = $1`, [c?.id, ago(5)]);
    await database.transaction((tx) => refreshSignals(tx, [id], now));
    const left = (await signals(id)).find((x) => x.kind === 'champion_left');
    expect(new Date(left?.started_at ?? 0)).toEqual(ago(5));
    expect(left?.ended_at).toBeNull();
    await database.query(`INSERT INTO contacts (account_id, name, role, created_at, last_seen_at) VALUES ($1, 'Bob', 'champion', $2, $2)`, [id, ago(1)]);
    await database.transaction((tx) => refreshSignals(tx, [id], now));
    expect((await signals(id)).find((x) => x.kind === 'champion_left')?.ended_at).not.toBeNull();
  });

  it('detractor_nps from a person’s answer (not a bot’s), and open_escalation until resolved', async () => {
    const id = await account('sentiment');
    const { rows: [sv] } = await database.query<{ id: string }>(`INSERT INTO surveys (name, kind, question, email_subject, email_intro) VALUES ('n', 'nps', 'q', 's', '') RETURNING id`);
    const answer = async (score: number, bot: boolean, token: string) => {
      const { rows: [c] } = await database.query<{ id: string }>(`INSERT INTO contacts (account_id, name, email) VALUES ($1, $2, $2) RETURNING id`, [id, token]);
      const { rows: [r] } = await database.query<{ id: string }>(`INSERT INTO survey_recipients (survey_id, account_id, contact_id, token_hash, sent_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`, [sv?.id, id, c?.id, token, ago(12)]);
      await database.query(`INSERT INTO survey_responses (survey_id, recipient_id, account_id, contact_id, score, bot, answered_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [sv?.id, r?.id, id, c?.id, score, bot, ago(10)]);
    };
    await answer(2, true, `t-bot-${id}`);
    await database.transaction((tx) => refreshSignals(tx, [id], now));
    expect((await signals(id)).map((x) => x.kind)).not.toContain('detractor_nps');
    await answer(3, false, `t-person-${id}`);
    const { rows: [e] } = await database.query<{ id: string }>(`INSERT INTO escalations (account_id, title, severity, created_at) VALUES ($1, 'Outage', 'high', $2) RETURNING id`, [id, ago(3)]);
    await database.transaction((tx) => refreshSignals(tx, [id], now));
    const s = await signals(id);
    expect(new Date(s.find((x) => x.kind === 'detractor_nps')?.started_at ?? 0)).toEqual(ago(10));
    expect(new Date(s.find((x) => x.kind === 'open_escalation')?.started_at ?? 0)).toEqual(ago(3));
    await database.query(`UPDATE escalations SET status = 'resolved', resolved_at = now() WHERE id = $1`, [e?.id]);
    await database.transaction((tx) => refreshSignals(tx, [id], now));
    expect((await signals(id)).find((x) => x.kind === 'open_escalation')?.ended_at).not.toBeNull();
  });

  it('ends the open computed signals of a churned account, keeps manual ones, and handles many accounts in one call', async () => {
    const ids = await Promise.all(Array.from({ length: 30 }, (_, i) => account(`bulk-${i}`)));
    for (const id of ids) await database.query(`INSERT INTO escalations (account_id, title, severity, created_at) VALUES ($1, 'x', 'critical', $2)`, [id, ago(2)]);
    await database.transaction((tx) => refreshSignals(tx, ids, now));
    const open = await database.query<{ n: number }>(`SELECT count(*)::int AS n FROM risk_signals WHERE account_id = ANY($1::uuid[]) AND kind = 'open_escalation' AND ended_at IS NULL`, [ids]);
    expect(open.rows[0]?.n).toBe(30);
    const first = ids[0] ?? '';
    await database.transaction((tx) => raiseSignal(tx, { accountId: first, kind: 'manual', note: 'Budget freeze heard on a call', source: 'manual', by: null, at: ago(1) }));
    await database.query(`UPDATE accounts SET stage = 'churned' WHERE id = $1`, [first]);
    await database.transaction((tx) => refreshSignals(tx, ids, now));
    const rows = (await database.query<{ kind: string; source: string; ended_at: Date | null }>(`SELECT kind, source, ended_at FROM risk_signals WHERE account_id = $1`, [first])).rows;
    expect(rows.find((r) => r.kind === 'open_escalation')?.ended_at).not.toBeNull();
    expect(rows.find((r) => r.source === 'manual')?.ended_at).toBeNull();
  });

  it('raiseSignal refuses an unknown kind and deduplicates per rule firing', async () => {
    const id = await account('raise');
    await expect(database.transaction((tx) => raiseSignal(tx, { accountId: id, kind: 'no_such_kind', source: 'api', by: null }))).rejects.toMatchObject({ code: 'signal_kind.unknown' });
    const { rows: [rule] } = await database.query<{ id: string }>(`INSERT INTO rules (name, condition, actions) VALUES ('r', '{}', '[]') RETURNING id`);
    const { rows: [firing] } = await database.query<{ id: string }>(`INSERT INTO rule_firings (rule_id, account_id, trigger, matched) VALUES ($1, $2, 'manual', '{}') RETURNING id`, [rule?.id, id]);
    const a = await database.transaction((tx) => raiseSignal(tx, { accountId: id, kind: 'manual', note: 'n', source: 'rule', by: null, ruleFiringId: firing?.id ?? null }));
    const b = await database.transaction((tx) => raiseSignal(tx, { accountId: id, kind: 'manual', note: 'n', source: 'rule', by: null, ruleFiringId: firing?.id ?? null }));
    expect(b.id).toBe(a.id);
    // The rule action path: one per firing and kind, in bulk; a retry raises none.
    const firings = [{ firingId: firing?.id ?? '', accountId: id }];
    const first = await database.transaction((tx) => raiseSignalsForFirings(tx, { kind: 'payment_failed', strength: 0.4, note: 'Billing says past due' }, firings, now));
    expect(first.size).toBe(1);
    expect((await database.transaction((tx) => raiseSignalsForFirings(tx, { kind: 'payment_failed', note: 'again' }, firings, now))).size).toBe(0);
    const row = await database.query<{ source: string; strength: string; note: string }>(`SELECT source, strength, note FROM risk_signals WHERE id = $1`, [first.get(id)]);
    expect(row.rows[0]).toMatchObject({ source: 'rule', note: 'Billing says past due' });
    expect(Number(row.rows[0]?.strength)).toBe(0.4);
  });
});
