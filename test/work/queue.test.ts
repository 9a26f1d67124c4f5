import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { Database } from '../../src/db/connect.js';
import { SYSTEM_ACTOR } from '../../src/auth/principal.js';
import { createJobQueue, lazySender, type JobQueue } from '../../src/jobs/queue.js';
import { allJobs } from '../../src/runtime.js';
import { createWorkServices, type WorkServices } from '../../src/services.js';
import { STEP_JOB } from '../../src/playbooks/service.js';
import { createTestDatabase } from '../support/db.js';

/**
 * Background work on the real job queue (pg-boss on this database): a health drop reaches a rule,
 * the rule starts a playbook, its steps run as jobs; a step that dies mid-way is retried by the
 * queue and runs once; a worker stopped mid-playbook and a new one started finish it.
 */
const quiet = { info: () => undefined, error: () => undefined };
let database: Database;
let drop: () => Promise<void>;
let url: string | undefined;
let queue: JobQueue | null = null;
let work: WorkServices;
const crashes: string[] = [];

async function startQueue(opts: { crashFirstStepOnce?: boolean } = {}) {
  const config = loadConfig({ LOG_LEVEL: 'silent', ...(url ? { DATABASE_URL: url } : {}) });
  const sender = lazySender(() => queue);
  work = createWorkServices(config, database, sender);
  const definitions = allJobs(config, database, sender).map((d) => (d.name === STEP_JOB
    ? {
        ...d,
        handler: async (data: object) => {
          const { runId, index } = data as { runId: string; index: number };
          const key = `${runId}:${index}`;
          if (opts.crashFirstStepOnce && index === 0 && crashes.length === 0) {
            crashes.push(key);
            // The worker dies after the step's effect, before it is recorded: the transaction rolls back.
            return work.playbooks.runStep(runId, index, { faults: { afterEffect: () => { throw new Error('worker killed'); } } });
          }
          return work.playbooks.runStep(runId, index);
        },
      }
    : d));
  queue = await createJobQueue(database, url, definitions, quiet);
  await queue.work();
}

async function until<T>(what: () => Promise<T>, ok: (v: T) => boolean, ms = 25_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await what();
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
}

let ownerId: string;
beforeAll(async () => {
  const t = await createTestDatabase();
  database = t.database;
  drop = t.drop;
  url = t.url;
  const { rows } = await database.query<{ id: string }>(`INSERT INTO users (email, name, role) VALUES ('owner@q.test', 'Owner', 'csm') RETURNING id`);
  ownerId = rows[0]?.id as string;
}, 60_000);
afterAll(async () => {
  await queue?.stop();
  await drop();
});

const tasksOf = async (runId: string) => (await database.query<{ title: string }>('SELECT title FROM tasks WHERE playbook_run_id = $1 ORDER BY title', [runId])).rows.map((r) => r.title);
/** Marks a run's tasks done, as a CSM does from the inbox. */
const completeTasks = async (runId: string) => {
  const { rows } = await database.query<{ id: string }>('SELECT id FROM tasks WHERE playbook_run_id = $1 ORDER BY title', [runId]);
  for (const r of rows) await work.tasks.update(r.id, { status: 'done' }, SYSTEM_ACTOR);
};
const newAccount = async (name: string) => (await database.query<{ id: string }>(`INSERT INTO accounts (name, owner_id, stage, arr) VALUES ($1, $2, 'adoption', 1000) RETURNING id`, [name, ownerId])).rows[0]?.id as string;

describe('work on the job queue', () => {
  it('a health drop fires a rule whose playbook runs step by step as jobs; a killed step runs once', async () => {
    await startQueue();
    const pb = await work.playbooks.create({ name: 'Rescue', description: '', steps: [
      { kind: 'task', title: 'A: call', dueOffsetDays: 1, assignee: 'owner' },
      { kind: 'task', title: 'B: plan', dueOffsetDays: 2, assignee: 'owner' },
    ] }, SYSTEM_ACTOR);
    await work.rules.create({ name: 'Drop', description: '', enabled: true, windowHours: 168, condition: { match: 'all', conditions: [{ type: 'health_score_change', direction: 'drop', points: 10, withinDays: 7 }] }, actions: [{ type: 'start_playbook', playbookId: pb.id }] }, SYSTEM_ACTOR);
    await queue?.stop();

    // The first step of the run will die mid-way on its first attempt.
    const accountId = await newAccount('Queue Co');
    await database.query(`INSERT INTO account_health (account_id, score, band, state, stage, drivers) VALUES ($1, 50, 'watch', 'scored', 'adoption', '{"items":[]}')`, [accountId]);
    await database.query(`INSERT INTO health_changes (account_id, from_score, to_score, from_band, to_band, cause) VALUES ($1, 75, 50, 'good', 'watch', 'test')`, [accountId]);
    const runOf = async () => {
      const { rows } = await database.query<{ id: string }>('SELECT id FROM playbook_runs WHERE account_id = $1 AND status = $2', [accountId, 'running']);
      return rows[0]?.id;
    };
    await startQueue({ crashFirstStepOnce: true });
    // Rules are evaluated by a job (the health refresh job sends it; here we send it as it would).
    await queue?.send('rules.evaluate', {});
    const runId = await until(runOf, (v) => v !== undefined);
    expect(runId).toBeDefined();
    const titles = await until(() => tasksOf(runId as string), (v) => v.length === 2);
    expect(titles).toEqual(['A: call', 'B: plan']);
    expect(crashes).toEqual([`${runId}:0`]);
    // Both tasks are created, so both steps are issued; the run is running until its tasks are done.
    const issued = await until(async () => (await work.playbooks.runs({ runId: runId as string }))[0], (r) => r?.progress.issued === 2);
    expect(issued).toMatchObject({ status: 'running', progress: { done: 0, issued: 2, total: 2 } });
    await completeTasks(runId as string);
    const run = (await work.playbooks.runs({ runId: runId as string }))[0];
    expect(run?.status).toBe('completed');
    // Redelivery of a finished step is harmless.
    await queue?.send(STEP_JOB, { runId, index: 0 });
    await new Promise((r) => setTimeout(r, 1500));
    expect(await tasksOf(runId as string)).toEqual(['A: call', 'B: plan']);
  }, 60_000);

  it('a worker stopped mid-playbook leaves nothing lost: a new worker finishes it, without duplicates', async () => {
    const pb = await work.playbooks.create({ name: 'Slow', description: '', steps: [
      { kind: 'task', title: 'first', dueOffsetDays: 0, assignee: 'owner' },
      { kind: 'wait', days: 3 / 86_400 },
      { kind: 'task', title: 'second', dueOffsetDays: 0, assignee: 'owner' },
    ] }, SYSTEM_ACTOR);
    const accountId = await newAccount('Restart Co');
    const run = await work.playbooks.start(accountId, pb.id, SYSTEM_ACTOR);
    await until(() => tasksOf(run.id), (v) => v.length === 1);
    await queue?.stop();
    queue = null;
    expect(await tasksOf(run.id)).toEqual(['first']);
    await startQueue();
    const titles = await until(() => tasksOf(run.id), (v) => v.length === 2);
    expect(titles).toEqual(['first', 'second']);
    // The wait completed when its three seconds had passed, on the new worker; the tasks are open.
    const waited = await until(async () => (await work.playbooks.runs({ runId: run.id }))[0], (r) => r?.steps[2]?.status === 'issued');
    expect(waited?.steps.map((s) => s.status)).toEqual(['issued', 'completed', 'issued']);
    expect(waited?.status).toBe('running');
    await completeTasks(run.id);
    const done = (await work.playbooks.runs({ runId: run.id }))[0];
    expect(done?.status).toBe('completed');
  }, 60_000);
});
