import type { Ownable } from '../auth/policy.js';
import type { Queryable } from '../db/connect.js';
import type { FieldError } from '../http/errors.js';
import type { PlantingGroup } from './record.js';
import type { Funnel, SeedEventOut, SeedQuestion } from './schema.js';
import { DEFAULT_REASK_DAYS } from './schema.js';
import type { ReactionStrength, Seed as MachineSeed, SeedStage } from './stage.js';

/** SQL of success planting: seeds with their events, the library, and the aggregates of its record. */

type Stamp = Date | string;
const iso = (v: Stamp) => (v instanceof Date ? v : new Date(v)).toISOString();

/** Who planted through an API key, or was deleted since. */
export const NOBODY = 'API key or removed user';

type EventJson = {
  id: string; kind: SeedEventOut['kind']; at: string; moved: boolean; from_stage: SeedStage | null; to_stage: SeedStage; summary: string;
  activity_id: string | null; goal_id: string | null; data: { note?: string; strength?: ReactionStrength; text?: string; variant?: string };
  actor_id: string | null; actor_name: string | null;
};

type SeedRow = {
  id: string; account_id: string; account_name: string; owner_id: string | null; team_id: string | null; question_id: string | null;
  text: string; theme: string | null; contact_id: string | null; contact_name: string | null; activity_id: string | null; asked_at: Stamp;
  planted_by: string | null; planted_by_name: string | null; stage: SeedStage; high_stage: SeedStage; reaction: ReactionStrength | null;
  goal_id: string | null; goal_statement: string | null; last_moved_at: Stamp; last_asked_at: Stamp; variants_asked: number;
  variants: string[] | null; reask_interval_days: number | null; events: EventJson[];
};

const SEED_SELECT = `
  SELECT s.id, s.account_id, a.name AS account_name, a.owner_id, a.team_id, s.question_id, s.text, coalesce(q.theme, s.theme) AS theme,
         s.contact_id, coalesce(nullif(c.name, ''), c.email) AS contact_name, s.activity_id, s.asked_at, s.planted_by, pu.name AS planted_by_name,
         s.stage, s.high_stage, s.reaction, s.goal_id, g.statement AS goal_statement, s.last_moved_at, s.last_asked_at, s.variants_asked,
         q.variants, q.reask_interval_days,
         coalesce((SELECT jsonb_agg(jsonb_build_object('id', e.id, 'kind', e.kind, 'at', e.at, 'moved', e.moved, 'from_stage', e.from_stage,
                     'to_stage', e.to_stage, 'summary', e.summary, 'activity_id', e.activity_id, 'goal_id', e.goal_id, 'data', e.data,
                     'actor_id', e.actor_id, 'actor_name', eu.name) ORDER BY e.at, e.created_at, e.id)
                     FROM seed_events e LEFT JOIN users eu ON eu.id = e.actor_id WHERE e.seed_id = s.id), '[]'::jsonb) AS events
    FROM seeds s JOIN accounts a ON a.id = s.account_id
    LEFT JOIN seed_questions q ON q.id = s.question_id
    LEFT JOIN contacts c ON c.id = s.contact_id
    LEFT JOIN users pu ON pu.id = s.planted_by
    LEFT JOIN plan_goals g ON g.id = s.goal_id`;

/** A seed as stored, with what the stage machine, the re-ask clock and authorization need. */
export type LoadedSeed = {
  id: string;
  accountId: string;
  accountName: string;
  account: Ownable;
  questionId: string | null;
  text: string;
  theme: string | null;
  contactId: string | null;
  contactName: string | null;
  activityId: string | null;
  plantedBy: { id: string; name: string } | null;
  highStage: SeedStage;
  reaction: ReactionStrength | null;
  goalStatement: string | null;
  machine: MachineSeed;
  question: { variants: string[]; reaskIntervalDays: number };
  events: SeedEventOut[];
};

function toEvent(e: EventJson): SeedEventOut {
  return {
    id: e.id, kind: e.kind, at: iso(e.at), moved: e.moved, fromStage: e.from_stage, toStage: e.to_stage, summary: e.summary,
    note: e.data.note ?? null, activityId: e.activity_id, goalId: e.goal_id, strength: e.data.strength ?? null,
    text: e.data.text ?? null, variant: e.data.variant ?? null, by: e.actor_id ? { id: e.actor_id, name: e.actor_name ?? '' } : null,
  };
}

function toLoaded(r: SeedRow): LoadedSeed {
  return {
    id: r.id, accountId: r.account_id, accountName: r.account_name, account: { ownerId: r.owner_id, teamId: r.team_id },
    questionId: r.question_id, text: r.text, theme: r.theme, contactId: r.contact_id, contactName: r.contact_name, activityId: r.activity_id,
    plantedBy: r.planted_by ? { id: r.planted_by, name: r.planted_by_name ?? '' } : null,
    highStage: r.high_stage, reaction: r.reaction, goalStatement: r.goal_statement,
    machine: {
      stage: r.stage, plantedAt: new Date(r.asked_at), lastMovedAt: new Date(r.last_moved_at), lastAskedAt: new Date(r.last_asked_at),
      variantsAsked: r.variants_asked, goalId: r.goal_id,
    },
    question: { variants: r.variants ?? [], reaskIntervalDays: r.reask_interval_days ?? DEFAULT_REASK_DAYS },
    events: r.events.map(toEvent),
  };
}

export async function loadSeed(db: Queryable, id: string, opts: { lock?: boolean } = {}): Promise<LoadedSeed | null> {
  if (opts.lock) await db.query('SELECT 1 FROM seeds WHERE id = $1 FOR UPDATE', [id]);
  const { rows } = await db.query<SeedRow>(`${SEED_SELECT} WHERE s.id = $1`, [id]);
  return rows[0] ? toLoaded(rows[0]) : null;
}

export async function loadAccountSeeds(db: Queryable, accountId: string): Promise<LoadedSeed[]> {
  const { rows } = await db.query<SeedRow>(`${SEED_SELECT} WHERE s.account_id = $1 ORDER BY s.asked_at DESC, s.id DESC`, [accountId]);
  return rows.map(toLoaded);
}

/** Seeds that may need a re-ask or a rest: growing, and quiet for at least `minDays` (the shortest interval). */
export async function loadGrowingSeeds(db: Queryable, now: Date, minDays: number): Promise<LoadedSeed[]> {
  const { rows } = await db.query<SeedRow>(
    `${SEED_SELECT} WHERE s.stage IN ('planted', 'reacted', 'sprouted')
        AND greatest(s.last_moved_at, s.last_asked_at) <= $1::timestamptz - make_interval(days => $2)
      ORDER BY greatest(s.last_moved_at, s.last_asked_at), s.id`,
    [now.toISOString(), minDays],
  );
  return rows.map(toLoaded);
}

/** Reference checks inside the writing transaction: each names its request field. */
export async function checkRefs(
  tx: Queryable,
  accountId: string,
  refs: { contactId?: string | null | undefined; activityId?: string | null | undefined; goalId?: string | null | undefined; planId?: string | null | undefined },
  prefix = '',
): Promise<FieldError[]> {
  const fields: FieldError[] = [];
  const { rows } = await tx.query<{ contact: boolean; activity: boolean; goal: boolean; plan: boolean }>(
    `SELECT ($2::uuid IS NULL OR EXISTS (SELECT 1 FROM contacts WHERE id = $2 AND account_id = $1)) AS contact,
            ($3::uuid IS NULL OR EXISTS (SELECT 1 FROM activities WHERE id = $3 AND account_id = $1)) AS activity,
            ($4::uuid IS NULL OR EXISTS (SELECT 1 FROM plan_goals g JOIN success_plans p ON p.id = g.plan_id WHERE g.id = $4 AND p.account_id = $1)) AS goal,
            ($5::uuid IS NULL OR EXISTS (SELECT 1 FROM success_plans WHERE id = $5 AND account_id = $1)) AS plan`,
    [accountId, refs.contactId ?? null, refs.activityId ?? null, refs.goalId ?? null, refs.planId ?? null],
  );
  const r = rows[0];
  if (!r) return fields;
  if (!r.contact) fields.push({ path: `${prefix}contactId`, message: 'not a contact of this account' });
  if (!r.activity) fields.push({ path: `${prefix}activityId`, message: 'not an activity of this account' });
  if (!r.goal) fields.push({ path: `${prefix}goalId`, message: 'not a goal of a success plan of this account' });
  if (!r.plan) fields.push({ path: `${prefix}planId`, message: 'not a success plan of this account' });
  return fields;
}

export type NewSeed = {
  accountId: string; questionId: string | null; text: string; theme: string | null; contactId: string | null; activityId: string | null;
  askedAt: Date; plantedBy: string | null;
};

export async function insertSeed(tx: Queryable, s: NewSeed): Promise<string> {
  const { rows } = await tx.query<{ id: string }>(
    `INSERT INTO seeds (account_id, question_id, text, theme, contact_id, activity_id, asked_at, planted_by, last_moved_at, last_asked_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $7, $7) RETURNING id`,
    [s.accountId, s.questionId, s.text, s.theme, s.contactId, s.activityId, s.askedAt.toISOString(), s.plantedBy],
  );
  const id = rows[0]?.id;
  if (!id) throw new Error('insert returned no row');
  return id;
}

/** `strongReaction` and `harvestedAt` only ever add: false and null keep what is stored. */
export type SeedState = MachineSeed & { highStage: SeedStage; reaction: ReactionStrength | null; strongReaction: boolean; harvestedAt: Date | null };

export async function writeSeedState(tx: Queryable, id: string, s: SeedState): Promise<void> {
  await tx.query(
    `UPDATE seeds SET stage = $2, high_stage = $3, reaction = $4, strong_reaction = strong_reaction OR $5, goal_id = $6, harvested_at = coalesce($7::timestamptz, harvested_at),
            last_moved_at = $8, last_asked_at = $9, variants_asked = $10, updated_at = now()
      WHERE id = $1`,
    [id, s.stage, s.highStage, s.reaction, s.strongReaction, s.goalId, s.harvestedAt?.toISOString() ?? null,
      s.lastMovedAt.toISOString(), s.lastAskedAt.toISOString(), s.variantsAsked],
  );
}

export type NewSeedEvent = {
  seedId: string; accountId: string; kind: SeedEventOut['kind']; at: Date; activityId: string | null; goalId: string | null;
  from: SeedStage | null; to: SeedStage; moved: boolean; summary: string; data: Record<string, string>; actorId: string | null;
};

export async function insertSeedEvent(tx: Queryable, e: NewSeedEvent): Promise<string> {
  const { rows } = await tx.query<{ id: string }>(
    `INSERT INTO seed_events (seed_id, account_id, kind, at, activity_id, goal_id, from_stage, to_stage, moved, summary, data, actor_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb, $12) RETURNING id`,
    [e.seedId, e.accountId, e.kind, e.at.toISOString(), e.activityId, e.goalId, e.from, e.to, e.moved, e.summary, JSON.stringify(e.data), e.actorId],
  );
  const id = rows[0]?.id;
  if (!id) throw new Error('insert returned no row');
  return id;
}

// ---- The library ----

type QuestionRow = { id: string; text: string; theme: string; variants: string[]; reask_interval_days: number; archived: boolean; created_at: Stamp };
export type QuestionOut = Omit<SeedQuestion, 'record'>;
const toQuestion = (r: QuestionRow): QuestionOut => ({
  id: r.id, text: r.text, theme: r.theme, variants: r.variants, reaskIntervalDays: r.reask_interval_days, archived: r.archived, createdAt: iso(r.created_at),
});
const QUESTION_COLUMNS = 'id, text, theme, variants, reask_interval_days, archived, created_at';

export async function loadQuestion(db: Queryable, id: string, opts: { lock?: boolean } = {}): Promise<QuestionOut | null> {
  const { rows } = await db.query<QuestionRow>(`SELECT ${QUESTION_COLUMNS} FROM seed_questions WHERE id = $1${opts.lock ? ' FOR UPDATE' : ''}`, [id]);
  return rows[0] ? toQuestion(rows[0]) : null;
}

export async function listQuestions(db: Queryable, q: { theme?: string | undefined; archived: 'true' | 'false' | 'all' }): Promise<QuestionOut[]> {
  const { rows } = await db.query<QuestionRow>(
    `SELECT ${QUESTION_COLUMNS} FROM seed_questions
      WHERE ($1::text IS NULL OR lower(theme) = lower($1)) AND ($2 = 'all' OR archived = ($2 = 'true'))
      ORDER BY lower(theme), lower(text), id`,
    [q.theme ?? null, q.archived],
  );
  return rows.map(toQuestion);
}

export async function insertQuestion(tx: Queryable, q: { text: string; theme: string; variants: string[]; reaskIntervalDays: number; createdBy: string | null }): Promise<QuestionOut> {
  const { rows } = await tx.query<QuestionRow>(
    `INSERT INTO seed_questions (text, theme, variants, reask_interval_days, created_by) VALUES ($1, $2, $3::jsonb, $4, $5) RETURNING ${QUESTION_COLUMNS}`,
    [q.text, q.theme, JSON.stringify(q.variants), q.reaskIntervalDays, q.createdBy],
  );
  const r = rows[0];
  if (!r) throw new Error('insert returned no row');
  return toQuestion(r);
}

export async function updateQuestion(tx: Queryable, id: string, q: QuestionOut): Promise<void> {
  await tx.query(
    `UPDATE seed_questions SET text = $2, theme = $3, variants = $4::jsonb, reask_interval_days = $5, archived = $6, updated_at = now() WHERE id = $1`,
    [id, q.text, q.theme, JSON.stringify(q.variants), q.reaskIntervalDays, q.archived],
  );
}

/** One row per (question, theme, planter): the counts the record is made of (src/seeds/record.ts). */
export type GroupRow = PlantingGroup & { questionId: string | null; theme: string | null };

export async function plantingGroups(db: Queryable, questionId?: string): Promise<GroupRow[]> {
  const { rows } = await db.query<{
    question_id: string | null; theme: string | null; planted_by: string | null; name: string | null;
    planted: number; strong: number; sprouted: number; harvested: number; harvest_days: number[];
  }>(
    `SELECT s.question_id, coalesce(q.theme, s.theme) AS theme, s.planted_by, u.name,
            count(*)::int AS planted,
            count(*) FILTER (WHERE s.strong_reaction)::int AS strong,
            count(*) FILTER (WHERE s.high_stage IN ('sprouted', 'rooted', 'harvested'))::int AS sprouted,
            count(*) FILTER (WHERE s.high_stage = 'harvested')::int AS harvested,
            coalesce(jsonb_agg((extract(epoch FROM s.harvested_at - s.asked_at) / 86400)::float8) FILTER (WHERE s.high_stage = 'harvested' AND s.harvested_at IS NOT NULL), '[]'::jsonb) AS harvest_days
       FROM seeds s LEFT JOIN seed_questions q ON q.id = s.question_id LEFT JOIN users u ON u.id = s.planted_by
      WHERE $1::uuid IS NULL OR s.question_id = $1
      GROUP BY s.question_id, coalesce(q.theme, s.theme), s.planted_by, u.name`,
    [questionId ?? null],
  );
  return rows.map((r) => ({
    questionId: r.question_id, theme: r.theme, userId: r.planted_by, name: r.name ?? NOBODY,
    planted: r.planted, strong: r.strong, sprouted: r.sprouted, harvested: r.harvested, harvestDays: r.harvest_days,
  }));
}

/** Plantings per calendar month (UTC) and planter, counted by the highest stage each reached. */
export async function funnelRows(db: Queryable, months: number, now: Date): Promise<Funnel['items']> {
  const { rows } = await db.query<{ month: string; user_id: string | null; name: string | null; planted: number; reacted: number; sprouted: number; rooted: number; harvested: number }>(
    `SELECT to_char(date_trunc('month', s.asked_at AT TIME ZONE 'UTC'), 'YYYY-MM') AS month, s.planted_by AS user_id, u.name,
            count(*)::int AS planted,
            count(*) FILTER (WHERE s.high_stage IN ('reacted', 'sprouted', 'rooted', 'harvested'))::int AS reacted,
            count(*) FILTER (WHERE s.high_stage IN ('sprouted', 'rooted', 'harvested'))::int AS sprouted,
            count(*) FILTER (WHERE s.high_stage IN ('rooted', 'harvested'))::int AS rooted,
            count(*) FILTER (WHERE s.high_stage = 'harvested')::int AS harvested
       FROM seeds s LEFT JOIN users u ON u.id = s.planted_by
      WHERE (s.asked_at AT TIME ZONE 'UTC') >= date_trunc('month', $1::timestamptz AT TIME ZONE 'UTC') - make_interval(months => $2 - 1)
      GROUP BY 1, 2, 3
      ORDER BY 1, coalesce(u.name, ''), 2`,
    [now.toISOString(), months],
  );
  return rows.map((r) => ({
    month: r.month, userId: r.user_id, name: r.name ?? NOBODY,
    planted: r.planted, reacted: r.reacted, sprouted: r.sprouted, rooted: r.rooted, harvested: r.harvested,
  }));
}

