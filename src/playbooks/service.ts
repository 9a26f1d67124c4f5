import type { WorkDeps } from '../deps.js';
import type { Queryable } from '../db/connect.js';
import type { Actor } from '../auth/principal.js';
import { recordAuditRaw } from '../audit/record.js';
import { AppError, type FieldError } from '../http/errors.js';
import { isUniqueViolation } from '../users/queries.js';
import { validateTemplate } from '../notifications/template.js';
import { createTaskService } from '../tasks/service.js';
import type { EmailPreview, EmailStep, Playbook, PlaybookInput, PlaybookPatch, Run, Step } from './schema.js';
import {
  cancelRun, emailContact, renderEmail, executeStep, startRuns, taskStatusChanged,
  type StartItem, type Started, type StepContext, type StepOutcome,
} from './runs.js';
import { dueSteps, loadRuns, unfollowedEmails } from './run-queries.js';
import { getSurvey } from '../surveys/store.js';
import { emailStepFollows } from './email-follow.js';

export const STEP_JOB = 'playbook.step';

type Row = { id: string; name: string; description: string; current_version: number; archived_at: Date | null; created_at: Date; updated_at: Date; steps: Step[]; running: number; completed: number; cancelled: number };

const toDto = (r: Row): Playbook => ({
  id: r.id, name: r.name, description: r.description, version: r.current_version, steps: r.steps, archived: r.archived_at !== null,
  runs: { running: r.running, completed: r.completed, cancelled: r.cancelled },
  createdAt: new Date(r.created_at).toISOString(), updatedAt: new Date(r.updated_at).toISOString(),
});

const SELECT = `
  SELECT p.*, v.steps,
         (SELECT count(*) FILTER (WHERE status = 'running')::int FROM playbook_runs WHERE playbook_id = p.id) AS running,
         (SELECT count(*) FILTER (WHERE status = 'completed')::int FROM playbook_runs WHERE playbook_id = p.id) AS completed,
         (SELECT count(*) FILTER (WHERE status = 'cancelled')::int FROM playbook_runs WHERE playbook_id = p.id) AS cancelled
    FROM playbooks p JOIN playbook_versions v ON v.playbook_id = p.id AND v.version = p.current_version`;

/** The texts of a step that are templates, with their field names. */
function templatedFields(s: Step): [string, string][] {
  const out: [string, string | undefined][] = [['title', s.title]];
  if (s.kind === 'task') out.push(['description', s.description]);
  if (s.kind === 'checkin' || s.kind === 'survey') out.push(['note', s.note]);
  if (s.kind === 'email') out.push(['subject', s.subject], ['body', s.body]);
  return out.filter((f): f is [string, string] => typeof f[1] === 'string');
}

/**
 * What zod cannot check: every template parses and uses known variables (titles and descriptions
 * too: they are rendered where they are shown), webhooks and plan templates exist. Each problem names the step.
 */
async function validateSteps(q: Queryable, steps: Step[]): Promise<void> {
  const fields: FieldError[] = [];
  for (const [i, s] of steps.entries()) {
    const name = `step ${i + 1}${s.title ? ` ("${s.title}")` : ` (${s.kind})`}`;
    for (const [field, value] of templatedFields(s)) {
      fields.push(...validateTemplate(value, `steps.${i}.${field}`).map((f) => ({ path: f.path, message: `${name}, ${field}: ${f.message}` })));
    }
    if (s.kind === 'webhook') {
      const { rows } = await q.query('SELECT 1 FROM webhooks WHERE id = $1', [s.webhookId]);
      if (!rows.length) fields.push({ path: `steps.${i}.webhookId`, message: 'no such webhook' });
    }
    if (s.kind === 'survey' && s.surveyId) {
      const survey = await getSurvey(q, s.surveyId);
      if (!survey) fields.push({ path: `steps.${i}.surveyId`, message: 'no such survey' });
      else if (survey.archived) fields.push({ path: `steps.${i}.surveyId`, message: `the survey “${survey.name}” is archived` });
    }
    if (s.kind === 'apply_plan_template') {
      const { rows } = await q.query('SELECT 1 FROM plan_templates WHERE id = $1', [s.templateId]);
      if (!rows.length) fields.push({ path: `steps.${i}.templateId`, message: 'no such plan template' });
    }
  }
  if (fields.length) throw new AppError('playbook.invalid', undefined, fields);
}

export function createPlaybookService(deps: WorkDeps) {
  const { database, jobs, outbox, config } = deps;
  const context = (): StepContext => ({ emailConfigured: Boolean(config.smtp.url) });
  const tasks = createTaskService(deps);
  // A step's tasks are audited as made by the rule that started the run, else by the playbook (runs.ts runActor).
  const afterCreate = (tx: Queryable, ids: string[], actor: Actor) => tasks.afterCreate(tx, ids, actor);

  const load = async (q: Queryable, id: string) => (await q.query<Row>(`${SELECT} WHERE p.id = $1`, [id])).rows[0];

  /** Hands next steps to the queue; without one (tests, CLI) runs the due ones inline. */
  async function schedule(next: { runId: string; index: number; runAt: Date }[], now = new Date()): Promise<void> {
    for (const n of next) {
      if (jobs) {
        const delay = (n.runAt.getTime() - Date.now()) / 1000;
        await jobs.send(STEP_JOB, { runId: n.runId, index: n.index }, { singletonKey: `${n.runId}:${n.index}`, ...(delay > 1 ? { startAfterSeconds: delay } : {}) });
      } else if (n.runAt <= now) {
        await service.runStep(n.runId, n.index, { now });
      }
    }
  }

  const service = {
    async list(opts: { includeArchived?: boolean } = {}): Promise<Playbook[]> {
      const { rows } = await database.query<Row>(`${SELECT} ${opts.includeArchived ? '' : 'WHERE p.archived_at IS NULL'} ORDER BY lower(p.name)`);
      return rows.map(toDto);
    },

    async get(id: string): Promise<Playbook | null> {
      const r = await load(database, id);
      return r ? toDto(r) : null;
    },

    async versions(id: string) {
      const { rows } = await database.query<{ version: number; steps: Step[]; created_at: Date }>(
        'SELECT version, steps, created_at FROM playbook_versions WHERE playbook_id = $1 ORDER BY version DESC', [id],
      );
      return rows.map((r) => ({ version: r.version, steps: r.steps, createdAt: new Date(r.created_at).toISOString() }));
    },

    async create(input: PlaybookInput, actor: Actor): Promise<Playbook> {
      const steps = input.steps;
      const id = await database.transaction(async (tx) => {
        await validateSteps(tx, steps);
        const { rows } = await tx.query<{ id: string }>(
          'INSERT INTO playbooks (name, description, created_by) VALUES ($1, $2, $3) RETURNING id',
          [input.name, input.description, actor.type === 'user' ? actor.id : null],
        ).catch((err: unknown) => {
          if (isUniqueViolation(err)) throw new AppError('playbook.name_taken', undefined, [{ path: 'name', message: 'already used by another playbook' }]);
          throw err;
        });
        const pid = rows[0]?.id as string;
        await tx.query('INSERT INTO playbook_versions (playbook_id, version, steps, created_by) VALUES ($1, 1, $2::jsonb, $3)', [pid, JSON.stringify(steps), actor.type === 'user' ? actor.id : null]);
        await recordAuditRaw(tx, actor, [{ action: 'create', objectType: 'playbook', objectId: pid, changes: { name: input.name, steps: steps.length } }]);
        return pid;
      });
      return (await service.get(id)) as Playbook;
    },

    /** Name and description change in place; new steps make a new version (running playbooks keep theirs). */
    async update(id: string, patch: PlaybookPatch, actor: Actor): Promise<Playbook> {
      await database.transaction(async (tx) => {
        const before = (await tx.query<Row>(`${SELECT} WHERE p.id = $1 FOR UPDATE OF p`, [id])).rows[0];
        if (!before) throw new AppError('playbook.not_found');
        const changes: Record<string, unknown> = {};
        if (patch.steps) {
          const steps = patch.steps;
          await validateSteps(tx, steps);
          if (JSON.stringify(steps) !== JSON.stringify(before.steps)) {
            const version = before.current_version + 1;
            await tx.query('INSERT INTO playbook_versions (playbook_id, version, steps, created_by) VALUES ($1, $2, $3::jsonb, $4)', [id, version, JSON.stringify(steps), actor.type === 'user' ? actor.id : null]);
            await tx.query('UPDATE playbooks SET current_version = $2 WHERE id = $1', [id, version]);
            changes.version = { from: before.current_version, to: version };
          }
        }
        if (patch.name !== undefined || patch.description !== undefined) {
          await tx.query('UPDATE playbooks SET name = coalesce($2, name), description = coalesce($3, description) WHERE id = $1', [id, patch.name ?? null, patch.description ?? null])
            .catch((err: unknown) => {
              if (isUniqueViolation(err)) throw new AppError('playbook.name_taken', undefined, [{ path: 'name', message: 'already used by another playbook' }]);
              throw err;
            });
          if (patch.name !== undefined && patch.name !== before.name) changes.name = { from: before.name, to: patch.name };
        }
        await tx.query('UPDATE playbooks SET updated_at = now() WHERE id = $1', [id]);
        await recordAuditRaw(tx, actor, [{ action: 'update', objectType: 'playbook', objectId: id, changes }]);
      });
      return (await service.get(id)) as Playbook;
    },

    /** Archived playbooks cannot be started; their running runs go on. */
    async archive(id: string, actor: Actor): Promise<void> {
      await database.transaction(async (tx) => {
        const { rowCount } = await tx.query('UPDATE playbooks SET archived_at = coalesce(archived_at, now()), updated_at = now() WHERE id = $1', [id]);
        if (rowCount === 0) throw new AppError('playbook.not_found');
        await recordAuditRaw(tx, actor, [{ action: 'archive', objectType: 'playbook', objectId: id }]);
      });
    },

    /** Starts a playbook on an account by hand. */
    async start(accountId: string, playbookId: string, actor: Actor): Promise<Run> {
      const started = await database.transaction(async (tx) => {
        const p = await load(tx, playbookId);
        if (!p) throw new AppError('playbook.not_found', undefined, [{ path: 'playbookId', message: 'no such playbook' }]);
        if (p.archived_at) throw new AppError('playbook.archived', undefined, [{ path: 'playbookId', message: 'archived' }]);
        return startRuns(tx, [{ accountId, playbookId }], actor);
      });
      await service.afterStart(started);
      const [run] = await loadRuns(database, { runId: started[0]?.runId as string });
      return run as Run;
    },

    /** For rules: start runs inside the firing's transaction; call afterStart once it commits. */
    startInTx: (tx: Queryable, items: StartItem[], actor: Actor) => startRuns(tx, items, actor),
    async afterStart(started: Started[]): Promise<void> {
      await schedule(started.map((s) => ({ runId: s.runId, index: 0, runAt: new Date() })));
      await outbox.wake();
    },

    /** The job handler: one step, then the next is scheduled. */
    async runStep(runId: string, index: number, opts: { now?: Date; faults?: { afterEffect?: () => void } } = {}): Promise<StepOutcome> {
      const outcome = await executeStep(database, runId, index, { ...opts, afterCreate, context: context() });
      // The next step first (it is the critical path), then the outbox, only if this step filled it.
      if (outcome.next && (outcome.status === 'ran' || jobs)) await schedule([outcome.next], opts.now);
      if (outcome.queued) await outbox.wake();
      return outcome;
    },

    /** Safety net (every minute): due steps and waits that are over whose job was lost (a crash between commit and send, a queue lost) run again. */
    async sweep(now = new Date()): Promise<number> {
      // With a queue, leave a freshly due step to the job already sent for it.
      const due = await dueSteps(database, jobs ? new Date(now.getTime() - 30_000) : now);
      await schedule(due.map((d) => ({ ...d, runAt: now })), now);
      // E-mail steps whose message was sent, died or was cancelled without the step hearing of it.
      for (const e of await unfollowedEmails(database)) await service.emailChanged(e.outboundId, e.runId, now);
      return due.length;
    },

    /** The outbox sent, dead-lettered, retried or cancelled a step's e-mail: the step follows (and may finish its run). */
    async emailChanged(outboundId: string, runId: string, now = new Date()): Promise<void> {
      const moved = await database.transaction((tx) => emailStepFollows(tx, outboundId, runId, now));
      if (moved) await outbox.wake();
    },

    /**
     * For the task service, in a task update's transaction: a playbook task was done, cancelled or
     * reopened. Returns what to do after commit (schedule the step it released, wake the outbox).
     */
    async taskStatusChanged(tx: Queryable, task: { id: string; playbookRunId: string; status: 'open' | 'done' | 'cancelled' }): Promise<() => Promise<void>> {
      const next = await taskStatusChanged(tx, task, new Date(), context());
      return async () => {
        if (next) await schedule([next]);
      };
    },

    async cancel(runId: string, actor: Actor): Promise<Run> {
      await database.transaction(async (tx) => {
        const [run] = await loadRuns(tx, { runId });
        if (!run) throw new AppError('playbook_run.not_found');
        if (!(await cancelRun(tx, runId, actor))) throw new AppError('playbook_run.finished');
      });
      const [run] = await loadRuns(database, { runId });
      return run as Run;
    },

    /**
     * An e-mail step rendered for an account, as the sender would (same contact choice, same
     * render functions). Nothing is sent. An unknown variable is a 400 naming the field.
     */
    async previewEmail(accountId: string, s: Pick<EmailStep, 'to' | 'subject' | 'body'>): Promise<EmailPreview> {
      const fields = [...validateTemplate(s.subject, 'step.subject'), ...validateTemplate(s.body, 'step.body')];
      if (fields.length) throw new AppError('playbook.invalid', undefined, fields);
      const contact = await emailContact(database, accountId, s.to);
      const mail = await renderEmail(database, accountId, contact?.id ?? null, s);
      const role = s.to.replace('_', ' ');
      const note = !contact
        ? `This account has no ${role} with an e-mail address: the step would be skipped.`
        : !config.smtp.url ? 'E-mail is not configured (CANOPY_SMTP_URL): the e-mail would wait in the outbox until it is.' : null;
      return { to: contact ? { contactId: contact.id, name: contact.name, email: contact.email } : null, ...mail, note };
    },

    runs: (where: { accountId?: string; runId?: string; playbookId?: string }, limit?: number) => loadRuns(database, where, limit),
  };
  return service;
}
export type PlaybookService = ReturnType<typeof createPlaybookService>;
