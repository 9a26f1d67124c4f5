import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, unique, type SignedIn, type TestApp } from '../../test/support/app.js';
import { SYSTEM_ACTOR } from '../auth/principal.js';
import type { Seed, SeedQuestion } from './schema.js';

/** The re-ask reminder: one inbox task per due variant (job run twice → one task), closed by asking it; then "let it rest?". */
let t: TestApp;
let teamId: string;
let csm: SignedIn;

beforeAll(async () => {
  t = await createTestApp();
  teamId = (await t.app.services.teams.create(unique('team'), SYSTEM_ACTOR)).id;
  csm = await t.signIn('csm', { teamId });
});
afterAll(() => t.close());

const DAY = 86_400_000;
const call = (who: SignedIn, method: 'GET' | 'POST', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });
type TaskRow = { id: string; title: string; reason: string; status: string; assignee_user_id: string | null; dedupe_key: string; outcome_note: string | null };
const tasksOf = async (seedId: string) => (await t.database.query<TaskRow>(
  `SELECT id, title, reason, status, assignee_user_id, dedupe_key, outcome_note FROM tasks WHERE source = 'seed' AND dedupe_key LIKE $1 ORDER BY created_at, dedupe_key`,
  [`seed:${seedId}:%`],
)).rows;

async function plantedSeed(planter: SignedIn, daysAgo: number) {
  const a = await t.app.services.accounts.create({ name: unique('acct'), ownerId: csm.userId, teamId }, SYSTEM_ACTOR);
  const q = (await call(csm, 'POST', '/api/seed-questions', { text: 'What if you had no onboarding at all?', theme: 'onboarding', variants: ['What would day one look like without us?', 'Who would miss the kickoff call?'], reaskIntervalDays: 7 })).json() as SeedQuestion;
  const res = await call(planter, 'POST', `/api/accounts/${a.id}/seeds`, { questionId: q.id, askedAt: new Date(Date.now() - daysAgo * DAY).toISOString() });
  expect(res.statusCode, res.body).toBe(201);
  return { seed: res.json() as Seed, accountId: a.id };
}

describe('re-ask reminders', () => {
  it('lands in the inbox once with the next variant, closes when the variant is asked, then suggests a rest', async () => {
    const { seed } = await plantedSeed(csm, 8);
    expect(seed.nextVariant).toBe('What would day one look like without us?');
    await t.app.services.seeds.reask();
    await t.app.services.seeds.reask();
    const [first, ...rest] = await tasksOf(seed.id);
    expect(rest).toEqual([]);
    expect(first).toMatchObject({
      title: "Re-ask a variant of 'What if you had no onboarding at all?'", status: 'open', assignee_user_id: csm.userId, dedupe_key: `seed:${seed.id}:reask:0`,
    });
    expect(first?.reason).toContain('Next variant (1 of 2): "What would day one look like without us?"');
    const inbox = (await call(csm, 'GET', '/api/tasks?assignee=me')).json() as { items: { id: string; source: string }[] };
    expect(inbox.items.find((i) => i.id === first?.id)).toMatchObject({ source: 'seed' });

    const asked = await call(csm, 'POST', `/api/seeds/${seed.id}/events`, { kind: 'variant_asked', variant: 'What would day one look like without us?' });
    expect(asked.statusCode, asked.body).toBe(200);
    expect(asked.json()).toMatchObject({ variantsAsked: 1, nextVariant: 'Who would miss the kickoff call?' });
    expect(await tasksOf(seed.id)).toMatchObject([{ status: 'done', outcome_note: 'Variant asked: What would day one look like without us?' }]);

    // Asked just now: nothing is due; a quiet week later the second variant is.
    expect(await t.app.services.seeds.reask()).toBe(0);
    await t.app.services.seeds.reask(new Date(Date.now() + 8 * DAY));
    expect((await tasksOf(seed.id)).map((x) => [x.dedupe_key, x.status])).toEqual([[`seed:${seed.id}:reask:0`, 'done'], [`seed:${seed.id}:reask:1`, 'open']]);
    await call(csm, 'POST', `/api/seeds/${seed.id}/events`, { kind: 'variant_asked', variant: 'Who would miss the kickoff call?' });

    // Variants used up: after another quiet interval, one "let it rest?"; resting closes it.
    await t.app.services.seeds.reask(new Date(Date.now() + 8 * DAY));
    await t.app.services.seeds.reask(new Date(Date.now() + 9 * DAY));
    const rest1 = (await tasksOf(seed.id)).filter((x) => x.dedupe_key.includes(':rest:'));
    expect(rest1).toMatchObject([{ title: 'Let the seed rest?', status: 'open' }]);
    expect(rest1[0]?.reason).toMatch(/\(planted\): No movement since \d{4}-\d{2}-\d{2} \(\d+ days; re-ask every 7 days\) and all 2 variants asked\./);
    const dormant = await call(csm, 'POST', `/api/seeds/${seed.id}/events`, { kind: 'dormant' });
    expect(dormant.json()).toMatchObject({ stage: 'dormant', reaskDueAt: null, nextVariant: null });
    expect((await tasksOf(seed.id)).every((x) => x.status === 'done')).toBe(true);
  });

  it('is due when the re-ask became due, and says how long the seed has been quiet', async () => {
    const { seed } = await plantedSeed(csm, 8);
    const asked = new Date(seed.askedAt);
    const dueAt = new Date(asked.getTime() + 7 * DAY);
    const day = (d: Date) => d.toISOString().slice(0, 10);
    // The job ran late: 20 days after planting the reminder is overdue since day 7, not due "now".
    const late = new Date(asked.getTime() + 20 * DAY);
    await t.app.services.seeds.reask(late);
    const rows = (await t.database.query<{ due_at: Date; reason: string }>(`SELECT due_at, reason FROM tasks WHERE dedupe_key = $1`, [`seed:${seed.id}:reask:0`])).rows;
    expect(rows.map((r) => new Date(r.due_at).toISOString())).toEqual([dueAt.toISOString()]);
    expect(rows[0]?.reason).toMatch(new RegExp(`^No movement since ${day(asked)} \\(20 days; re-ask every 7 days\\)\\. Next variant \\(1 of 2\\)`));
    expect(seed.reaskDueAt).toBe(dueAt.toISOString());

    // On time (the hourly run just after it became due): due at that moment, i.e. today.
    const other = await plantedSeed(csm, 7.01);
    const onTime = new Date(new Date(other.seed.askedAt).getTime() + 7 * DAY + 30 * 60_000);
    await t.app.services.seeds.reask(onTime);
    const [task] = (await t.database.query<{ due_at: Date; reason: string }>(`SELECT due_at, reason FROM tasks WHERE dedupe_key = $1`, [`seed:${other.seed.id}:reask:0`])).rows;
    expect(new Date(task?.due_at ?? 0).toISOString()).toBe(other.seed.reaskDueAt);
    expect(task?.reason).toContain('(7 days; re-ask every 7 days)');
  });

  it('goes to the account owner when the planter is no longer active', async () => {
    const other = await t.signIn('csm', { teamId });
    const { seed } = await plantedSeed(other, 8);
    await t.database.query('UPDATE users SET active = false WHERE id = $1', [other.userId]);
    await t.app.services.seeds.reask();
    expect(await tasksOf(seed.id)).toMatchObject([{ assignee_user_id: csm.userId, status: 'open' }]);
  });

  it('a seed that took root needs no re-ask: its open reminder is cancelled', async () => {
    const { seed } = await plantedSeed(csm, 8);
    await t.app.services.seeds.reask();
    await call(csm, 'POST', `/api/seeds/${seed.id}/events`, { kind: 'raised_by_customer', note: 'They raised it unprompted' });
    expect(await tasksOf(seed.id)).toMatchObject([{ status: 'cancelled', outcome_note: 'The seed is rooted: no re-ask needed' }]);
    expect(await t.app.services.seeds.reask(new Date(Date.now() + 30 * DAY))).toBe(0);
  });
});
