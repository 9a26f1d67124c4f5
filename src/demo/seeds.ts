// The demo's success planting and autopilot (issue 10, seed 000): a library of "crazy" questions
// with variants, seeds planted on about a quarter of the live accounts over the past 90 days with
// their histories, and accounts whose check-ins have become routine.
//
// Each seed's history is a list of events walked through the real stage machine
// (src/seeds/stage.ts applyEvent), so its stage, high-water mark, re-ask clock and every event's
// move and summary are what the seeds part would have stored; the rows then go in with bulk
// inserts. Harvested seeds become goals of the account's success plan through insertGoal (the
// plans part). The CSMs differ: one plants often and gets harvests, one plants and lets them go
// dormant, so the library's record and the funnel say something. The re-ask job runs once at the
// end, so reminders wait in the inboxes.
//
// Autopilot: some accounts without a plan, seed or escalation get a check-in call every ~14 days
// as their last touchpoints (their earlier activities move before the routine), a few others get
// the same routine broken by a seed planted in the last call; then the stored verdict of every
// account is computed by the autopilot part's sweep. Own Rng stream (mixSeed 6006).
import type { Actor } from '../auth/principal.js';
import type { Config } from '../config.js';
import type { Database } from '../db/connect.js';
import { ensureAccountPlan, insertGoal, refreshPlanStatus } from '../plans/goals.js';
import { applyEvent, plantSeed, type Seed, type SeedEvent, type SeedStage } from '../seeds/stage.js';
import { STAGE_RANK } from '../seeds/stage.js';
import { createWorkServices } from '../services.js';
import { Rng, mixSeed } from './random.js';
import { DAY_MS, isoDate } from './util.js';

export type DemoSeedsSummary = {
  questions: number;
  seeds: number;
  accounts: number;
  byStage: Record<string, number>;
  harvestedGoals: number;
  reaskReminders: number;
  autopilot: number;
  ms: number;
};

type Q = { text: string; theme: string; variants: string[]; reaskIntervalDays: number; harvest?: { statement: string; why: string } };

/** Questions that jolt a conversation off autopilot: a grin, a knee-jerk "that would never work here", and days later a follow-up. */
export const QUESTIONS: readonly Q[] = [
  { theme: 'Money', reaskIntervalDays: 14, text: 'If this cost you nothing next year, what would you do with the budget?', variants: ['If the licence were free, what would you stop paying for instead?', 'Which line of your P&L would you want us to move, if you could pick only one?'], harvest: { statement: 'Put the money saved on reporting into the customer team by Q3', why: 'The CFO said yes to two hires if the tooling pays for itself.' } },
  { theme: 'Money', reaskIntervalDays: 21, text: 'What would it be worth to your CFO if the board pack came out a week earlier?', variants: ['What does a late number cost you: a decision, a deal, a hire?', 'If the board saw the numbers on day 2, what would they ask differently?'], harvest: { statement: 'Board pack out on day 5 instead of day 12', why: 'The CFO wants decisions made while the month still matters.' } },
  { theme: 'Money', reaskIntervalDays: 14, text: 'If you had to cut the cost of this process in half by next quarter, what would you stop doing?', variants: ['Which step of the process would nobody miss?', 'What would you automate first if it had to pay for itself in 90 days?', 'What do you pay people to copy from one screen to another?'], harvest: { statement: 'Halve the cost of the monthly reporting process by next quarter', why: 'Every team was asked for savings; this is the one they can show.' } },
  { theme: 'Their customer', reaskIntervalDays: 14, text: 'What would your best customer say if they could watch how you work from the inside?', variants: ['Which part of your process would you hide from your best customer?', 'What do your customers wait for that they should not have to?'], harvest: { statement: 'Answer a customer\'s question in one hour, not two days', why: 'Their best customer said they wait too long for simple answers.' } },
  { theme: 'Their customer', reaskIntervalDays: 10, text: 'What do your customers do the week before they leave you?', variants: ['How would you know a customer was about to leave, a month before they told you?', 'Who on your side talks to a customer in the month before renewal?'], harvest: { statement: 'Spot an account at risk a month before it tells us', why: 'They lost two large customers last year without seeing it coming.' } },
  { theme: 'Their customer', reaskIntervalDays: 21, text: 'If your customers could log in and see this dashboard, what would you change first?', variants: ['Which number would you be proud to show your customers?', 'What would your customers build with your data if they had it?'], harvest: { statement: 'Give the top 20 customers their own live usage page', why: 'Customers ask for the numbers at every review; the team builds them by hand.' } },
  { theme: 'Risk', reaskIntervalDays: 14, text: 'If we disappeared tomorrow, what would break first on your side?', variants: ['Which of your processes depends on one person\'s spreadsheet?', 'What is the workaround your team would go back to?'], harvest: { statement: 'No process that depends on one person\'s spreadsheet', why: 'The last time the analyst was on leave, invoicing stopped for a week.' } },
  { theme: 'Risk', reaskIntervalDays: 14, text: 'Which decision does your team keep postponing because the data is not good enough?', variants: ['What would you decide tomorrow if you trusted the numbers?', 'Which meeting ends with "let\'s get better data first"?'], harvest: { statement: 'Decide the pricing change with real usage data by the next board', why: 'The decision has been postponed three times for lack of numbers.' } },
  { theme: 'Risk', reaskIntervalDays: 21, text: 'Which report would you be embarrassed to show an auditor today?', variants: ['Where do the numbers in your reports get typed by hand?', 'If the auditor asked "where does this number come from", who would answer?'], harvest: { statement: 'No number in the board pack typed by hand', why: 'The auditors flagged manual entries two years in a row.' } },
  { theme: 'People', reaskIntervalDays: 14, text: 'What would your team do with Friday afternoons if nobody had to build reports?', variants: ['Who on your team is doing work below their talent every week?', 'What project has been waiting for someone to have time?'], harvest: { statement: 'Give the analysts their Friday afternoons back', why: 'Two analysts left last year citing the reporting grind.' } },
  { theme: 'People', reaskIntervalDays: 14, text: 'Who in your company would be most surprised if this worked perfectly?', variants: ['Who still thinks this project will fail?', 'Whose opinion of this rollout would you most like to change?'], harvest: { statement: 'Win over the sales VP: his team uses the forecast by year end', why: 'The sales VP still runs his own spreadsheet and says so in every meeting.' } },
  { theme: 'People', reaskIntervalDays: 10, text: 'If you left next month, who would keep this running?', variants: ['Who else could explain why you bought this?', 'Who would you want in the room at our next review?'], harvest: { statement: 'Three people who can run the rollout without the champion', why: 'The champion is going on parental leave in spring.' } },
  { theme: 'Time', reaskIntervalDays: 14, text: 'What if month-end close took one day instead of ten?', variants: ['What would finance do with the nine days?', 'What is the first thing that would have to change for close to take three days?'], harvest: { statement: 'Close the month in three days instead of ten', why: 'The board wants the numbers in the first week.' } },
  { theme: 'Time', reaskIntervalDays: 14, text: 'What would you do differently if you knew your numbers every morning instead of every month?', variants: ['Which decision would you make weekly instead of quarterly?', 'What would you stop guessing?'], harvest: { statement: 'Weekly decisions on stock from daily numbers instead of monthly guesses', why: 'They wrote off $200k of stock last year that nobody saw piling up.' } },
  { theme: 'Time', reaskIntervalDays: 21, text: 'What would you stop doing if a new hire were productive in two days?', variants: ['What does a new hire ask in their first week that nobody has written down?', 'How many people would you hire if onboarding took no time?'], harvest: { statement: 'New hires working alone after two weeks instead of six', why: 'They are hiring 30 people this year.' } },
];

const OBJECTIONS = [
  'Our finance team would never sign off on that',
  'We tried something like it in 2021 and it failed',
  'Legal would need to review it first',
  'Not this year, the budget is frozen',
  'Our customers are not ready for that',
  'IT owns that process, not us',
];
const FOLLOW_UPS = [
  'E-mail from the champion: "Been thinking about your question since Tuesday..."',
  'Sponsor forwarded our question to their CFO with "we should talk about this"',
  'Champion asked for the numbers behind the idea',
  'Their ops lead asked how other customers did it',
];
const RAISED = [
  'The sponsor opened the call with it, unprompted',
  'Their champion put it on the agenda of the steering meeting',
  'They brought it up again in the renewal conversation',
];

type Story = 'planted' | 'reacted' | 'sprouted' | 'rooted' | 'harvested' | 'dormant';
const STORIES: readonly Story[] = ['planted', 'reacted', 'sprouted', 'rooted', 'harvested', 'dormant'];
/** Per CSM: how their plantings tend to end (planted, reacted, sprouted, rooted, harvested, dormant). */
const SKILL: readonly (readonly number[])[] = [
  [12, 12, 16, 16, 26, 8], // plants well and follows through
  [22, 22, 16, 10, 10, 20],
  [26, 22, 10, 6, 6, 30], // plants, then lets them go quiet
  [28, 24, 12, 8, 8, 20],
];

type PlannedEvent = SeedEvent & { at: Date; activity?: { kind: 'call' | 'meeting' | 'email' | 'qbr'; subject: string } };
type Built = {
  id: string; accountId: string; question: Q; questionId: string; contactId: string | null; plantedBy: string; askedAt: Date;
  plantActivity: { kind: 'call' | 'meeting'; subject: string } | null; events: PlannedEvent[]; story: Story; planId: string | null;
};

const iso = (d: Date | number) => new Date(d).toISOString();

export async function seedDemoSeeds(config: Config, database: Database, opts: { seed?: number; now?: Date } = {}): Promise<DemoSeedsSummary> {
  const started = performance.now();
  const now = opts.now ?? new Date();
  const nowMs = now.getTime();
  const rng = new Rng(mixSeed(opts.seed ?? 42, 6006));
  const work = createWorkServices(config, database, null);

  // The library, written by a manager.
  const { rows: managers } = await database.query<{ id: string; email: string }>(`SELECT id, email FROM users WHERE role = 'manager' ORDER BY name LIMIT 1`);
  const manager = managers[0];
  const libraryActor: Actor = manager ? { type: 'user', id: manager.id, label: manager.email } : { type: 'system', id: null, label: 'demo loader' };
  const questionIds: string[] = [];
  for (const q of QUESTIONS) {
    questionIds.push((await work.seeds.createQuestion({ text: q.text, theme: q.theme, variants: q.variants, reaskIntervalDays: q.reaskIntervalDays }, libraryActor)).id);
  }
  await database.query(`UPDATE seed_questions SET created_at = $2, updated_at = $2 WHERE id = ANY ($1::uuid[])`, [questionIds, iso(nowMs - 120 * DAY_MS)]);

  const { rows: accounts } = await database.query<{
    id: string; owner_id: string; has_plan: boolean; plan_id: string | null; plan_status: string | null; plan_created_at: Date | string | null; escalated: boolean; band: string | null;
  }>(
    `SELECT a.id, a.owner_id,
            EXISTS (SELECT 1 FROM success_plans p WHERE p.account_id = a.id) AS has_plan,
            (SELECT p.id FROM success_plans p WHERE p.account_id = a.id ORDER BY p.created_at DESC, p.id DESC LIMIT 1) AS plan_id,
            (SELECT p.status FROM success_plans p WHERE p.account_id = a.id ORDER BY p.created_at DESC, p.id DESC LIMIT 1) AS plan_status,
            (SELECT p.created_at FROM success_plans p WHERE p.account_id = a.id ORDER BY p.created_at DESC, p.id DESC LIMIT 1) AS plan_created_at,
            EXISTS (SELECT 1 FROM escalations e WHERE e.account_id = a.id) AS escalated, h.band
       FROM accounts a LEFT JOIN account_health h ON h.account_id = a.id
      WHERE a.stage <> 'churned' AND a.owner_id IS NOT NULL ORDER BY a.external_id`,
  );
  const { rows: csms } = await database.query<{ id: string }>(`SELECT id FROM users WHERE role = 'csm' ORDER BY name`);
  const skillOf = new Map(csms.map((u, i) => [u.id, SKILL[i % SKILL.length] ?? SKILL[1] ?? []]));
  const { rows: contacts } = await database.query<{ id: string; account_id: string; role: string }>(
    `SELECT id, account_id, role FROM contacts WHERE account_id = ANY ($1::uuid[]) ORDER BY account_id, role = 'champion' DESC, role = 'executive_sponsor' DESC, id`,
    [accounts.map((a) => a.id)],
  );
  const contactsOf = new Map<string, { id: string; role: string }[]>();
  for (const c of contacts) contactsOf.set(c.account_id, [...(contactsOf.get(c.account_id) ?? []), c]);

  // Autopilot first: accounts with nothing new going on (no plan, no escalation), kept free of seeds.
  const quiet = rng.shuffle(accounts.filter((a) => !a.has_plan && !a.escalated && a.band !== 'poor'));
  const autopilotCount = Math.min(quiet.length, Math.max(10, Math.min(20, Math.round(accounts.length * 0.05))));
  const autopilot = quiet.slice(0, autopilotCount);
  const autopilotIds = new Set(autopilot.map((a) => a.id));

  // Seeds on about a quarter of the live accounts; harvests go to accounts with a plan that is not already achieved.
  const candidates = rng.shuffle(accounts.filter((a) => !autopilotIds.has(a.id)));
  const seedAccounts = candidates.slice(0, Math.min(candidates.length, Math.max(12, Math.round(accounts.length * 0.25))));
  const built: Built[] = [];
  const stageCount = new Map<Story, number>();
  for (const [i, a] of seedAccounts.entries()) {
    const n = rng.chance(0.25) ? 2 : 1;
    for (let k = 0; k < n; k++) {
      const weights = skillOf.get(a.owner_id) ?? SKILL[1] ?? [];
      // The first seeds cover every stage whatever the CSMs' luck; the rest follow their skill.
      let story: Story = i < STORIES.length && k === 0 ? (STORIES[i] ?? 'planted') : rng.weighted(STORIES, weights);
      if (story === 'harvested' && a.plan_status === 'achieved') story = 'rooted';
      stageCount.set(story, (stageCount.get(story) ?? 0) + 1);
      const qi = rng.int(0, QUESTIONS.length - 1);
      const question = QUESTIONS[qi];
      const questionId = questionIds[qi];
      if (!question || !questionId) continue;
      const people = contactsOf.get(a.id) ?? [];
      const contact = people.length ? (rng.chance(0.7) ? people[0] : rng.pick(people)) : undefined;
      const planCreatedAt = a.plan_created_at === null ? null : new Date(a.plan_created_at).getTime();
      built.push(planStory(rng, { id: rng.uuid(), accountId: a.id, question, questionId, contactId: contact?.id ?? null, plantedBy: a.owner_id, story, planId: a.plan_id, planCreatedAt }, nowMs));
    }
  }

  // Walk each history through the stage machine; keep every accepted event with its move and summary.
  const seedRows: object[] = [];
  const eventRows: object[] = [];
  const activityRows: object[] = [];
  const harvests: { seedId: string; accountId: string; planId: string; words: { statement: string; why: string }; at: Date; by: string }[] = [];
  for (const b of built) {
    let state: Seed = plantSeed(b.askedAt);
    let high: Exclude<SeedStage, 'dormant'> = 'planted';
    let reaction: string | null = null;
    let strong = false;
    let plantActivityId: string | null = null;
    if (b.plantActivity) {
      plantActivityId = rng.uuid();
      activityRows.push({
        id: plantActivityId, account_id: b.accountId, kind: b.plantActivity.kind, occurred_at: iso(b.askedAt), subject: b.plantActivity.subject,
        body: `Asked: "${b.question.text}"`, author_id: b.plantedBy,
      });
    }
    eventRows.push({ seed_id: b.id, account_id: b.accountId, kind: 'planted', at: iso(b.askedAt), activity_id: plantActivityId, goal_id: null, from_stage: null, to_stage: 'planted', moved: true, summary: `planted: ${b.question.text}`, data: {}, actor_id: b.plantedBy });
    for (const e of b.events) {
      let activityId: string | null = null;
      if (e.activity) {
        activityId = rng.uuid();
        activityRows.push({ id: activityId, account_id: b.accountId, kind: e.activity.kind, occurred_at: iso(e.at), subject: e.activity.subject, author_id: b.plantedBy });
      }
      const event = { ...e, activityId: activityId ?? e.activityId ?? null } as SeedEvent;
      if (e.kind === 'harvested') {
        // The goal is made below; the machine checks the harvest with a placeholder and the row gets the real goal.
        harvests.push({ seedId: b.id, accountId: b.accountId, planId: b.planId ?? '', words: b.question.harvest ?? { statement: b.question.text, why: '' }, at: e.at, by: b.plantedBy });
        (event as Extract<SeedEvent, { kind: 'harvested' }>).goalId = `pending:${b.id}`;
      }
      const r = applyEvent(state, event, now);
      if (!r.ok) throw new Error(`demo seed history refused by the stage machine: ${JSON.stringify(r.errors)} (${e.kind})`);
      state = r.seed;
      if (r.to !== 'dormant' && STAGE_RANK[r.to] > STAGE_RANK[high]) high = r.to;
      if (e.kind === 'reaction') {
        reaction = e.strength;
        if (e.strength === 'strong_positive' || e.strength === 'strong_negative') strong = true;
      }
      const data: Record<string, string> = {};
      if (e.note) data.note = e.note;
      if (e.kind === 'reaction') data.strength = e.strength;
      if (e.kind === 'objection') data.text = e.text;
      if (e.kind === 'variant_asked') data.variant = e.variant;
      eventRows.push({
        seed_id: b.id, account_id: b.accountId, kind: e.kind, at: iso(e.at), activity_id: activityId, goal_id: null,
        from_stage: r.from, to_stage: r.to, moved: r.moved, summary: r.summary, data, actor_id: b.plantedBy,
      });
    }
    // A harvested seed goes in as rooted and is harvested once its goal exists (the CHECK and the goal's foreign key).
    const harvested = state.stage === 'harvested';
    seedRows.push({
      id: b.id, account_id: b.accountId, question_id: b.questionId, text: b.question.text, theme: b.question.theme, contact_id: b.contactId,
      activity_id: plantActivityId, asked_at: iso(b.askedAt), planted_by: b.plantedBy,
      stage: harvested ? 'rooted' : state.stage, high_stage: harvested ? 'rooted' : high, reaction, strong_reaction: strong, goal_id: null,
      harvested_at: null, last_moved_at: iso(state.lastMovedAt), last_asked_at: iso(state.lastAskedAt),
      variants_asked: state.variantsAsked, created_at: iso(b.askedAt), updated_at: iso(state.lastMovedAt),
    });
  }

  // Autopilot routines, and a few routines broken by a seed planted in the last call.
  const routines: object[] = [];
  const breakers = built.filter((b) => b.story === 'planted' && b.plantActivity && nowMs - b.askedAt.getTime() < 10 * DAY_MS).slice(0, 3);
  const routineAccounts = [...autopilot.map((a) => ({ accountId: a.id, ownerId: a.owner_id, last: nowMs - rng.int(2, 9) * DAY_MS })),
    ...breakers.map((b) => ({ accountId: b.accountId, ownerId: b.plantedBy, last: b.askedAt.getTime() - rng.int(13, 15) * DAY_MS }))];
  const routineStart = new Map<string, number>();
  for (const r of routineAccounts) {
    const count = rng.int(4, 6);
    let at = r.last;
    const subject = rng.pick(['Check-in call', 'Monthly check-in', 'Bi-weekly status call']);
    for (let k = 0; k < count; k++) {
      routines.push({ id: rng.uuid(), account_id: r.accountId, kind: 'call', occurred_at: iso(at), subject, author_id: r.ownerId });
      if (k < count - 1) at -= rng.int(13, 15) * DAY_MS + rng.int(-3, 3) * 3_600_000;
    }
    routineStart.set(r.accountId, at);
  }

  await database.transaction(async (tx) => {
    // Earlier activities of a routine account happened before the routine took over.
    await tx.query(
      `UPDATE activities a SET occurred_at = x.since - make_interval(days => 3 + (abs(hashtext(a.id::text)) % 40))
         FROM jsonb_to_recordset($1::jsonb) AS x(account_id uuid, since timestamptz)
        WHERE a.account_id = x.account_id AND a.kind <> 'note' AND a.occurred_at >= x.since - interval '1 day'`,
      [JSON.stringify([...routineStart].map(([accountId, since]) => ({ account_id: accountId, since: iso(since) })))],
    );
    const all = [...activityRows, ...routines].map((r) => ({ body: '', responds_to: null, proactive: true, proactive_source: 'inferred', ...r }));
    await tx.query(
      `INSERT INTO activities (id, account_id, kind, occurred_at, subject, body, responds_to, proactive, proactive_source, author_id, created_at)
       SELECT id, account_id, kind, occurred_at, subject, body, responds_to, proactive, proactive_source, author_id, occurred_at
         FROM json_populate_recordset(NULL::activities, $1::json)`,
      [JSON.stringify(all)],
    );
    // The seed planted in a routine account's last call: that call is the jolt.
    await tx.query(
      `INSERT INTO seeds (id, account_id, question_id, text, theme, contact_id, activity_id, asked_at, planted_by, stage, high_stage, reaction, strong_reaction,
                          goal_id, harvested_at, last_moved_at, last_asked_at, variants_asked, created_at, updated_at)
       SELECT id, account_id, question_id, text, theme, contact_id, activity_id, asked_at, planted_by, stage, high_stage, reaction, strong_reaction,
              goal_id, harvested_at, last_moved_at, last_asked_at, variants_asked, created_at, updated_at
         FROM json_populate_recordset(NULL::seeds, $1::json)`,
      [JSON.stringify(seedRows)],
    );
    await tx.query(
      `INSERT INTO seed_events (seed_id, account_id, kind, at, activity_id, goal_id, from_stage, to_stage, moved, summary, data, actor_id, created_at)
       SELECT seed_id, account_id, kind, at, activity_id, goal_id, from_stage, to_stage, moved, summary, data, actor_id, at
         FROM json_populate_recordset(NULL::seed_events, $1::json)`,
      [JSON.stringify(eventRows)],
    );
    // Harvests: a goal of the plan in the customer's words, linked both ways (the plans part's insertGoal).
    const touched = new Set<string>();
    for (const h of harvests) {
      const words = h.words;
      const target = isoDate(h.at.getTime() + rng.int(90, 150) * DAY_MS);
      // An account without a plan gets one, as the one-click harvest does (ensureAccountPlan). That
      // code path stamps the plan with now() (plans' insertPlan takes no time), so the plan is dated
      // back to its first harvest here: created no later than its first goal. A plan the plans demo
      // made keeps its own history; the harvest into it was planned after it (planStory).
      const planId = h.planId || (await ensureAccountPlan(tx, h.accountId, h.by));
      if (!h.planId) {
        await tx.query(`UPDATE success_plans SET created_at = least(created_at, $2), updated_at = $2 WHERE id = $1`, [planId, iso(h.at)]);
        await tx.query(`UPDATE plan_events SET at = $2 WHERE plan_id = $1 AND kind = 'plan_created' AND at > $2`, [planId, iso(h.at)]);
      }
      const goalId = await insertGoal(tx, { planId, statement: words.statement, why: words.why, targetDate: target, startDate: isoDate(h.at.getTime()), harvestedFromSeedId: h.seedId }, h.by);
      await tx.query(`UPDATE plan_goals SET created_at = $2, updated_at = $2 WHERE id = $1`, [goalId, iso(h.at)]);
      await tx.query(`UPDATE plan_events SET at = $2 WHERE goal_id = $1 AND kind = 'goal_created'`, [goalId, iso(h.at)]);
      await tx.query(`UPDATE seeds SET stage = 'harvested', high_stage = 'harvested', goal_id = $2, harvested_at = $3 WHERE id = $1`, [h.seedId, goalId, iso(h.at)]);
      await tx.query(`UPDATE seed_events SET goal_id = $2 WHERE seed_id = $1 AND kind = 'harvested'`, [h.seedId, goalId]);
      touched.add(planId);
    }
    for (const planId of touched) await refreshPlanStatus(tx, planId, now);
  });

  // The re-ask job, once: reminders for the seeds whose interval passed without movement.
  const reaskReminders = await work.seeds.reask(now);
  // Every account's stored autopilot verdict, by the autopilot part's code.
  await work.autopilot.sweep(now);
  await work.autopilot.refreshDirty(now);
  const { rows: onAutopilot } = await database.query<{ n: number }>('SELECT count(*)::int AS n FROM account_autopilot WHERE on_autopilot');
  const { rows: stages } = await database.query<{ stage: string; n: number }>('SELECT stage, count(*)::int AS n FROM seeds GROUP BY stage ORDER BY stage');
  return {
    questions: questionIds.length, seeds: built.length, accounts: seedAccounts.length, byStage: Object.fromEntries(stages.map((s) => [s.stage, s.n])),
    harvestedGoals: harvests.length, reaskReminders, autopilot: onAutopilot[0]?.n ?? 0, ms: Math.round(performance.now() - started),
  };
}

/** A seed's history toward its story, with dates in the past 90 days and evidence where the machine asks for it. */
function planStory(
  rng: Rng,
  s: { id: string; accountId: string; question: Q; questionId: string; contactId: string | null; plantedBy: string; story: Story; planId: string | null; planCreatedAt: number | null },
  now: number,
): Built {
  const hour = 3_600_000;
  const ago: Record<Story, [number, number]> = { planted: [1, 30], reacted: [4, 60], sprouted: [14, 80], rooted: [30, 85], harvested: [45, 88], dormant: [55, 89] };
  const [lo, hi] = ago[s.story];
  // A dormant seed had time for every variant, each after a quiet interval.
  const needed = s.story === 'dormant' ? (s.question.variants.length + 1) * (s.question.reaskIntervalDays + 3) + 2 : 0;
  const askedAt = new Date(now - Math.min(89, Math.max(needed, rng.int(lo, hi))) * DAY_MS - rng.int(1, 8) * hour);
  const events: PlannedEvent[] = [];
  let t = askedAt.getTime();
  const step = (days: [number, number]) => {
    t = Math.min(now - hour, t + rng.int(days[0], days[1]) * DAY_MS + rng.int(0, 6) * hour);
    return new Date(t);
  };
  const inCall = () => new Date(Math.min(now - hour, (t += 20 * 60_000)));
  const plantActivity = rng.chance(0.6) || s.story === 'planted'
    ? { kind: rng.pick(['call', 'meeting'] as const), subject: rng.pick(['Roadmap call', 'Quarterly planning meeting', 'Check-in call', 'Workshop with the sponsor']) }
    : null;
  const variants = s.question.variants;

  switch (s.story) {
    case 'planted':
      if (rng.chance(0.4)) events.push({ kind: 'reaction', strength: rng.pick(['lukewarm', 'none'] as const), at: inCall() });
      if (rng.chance(0.3)) events.push({ kind: 'objection', text: rng.pick(OBJECTIONS), at: inCall() });
      break;
    case 'dormant': {
      events.push({ kind: 'reaction', strength: 'lukewarm', at: inCall() });
      for (const v of variants) events.push({ kind: 'variant_asked', variant: v, at: step([s.question.reaskIntervalDays, s.question.reaskIntervalDays + 3]) });
      events.push({ kind: 'dormant', note: 'No movement after every variant: let it rest and try another angle next quarter.', at: step([s.question.reaskIntervalDays, s.question.reaskIntervalDays + 2]) });
      break;
    }
    default: {
      events.push({ kind: 'reaction', strength: rng.chance(0.75) ? 'strong_positive' : 'strong_negative', at: inCall() });
      if (rng.chance(0.6)) events.push({ kind: 'objection', text: rng.pick(OBJECTIONS), at: inCall() });
      if (s.story === 'reacted') break;
      if (rng.chance(0.5) && variants[0]) {
        events.push({ kind: 'variant_asked', variant: variants[0], at: step([7, Math.max(8, s.question.reaskIntervalDays)]) });
        events.push({ kind: 'engaged', note: 'They did not push back this time: asked how it would work for their team.', at: inCall() });
      } else {
        events.push({ kind: 'follow_up', note: rng.pick(FOLLOW_UPS), at: step([2, 9]), activity: { kind: 'email', subject: 'Follow-up from the customer on our question' } });
      }
      if (s.story === 'sprouted') break;
      if (rng.chance(0.5)) events.push({ kind: 'raised_by_customer', note: rng.pick(RAISED), at: step([8, 20]) });
      else events.push({ kind: 'discussed_in_qbr', at: step([8, 20]), activity: { kind: 'qbr', subject: 'Quarterly business review' } });
      if (s.story === 'rooted') break;
      // Into the account's existing plan: not before that plan existed (a day after it, at the
      // earliest), so no plan has a goal older than itself. No extra draw: the stream stays the same.
      let harvestAt = step([3, 12]).getTime();
      if (s.planCreatedAt !== null) harvestAt = Math.min(now - hour, Math.max(harvestAt, s.planCreatedAt + DAY_MS));
      events.push({ kind: 'harvested', goalId: null, at: new Date(harvestAt) });
      break;
    }
  }
  // Nothing after now, and a re-ask clock that is due for some of the growing seeds.
  for (const e of events) if (e.at.getTime() > now - hour) e.at = new Date(now - hour);
  return { ...s, askedAt, plantActivity, events };
}
