import { randomUUID } from 'node:crypto';
import { guardAsk } from '../capacity/index.js';
import type { Queryable } from '../db/connect.js';
import { AppError } from '../http/errors.js';
import { NO_SMTP_ERROR } from '../notifications/messages.js';
import { hashToken, newToken } from '../public/token.js';
import { recordAuditRaw } from '../audit/record.js';
import type { Actor } from '../auth/principal.js';
import { contactOf, initiativeRef } from './store.js';

/**
 * A check-in asked by e-mail: a request with a one-time link (/c/<token>; only the token's hash is
 * kept), its e-mail queued in the outbox in the caller's transaction (sent by the worker), and the
 * ask checked against the customer's capacity first. The playbook step "ask for a check-in" calls
 * requestCheckIn; the API route calls it too, refusing an over-capacity ask with 409.
 */

export const CHECK_IN_SPOON_COST = 1;
export const REQUEST_VALID_DAYS = 30;
const DAY_MS = 86_400_000;

/** Where links point and whether e-mail can leave; set once by the readiness service from the config. */
export type CheckInMailEnv = { publicUrl: string | undefined; emailConfigured: boolean };
let mailEnv: CheckInMailEnv = { publicUrl: undefined, emailConfigured: true };
export function configureCheckInMail(env: CheckInMailEnv): void {
  // One process serves one configuration; the playbook step calls requestCheckIn without it.
  mailEnv = env;
}

/** The answer page's address: under CANOPY_PUBLIC_URL when set (keeping any path prefix), else relative. */
export function checkInUrl(publicUrl: string | undefined, token: string): string {
  const path = `/c/${token}`;
  return publicUrl ? `${publicUrl.replace(/\/+$/, '')}${path}` : path;
}

export type RequestInput = {
  initiativeId: string; contactId: string; by: string | null; now: Date;
  confirmOverload?: boolean; playbookRunId?: string; stepIndex?: number;
};
/** `reused`: the contact already had an open request on this initiative (or this playbook step already asked): that one, nothing new sent or charged. */
export type RequestResult = { requestId: string; outboundId: string; reused: boolean } | { skipped: 'no_email' | 'over_capacity' | 'not_found'; detail: string };

const firstName = (name: string | null) => (name ?? '').trim().split(/\s+/)[0] ?? '';

export function checkInEmail(o: { contactName: string | null; title: string; url: string; from: string | null; expiresAt: Date }) {
  const hello = firstName(o.contactName) ? `Hi ${firstName(o.contactName)},` : 'Hello,';
  return {
    subject: `Two quick questions about ${o.title}`.slice(0, 300),
    body: [
      hello, '',
      `${o.from ? `${o.from} would` : 'We would'} like to know where you stand on "${o.title}". It takes a minute:`, '',
      '1. How important is it for you to act on it now (0 to 10)?',
      '2. How confident are you that you can (0 to 10)?', '',
      `Answer here: ${o.url}`, '',
      `The link is yours alone and works until ${o.expiresAt.toISOString().slice(0, 10)}. If you answer twice, the second answer replaces the first.`,
    ].join('\n'),
  };
}

/** The binding signature of the contract: skipped (not an error) when the contact cannot be asked. */
export async function requestCheckIn(tx: Queryable, input: RequestInput, env: CheckInMailEnv = mailEnv): Promise<RequestResult> {
  return requestCheckInTx(tx, input, env, false);
}

/** `strict`: an over-capacity ask throws the capacity's own 409 (with its details) instead of being skipped. */
export async function requestCheckInTx(tx: Queryable, input: RequestInput, env: CheckInMailEnv, strict: boolean, by?: Actor): Promise<RequestResult> {
  if (input.playbookRunId !== undefined && input.stepIndex !== undefined) {
    // A playbook step run again (a retried job) gets the request it made the first time, not a second e-mail.
    const { rows: [made] } = await tx.query<{ id: string; outbound_id: string | null }>(
      'SELECT id, outbound_id FROM check_in_requests WHERE playbook_run_id = $1 AND step_index = $2', [input.playbookRunId, input.stepIndex],
    );
    if (made?.outbound_id) return { requestId: made.id, outboundId: made.outbound_id, reused: true };
  }
  // Locked: two asks at once for the same initiative run one after the other, so the second sees the first's request.
  const initiative = await initiativeRef(tx, input.initiativeId, true);
  if (!initiative) return { skipped: 'not_found', detail: 'no such initiative' };
  const contact = await contactOf(tx, initiative.accountId, input.contactId);
  if (!contact) return { skipped: 'not_found', detail: 'not a contact of the initiative\'s account' };
  // One live link per contact and initiative: while one is open (not answered, not expired), asking again
  // (a client's retry, a playbook) returns it: no second e-mail, no second spoon.
  const { rows: [open] } = await tx.query<{ id: string; outbound_id: string }>(
    `SELECT id, outbound_id FROM check_in_requests WHERE initiative_id = $1 AND contact_id = $2 AND answered_at IS NULL AND expires_at > $3 AND outbound_id IS NOT NULL
      ORDER BY sent_at DESC, id DESC LIMIT 1`, [initiative.id, contact.id, input.now.toISOString()],
  );
  if (open) return { requestId: open.id, outboundId: open.outbound_id, reused: true };
  if (!contact.email) return { skipped: 'no_email', detail: `${contact.name ?? 'the contact'} has no e-mail address` };

  const id = randomUUID();
  let overload = false;
  try {
    ({ overload } = await guardAsk(tx, { accountId: initiative.accountId, contactId: contact.id, cost: CHECK_IN_SPOON_COST, at: input.now, kind: 'check_in', label: `Check-in: ${initiative.title}` },
      { confirmOverload: input.confirmOverload ?? false, by: input.by, refId: id, playbookRunId: input.playbookRunId ?? null }));
  } catch (err) {
    if (!strict && err instanceof AppError && err.code === 'capacity.exceeded') return { skipped: 'over_capacity', detail: err.message };
    throw err;
  }

  const token = newToken();
  const expiresAt = new Date(input.now.getTime() + REQUEST_VALID_DAYS * DAY_MS);
  const { rows: [from] } = input.by ? await tx.query<{ name: string }>('SELECT name FROM users WHERE id = $1', [input.by]) : { rows: [] };
  const mail = checkInEmail({ contactName: contact.name, title: initiative.title, url: checkInUrl(env.publicUrl, token), from: from?.name ?? null, expiresAt });
  const { rows: [m] } = await tx.query<{ id: string }>(
    `INSERT INTO outbound_messages (channel, recipient, subject, body, account_id, dedupe_key, status, audience, contact_id, playbook_run_id, step_index, last_error, spoon_cost)
     VALUES ('email', $1, $2, $3, $4, $5, 'pending', 'customer', $6, $7, $8, $9, $10) RETURNING id`,
    [contact.email, mail.subject, mail.body, initiative.accountId, `check_in_request:${id}`, contact.id, input.playbookRunId ?? null, input.stepIndex ?? null,
      env.emailConfigured ? null : NO_SMTP_ERROR, CHECK_IN_SPOON_COST],
  );
  if (!m) throw new Error('check-in e-mail insert returned nothing');
  await tx.query(
    `INSERT INTO check_in_requests (id, account_id, initiative_id, contact_id, token_hash, outbound_id, spoon_cost, overload, requested_by, playbook_run_id, step_index, sent_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
    [id, initiative.accountId, initiative.id, contact.id, hashToken(token), m.id, CHECK_IN_SPOON_COST, overload, input.by, input.playbookRunId ?? null, input.stepIndex ?? null,
      input.now.toISOString(), expiresAt.toISOString()],
  );
  const actor: Actor = by ?? (input.by ? { type: 'user' as const, id: input.by, label: from?.name ?? input.by } : { type: 'system' as const, id: null, label: input.playbookRunId ? 'playbook' : 'system' });
  await recordAuditRaw(tx, actor, [{
    action: 'check_in_request.create', objectType: 'check_in_request', objectId: id, objectLabel: initiative.title.slice(0, 200),
    changes: { accountId: initiative.accountId, initiativeId: initiative.id, contactId: contact.id, outboundId: m.id, overload, expiresAt: expiresAt.toISOString() },
  }]);
  return { requestId: id, outboundId: m.id, reused: false };
}
