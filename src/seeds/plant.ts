import type { Actor } from '../auth/principal.js';
import { recordAuditRaw } from '../audit/record.js';
import type { Queryable } from '../db/connect.js';
import { AppError, type FieldError } from '../http/errors.js';
import { emitEvent } from '../webhooks/emit.js';
import { DEFAULT_REASK_DAYS } from './schema.js';
import { STAGE_RANK, plantSeed, type ApplyResult, type ReactionStrength, type SeedStage } from './stage.js';
import { checkRefs, insertQuestion, insertSeed, insertSeedEvent, loadQuestion, writeSeedState, type LoadedSeed } from './store.js';

/**
 * The writes of success planting that other capabilities call inside their own transaction:
 * planting (the activity form plants in the activity's transaction) and persisting what the
 * stage machine decided (an event, a harvest).
 */

const userId = (actor: Actor) => (actor.type === 'user' ? actor.id : null);

export type PlantInput = {
  accountId: string;
  questionId?: string | undefined;
  text?: string | undefined;
  theme?: string | undefined;
  contactId?: string | undefined;
  activityId?: string | undefined;
  askedAt?: string | undefined;
};

/**
 * Plants a seed: a question of the library, or a new text (with a theme, the new question joins
 * the library). `askedAt` defaults to the activity's time when an activity is named, else now; it
 * may not be in the future. Field errors name `prefix` + the request field (`seed.` on the
 * activity form). Returns the seed's id.
 */
export async function plantSeedInTx(tx: Queryable, input: PlantInput, actor: Actor, opts: { prefix?: string; now?: Date } = {}): Promise<string> {
  const prefix = opts.prefix ?? '';
  const now = opts.now ?? new Date();
  const fields: FieldError[] = await checkRefs(tx, input.accountId, { contactId: input.contactId, activityId: input.activityId }, prefix);
  let question = input.questionId ? await loadQuestion(tx, input.questionId) : null;
  if (input.questionId && !question) fields.push({ path: `${prefix}questionId`, message: 'no such question in the library' });
  else if (question?.archived) fields.push({ path: `${prefix}questionId`, message: 'this question is archived: ask it as a new text, or restore it first' });
  let askedAt = input.askedAt ? new Date(input.askedAt) : now;
  if (!input.askedAt && input.activityId && fields.every((f) => f.path !== `${prefix}activityId`)) {
    const { rows } = await tx.query<{ occurred_at: Date | string }>('SELECT occurred_at FROM activities WHERE id = $1', [input.activityId]);
    if (rows[0]) askedAt = new Date(rows[0].occurred_at);
  }
  if (askedAt.getTime() > now.getTime()) {
    fields.push(prefix
      ? { path: 'occurredAt', message: 'A seed is planted when the question was asked: this activity has not happened yet' }
      : { path: 'askedAt', message: 'Cannot be in the future' });
  }
  if (fields.length) throw new AppError('seed.invalid', undefined, fields);

  const text = question?.text ?? input.text ?? '';
  if (!question && input.theme !== undefined) {
    question = await insertQuestion(tx, { text, theme: input.theme, variants: [], reaskIntervalDays: DEFAULT_REASK_DAYS, createdBy: userId(actor) });
    await recordAuditRaw(tx, actor, [{ action: 'seed_question.create', objectType: 'seed_question', objectId: question.id, objectLabel: text.slice(0, 200), changes: { text, theme: input.theme, variants: [], reaskIntervalDays: DEFAULT_REASK_DAYS } }]);
  }
  const machine = plantSeed(askedAt);
  const id = await insertSeed(tx, {
    accountId: input.accountId, questionId: question?.id ?? null, text, theme: question?.theme ?? null,
    contactId: input.contactId ?? null, activityId: input.activityId ?? null, askedAt: machine.plantedAt, plantedBy: userId(actor),
  });
  await insertSeedEvent(tx, {
    seedId: id, accountId: input.accountId, kind: 'planted', at: askedAt, activityId: input.activityId ?? null, goalId: null,
    from: null, to: 'planted', moved: true, summary: `planted: ${text}`, data: {}, actorId: userId(actor),
  });
  await recordAuditRaw(tx, actor, [{
    action: 'seed.plant', objectType: 'seed', objectId: id, objectLabel: text.slice(0, 200),
    changes: { accountId: input.accountId, questionId: question?.id ?? null, text, contactId: input.contactId ?? null, activityId: input.activityId ?? null, askedAt: askedAt.toISOString() },
  }]);
  return id;
}

/** What a recorded event carried, as stored on its seed_events row. */
export type EventFacts = {
  kind: Exclude<LoadedSeed['events'][number]['kind'], 'planted' | 'goal_deleted'>;
  at: Date;
  note?: string | undefined;
  activityId?: string | undefined;
  strength?: ReactionStrength | undefined;
  text?: string | undefined;
  variant?: string | undefined;
  goalId?: string | undefined;
};

const higher = (a: SeedStage, b: SeedStage): SeedStage => {
  if (b === 'dormant') return a;
  if (a === 'dormant') return b;
  return STAGE_RANK[b] > STAGE_RANK[a] ? b : a;
};

/**
 * The goal a seed was harvested into names the seed back (`plan_goals.harvested_from_seed_id`),
 * whichever path harvested it. A goal that already came from another seed keeps its first seed:
 * several seeds may grow into one goal (each seed names the goal), but the goal keeps one origin,
 * and the later harvest is not refused for it (see README). Audited as a goal update when it sets it.
 */
async function nameSeedOnGoal(tx: Queryable, seedId: string, goalId: string, actor: Actor): Promise<void> {
  const { rows } = await tx.query<{ id: string; statement: string }>(
    `UPDATE plan_goals SET harvested_from_seed_id = $2 WHERE id = $1 AND harvested_from_seed_id IS NULL RETURNING id, statement`,
    [goalId, seedId],
  );
  const g = rows[0];
  if (!g) return;
  await recordAuditRaw(tx, actor, [{
    action: 'plan_goal.update', objectType: 'plan_goal', objectId: g.id, objectLabel: g.statement.slice(0, 200),
    changes: { harvestedFromSeedId: { from: null, to: seedId } },
  }]);
}

/**
 * Persists an accepted event: the seed's new state (with its high-water stage), a seed_events row
 * with the machine's summary, the audit row and, when the stage moved, the `seed.moved` webhook.
 * Returns how many webhook deliveries it queued.
 */
export async function persistEvent(tx: Queryable, seed: LoadedSeed, e: EventFacts, result: Extract<ApplyResult, { ok: true }>, actor: Actor): Promise<number> {
  const next = result.seed;
  const strong = e.kind === 'reaction' && (e.strength === 'strong_positive' || e.strength === 'strong_negative');
  await writeSeedState(tx, seed.id, {
    ...next,
    highStage: higher(seed.highStage, next.stage),
    reaction: e.kind === 'reaction' && e.strength ? e.strength : seed.reaction,
    strongReaction: strong,
    harvestedAt: result.moved && next.stage === 'harvested' ? e.at : null,
  });
  if (e.kind === 'harvested' && result.moved && e.goalId) await nameSeedOnGoal(tx, seed.id, e.goalId, actor);
  const data: Record<string, string> = {};
  for (const k of ['note', 'strength', 'text', 'variant'] as const) {
    const v = e[k];
    if (v !== undefined) data[k] = v;
  }
  const eventId = await insertSeedEvent(tx, {
    seedId: seed.id, accountId: seed.accountId, kind: e.kind, at: e.at, activityId: e.activityId ?? null, goalId: e.goalId ?? null,
    from: result.from, to: result.to, moved: result.moved, summary: result.summary, data, actorId: userId(actor),
  });
  await recordAuditRaw(tx, actor, [{
    action: 'seed.event', objectType: 'seed', objectId: seed.id, objectLabel: seed.text.slice(0, 200),
    changes: { kind: e.kind, ...data, ...(e.activityId ? { activityId: e.activityId } : {}), ...(e.goalId ? { goalId: e.goalId } : {}), stage: { from: result.from, to: result.to } },
  }]);
  if (!result.moved) return 0;
  return emitEvent(tx, {
    type: 'seed.moved', accountId: seed.accountId, id: eventId,
    data: {
      seedId: seed.id, accountId: seed.accountId, accountName: seed.accountName, question: seed.text,
      from: result.from, to: result.to, kind: e.kind, at: e.at.toISOString(), evidence: result.summary,
      ...(e.activityId ? { activityId: e.activityId } : {}), ...(e.goalId ? { goalId: e.goalId } : {}), ...(e.note ? { note: e.note } : {}),
    },
  });
}
