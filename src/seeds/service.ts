import type { Actor } from '../auth/principal.js';
import { diff, recordAuditRaw } from '../audit/record.js';
import type { Queryable } from '../db/connect.js';
import type { WorkDeps } from '../deps.js';
import { AppError } from '../http/errors.js';
import { ensureAccountPlan, insertGoal, refreshPlanStatus } from '../plans/goals.js';
import type { TaskService } from '../tasks/service.js';
import { plantSeedInTx, persistEvent, type EventFacts, type PlantInput } from './plant.js';
import { recordOf } from './record.js';
import { runReask } from './reask.js';
import type { FunnelQuery, Seed, SeedEventCreate, SeedHarvest, SeedQuestion, SeedQuestionCreate, SeedQuestionListQuery, SeedQuestionPatch } from './schema.js';
import { applyEvent, nextReask, type SeedEvent } from './stage.js';
import {
  checkRefs, funnelRows, insertQuestion, listQuestions, loadAccountSeeds, loadQuestion, loadSeed, plantingGroups, updateQuestion,
  type GroupRow, type LoadedSeed, type QuestionOut,
} from './store.js';

/** What seeds need of tasks: the re-ask reminders are inbox tasks, closed when the variant is asked. */
export type SeedHooks = { tasks: Pick<TaskService, 'update' | 'afterCreate'> };

/** The API shape of a seed, with its re-ask clock. */
export function toSeed(l: LoadedSeed, canEdit: boolean, now = new Date()): Seed {
  const r = nextReask(l.machine, l.question, now);
  return {
    id: l.id, accountId: l.accountId, accountName: l.accountName, questionId: l.questionId, text: l.text, theme: l.theme,
    contactId: l.contactId, contactName: l.contactName, activityId: l.activityId, askedAt: l.machine.plantedAt.toISOString(),
    plantedBy: l.plantedBy, stage: l.machine.stage, highStage: l.highStage, lastMovedAt: l.machine.lastMovedAt.toISOString(),
    lastAskedAt: l.machine.lastAskedAt.toISOString(), variantsAsked: l.machine.variantsAsked,
    nextVariant: r.action === 'reask' ? r.variant : null,
    reaskDueAt: r.action === 'none' ? null : r.dueAt.toISOString(),
    goalId: l.machine.goalId, goalStatement: l.goalStatement, reaction: l.reaction, canEdit, events: l.events,
  };
}

/** The stage machine's event from the request (its own validation names the missing fields). */
function machineEvent(e: SeedEventCreate, at: Date): SeedEvent {
  const common = { at, note: e.note ?? null, activityId: e.activityId ?? null };
  switch (e.kind) {
    case 'reaction':
      if (!e.strength) throw new AppError('seed.move_refused', undefined, [{ path: 'strength', message: 'Say how they reacted: strong_positive, strong_negative, lukewarm or none' }]);
      return { ...common, kind: 'reaction', strength: e.strength };
    case 'objection': return { ...common, kind: 'objection', text: e.text ?? '' };
    case 'variant_asked': return { ...common, kind: 'variant_asked', variant: e.variant ?? '' };
    case 'harvested': return { ...common, kind: 'harvested', goalId: e.goalId?.toLowerCase() ?? null };
    default: return { ...common, kind: e.kind };
  }
}

/** A harvest into the goal the seed is already harvested into: nothing new to record. */
const isRepeatHarvest = (s: LoadedSeed, e: SeedEventCreate) =>
  e.kind === 'harvested' && s.machine.stage === 'harvested' && e.goalId !== undefined && s.machine.goalId === e.goalId.toLowerCase();

const byQuestion = (groups: GroupRow[], id: string) => recordOf(groups.filter((g) => g.questionId === id));

export function createSeedService(deps: WorkDeps, hooks: SeedHooks) {
  const { database, outbox } = deps;

  async function write<T>(fn: (tx: Queryable) => Promise<{ result: T; queued: number }>): Promise<T> {
    const { result, queued } = await database.transaction(fn);
    if (queued > 0) await outbox.wake();
    return result;
  }

  async function mustLoad(db: Queryable, id: string, lock = false): Promise<LoadedSeed> {
    const s = await loadSeed(db, id, { lock });
    if (!s) throw new AppError('seed.not_found');
    return s;
  }

  const withRecord = (q: QuestionOut, groups: GroupRow[]): SeedQuestion => ({ ...q, record: byQuestion(groups, q.id) });

  /**
   * After commit: the open reminders a move made pointless are closed through the task service
   * (audit, task.completed webhook), by whoever recorded the move.
   */
  async function closeReminders(seedId: string, which: 'reask' | 'all', status: 'done' | 'cancelled', note: string, actor: Actor) {
    const { rows } = await database.query<{ id: string }>(
      `SELECT id FROM tasks WHERE source = 'seed' AND status = 'open' AND dedupe_key LIKE $1 ORDER BY created_at`,
      [`seed:${seedId}:${which === 'reask' ? 'reask:' : ''}%`],
    );
    for (const t of rows) await hooks.tasks.update(t.id, { status, outcomeNote: note }, actor);
  }

  const service = {
    load: (id: string) => loadSeed(database, id),

    async listQuestions(q: SeedQuestionListQuery): Promise<SeedQuestion[]> {
      const [questions, groups] = await Promise.all([listQuestions(database, q), plantingGroups(database)]);
      return questions.map((x) => withRecord(x, groups));
    },

    async getQuestion(id: string): Promise<SeedQuestion> {
      const q = await loadQuestion(database, id);
      if (!q) throw new AppError('seed_question.not_found');
      return withRecord(q, await plantingGroups(database, id));
    },

    async createQuestion(input: SeedQuestionCreate, actor: Actor): Promise<SeedQuestion> {
      const q = await write(async (tx) => {
        const created = await insertQuestion(tx, { ...input, createdBy: actor.type === 'user' ? actor.id : null });
        await recordAuditRaw(tx, actor, [{ action: 'seed_question.create', objectType: 'seed_question', objectId: created.id, objectLabel: created.text.slice(0, 200), changes: { ...input } }]);
        return { result: created, queued: 0 };
      });
      return withRecord(q, []);
    },

    async updateQuestion(id: string, patch: SeedQuestionPatch, actor: Actor): Promise<SeedQuestion> {
      await write(async (tx) => {
        const before = await loadQuestion(tx, id, { lock: true });
        if (!before) throw new AppError('seed_question.not_found');
        const after = { ...before, ...patch };
        await updateQuestion(tx, id, after);
        const changes = diff(before as unknown as Record<string, unknown>, patch);
        await recordAuditRaw(tx, actor, [{ action: 'seed_question.update', objectType: 'seed_question', objectId: id, objectLabel: after.text.slice(0, 200), changes }]);
        return { result: undefined, queued: 0 };
      });
      return service.getQuestion(id);
    },

    /** The library's record per theme and per question, across accounts and per CSM. */
    async libraryRecord() {
      const [questions, groups] = await Promise.all([listQuestions(database, { archived: 'all' }), plantingGroups(database)]);
      const themes = [...new Set(groups.map((g) => g.theme).filter((t): t is string => t !== null))].sort((a, b) => a.localeCompare(b));
      return {
        themes: themes.map((theme) => ({ theme, ...recordOf(groups.filter((g) => g.theme === theme)) })),
        questions: questions.map((q) => ({ id: q.id, text: q.text, theme: q.theme, ...byQuestion(groups, q.id) })),
      };
    },

    async get(id: string, canEdit: boolean): Promise<Seed> {
      return toSeed(await mustLoad(database, id), canEdit);
    },

    async listForAccount(accountId: string, canEdit: boolean): Promise<Seed[]> {
      const now = new Date();
      return (await loadAccountSeeds(database, accountId)).map((s) => toSeed(s, canEdit, now));
    },

    /** Plants a seed on an account (audited; the planting is the seed's first event). */
    async plant(input: PlantInput, actor: Actor): Promise<Seed> {
      const id = await write(async (tx) => ({ result: await plantSeedInTx(tx, input, actor), queued: 0 }));
      return service.get(id, true);
    },

    /**
     * Records evidence on a seed. The stage machine decides the move; a refusal is a 422 naming
     * the fields, and nothing is written. A move emits `seed.moved`; asking a variant closes the
     * open re-ask reminder, letting the seed rest or rooting it closes every reminder.
     */
    async recordEvent(id: string, input: SeedEventCreate, actor: Actor, now = new Date()): Promise<Seed> {
      const moved = await write(async (tx) => {
        const s = await mustLoad(tx, id, true);
        const fields = await checkRefs(tx, s.accountId, { activityId: input.activityId, goalId: input.goalId });
        if (fields.length) throw new AppError('seed.move_refused', undefined, fields);
        const at = input.at ? new Date(input.at) : now;
        const result = applyEvent(s.machine, machineEvent(input, at), now);
        if (!result.ok) throw new AppError('seed.move_refused', undefined, result.errors.map((e) => ({ path: e.field, message: e.message })));
        // The same harvest again (this seed, already harvested into this goal) is a no-op: nothing is
        // recorded, no audit, no webhook; the answer is the seed as it is.
        if (isRepeatHarvest(s, input)) return { result: null, queued: 0 };
        const facts: EventFacts = { ...input, kind: input.kind, at };
        const queued = await persistEvent(tx, s, facts, result, actor);
        return { result: result.to, queued };
      });
      if (moved === null) return service.get(id, true);
      if (input.kind === 'variant_asked') await closeReminders(id, 'reask', 'done', `Variant asked: ${input.variant ?? ''}`, actor);
      if (input.kind === 'dormant') await closeReminders(id, 'all', 'done', 'The seed rests (dormant)', actor);
      else if (moved === 'rooted' || moved === 'harvested') await closeReminders(id, 'all', 'cancelled', `The seed is ${moved}: no re-ask needed`, actor);
      return service.get(id, true);
    },

    /**
     * One click from a seed to a goal: a new goal in the account's plan (created when it has none)
     * in the customer's words (default: the question), harvested from this seed, in one transaction.
     */
    async harvest(id: string, input: SeedHarvest, actor: Actor, now = new Date()): Promise<Seed> {
      await write(async (tx) => {
        const s = await mustLoad(tx, id, true);
        if (s.machine.stage === 'harvested') throw new AppError('seed.move_refused', undefined, [{ path: 'goalId', message: 'Already harvested into a goal' }]);
        const fields = await checkRefs(tx, s.accountId, { planId: input.planId });
        // The new goal starts today: a target date before that would be a goal that ends before it begins.
        const startDay = now.toISOString().slice(0, 10);
        if (input.targetDate && input.targetDate < startDay) fields.push({ path: 'targetDate', message: `is before today (${startDay}), the day the goal starts` });
        if (fields.length) throw new AppError('seed.invalid', undefined, fields);
        const actorId = actor.type === 'user' ? actor.id : null;
        const planId = input.planId ?? (await ensureAccountPlan(tx, s.accountId, actorId, actor));
        const statement = input.statement ?? s.text;
        const goalId = await insertGoal(tx, { planId, statement, why: input.why ?? null, targetDate: input.targetDate ?? null, harvestedFromSeedId: s.id }, actor);
        await recordAuditRaw(tx, actor, [{
          action: 'plan_goal.create', objectType: 'plan_goal', objectId: goalId, objectLabel: statement.slice(0, 200),
          changes: { planId, statement, why: input.why ?? null, targetDate: input.targetDate ?? null, harvestedFromSeedId: s.id },
        }]);
        const result = applyEvent(s.machine, { kind: 'harvested', goalId, at: now }, now);
        if (!result.ok) throw new AppError('seed.move_refused', undefined, result.errors.map((e) => ({ path: e.field, message: e.message })));
        let queued = await persistEvent(tx, s, { kind: 'harvested', at: now, goalId }, result, actor);
        queued += await refreshPlanStatus(tx, planId, now);
        return { result: undefined, queued };
      });
      await closeReminders(id, 'all', 'cancelled', 'The seed is harvested: no re-ask needed', actor);
      return service.get(id, true);
    },

    async funnel(q: FunnelQuery, now = new Date()) {
      return { items: await funnelRows(database, q.months, now) };
    },

    /** The re-ask job: one inbox task per due variant (or suggestion to rest), idempotent. */
    reask: (now = new Date()) => runReask(deps, hooks, now),
  };
  return service;
}
export type SeedService = ReturnType<typeof createSeedService>;
