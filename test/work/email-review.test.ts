import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../src/auth/principal.js';
import { NO_SMTP_ERROR } from '../../src/notifications/messages.js';
import { createTestApp, unique, type SignedIn, type TestApp } from '../support/app.js';
import { header, startSmtp } from './outbound-support.js';

/**
 * Issue 9, part 3: customer e-mails a person can see and stop. A preview renders an e-mail step for
 * an account; a step with `approval: true` waits in an approval task (edit, approve → sent with the
 * edited text and its Message-ID; reject → never sent, step cancelled); a step is never "completed"
 * before its e-mail is sent (without SMTP it says why it waits); the sent mail is on the timeline;
 * admins see the outbox and retry or cancel; the web app can tell whether e-mail is configured.
 */
let t: TestApp;
let off: TestApp;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
const who: Record<string, SignedIn> = {};
const whoOff: Record<string, SignedIn> = {};

type Step = { status: string; error: string | null; task: { id: string; status: string } | null; email: { id: string; status: string; lastError: string | null; messageId: string | null; subject: string } | null };
type RunJson = { id: string; status: string; steps: Step[] };

const call = (app: TestApp, user: SignedIn, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
  app.app.inject({ method, url, headers: user.headers, ...(payload ? { payload } : {}) });

async function setup(app: TestApp, users: Record<string, SignedIn>) {
  for (const role of ['admin', 'manager', 'csm', 'viewer'] as const) users[role] = await app.signIn(role);
}
async function account(app: TestApp, owner: SignedIn, withContact = true) {
  const a = await app.app.services.accounts.create({ name: unique('Acme'), arr: 120_000, ownerId: owner.userId, stage: 'adoption' }, SYSTEM_ACTOR);
  const email = `${unique('dana')}@acme.test`;
  if (withContact) await app.app.services.contacts.create({ accountId: a.id, name: 'Dana Champion', email, role: 'champion' }, SYSTEM_ACTOR);
  return { id: a.id, name: a.name, email };
}
async function startEmailPlaybook(app: TestApp, users: Record<string, SignedIn>, accountId: string, approval: boolean) {
  const pb = await call(app, users.manager as SignedIn, 'POST', '/api/playbooks', {
    name: unique('Nudge'),
    steps: [
      { kind: 'email', to: 'champion', subject: 'Checking in, {{contact.firstName}}', body: 'Hi {{contact.firstName}}, how is {{account.name}} doing? {{owner.name}}', approval },
      { kind: 'task', title: 'Follow up', dueOffsetDays: 3, assignee: 'owner' },
    ],
  });
  expect(pb.statusCode, pb.body).toBe(201);
  const res = await call(app, users.csm as SignedIn, 'POST', `/api/accounts/${accountId}/playbooks`, { playbookId: (pb.json() as { id: string }).id });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as RunJson;
}
const runOf = async (app: TestApp, users: Record<string, SignedIn>, id: string) => (await call(app, users.csm as SignedIn, 'GET', `/api/playbook-runs/${id}`)).json() as RunJson;
const mailsTo = (email: string) => smtp.messages.filter((m) => m.to.includes(email));

beforeAll(async () => {
  smtp = await startSmtp();
  [t, off] = await Promise.all([
    createTestApp({ CANOPY_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, CANOPY_MAIL_FROM: 'Canopy <canopy@cs.example.test>' }),
    createTestApp(),
  ]);
  await Promise.all([setup(t, who), setup(off, whoOff)]);
});
afterAll(async () => {
  await Promise.all([t?.close(), off?.close()]);
  await smtp?.close();
});

describe('preview', () => {
  it("renders an e-mail step for a chosen account's contact, with the sender's functions; builders only", async () => {
    const a = await account(t, who.csm as SignedIn);
    const step = { to: 'champion', subject: 'Hi {{contact.firstName}}', body: '{{account.name}} renews on {{account.renewalDate}}. {{owner.name}}' };
    const res = await call(t, who.manager as SignedIn, 'POST', '/api/playbooks/preview-email', { accountId: a.id, step });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ to: { name: 'Dana Champion', email: a.email }, subject: 'Hi Dana', body: `${a.name} renews on . Test csm`, note: null });
    expect((await call(t, who.csm as SignedIn, 'POST', '/api/playbooks/preview-email', { accountId: a.id, step })).statusCode).toBe(403);
    const bad = await call(t, who.manager as SignedIn, 'POST', '/api/playbooks/preview-email', { accountId: a.id, step: { ...step, subject: 'Hi {{contact.frist}}' } });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json())).toContain('step.subject');
    const none = await account(t, who.csm as SignedIn, false);
    const skipped = (await call(t, who.manager as SignedIn, 'POST', '/api/playbooks/preview-email', { accountId: none.id, step })).json() as { to: unknown; note: string };
    expect(skipped.to).toBeNull();
    expect(skipped.note).toContain('skipped');
    const offPreview = (await call(off, whoOff.manager as SignedIn, 'POST', '/api/playbooks/preview-email', { accountId: (await account(off, whoOff.csm as SignedIn)).id, step })).json() as { note: string };
    expect(offPreview.note).toContain('not configured');
  });
});

describe('send after a CSM approves', () => {
  it('holds the rendered e-mail in an approval task; edited and approved, it is sent with the edit, its Message-ID kept, on the timeline', async () => {
    const csm = who.csm as SignedIn;
    const a = await account(t, csm);
    const run = await startEmailPlaybook(t, who, a.id, true);
    expect(run.steps.map((s) => s.status)).toEqual(['issued', 'issued']);
    const step = run.steps[0] as Step;
    expect(step.email).toMatchObject({ status: 'awaiting_approval', subject: 'Checking in, Dana' });
    const taskId = step.task?.id as string;
    expect(mailsTo(a.email)).toHaveLength(0);

    // In the owner's inbox, with the rendered mail.
    const inbox = (await call(t, csm, 'GET', '/api/tasks?assignee=me')).json() as { items: { id: string; kind: string; title: string }[] };
    expect(inbox.items.find((x) => x.id === taskId)).toMatchObject({ kind: 'email', title: 'Approve e-mail to Dana Champion: Checking in, Dana' });
    const approval = (await call(t, csm, 'GET', `/api/email-approvals/${taskId}`)).json() as { status: string; body: string; to: { email: string } };
    expect(approval).toMatchObject({ status: 'awaiting_approval', to: { email: a.email } });
    expect(approval.body).toBe(`Hi Dana, how is ${a.name} doing? Test csm`);

    // Ticking the task off does not send a customer e-mail nobody approved; a viewer cannot approve.
    const tick = await call(t, csm, 'PATCH', `/api/tasks/${taskId}`, { status: 'done' });
    expect(tick.statusCode).toBe(409);
    expect((tick.json() as { code: string }).code).toBe('email_approval.required');
    expect((await call(t, who.viewer as SignedIn, 'POST', `/api/email-approvals/${taskId}/approve`, {})).statusCode).toBe(403);

    const ok = await call(t, csm, 'POST', `/api/email-approvals/${taskId}/approve`, { subject: 'A quick question, Dana', body: 'Hi Dana,\n\nedited by hand.' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ task: { status: 'done' }, approval: { edited: true, approvedBy: { id: csm.userId } } });
    await t.app.services.outbox.pump();

    const [mail, more] = mailsTo(a.email);
    expect(more).toBeUndefined();
    expect(header(mail?.raw ?? '', 'subject')).toBe('A quick question, Dana');
    expect(mail?.raw).toContain('edited by hand.');
    const row = (await t.database.query<{ status: string; message_id: string; subject: string }>('SELECT status, message_id, subject FROM outbound_messages WHERE approval_task_id = $1', [taskId])).rows[0];
    expect(row).toMatchObject({ status: 'sent', subject: 'A quick question, Dana' });
    expect(header(mail?.raw ?? '', 'message-id')).toBe(row?.message_id);

    const after = await runOf(t, who, run.id);
    expect(after.steps[0]).toMatchObject({ status: 'completed', email: { status: 'sent', messageId: row?.message_id } });

    // The edit is audited, before and after.
    const audit = (await t.database.query<{ action: string; changes: { subject: { from: string; to: string } } }>(`SELECT action, changes FROM audit_log WHERE object_type = 'outbound_message' AND changes->>'taskId' = $1`, [taskId])).rows;
    expect(audit).toEqual([expect.objectContaining({ action: 'approve_edited', changes: expect.objectContaining({ subject: { from: 'Checking in, Dana', to: 'A quick question, Dana' } }) })]);

    // The timeline shows the sent mail: subject, body, recipient, status, Message-ID.
    const tl = (await call(t, csm, 'GET', `/api/accounts/${a.id}/timeline?kinds=email`)).json() as { items: { title: string; data: Record<string, unknown> }[] };
    expect(tl.items).toHaveLength(1);
    expect(tl.items[0]).toMatchObject({
      title: 'E-mail sent: A quick question, Dana',
      data: { status: 'sent', subject: 'A quick question, Dana', body: 'Hi Dana,\n\nedited by hand.', to: [a.email], messageId: row?.message_id, edited: true },
    });
  });

  it('rejected: nothing is sent, the task and the step are cancelled; reopening asks again', async () => {
    const csm = who.csm as SignedIn;
    const a = await account(t, csm);
    const run = await startEmailPlaybook(t, who, a.id, true);
    const taskId = run.steps[0]?.task?.id as string;
    const res = await call(t, csm, 'POST', `/api/email-approvals/${taskId}/reject`, { reason: 'They just renewed' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ task: { status: 'cancelled' }, approval: { status: 'cancelled' } });
    await t.app.services.outbox.pump();
    expect(mailsTo(a.email)).toHaveLength(0);
    expect((await runOf(t, who, run.id)).steps[0]).toMatchObject({ status: 'cancelled', email: { status: 'cancelled' } });
    expect((await call(t, csm, 'POST', `/api/email-approvals/${taskId}/approve`, {})).statusCode).toBe(409);

    // Reopened, the e-mail waits for a decision again.
    expect((await call(t, csm, 'PATCH', `/api/tasks/${taskId}`, { status: 'open' })).statusCode).toBe(200);
    expect((await runOf(t, who, run.id)).steps[0]).toMatchObject({ status: 'issued', email: { status: 'awaiting_approval' } });
  });

  it('cancelling the run cancels the held e-mail', async () => {
    const a = await account(t, who.csm as SignedIn);
    const run = await startEmailPlaybook(t, who, a.id, true);
    expect((await call(t, who.csm as SignedIn, 'POST', `/api/playbook-runs/${run.id}/cancel`)).statusCode).toBe(200);
    const m = (await t.database.query<{ status: string }>('SELECT status FROM outbound_messages WHERE playbook_run_id = $1', [run.id])).rows;
    expect(m).toEqual([{ status: 'cancelled' }]);
  });
});

describe('honest states and the outbox', () => {
  it('with SMTP, an e-mail step without approval completes when the e-mail is sent', async () => {
    const a = await account(t, who.csm as SignedIn);
    const run = await startEmailPlaybook(t, who, a.id, false);
    await t.app.services.outbox.pump();
    expect(mailsTo(a.email)).toHaveLength(1);
    expect((await runOf(t, who, run.id)).steps[0]).toMatchObject({ status: 'completed', email: { status: 'sent' } });
  });

  it('without SMTP the step is issued and says why it waits, never completed; the banner endpoint says e-mail is off', async () => {
    const a = await account(off, whoOff.csm as SignedIn);
    const run = await startEmailPlaybook(off, whoOff, a.id, false);
    await off.app.services.outbox.pump();
    const step = (await runOf(off, whoOff, run.id)).steps[0];
    expect(step).toMatchObject({ status: 'issued', email: { status: 'queued', lastError: NO_SMTP_ERROR } });
    expect((await call(off, whoOff.viewer as SignedIn, 'GET', '/api/settings/email')).json()).toMatchObject({ configured: false, from: null });
    expect((await call(t, who.viewer as SignedIn, 'GET', '/api/settings/email')).json()).toMatchObject({ configured: true, from: 'Canopy <canopy@cs.example.test>' });
  });

  it('lists the outbox for admins and managers; admins retry a failed e-mail and cancel a queued one; the step follows', async () => {
    const admin = whoOff.admin as SignedIn;
    const a = await account(off, whoOff.csm as SignedIn);
    const run = await startEmailPlaybook(off, whoOff, a.id, false);
    const id = (await runOf(off, whoOff, run.id)).steps[0]?.email?.id as string;

    const list = await call(off, admin, 'GET', '/api/outbox?status=queued&audience=customer');
    expect(list.statusCode, list.body).toBe(200);
    const page = list.json() as { items: { id: string; status: string; lastError: string | null; recipient: string }[]; counts: Record<string, number> };
    expect(page.items.find((m) => m.id === id)).toMatchObject({ status: 'queued', lastError: NO_SMTP_ERROR, recipient: a.email });
    expect(page.counts.queued).toBeGreaterThanOrEqual(1);
    expect((await call(off, whoOff.manager as SignedIn, 'GET', '/api/outbox')).statusCode).toBe(200);
    expect((await call(off, whoOff.csm as SignedIn, 'GET', '/api/outbox')).statusCode).toBe(403);
    expect((await call(off, whoOff.manager as SignedIn, 'POST', `/api/outbox/${id}/cancel`, {})).statusCode).toBe(403);

    // Dead-lettered (its attempts spent): the step fails with the reason.
    await off.database.query(`UPDATE outbound_messages SET status = 'dead', last_error = 'EAUTH: 535 bad login', failed_at = now() WHERE id = $1`, [id]);
    await off.app.services.playbooks.sweep();
    expect((await runOf(off, whoOff, run.id)).steps[0]).toMatchObject({ status: 'failed', error: 'The e-mail failed: EAUTH: 535 bad login' });
    const failed = (await call(off, admin, 'GET', '/api/outbox?status=failed')).json() as { items: { id: string; lastError: string }[] };
    expect(failed.items.find((m) => m.id === id)?.lastError).toBe('EAUTH: 535 bad login');

    // Retried: queued again now, the step issued again.
    const retried = await call(off, admin, 'POST', `/api/outbox/${id}/retry`);
    expect(retried.statusCode, retried.body).toBe(200);
    expect(retried.json()).toMatchObject({ status: 'queued', attempts: 0 });
    expect((await runOf(off, whoOff, run.id)).steps[0]).toMatchObject({ status: 'issued' });

    // Cancelled: never sent, the step cancelled; cancelling again is a conflict.
    const cancelled = await call(off, admin, 'POST', `/api/outbox/${id}/cancel`, { reason: 'wrong contact' });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', cancelReason: 'wrong contact', cancelledBy: { id: admin.userId } });
    expect((await runOf(off, whoOff, run.id)).steps[0]).toMatchObject({ status: 'cancelled' });
    expect((await call(off, admin, 'POST', `/api/outbox/${id}/cancel`, {})).statusCode).toBe(409);
    expect((await call(off, admin, 'POST', `/api/outbox/${id}/retry`)).statusCode).toBe(409);
    expect((await call(off, admin, 'POST', '/api/outbox/00000000-0000-4000-8000-000000000000/retry')).statusCode).toBe(404);
  });
});
