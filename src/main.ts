import { Command, Option } from 'commander';
import { seedDemoViews } from './views/demo.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { DataDirLockedError } from './db/lock.js';
import { migrate } from './db/migrate.js';
import { buildApp } from './server/app.js';
import { createLogger } from './logger.js';
import { openDatabase, startJobs } from './runtime.js';
import { bootstrapAdmin } from './users/bootstrap.js';
import { createUserQueries } from './users/queries.js';
import { createApiKeyQueries } from './apikeys/queries.js';
import { createTeamQueries } from './teams/queries.js';
import { SYSTEM_ACTOR, ROLES, API_KEY_ROLES, type Role, type ApiKeyRole } from './auth/principal.js';
import { passwordProblem } from './auth/password-policy.js';
import { seedDemo, DemoAlreadyLoadedError } from './demo/seed.js';
import { seedDemoWork } from './demo/work.js';
import { seedDemoPlans } from './demo/plans.js';
import { seedDemoSeeds } from './demo/seeds.js';
import { seedDemoReadiness } from './demo/readiness.js';
import { demoCapacityLine, seedDemoCapacity } from './demo/capacity.js';
import { seedDemoSurveys } from './demo/surveys.js';
import { demoRiskLine, refreshDemoRisk } from './risk/demo.js';
import { demoReviewsLine, seedDemoReviews } from './demo/reviews.js';
import { demoRiskRegisterLine, seedDemoRiskRegister } from './demo/risk-register.js';
import { demoRiskSignalsLine, seedDemoRiskSignals } from './demo/risk-signals.js';
import { demoCriticalDatesLine, seedDemoCriticalDates } from './demo/critical-dates.js';
import { demoRenewalsLine, seedDemoRenewals } from './demo/renewals.js';
import { demoSubscriptionsLine, seedDemoSubscriptions } from './demo/subscriptions.js';
import { demoSignInLines, giveDemoPasswords } from './demo/sign-in.js';
import type { Database } from './db/connect.js';
import { createHealthService } from './health/service.js';
import { BACKFILL_DEFAULT_DAYS, BACKFILL_MAX_DAYS } from './health/backfill.js';
import { createWorkServices } from './services.js';
import { mailSetupLine } from './notifications/mailer.js';
import { relativeLinksWarning } from './public/links.js';
import { isDatabaseUnavailable } from './http/error-handler.js';
import { crashEngine } from './db/crash.js';
import { registerImportCommand } from './imports/cli.js';

/**
 * A long-running process survives a lost database connection that a library let escape: pg-boss
 * 10 completes and fails jobs without awaiting (manager.js, onFetch), so a connection cut while it
 * does so is an unhandled rejection that would kill the server or worker. The job stays active and
 * is retried when it expires. Anything else still ends the process, as Node would.
 */
function surviveLostConnections() {
  process.on('unhandledRejection', (reason) => {
    if (isDatabaseUnavailable(reason)) {
      console.error(`canopy: a background database call failed (${reason instanceof Error ? reason.message : String(reason)}); it will be retried`);
      return;
    }
    console.error(reason);
    process.exit(1);
  });
}


/** Runs a command with config and database, turning known failures into one clear message. */
async function withDatabase<T>(fn: (config: Config, database: Database) => Promise<T>, opts: { migrate?: boolean } = {}): Promise<T> {
  const config = loadConfig();
  const database = await openDatabase(config, opts);
  try {
    return await fn(config, database);
  } finally {
    await database.close();
  }
}

/** The book's success plans as they stand: by status, with templates and live shared links. */
async function successPlansLine(database: Database): Promise<string> {
  const { rows: statuses } = await database.query<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM success_plans GROUP BY status');
  const { rows: [other] } = await database.query<{ templates: number; shared: number; views: number; comments: number }>(
    `SELECT (SELECT count(*)::int FROM plan_templates) AS templates,
            (SELECT count(*)::int FROM plan_shares WHERE revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())) AS shared,
            (SELECT count(*)::int FROM plan_share_views) AS views, (SELECT count(*)::int FROM plan_comments) AS comments`,
  );
  const n = (status: string) => statuses.find((r) => r.status === status)?.n ?? 0;
  const total = statuses.reduce((a, r) => a + r.n, 0);
  const byStatus = ['on_track', 'at_risk', 'off_track', 'achieved'].map((st) => `${n(st)} ${st.replace('_', ' ')}`).join(', ');
  return `Success plans: ${total} (${byStatus}), ${other?.templates ?? 0} templates, ${other?.shared ?? 0} shared (${other?.views ?? 0} views, ${other?.comments ?? 0} comments).`;
}

async function loadDemo(config: Config, database: Database, opts: { accounts?: number | undefined; seed?: number | undefined } = {}) {
  try {
    const s = await seedDemo(database, { ...(opts.accounts ? { accounts: opts.accounts } : {}), ...(opts.seed !== undefined ? { seed: opts.seed } : {}) });
    console.log(`Demo book loaded: ${s.accounts} accounts, ${s.contacts} contacts, ${s.events} events, ${s.outcomes} outcomes, ${s.users} users (${s.ms} ms).`);
    await recomputeWithProgress(database, 'demo');
    // The demo has 90 days of usage: give it 90 days of health history too (trends, 30-day change).
    await backfillWithProgress(database, s.days, 'demo');
    const w = await seedDemoWork(config, database, opts.seed !== undefined ? { seed: opts.seed } : {});
    console.log(`Demo work loaded: ${w.playbooks} playbooks, ${w.rules} rules (${w.firings} firings), ${w.activities} activities, ${w.escalations} escalations.`);
    const sp = await seedDemoPlans(config, database, opts.seed !== undefined ? { seed: opts.seed } : {});
    console.log(`Demo success plans loaded: ${sp.plans} plans from ${sp.templates} templates (${sp.ms} ms).`);
    const sd = await seedDemoSeeds(config, database, opts.seed !== undefined ? { seed: opts.seed } : {});
    console.log(`Demo seeds loaded: ${sd.questions} questions, ${sd.seeds} seeds on ${sd.accounts} accounts, ${sd.harvestedGoals} harvested into goals, ${sd.reaskReminders} re-ask reminders; ${sd.autopilot} accounts on autopilot (${sd.ms} ms).`);
    const rd = await seedDemoReadiness(config, database, opts.seed !== undefined ? { seed: opts.seed } : {});
    const q = rd.byQuadrant;
    console.log(`Demo readiness loaded: ${rd.initiatives} initiatives on ${rd.accounts} accounts, ${rd.checkIns} check-ins (latest: ${q.ready} ready, ${q.enable} enable, ${q.align} align, ${q.nurture} nurture; ${rd.moved} moved), ${rd.spoonTasks} spoons given, ${rd.openRequests} check-ins asked by e-mail and waiting (${rd.ms} ms).`);
    // Surveys: campaigns of the last year (all sent more than a week ago, so this week's capacity is left to the capacity demo).
    const sv = await seedDemoSurveys(config, database, opts.seed !== undefined ? { seed: opts.seed } : {});
    console.log(`Demo surveys loaded: ${sv.surveys} surveys (quarterly NPS ${sv.nps ?? '–'}, support CSAT${sv.surveys > 2 ? `, ${sv.surveys - 2} of the playbooks` : ''}), ${sv.sent} sent, ${sv.answered} answered, ${sv.comments} comments, ${sv.bots} automated answers kept apart (${sv.ms} ms).`);
    // Capacity last: its asks land on this week of a book the other parts have filled (their check-ins and notes lower capacities).
    const cp = await seedDemoCapacity(config, database, opts.seed !== undefined ? { seed: opts.seed } : {});
    console.log(demoCapacityLine(cp));
    // Risk signals (issue 12): a history consistent with the outcomes, open ones on active accounts, then one refresh of the computed ones.
    console.log(demoRiskSignalsLine(await seedDemoRiskSignals(config, database, opts.seed !== undefined ? { seed: opts.seed } : {})));
    // Critical dates after the signals: domains, certificates, contracts, licences, cards; previous checks recorded by the demo (never live), the morning's alerts raised.
    console.log(demoCriticalDatesLine(await seedDemoCriticalDates(config, database, opts.seed !== undefined ? { seed: opts.seed } : {})));
    // Risk register after the signals and critical-dates demos (those go above this line): a playbook per failure mode, risks raised where signals point.
    console.log(demoRiskRegisterLine(await seedDemoRiskRegister(config, database, opts.seed !== undefined ? { seed: opts.seed } : {})));
    // Churn reviews after the risk signals, critical dates and register demos (issue 12: those go above this line): a loss with no signal gets its story here.
    console.log(demoReviewsLine(await seedDemoReviews(config, database, opts.seed !== undefined ? { seed: opts.seed } : {})));
    // Renewals after the reviews: a manager's overrides (with reasons) of a few coming renewals; the calendar itself is the book's renewal dates.
    console.log(demoRenewalsLine(await seedDemoRenewals(config, database, opts.seed !== undefined ? { seed: opts.seed } : {})));
    // Subscriptions (issue 13) after the renewals: terms that agree with ARR, renewal dates and outcomes; ARR history, retention and cohorts follow.
    console.log(demoSubscriptionsLine(await seedDemoSubscriptions(config, database, opts.seed !== undefined ? { seed: opts.seed } : {})));
    // Last of issue 12's demos: calibrate on the demo's outcomes and compute every account's compound risk once.
    console.log(demoRiskLine(await refreshDemoRisk(config, database)));
    // Saved views (issue 13): a few shared views of the portfolio and the inbox.
    console.log(`Demo saved views: ${(await seedDemoViews(database)).views} shared views.`);
    // Counted once everything is loaded: the seed harvests add goals and make plans of their own.
    console.log(await successPlansLine(database));
    const { password } = await giveDemoPasswords(database, s.people.map((p) => p.email));
    for (const line of demoSignInLines(s.people, password)) console.log(line);
  } catch (err) {
    if (err instanceof DemoAlreadyLoadedError) console.log(`Demo not loaded: ${err.message}`);
    else throw err;
  }
}

async function start(opts: { demo?: boolean; worker: boolean; migrate: boolean }) {
  surviveLostConnections();
  const config = loadConfig();
  const database = await openDatabase(config, { migrate: opts.migrate });
  const admin = await bootstrapAdmin(database, config);
  if (opts.demo) await loadDemo(config, database);
  const logger = createLogger(config);
  const jobs = await startJobs(config, database, logger, { work: opts.worker });
  const app = await buildApp({ config, database, jobs, logger });
  // Accounts never scored (a new install, an upgrade): score them in the background.
  const { rows: unscored } = await database.query<{ n: number }>('SELECT count(*)::int AS n FROM accounts a WHERE NOT EXISTS (SELECT 1 FROM account_health h WHERE h.account_id = a.id)');
  if ((unscored[0]?.n ?? 0) > 0) await app.services.health.startRecompute('start');
  await app.listen({ port: config.port, host: config.host });
  const bound = app.server.address();
  const port = typeof bound === 'object' && bound ? bound.port : config.port;
  const local = ['0.0.0.0', '::', '127.0.0.1', '::1'].includes(config.host) ? 'localhost' : config.host;
  const url = config.publicUrl ?? `http://${local}:${port}`;
  console.log(`\nCanopy is running at ${url}  (database: ${database.describe}; jobs: ${opts.worker ? 'in this process' : 'separate worker'})`);
  if (opts.worker) console.log(mailSetupLine(config));
  const relativeLinks = relativeLinksWarning(config);
  if (relativeLinks) console.warn(relativeLinks);
  if (admin) {
    console.log(`First admin created. Sign in as ${admin.email}${admin.generatedPassword ? ` with the password ${admin.generatedPassword}\n(shown once: write it down, then change it)` : ' with CANOPY_ADMIN_PASSWORD'}.`);
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'stopping');
    await app.close();
    await jobs.stop();
    await database.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  // The fault harness (npm run test:faults) crashes the embedded engine for real under load, to hold
  // the supervisor to its promise. Off unless asked for; nothing a client sends can reach it.
  if (process.env.CANOPY_FAULT_INJECTION === '1' && database.kind === 'pglite') {
    process.on('SIGUSR2', () => {
      app.log.warn('fault injection: crashing the embedded database engine');
      void crashEngine(database).catch(() => undefined);
    });
  }
}

const program = new Command('canopy').description('Canopy: open-source customer success platform').showHelpAfterError();

program
  .command('start')
  .description('Migrate the database and serve the web app, the API and the ingestion endpoints on one port')
  .option('--demo', 'load the demo book when the database has no accounts yet')
  .option('--no-worker', 'do not run background jobs in this process (run `canopy worker` separately)')
  .option('--no-migrate', 'do not apply pending migrations at start')
  .action(start);

program
  .command('worker')
  .description('Run background jobs only (for a separate process next to `canopy start --no-worker`)')
  .action(async () => {
    surviveLostConnections();
    const config = loadConfig();
    const database = await openDatabase(config, { migrate: true });
    const jobs = await startJobs(config, database, createLogger(config), { work: true });
    console.log(`Canopy worker running (database: ${database.describe}). Ctrl+C to stop.`);
    console.log(mailSetupLine(config));
    const stop = async () => {
      await jobs.stop();
      await database.close();
      process.exit(0);
    };
    process.on('SIGINT', () => void stop());
    process.on('SIGTERM', () => void stop());
  });

program
  .command('migrate')
  .description('Apply pending database migrations and exit')
  .action(() =>
    withDatabase(async (_c, database) => {
      const applied = await migrate(database);
      console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'The database is up to date.');
    }, { migrate: false }),
  );

program
  .command('seed-demo')
  .description('Load the deterministic demo book (~300 accounts, contacts, 90 days of usage) into an empty database')
  .option('--accounts <n>', 'number of accounts', (v) => Number.parseInt(v, 10))
  .option('--seed <n>', 'random seed', (v) => Number.parseInt(v, 10))
  .action((o: { accounts?: number; seed?: number }) => withDatabase((config, database) => loadDemo(config, database, o)));

program
  .command('create-user')
  .description('Create a user; prints a generated password when none is given')
  .requiredOption('--email <email>', 'e-mail address (sign-in name)')
  .requiredOption('--name <name>', 'display name')
  .addOption(new Option('--role <role>', 'role').choices(ROLES).default('csm'))
  .option('--team <name>', 'team name (created if missing)')
  .option('--password <password>', 'password (at least 12 characters, not blank, no control characters, not a common one); omit to generate one')
  .action((o: { email: string; name: string; role: Role; team?: string; password?: string }) => {
    // The same policy as the API (users.create checks it again); refused before opening the database.
    const problem = o.password === undefined ? null : passwordProblem(o.password);
    if (problem) throw new UsageError(`--password ${problem}.`);
    return withDatabase(async (_c, database) => {
      const teams = createTeamQueries(database);
      const team = o.team ? ((await teams.findByName(o.team)) ?? (await teams.create(o.team, SYSTEM_ACTOR))) : null;
      const { user, temporaryPassword } = await createUserQueries(database).create(
        { email: o.email, name: o.name, role: o.role, teamId: team?.id ?? null, password: o.password },
        SYSTEM_ACTOR,
      );
      console.log(`Created ${user.role} ${user.email} (${user.id}).`);
      if (temporaryPassword) console.log(`Password (shown once):\n${temporaryPassword}`);
    });
  });

program
  .command('create-api-key')
  .description('Create an API key and print it (alone, on the last line); only its hash is stored')
  .addOption(new Option('--kind <kind>', 'write: Segment ingestion; rest: the REST API').choices(['write', 'rest']).makeOptionMandatory())
  .requiredOption('--name <name>', 'a name that says who uses it')
  .addOption(new Option('--role <role>', 'role of a REST key').choices(API_KEY_ROLES))
  .action((o: { kind: 'write' | 'rest'; name: string; role?: ApiKeyRole }) =>
    withDatabase(async (_c, database) => {
      if (o.kind === 'write' && o.role) throw new UsageError('--role applies to REST keys only.');
      const { apiKey, key } = await createApiKeyQueries(database).create({ name: o.name, kind: o.kind, role: o.role ?? (o.kind === 'rest' ? 'viewer' : undefined) }, SYSTEM_ACTOR);
      console.log(`Created ${apiKey.kind} key "${apiKey.name}"${apiKey.role ? ` with role ${apiKey.role}` : ''} (${apiKey.id}). It is shown once:`);
      console.log(key);
    }),
  );

program
  .command('recompute-health')
  .description('Recompute the health of every account now, with progress')
  .action(() => withDatabase((_c, database) => recomputeWithProgress(database, 'cli')));

/**
 * Progress for long work: on a terminal one line rewritten in place; otherwise (a log file, a
 * pipe, a container's output) a new line when the figure changed, at most every 5 s, and the
 * final line. `done` ends it.
 */
function progressPrinter() {
  const tty = process.stdout.isTTY === true;
  let last = '';
  let lastAt = 0;
  return {
    update(line: string) {
      if (tty) return void process.stdout.write(`\r${line}`);
      if (line === last || Date.now() - lastAt < 5000) return;
      last = line;
      lastAt = Date.now();
      process.stdout.write(`${line}\n`);
    },
    done(line: string) {
      process.stdout.write(tty ? `\r${line}\n` : `${line}\n`);
    },
  };
}

/** A full health recomputation in this process, printing progress as it goes. */
async function recomputeWithProgress(database: Database, trigger: string) {
  const health = createHealthService(database, null);
  const started = Date.now();
  const out = progressPrinter();
  const timer = setInterval(() => {
    void health.queries.runs(1).then(([run]) => {
      if (run?.status === 'running') out.update(`Computing health: ${run.done}/${run.total} accounts`);
    });
  }, 500);
  try {
    const id = await health.startRecompute(trigger);
    const run = await health.queries.run(id);
    out.done(`Health computed for ${run.done}/${run.total} accounts in ${Date.now() - started} ms.`);
  } finally {
    clearInterval(timer);
  }
}

program
  .command('backfill-health')
  .description('Rebuild the daily health history of the last N days (to yesterday) from the stored usage, with today\'s drivers, with progress')
  .option('--days <n>', `days of history, ${1}–${BACKFILL_MAX_DAYS}`, (v) => Number(v), BACKFILL_DEFAULT_DAYS)
  .action((o: { days: number }) => {
    if (!Number.isInteger(o.days) || o.days < 1 || o.days > BACKFILL_MAX_DAYS) throw new UsageError(`--days must be a whole number from 1 to ${BACKFILL_MAX_DAYS}.`);
    return withDatabase((_c, database) => backfillWithProgress(database, o.days, 'cli'));
  });

/** A health history back-fill in this process, printing progress (account-days) as it goes. */
async function backfillWithProgress(database: Database, days: number, who: string) {
  const health = createHealthService(database, null);
  const started = Date.now();
  const out = progressPrinter();
  const timer = setInterval(() => {
    void health.queries.runs(1).then(([run]) => {
      if (run?.status === 'running') out.update(`Back-filling ${days} days of health history: ${run.done}/${run.total} account-days`);
    });
  }, 500);
  try {
    const id = await health.startBackfill(days, who);
    const run = await health.queries.run(id);
    out.done(`Health history back-filled: ${run.done}/${run.total} account-days (${days} days) in ${Date.now() - started} ms.`);
  } finally {
    clearInterval(timer);
  }
}

program
  .command('evaluate-rules')
  .description('Evaluate every enabled rule over the whole book now, firing where they match (the follow-up work runs in this process)')
  .action(() =>
    withDatabase(async (config, database) => {
      const started = Date.now();
      const out = progressPrinter();
      const r = await createWorkServices(config, database, null).rules.sweep(new Date(), (n) => out.update(`Evaluated ${n} accounts`));
      out.done(`Evaluated ${r.evaluated} accounts in ${Date.now() - started} ms: ${r.fired} firing${r.fired === 1 ? '' : 's'}.`);
    }),
  );

// CSV imports (issue 13): `canopy import --kind KIND FILE`, the engine in this process.
registerImportCommand(program, withDatabase);

class UsageError extends Error {}

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof DataDirLockedError || err instanceof UsageError) {
    console.error(err.message);
  } else if (err instanceof Error && 'code' in err && typeof (err as { code?: unknown }).code === 'string' && 'status' in err) {
    console.error(`${(err as { code: string }).code}: ${err.message}`);
  } else {
    console.error(err);
  }
  process.exit(1);
});
