import path from 'node:path';
import { IngestLoad } from './ingest-load.js';
import { createScratchDatabase, query } from './pg.js';
import { CanopyProcess, canopy, createKey, freePort, rand, sleep, type Env } from './proc.js';
import { checkIngest, checkProcesses, newReport, type Report } from './report.js';
import type { Size } from './scenarios-ingest.js';
import { checkWork } from './work-invariants.js';
import { startReceiver, startSmtp } from '../work/outbound-support.js';

/**
 * Scenario 4: two `canopy start --no-worker` servers and two `canopy worker`s on one PostgreSQL,
 * under ingest and playbook load (task, e-mail, webhook steps on every account). One worker and
 * one server are SIGKILLed mid-way and started again; once the work has drained, every run must
 * have progressed and no effect may exist twice (see work-invariants.ts).
 */

/** How long the work may take to drain after the faults: the playbook sweep re-sends lost step jobs every minute. */
const DRAIN_MS = 150_000;

/** An HTTP call that is retried on connection errors and 5xx, counting 500s apart (they are violations). */
async function call(urls: string[], pick: number, method: string, pathname: string, key: string, body: unknown, counts: { requests: number; s500: number; s5xx: number; conn: number }) {
  for (let attempt = 0; attempt < 40; attempt++) {
    const url = urls[(pick + attempt) % urls.length] ?? '';
    counts.requests++;
    try {
      const res = await fetch(`${url}${pathname}`, {
        method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(20_000),
      });
      const text = await res.text();
      if (res.status < 500) {
        if (res.status >= 300) throw new Error(`${method} ${pathname} answered ${res.status}: ${text.slice(0, 300)}`);
        return JSON.parse(text) as Record<string, unknown>;
      }
      if (res.status === 500) counts.s500++;
      else counts.s5xx++;
    } catch (err) {
      if (err instanceof Error && err.message.includes(' answered ')) throw err;
      counts.conn++;
    }
    await sleep(Math.min(1000, 100 * 2 ** Math.min(attempt, 4)));
  }
  throw new Error(`${method} ${pathname} never succeeded`);
}

export async function clusterScenario(size: Size, logDir: string): Promise<Report> {
  const report = newReport('PostgreSQL: 2 servers + 2 workers, kill -9 one of each under ingest and playbooks');
  const prefix = `cluster-${process.pid}`;
  const db = await createScratchDatabase('cluster');
  const hooks = await startReceiver();
  const smtp = await startSmtp();
  const env: Env = { DATABASE_URL: db.url, CANOPY_OUTBOUND_ALLOW: '127.0.0.1', CANOPY_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, CANOPY_OUTBOUND_TIMEOUT_MS: '5000' };
  const ports = [await freePort(), await freePort()];
  const urls = ports.map((p) => `http://127.0.0.1:${p}`);
  const servers = ports.map((p, i) => new CanopyProcess(`server ${i + 1}`, ['start', '--no-worker', '--no-migrate'], { ...env, PORT: String(p) }, path.join(logDir, `cluster-server-${i + 1}.log`)));
  const workers = [1, 2].map((i) => new CanopyProcess(`worker ${i}`, ['worker'], env, path.join(logDir, `cluster-worker-${i}.log`)));
  const all = [...servers, ...workers];
  try {
    await canopy(['migrate'], env);
    const writeKey = await createKey(['--kind', 'write', '--name', 'faults'], env);
    const restKey = await createKey(['--kind', 'rest', '--name', 'x', '--role', 'admin'], env);
    // All four at once, as an operator's process manager would: a start that fails is a violation (then retried).
    for (const failed of await Promise.all(all.map((p) => p.restart()))) report.violations.push(...failed);

    // Accounts, each with a champion who has an e-mail address (the e-mail step's recipient).
    const groups = Array.from({ length: size.accounts }, (_, i) => `${prefix}-acct-${i}`);
    const seed = new IngestLoad({ urls, writeKey, prefix: `${prefix}-seed`, clients: 1, eventsPerBatch: 1 });
    const batch = groups.flatMap((g, i) => [
      { type: 'identify', userId: `${g}-champ`, traits: { email: `champ${i}@example.test`, name: `Champion ${i}`, role: 'champion' }, messageId: `${g}-i` },
      { type: 'group', userId: `${g}-champ`, groupId: g, traits: { name: `Cluster ${i}`, seats: 20 }, messageId: `${g}-g` },
    ]);
    await seed.sendUntilAcked(JSON.stringify({ batch }), batch.map((m) => m.messageId));
    if (seed.stats.ackedIds.size !== batch.length) throw new Error(`the seed batch was not acknowledged: ${seed.stats.samples.join(' | ')}`);

    const rest = { requests: 0, s500: 0, s5xx: 0, conn: 0 };
    const created = await call(urls, 0, 'POST', '/api/webhooks', restKey, { name: 'faults', url: hooks.url('/hook'), events: ['playbook.started', 'playbook.finished'] }, rest);
    const hook = created.webhook as { id: string };
    const playbook = await call(urls, 1, 'POST', '/api/playbooks', restKey, {
      name: `Faults ${prefix}`,
      steps: [
        { kind: 'task', title: 'Kick-off call', dueOffsetDays: 2, assignee: 'owner' },
        { kind: 'email', to: 'champion', subject: 'Welcome, {{contact.firstName}}', body: 'Hello from {{account.name}}' },
        { kind: 'webhook', webhookId: hook.id },
        { kind: 'wait', days: 0 },
        { kind: 'task', title: 'Follow-up review', dueOffsetDays: 7, assignee: 'manager' },
      ],
    }, rest);
    const accounts = await query<{ id: string }>(db.url, 'SELECT id FROM accounts WHERE external_id = ANY($1::text[]) ORDER BY external_id', [groups]);
    if (accounts.length !== groups.length) throw new Error(`expected ${groups.length} accounts after the seed batch, found ${accounts.length}`);

    // Ingest keeps going on both servers the whole time.
    const load = new IngestLoad({ urls, writeKey, prefix, clients: Math.max(2, size.clients / 2), eventsPerBatch: size.eventsPerBatch, groups });
    load.start();
    const faults = (async () => {
      await sleep(rand(1000, 3000));
      await workers[0]?.kill9();
      await sleep(rand(300, 1500));
      await servers[0]?.kill9();
      await sleep(rand(200, 800));
      for (const failed of await Promise.all([workers[0]?.restart(), servers[0]?.restart()])) report.violations.push(...(failed ?? []));
    })();
    // Start the playbook on every account, four at a time, through both servers, while the faults happen.
    let next = 0;
    let started = 0;
    await Promise.all([0, 1, 2, 3].map(async (lane) => {
      while (next < accounts.length) {
        const a = accounts[next++];
        if (!a) break;
        await call(urls, lane, 'POST', `/api/accounts/${a.id}/playbooks`, restKey, { playbookId: playbook.id }, rest);
        started++;
        await sleep(rand(50, 250)); // spread the starts over the fault window
      }
    }));
    await faults;
    await load.stop();

    const drain = await waitForDrain(db.url, DRAIN_MS);
    await sleep(1500); // let receivers finish reading the last requests
    Object.assign(report.figures, {
      'runs started (201)': started,
      'REST requests': rest.requests,
      'REST 500 / other 5xx / conn errors': `${rest.s500} / ${rest.s5xx} / ${rest.conn}`,
      'drained in (s)': drain.ok ? (drain.ms / 1000).toFixed(0) : `not within ${DRAIN_MS / 1000}`,
    });
    if (rest.s500) report.violations.push(`${rest.s500} REST answers were 500 during the faults`);
    if (!drain.ok) report.violations.push(`the work did not drain within ${DRAIN_MS / 1000} s: ${drain.state}`);
    await checkWork(report, db.url, { webhookId: String(hook.id), received: hooks.received, mails: smtp.messages });
    const extra = Number(report.figures['runs in the database']) - started;
    // Not a violation: starting a run is a plain POST without an idempotency key, so a retry whose first answer was lost starts another.
    if (extra > 0) report.notes.push(`${extra} more run(s) than 201 answers: a start retried after its answer was lost`);
    checkIngest(report, load.stats, await query(db.url, 'SELECT message_id, count(*)::int AS n FROM events WHERE message_id LIKE $1 GROUP BY message_id', [`${prefix}-c%`]));
    checkProcesses(report, all);
  } finally {
    await Promise.all(all.map((p) => p.stop()));
    await hooks.close();
    await smtp.close();
    await db.drop();
  }
  return report;
}

/**
 * Drained: no run still running, and nothing in the outbox that is due. Rows that a killed worker
 * had claimed are not due until their claim lapses (about a minute): they are reported, not awaited.
 */
async function waitForDrain(url: string, limitMs: number) {
  const t0 = Date.now();
  let state = '';
  while (Date.now() - t0 < limitMs) {
    const [s] = await query<{ running: number; msgs: number; hooks: number }>(url, `SELECT
        -- A run stays running while its tasks are open (no one works them here): drained means
        -- no step left that the machines still owe (not started, or an e-mail/webhook step not yet done).
        (SELECT count(*)::int FROM playbook_runs r WHERE r.status = 'running' AND EXISTS (
           SELECT 1 FROM playbook_run_steps s WHERE s.run_id = r.id
              AND (s.status = 'pending' OR (s.status = 'issued' AND s.kind NOT IN ('task', 'checkin', 'survey'))))) AS running,
        (SELECT count(*)::int FROM outbound_messages WHERE status IN ('pending', 'sending') AND next_attempt_at <= now()) AS msgs,
        (SELECT count(*)::int FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= now()) AS hooks`);
    state = `${s?.running} runs with steps still owed, ${s?.msgs} e-mails and ${s?.hooks} webhook deliveries due`;
    if (s && s.running === 0 && s.msgs === 0 && s.hooks === 0) return { ok: true, ms: Date.now() - t0, state };
    await sleep(2000);
  }
  return { ok: false, ms: Date.now() - t0, state };
}
