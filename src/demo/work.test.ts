// The demo's work engine on a real database (PGlite, or PostgreSQL with TEST_DATABASE_URL): its
// screens must mean something on first start — e-mails waiting for a CSM's approval, customer mail
// sent and bounced in the timeline and the outbox.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import type { Database } from '../db/connect.js';
import { createHealthService } from '../health/service.js';
import { createTestDatabase } from '../../test/support/db.js';
import { seedDemo } from './seed.js';
import { seedDemoWork, type DemoWorkSummary } from './work.js';

let database: Database;
let drop: () => Promise<void>;
let summary: DemoWorkSummary;

beforeAll(async () => {
  const t = await createTestDatabase();
  database = t.database;
  drop = t.drop;
  await seedDemo(database, { accounts: 60, days: 30, seed: 7 });
  await createHealthService(database, null).startRecompute('test');
  summary = await seedDemoWork(loadConfig({ LOG_LEVEL: 'silent' }), database, { seed: 7 });
}, 120_000);
afterAll(() => drop());

const rows = async <T>(sql: string) => (await database.query<T>(sql)).rows;

describe('demo work', () => {
  it('starts the save playbook on poor paying accounts, whose e-mail waits for the owner to approve it', async () => {
    expect(summary.firings).toBeGreaterThan(0);
    const drafts = await rows<{ status: string; owner_ok: boolean; task_status: string; title: string }>(
      `SELECT m.status, t.assignee_user_id = a.owner_id AS owner_ok, t.status AS task_status, t.title
         FROM outbound_messages m JOIN tasks t ON t.id = m.approval_task_id JOIN accounts a ON a.id = m.account_id
        WHERE m.audience = 'customer' AND m.status = 'draft'`,
    );
    expect(drafts.length).toBeGreaterThan(0);
    for (const d of drafts) expect(d).toMatchObject({ status: 'draft', owner_ok: true, task_status: 'open', title: expect.stringMatching(/^Approve e-mail to /) });
  });

  it('has customer e-mails sent in the past weeks with their Message-ID, and one that bounced with its reason', async () => {
    const mails = await rows<{ status: string; message_id: string | null; last_error: string | null; sent: boolean }>(
      `SELECT status, message_id, last_error, sent_at < now() AS sent FROM outbound_messages WHERE dedupe_key LIKE 'demo:mail:%'`,
    );
    const sent = mails.filter((m) => m.status === 'sent');
    expect(sent.length).toBeGreaterThan(3);
    for (const m of sent) expect(m).toMatchObject({ sent: true, message_id: expect.stringMatching(/^<demo-.+@canopy\.demo>$/) });
    expect(mails.filter((m) => m.status === 'dead')).toEqual([expect.objectContaining({ last_error: expect.stringContaining('550') })]);
  });
});
