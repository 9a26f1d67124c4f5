import type { Actor } from '../auth/principal.js';
import type { WorkDeps } from '../deps.js';
import { insertTasks, type NewTask } from '../tasks/store.js';
import type { TaskService } from '../tasks/service.js';
import { nextReask } from './stage.js';
import { loadGrowingSeeds, type LoadedSeed } from './store.js';

/**
 * The re-ask reminder (issue 10 §4): for every growing seed (planted, reacted, sprouted) whose
 * re-ask interval passed without movement, one open inbox task with the next variant; when the
 * variants are used up, one task asking whether to let the seed rest. The dedupe keys make a
 * second run (or a second worker) a no-op: `seed:<id>:reask:<variants asked>` is the reminder for
 * that variant, `seed:<id>:rest:<stage>` the suggestion at that stage. Asking the variant
 * (a variant_asked event) completes the reminder and, with the next quiet interval, the next
 * variant gets its own.
 */

export const REASK_ACTOR: Actor = { type: 'system', id: null, label: 'seed re-ask reminder' };
const DAY = 86_400_000;
const quote = (s: string, n = 160) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const day = (d: Date) => d.toISOString().slice(0, 10);

/**
 * The task a due seed gets, or null when it needs none now. It is due when the re-ask became due
 * (nextReask's dueAt), not when the job noticed: a reminder the job writes late is overdue since
 * then. The reason says how long the seed has really been quiet, and the interval beside it.
 */
export function reminderFor(s: LoadedSeed, assigneeUserId: string | null, now: Date): NewTask | null {
  const r = nextReask(s.machine, s.question, now);
  if (r.action === 'none' || !r.due) return null;
  const since = new Date(Math.max(s.machine.lastMovedAt.getTime(), s.machine.lastAskedAt.getTime()));
  const quiet = Math.max(0, Math.floor((now.getTime() - since.getTime()) / DAY));
  const interval = s.question.reaskIntervalDays;
  const noMovement = `No movement since ${day(since)} (${quiet} day${quiet === 1 ? '' : 's'}; re-ask every ${interval} day${interval === 1 ? '' : 's'})`;
  const base = { accountId: s.accountId, kind: 'todo' as const, priority: 2, dueAt: r.dueAt, assigneeUserId, source: 'seed' as const };
  const total = s.question.variants.length;
  if (r.action === 'reask') {
    return {
      ...base,
      title: `Re-ask a variant of '${quote(s.text)}'`,
      reason: `${noMovement}. Next variant (${r.variantIndex + 1} of ${total}): "${r.variant}". `
        + 'When you have asked it, record it on the seed (variant asked); this task closes then.',
      dedupeKey: `seed:${s.id}:reask:${s.machine.variantsAsked}`,
    };
  }
  const used = total === 0 ? 'the question has no variants' : `all ${total} variant${total === 1 ? '' : 's'} asked`;
  return {
    ...base,
    title: 'Let the seed rest?',
    reason: `'${quote(s.text)}' (${s.machine.stage}): ${noMovement} and ${used}. Mark it dormant, or record the evidence that it is still growing.`,
    dedupeKey: `seed:${s.id}:rest:${s.machine.stage}`,
  };
}

export async function runReask(deps: WorkDeps, hooks: { tasks: Pick<TaskService, 'afterCreate'> }, now = new Date()): Promise<number> {
  const { database, outbox } = deps;
  const seeds = await loadGrowingSeeds(database, now, 1);
  if (seeds.length === 0) return 0;
  const { rows } = await database.query<{ id: string; assignee: string | null }>(
    `SELECT s.id, CASE WHEN pu.active AND pu.role <> 'viewer' THEN pu.id ELSE a.owner_id END AS assignee
       FROM seeds s JOIN accounts a ON a.id = s.account_id LEFT JOIN users pu ON pu.id = s.planted_by
      WHERE s.id = ANY ($1::uuid[])`,
    [seeds.map((s) => s.id)],
  );
  const assignee = new Map(rows.map((r) => [r.id, r.assignee]));
  const tasks = seeds.map((s) => reminderFor(s, assignee.get(s.id) ?? null, now)).filter((t): t is NewTask => t !== null);
  if (tasks.length === 0) return 0;
  const created = await database.transaction(async (tx) => {
    const inserted = await insertTasks(tx, tasks);
    const ids = inserted.filter((t) => t.created).map((t) => t.id);
    await hooks.tasks.afterCreate(tx, ids, REASK_ACTOR);
    return ids.length;
  });
  if (created > 0) await outbox.wake();
  return created;
}
