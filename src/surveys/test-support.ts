import { expect } from 'vitest';
import { SYSTEM_ACTOR } from '../auth/principal.js';
import { hashToken } from '../public/token.js';
import { unique, type SignedIn, type TestApp } from '../../test/support/app.js';

/** Shared steps of the survey integration tests (not a test file itself). */

export type Api = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object, who?: SignedIn) => Promise<{ statusCode: number; body: string; headers: Record<string, unknown>; json(): unknown }>;

export const apiFor = (app: () => TestApp, fallback: () => SignedIn): Api => (method, url, payload, who) =>
  app().app.inject({ method, url, headers: (who ?? fallback()).headers, ...(payload ? { payload } : {}) });

export async function account(t: TestApp, over: { stage?: 'onboarding' | 'adoption' | 'renewal'; ownerId?: string | null; segment?: string } = {}) {
  return (await t.app.services.accounts.create({ name: unique('surv'), stage: over.stage ?? 'onboarding', ownerId: over.ownerId ?? null, segment: over.segment ?? null }, SYSTEM_ACTOR)).id;
}

export async function contact(t: TestApp, accountId: string, name: string, opts: { email?: boolean; role?: 'champion' | 'executive_sponsor' | 'admin' | 'user' } = {}) {
  const email = opts.email === false ? null : `${unique(name.split(' ')[0]?.toLowerCase() ?? 'c')}@example.test`;
  return (await t.app.services.contacts.create({ accountId, email, name, role: opts.role ?? 'user' }, SYSTEM_ACTOR)).id;
}

export async function createSurvey(api: Api, over: object = {}) {
  const res = await api('POST', '/api/surveys', {
    name: unique('NPS'), kind: 'nps', question: 'How likely are you to recommend us to a colleague?', emailSubject: 'A quick question', emailIntro: 'We read every answer.', ...over,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; kind: string };
}

/** Quoted-printable (what nodemailer uses for long lines) back to text. */
export const decodeQp = (raw: string) => raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)));

/** The token of a survey link in an e-mail body (the outbox row or a received message). */
export function tokenIn(body: string): string {
  const m = /\/s\/([A-Za-z0-9_-]{43})\?score=/.exec(body);
  if (!m?.[1]) throw new Error(`no survey link in: ${body.slice(0, 300)}`);
  return m[1];
}

/**
 * The token sent to a contact (its latest survey; `which` = its first e-mail's or the reminder's),
 * as the contact got it: from the queued e-mail, or, once sent (the outbox removes the stored
 * copy's links), from the mail the SMTP server received. Found by the recipient's stored hash.
 */
export async function tokenOf(t: TestApp, contactId: string, mails: readonly { raw: string }[] = [], which: 'first' | 'reminder' = 'first'): Promise<string> {
  const { rows: [r] } = await t.database.query<{ hash: string | null; body: string | null }>(
    `SELECT ${which === 'first' ? 'r.token_hash' : 'r.reminder_token_hash'} AS hash, m.body
       FROM survey_recipients r LEFT JOIN outbound_messages m ON m.id = ${which === 'first' ? 'r.outbound_id' : 'r.reminder_outbound_id'}
      WHERE r.contact_id = $1 ORDER BY r.sent_at DESC LIMIT 1`, [contactId]);
  if (!r?.hash) throw new Error('no survey e-mail for the contact');
  if (mails.length || r.body === null) await t.app.services.outbox.pump();
  const texts = [r.body ?? '', ...mails.map((m) => decodeQp(m.raw))];
  const token = texts.flatMap((x) => [...x.matchAll(/\/s\/([A-Za-z0-9_-]{43})\?score=/g)].map((mt) => mt[1] ?? '')).find((tk) => hashToken(tk) === r.hash);
  if (!token) throw new Error('no e-mail carries the contact\'s survey link');
  return token;
}

export const stampIn = (html: string) => /name="stamp" value="([^"]+)"/.exec(html)?.[1] ?? '';
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
