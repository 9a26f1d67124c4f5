// The demo's success plans (issue 10, seed 001): three templates CS ops would recognise, and plans
// on about a third of the live accounts, built from them with the plans part's own code
// (applyTemplateTx fills dates and owners), then rewritten in the customer's words, with a past:
// milestones done and overdue on both sides, customer tasks with their effort, manual numbers and
// ratings entered over the weeks, driver and metric criteria measured week by week through
// measureCriteria (driver values from the health engine's own measureDays/driverValues), and the
// stored status computed by refreshPlanStatus. Some plans are shared with the customer, who opened
// the link over the past weeks and left a comment or two.
//
// The demo decides only the inputs a CS team would have typed (targets, values, dates, who did
// what); every status, progress and reason comes from src/plans. Its own Rng stream (mixSeed 5005)
// keeps the rest of the demo unchanged. Bulk SQL where a service call per row would be slow.
import type { Actor } from '../auth/principal.js';
import type { Config } from '../config.js';
import type { Database, Queryable } from '../db/connect.js';
import { createDriverQueries } from '../health/drivers.js';
import { driverValues, measuredDrivers } from '../health/engine.js';
import { measureDays } from '../health/metrics-days.js';
import { insertPlan } from '../plans/goals.js';
import { loadPlans } from '../plans/store.js';
import { measureCriteria, type DriverValues } from '../plans/measure.js';
import { refOf } from '../plans/share-token.js';
import { applyTemplateTx, loadTemplateRow } from '../plans/templates.js';
import { createWorkServices } from '../services.js';
import { SYSTEM_ACTOR } from '../auth/principal.js';
import { Rng, mixSeed } from './random.js';
import { DAY_MS, isoDate } from './util.js';
import { COMMENTS, GOALS, RATIO_TARGET_MAX, USER_AGENTS, beyondBaseline, monthOf, nice, templates, type Drivers, type Intent } from './plan-content.js';

export type DemoPlansSummary = {
  templates: number;
  plans: number;
  goals: number;
  byStatus: Record<string, number>;
  shared: number;
  views: number;
  comments: number;
  ms: number;
};

const iso = (ms: number) => new Date(ms).toISOString();

export async function seedDemoPlans(config: Config, database: Database, opts: { seed?: number; now?: Date } = {}): Promise<DemoPlansSummary> {
  const started = performance.now();
  const now = opts.now ?? new Date();
  const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  const rng = new Rng(mixSeed(opts.seed ?? 42, 5005));
  const work = createWorkServices(config, database, null);

  const { rows: driverRows } = await database.query<{ id: string; key: string }>('SELECT id, key FROM drivers WHERE enabled');
  const drivers: Drivers = new Map(driverRows.map((d) => [d.key, d.id]));
  const created = [];
  for (const t of templates(drivers)) created.push(await work.planTemplates.create(t, SYSTEM_ACTOR));
  const byStage = new Map(created.map((t) => [t.stage ?? '', t.id]));

  // About a third of the live, owned accounts; health and usage pattern decide how the plan goes.
  const { rows: accounts } = await database.query<{
    id: string; name: string; owner_id: string; owner_name: string; owner_email: string; stage: string; contract_start: string; renewal_date: string;
    band: string | null; pattern: string | null;
  }>(
    `SELECT a.id, a.name, a.owner_id, u.name AS owner_name, u.email AS owner_email, a.stage, a.contract_start::text AS contract_start, a.renewal_date::text AS renewal_date,
            h.band, a.custom ->> 'demo_pattern' AS pattern
       FROM accounts a JOIN users u ON u.id = a.owner_id LEFT JOIN account_health h ON h.account_id = a.id
      WHERE a.stage <> 'churned' ORDER BY a.external_id`,
  );
  const { rows: live } = await database.query<{ n: number }>(`SELECT count(*)::int AS n FROM accounts WHERE stage <> 'churned'`);
  const wanted = Math.round((live[0]?.n ?? 0) / 3);
  const chosen = rng.shuffle([...accounts]).slice(0, wanted).sort((a, b) => (a.id < b.id ? -1 : 1));

  type Built = { planId: string; accountId: string; intent: Intent; start: number; ownerId: string };
  const built: Built[] = [];
  let achievedLeft = Math.max(2, Math.round(chosen.length * 0.08));
  await database.transaction(async (tx) => {
    for (const a of chosen) {
      const templateId = byStage.get(a.stage) ?? byStage.get('adoption');
      const template = templateId ? await loadTemplateRow(tx, templateId) : null;
      if (!template) continue;
      const good = a.band === 'good' || a.pattern === 'growing';
      const poor = a.band === 'poor' || a.pattern === 'declining' || a.pattern === 'silent';
      let intent: Intent = poor ? (rng.chance(0.75) ? 'poor' : 'watch') : good ? (rng.chance(0.8) ? 'good' : 'watch') : rng.weighted(['good', 'watch', 'poor'] as const, [3, 4, 2]);
      if (intent === 'good' && achievedLeft > 0 && rng.chance(0.35)) {
        intent = 'achieved';
        achievedLeft--;
      }
      const contractStart = Date.parse(`${a.contract_start}T00:00:00Z`);
      const renewal = Date.parse(`${a.renewal_date}T00:00:00Z`);
      let start = a.stage === 'onboarding' ? contractStart + rng.int(1, 5) * DAY_MS
        : a.stage === 'renewal' ? renewal - rng.int(75, 95) * DAY_MS
        : today - rng.int(25, 80) * DAY_MS;
      if (intent === 'achieved') start = Math.min(start, today - rng.int(70, 85) * DAY_MS);
      start = Math.min(start, today - 8 * DAY_MS);
      const actor: Actor = { type: 'user', id: a.owner_id, label: a.owner_email };
      const title = a.stage === 'onboarding' ? `${a.name}: first value` : a.stage === 'renewal' ? `${a.name}: the case for renewal` : `${a.name}: ${new Date(now).getUTCFullYear()} success plan`;
      const planId = await insertPlan(tx, a.id, title, actor);
      await applyTemplateTx(tx, { planId, accountId: a.id, template, startDate: isoDate(start), actor });
      built.push({ planId, accountId: a.id, intent, start, ownerId: a.owner_id });
    }
  });
  const planIds = built.map((b) => b.planId);
  const accountIds = built.map((b) => b.accountId);

  // The plans started in the past: dates of rows and events (the template's first goal, the one in
  // the customer's words with their own measure, first), goal statements in the customer's words.
  await database.query(
    `WITH x AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(plan_id uuid, at timestamptz))
     , p AS (UPDATE success_plans s SET created_at = x.at, updated_at = x.at, status_changed_at = x.at FROM x WHERE s.id = x.plan_id RETURNING s.id)
     , g AS (UPDATE plan_goals g SET created_at = x.at + CASE WHEN EXISTS (SELECT 1 FROM plan_criteria c WHERE c.goal_id = g.id AND c.kind = 'manual')
                                                          THEN interval '0' ELSE interval '1 minute' END, updated_at = x.at
               FROM x WHERE g.plan_id = x.plan_id RETURNING g.id)
     , t AS (UPDATE tasks t SET created_at = x.at, updated_at = x.at FROM x, plan_goals g2, plan_milestones m
              WHERE g2.plan_id = x.plan_id AND m.goal_id = g2.id AND t.milestone_id = m.id RETURNING t.id)
     UPDATE plan_events e SET at = x.at + interval '2 hours' FROM x WHERE e.plan_id = x.plan_id`,
    [JSON.stringify(built.map((b) => ({ plan_id: b.planId, at: iso(b.start + 10 * 3_600_000) })))],
  );

  const { rows: goals } = await database.query<{ id: string; plan_id: string; start_date: string; target_date: string | null; first: boolean }>(
    `SELECT g.id, g.plan_id, g.start_date::text AS start_date, g.target_date::text AS target_date,
            EXISTS (SELECT 1 FROM plan_criteria c WHERE c.goal_id = g.id AND c.kind = 'manual') AS first
       FROM plan_goals g WHERE g.plan_id = ANY ($1::uuid[]) ORDER BY array_position($1::uuid[], g.plan_id), first DESC, g.statement`,
    [planIds],
  );
  const { rows: criteria } = await database.query<{ id: string; goal_id: string; kind: string; name: string; target: number | null }>(
    `SELECT c.id, c.goal_id, c.kind, c.name, c.target FROM plan_criteria c JOIN plan_goals g ON g.id = c.goal_id WHERE g.plan_id = ANY ($1::uuid[]) ORDER BY c.goal_id, c.name`,
    [planIds],
  );
  const intentOf = new Map(built.map((b) => [b.planId, b.intent]));
  const goalById = new Map(goals.map((g) => [g.id, g]));
  const phrases = rng.shuffle([...GOALS]);
  let nextPhrase = 0;

  // Elapsed share of a goal's time, and the pace the intent keeps against it (0–1 of the target).
  const span = (g: { start_date: string; target_date: string | null }) => {
    const s = Date.parse(`${g.start_date}T00:00:00Z`);
    const e = g.target_date ? Date.parse(`${g.target_date}T00:00:00Z`) : s + 90 * DAY_MS;
    return { s, e, elapsed: Math.min(1, Math.max(0, (today - s) / Math.max(DAY_MS, e - s))) };
  };
  const paceOf = (intent: Intent, elapsed: number) =>
    intent === 'achieved' ? 1 : intent === 'good' ? Math.min(0.95, elapsed + rng.range(0.05, 0.2)) : intent === 'watch' ? Math.max(0.05, elapsed - rng.range(0.2, 0.3)) : Math.max(0.02, elapsed - rng.range(0.4, 0.6));

  const goalUpdates: object[] = [];
  const criterionUpdates: object[] = [];
  const values: object[] = [];
  for (const g of goals) {
    const intent = intentOf.get(g.plan_id) ?? 'watch';
    const { s, elapsed } = span(g);
    const pace = paceOf(intent, elapsed);
    const phrase = g.first ? phrases[nextPhrase++ % phrases.length] : undefined;
    if (phrase) {
      const by = g.target_date ? ` by ${monthOf(g.target_date)}` : '';
      goalUpdates.push({ id: g.id, statement: `${phrase.statement}${by}`, why: phrase.why });
    }
    for (const c of criteria.filter((x) => x.goal_id === g.id)) {
      if (c.kind === 'manual' && phrase) {
        const { name, direction, baseline, target } = phrase.criterion;
        criterionUpdates.push({ id: c.id, name, direction, baseline, target });
        // Entered every two weeks or so, moving toward the target at the intent's pace.
        const steps = Math.max(1, Math.floor((today - s) / (14 * DAY_MS)));
        for (let k = 0; k <= steps; k++) {
          const at = Math.min(today - DAY_MS, s + k * 14 * DAY_MS + rng.int(0, 3) * DAY_MS);
          const share = k === 0 ? 0 : Math.min(1, (pace * k) / steps + rng.range(-0.04, 0.04));
          const raw = baseline + (target - baseline) * (k === steps ? pace : Math.max(0, share));
          const value = Math.abs(target - baseline) >= 10 ? Math.round(raw) : Math.round(raw * 2) / 2;
          values.push({ criterion_id: c.id, at: iso(at + 15 * 3_600_000), value, side: null, source: 'manual', planId: g.plan_id });
        }
      } else if (c.kind === 'manual') {
        criterionUpdates.push({ id: c.id, name: c.name, direction: 'up', baseline: 0, target: 1 });
      } else if (c.kind === 'rating') {
        // Both sides rate now and then; the customer is a little more cautious than the CSM.
        const end = intent === 'achieved' ? 4 + rng.int(0, 1) : intent === 'good' ? 4 : intent === 'watch' ? 3 : 2;
        for (const side of ['vendor', 'customer'] as const) {
          let v = side === 'vendor' ? Math.min(5, end + (intent === 'poor' ? 1 : 0)) : end;
          const n = rng.int(2, 4);
          const points: number[] = [];
          for (let k = 0; k < n; k++) {
            points.unshift(v);
            if (intent !== 'poor') v = Math.max(1, v - rng.int(0, 1));
            else v = Math.min(5, v + rng.int(0, 1));
          }
          points.forEach((value, k) => {
            const at = Math.min(today - DAY_MS, s + Math.round(((k + 1) / n) * (today - s)) - rng.int(1, 4) * DAY_MS);
            values.push({ criterion_id: c.id, at: iso(Math.max(s, at) + 16 * 3_600_000), value, side, source: 'rating', planId: g.plan_id });
          });
        }
      }
    }
  }
  await database.query(
    `UPDATE plan_goals g SET statement = x.statement, why = x.why FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, statement text, why text) WHERE g.id = x.id`,
    [JSON.stringify(goalUpdates)],
  );
  await database.query(
    `UPDATE plan_criteria c SET name = x.name, direction = x.direction, baseline = x.baseline, target = x.target
       FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, name text, direction text, baseline float8, target float8) WHERE c.id = x.id`,
    [JSON.stringify(criterionUpdates)],
  );
  await database.query(
    `INSERT INTO plan_criterion_values (criterion_id, at, day, value, side, source, actor_id)
     SELECT x.criterion_id, x.at, (x.at AT TIME ZONE 'UTC')::date, x.value, x.side, x.source, CASE WHEN x.side = 'customer' THEN NULL ELSE p.created_by END
       FROM jsonb_to_recordset($1::jsonb) AS x(criterion_id uuid, at timestamptz, value float8, side text, source text, "planId" uuid)
       JOIN success_plans p ON p.id = x."planId"`,
    [JSON.stringify(values)],
  );

  // Driver and metric criteria measured once a week since each goal started, by the plans part's
  // measureCriteria: metric values from usage up to that day, driver values from the health engine.
  const used = new Set(criteria.filter((c) => c.kind === 'driver').length ? ['activation', 'seat_utilization', 'feature_breadth'] : []);
  const engine = (await createDriverQueries(database).enabled()).filter((d) => used.has(d.key) && d.source.type !== 'formula');
  const firstDay = Math.min(...built.map((b) => b.start), today);
  const days: number[] = [];
  for (let d = today - 7 * DAY_MS; d >= firstDay; d -= 7 * DAY_MS) days.unshift(d);
  if (days.length > 0 && engine.length > 0) {
    const measured = await database.transaction((tx) => measureDays(tx, measuredDrivers(engine), { ids: accountIds }, isoDate(days[0] ?? today), isoDate(today - DAY_MS)));
    const wantedDays = new Set(days.map(isoDate));
    await database.transaction(async (tx) => {
      for (const { day, measurements } of measured) {
        if (!wantedDays.has(day)) continue;
        const dv: DriverValues = new Map(accountIds.map((id) => [id, new Map(engine.map((d) => [d.id, null]))]));
        for (const m of measurements) {
          const vals = driverValues(engine, m, day);
          dv.set(m.facts.id, new Map(engine.map((d) => [d.id, vals.get(d.key)?.value ?? null])));
        }
        await measureCriteria(tx, { accountIds }, dv, new Date(`${day}T12:00:00Z`));
      }
    });
  }
  await database.transaction(async (tx) => {
    await measureCriteria(tx, { accountIds }, null, now);
    // Nothing measured before a goal began.
    await tx.query(
      `DELETE FROM plan_criterion_values v USING plan_criteria c, plan_goals g
        WHERE v.criterion_id = c.id AND c.goal_id = g.id AND g.plan_id = ANY ($1::uuid[]) AND v.source = 'measured' AND v.day < g.start_date`,
      [planIds],
    );
  });

  // Targets of measured criteria: what the CSM and the customer agreed, set so that each plan's
  // progress tells its story (the real code then says how it stands). Activation keeps its 3 of 3.
  const { rows: current } = await database.query<{ id: string; goal_id: string; kind: string; driver_key: string | null; per_seat: boolean; direction: 'up' | 'down'; baseline: number | null; value: number | null }>(
    `SELECT c.id, c.goal_id, c.kind, d.key AS driver_key, coalesce((d.source->>'perSeat')::boolean, false) AS per_seat, c.direction, c.baseline,
            (SELECT v.value FROM plan_criterion_values v WHERE v.criterion_id = c.id ORDER BY v.at DESC LIMIT 1) AS value
       FROM plan_criteria c JOIN plan_goals g ON g.id = c.goal_id LEFT JOIN drivers d ON d.id = c.driver_id
      WHERE g.plan_id = ANY ($1::uuid[]) AND c.kind IN ('driver', 'metric') ORDER BY array_position($1::uuid[], g.plan_id), g.statement, c.name`,
    [planIds],
  );
  const targets: object[] = [];
  for (const c of current) {
    const g = goalById.get(c.goal_id);
    if (!g || c.value === null) continue;
    const intent = intentOf.get(g.plan_id) ?? 'watch';
    if (c.driver_key === 'activation') {
      if (intent === 'achieved' && c.value >= 1) targets.push({ id: c.id, target: Math.min(3, Math.floor(c.value)) });
      continue;
    }
    const pace = paceOf(intent, span(g).elapsed);
    // A per-seat driver is a share of seats (0.11 = 11 %): its target stays a share, at most 90 %
    // (a target of 230 % of seats cannot be reached, whatever the pace).
    const ratio = c.driver_key === 'seat_utilization' || c.per_seat;
    const x = ratio ? c.value * 100 : c.value;
    let target = intent === 'achieved' ? nice(x, false) : nice(x / Math.max(0.05, pace), true);
    if (target <= 0) target = ratio ? 25 : 10;
    if (ratio) target = Math.min(RATIO_TARGET_MAX * 100, target);
    const steered = beyondBaseline(ratio ? target / 100 : target, c.direction, c.baseline, ratio);
    if (steered !== null) targets.push({ id: c.id, target: steered });
  }
  await database.query(
    `UPDATE plan_criteria c SET target = x.target FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, target float8) WHERE c.id = x.id`,
    [JSON.stringify(targets)],
  );

  // Milestones: done around their due date when the plan goes well; left overdue (on either side) when it does not.
  const { rows: milestones } = await database.query<{ id: string; plan_id: string; due_at: string; customer: boolean }>(
    `SELECT m.id, g.plan_id, m.due_at::text AS due_at, m.owner_contact_id IS NOT NULL AS customer
       FROM plan_milestones m JOIN plan_goals g ON g.id = m.goal_id WHERE g.plan_id = ANY ($1::uuid[]) AND m.due_at < $2::date
      ORDER BY array_position($1::uuid[], g.plan_id), m.due_at, m.title`,
    [planIds, isoDate(today)],
  );
  const done: object[] = [];
  const slipped = new Set<string>();
  for (const m of milestones) {
    const intent = intentOf.get(m.plan_id) ?? 'watch';
    const due = Date.parse(`${m.due_at}T00:00:00Z`);
    const late = (today - due) / DAY_MS;
    let complete = true;
    if (intent === 'watch' && !slipped.has(m.plan_id) && late >= 2 && late < 13 && (m.customer || rng.chance(0.3))) complete = false;
    if (intent === 'poor' && late >= 2 && (rng.chance(0.6) || !slipped.has(m.plan_id))) complete = false;
    if (!complete) {
      slipped.add(m.plan_id);
      continue;
    }
    const at = Math.min(today - 3_600_000, due + rng.int(-4, intent === 'good' || intent === 'achieved' ? 1 : 6) * DAY_MS + 14 * 3_600_000);
    done.push({ id: m.id, at: iso(at), plan_id: m.plan_id });
  }
  await database.query(
    `UPDATE plan_milestones m SET completed_at = x.at, completed_by = CASE WHEN m.owner_contact_id IS NULL THEN p.created_by END
       FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, at timestamptz, plan_id uuid), success_plans p WHERE m.id = x.id AND p.id = x.plan_id`,
    [JSON.stringify(done)],
  );
  await database.query(
    `INSERT INTO plan_events (plan_id, account_id, goal_id, kind, at, actor_id, data)
     SELECT p.id, p.account_id, g.id, 'milestone_completed', m.completed_at, m.completed_by,
            jsonb_build_object('milestoneId', m.id, 'title', m.title, 'dueAt', m.due_at, 'ownerSide', CASE WHEN m.owner_contact_id IS NULL THEN 'vendor' ELSE 'customer' END)
       FROM plan_milestones m JOIN plan_goals g ON g.id = m.goal_id JOIN success_plans p ON p.id = g.plan_id
      WHERE m.id = ANY ($1::uuid[])`,
    [done.map((d) => (d as { id: string }).id)],
  );
  // Tasks of done milestones are done; customer tasks carry their effort (1 = minutes, 5 = a project).
  await database.query(
    `UPDATE tasks t SET status = 'done', completed_at = least(m.completed_at, coalesce(t.due_at, m.completed_at)), completed_by = t.assignee_user_id
       FROM plan_milestones m WHERE t.milestone_id = m.id AND m.completed_at IS NOT NULL AND m.id = ANY ($1::uuid[])`,
    [done.map((d) => (d as { id: string }).id)],
  );
  await database.query(
    `UPDATE tasks t SET customer_effort = 1 + (abs(hashtext(t.title)) % 4)
       FROM plan_milestones m JOIN plan_goals g ON g.id = m.goal_id WHERE t.milestone_id = m.id AND g.plan_id = ANY ($1::uuid[]) AND t.assignee_contact_id IS NOT NULL`,
    [planIds],
  );

  // The stored status and reasons of plans and goals, from the plans part's roll-up (loadPlans, as
  // refreshPlanStatus computes them). Stored as the plans' standing state since they started, not
  // as a change today: no burst of "now at risk" notifications and e-mails on the demo's first start.
  const loaded = await loadPlans(database, planIds, now);
  await database.query(
    `UPDATE success_plans p SET status = x.status, status_reasons = x.reasons, status_changed_at = p.created_at
       FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, status text, reasons jsonb) WHERE p.id = x.id`,
    [JSON.stringify(loaded.map((l) => ({ id: l.plan.id, status: l.plan.status, reasons: l.plan.statusReasons })))],
  );
  await database.query(
    `UPDATE plan_goals g SET status = x.status, status_reasons = x.reasons FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, status text, reasons jsonb) WHERE g.id = x.id`,
    [JSON.stringify(loaded.flatMap((l) => l.plan.goals.map((g) => ({ id: g.id, status: g.status, reasons: g.statusReasons }))))],
  );
  const byStatus: Record<string, number> = {};
  for (const l of loaded) byStatus[l.plan.status] = (byStatus[l.plan.status] ?? 0) + 1;

  const shares = await sharePlans(database, work, rng, built.filter((b) => b.intent !== 'poor'), now);
  return { templates: created.length, plans: built.length, goals: goals.length, byStatus, ...shares, ms: Math.round(performance.now() - started) };
}

/** A shared link on some plans, opened by the customer over the past weeks, and a couple of comments. */
async function sharePlans(
  database: Queryable, work: ReturnType<typeof createWorkServices>, rng: Rng, plans: { planId: string; accountId: string; start: number; ownerId: string }[], now: Date,
): Promise<{ shared: number; views: number; comments: number }> {
  const { rows: exists } = await database.query<{ ok: boolean }>(`SELECT to_regclass('plan_share_views') IS NOT NULL AS ok`);
  if (!exists[0]?.ok) return { shared: 0, views: 0, comments: 0 };
  const picked = plans.filter(() => rng.chance(0.3));
  let views = 0;
  let comments = 0;
  for (const [i, p] of picked.entries()) {
    const actor: Actor = { type: 'user', id: p.ownerId, label: 'demo' };
    const allow = i % 2 === 0;
    const link = await work.planShares.create(p.planId, { allowCustomerUpdates: allow }, actor, now);
    const sharedAt = Math.max(p.start + 8 * DAY_MS, now.getTime() - rng.int(15, 50) * DAY_MS);
    const viewAts: number[] = [];
    for (let at = sharedAt + rng.int(1, 48) * 3_600_000; at < now.getTime(); at += rng.int(2, 12) * DAY_MS + rng.int(0, 20) * 3_600_000) viewAts.push(at);
    await database.query(
      `WITH s AS (UPDATE plan_shares SET created_at = $2 WHERE plan_id = $1 AND revoked_at IS NULL RETURNING id)
       INSERT INTO plan_share_views (share_id, at, user_agent) SELECT s.id, x.at, x.ua FROM s, jsonb_to_recordset($3::jsonb) AS x(at timestamptz, ua text)`,
      [p.planId, iso(sharedAt), JSON.stringify(viewAts.map((at) => ({ at: iso(at), ua: rng.pick(USER_AGENTS) })))],
    );
    views += viewAts.length;
    if (allow && comments < 3) {
      const { rows: c } = await database.query<{ id: string; share_id: string }>(
        `SELECT c.id, s.id AS share_id FROM contacts c, plan_shares s
          WHERE c.account_id = $1 AND c.name <> '' AND s.plan_id = $2 AND s.revoked_at IS NULL ORDER BY c.role = 'champion' DESC, c.id LIMIT 1`, [p.accountId, p.planId]);
      const row = c[0];
      if (!row) continue;
      await work.planShares.comment(link.token, { contactId: refOf(row.share_id, 'contact', row.id), body: COMMENTS[comments % COMMENTS.length] ?? '' }, now);
      const at = iso(Math.min(now.getTime() - 3_600_000, sharedAt + rng.int(3, 10) * DAY_MS));
      await database.query(`UPDATE plan_comments SET created_at = $2 WHERE plan_id = $1`, [p.planId, at]);
      await database.query(`UPDATE plan_events SET at = $2 WHERE plan_id = $1 AND kind = 'customer_comment'`, [p.planId, at]);
      comments++;
    }
  }
  return { shared: picked.length, views, comments };
}
