import { randomUUID } from 'node:crypto';
import { recordAuditRaw } from '../audit/record.js';
import type { Actor } from '../auth/principal.js';
import { guardAsk } from '../capacity/index.js';
import type { Queryable } from '../db/connect.js';
import { AppError } from '../http/errors.js';
import { NO_SMTP_ERROR } from '../notifications/messages.js';
import { hashToken, newToken } from '../public/token.js';
import { surveyEmail, surveyMailEnv, type SurveyMailEnv } from './email.js';
import type { SurveyKind } from './scores.js';

/**
 * Sending a survey: per contact, one recipient row with its own token (only the hash is kept) and
 * its e-mail queued in the outbox, in the caller's transaction (the worker sends it). A contact is
 * skipped, never an error, when it cannot be asked:
 *
 * - `not_found`: no such contact, or one not linked to an account;
 * - `throttled`: surveyed by any survey within the survey's throttle_days (0: never throttled);
 * - `no_email`: no e-mail address;
 * - `over_capacity`: the ask (the survey's spoon cost) would exceed the customer's capacity left
 *   (src/capacity guardAsk), unless `confirmOverload`, which records the overload.
 *
 * The playbook step "send a survey" calls sendSurvey; a step surveys one contact (the recipients'
 * unique (playbook_run_id, step_index)): a repeat of the step returns the first send, and contacts
 * after the first one sent are left out (reason `not_found`, said in the detail).
 */

export type SendInput = {
  surveyId: string; contactIds: string[]; by: string | null; now: Date;
  confirmOverload?: boolean; playbookRunId?: string; stepIndex?: number;
};
export type SkipReason = 'throttled' | 'no_email' | 'over_capacity' | 'not_found';
export type SendOutcome = {
  sent: { recipientId: string; contactId: string; accountId: string; outboundId: string }[];
  skipped: { contactId: string; reason: SkipReason; detail: string }[];
};

const DAY_MS = 86_400_000;

type SurveyRow = { id: string; name: string; kind: SurveyKind; question: string; email_subject: string; email_intro: string; throttle_days: number; spoon_cost: number; archived: boolean };
type ContactRow = { id: string; name: string | null; email: string | null; account_id: string | null };

export async function sendSurvey(tx: Queryable, input: SendInput, env: SurveyMailEnv = surveyMailEnv()): Promise<SendOutcome> {
  const { rows: [survey] } = await tx.query<SurveyRow>(
    'SELECT id, name, kind, question, email_subject, email_intro, throttle_days, spoon_cost, archived FROM surveys WHERE id = $1', [input.surveyId],
  );
  if (!survey) throw new AppError('survey.not_found');
  if (survey.archived) throw new AppError('survey.archived');
  const out: SendOutcome = { sent: [], skipped: [] };
  const ids = [...new Set(input.contactIds)];
  const step = input.playbookRunId !== undefined && input.stepIndex !== undefined;

  if (step) {
    const { rows: [done] } = await tx.query<{ id: string; contact_id: string; account_id: string; outbound_id: string | null }>(
      'SELECT id, contact_id, account_id, outbound_id FROM survey_recipients WHERE playbook_run_id = $1 AND step_index = $2', [input.playbookRunId, input.stepIndex],
    );
    if (done) {
      out.sent.push({ recipientId: done.id, contactId: done.contact_id, accountId: done.account_id, outboundId: done.outbound_id ?? '' });
      return out;
    }
  }

  const { rows: contacts } = await tx.query<ContactRow>('SELECT id, name, email, account_id FROM contacts WHERE id = ANY($1::uuid[])', [ids]);
  const byId = new Map(contacts.map((c) => [c.id, c]));
  const { rows: recent } = survey.throttle_days > 0
    ? await tx.query<{ contact_id: string; sent_at: Date | string; name: string }>(
      `SELECT DISTINCT ON (r.contact_id) r.contact_id, r.sent_at, s.name FROM survey_recipients r JOIN surveys s ON s.id = r.survey_id
        WHERE r.contact_id = ANY($1::uuid[]) AND r.sent_at > $2 ORDER BY r.contact_id, r.sent_at DESC`,
      [ids, new Date(input.now.getTime() - survey.throttle_days * DAY_MS).toISOString()],
    )
    : { rows: [] };
  const lastSurveyed = new Map(recent.map((r) => [r.contact_id, r]));
  const { rows: [from] } = input.by ? await tx.query<{ name: string }>('SELECT name FROM users WHERE id = $1', [input.by]) : { rows: [] };
  const actor: Actor = input.by
    ? { type: 'user', id: input.by, label: from?.name ?? input.by }
    : { type: 'system', id: null, label: input.playbookRunId ? 'playbook' : 'system' };
  const audit: Parameters<typeof recordAuditRaw>[2] = [];

  for (const contactId of ids) {
    const skip = (reason: SkipReason, detail: string) => out.skipped.push({ contactId, reason, detail });
    const c = byId.get(contactId);
    if (!c) { skip('not_found', 'no such contact'); continue; }
    const who = c.name ?? c.email ?? 'the contact';
    if (!c.account_id) { skip('not_found', `${who} is not linked to an account`); continue; }
    if (step && out.sent.length > 0) { skip('not_found', 'a playbook step surveys one contact: the first one was sent'); continue; }
    const last = lastSurveyed.get(contactId);
    if (last) {
      skip('throttled', `${who} was surveyed on ${new Date(last.sent_at).toISOString().slice(0, 10)} (${last.name}); not again within ${survey.throttle_days} days`);
      continue;
    }
    if (!c.email) { skip('no_email', `${who} has no e-mail address`); continue; }

    const id = randomUUID();
    let overload = false;
    try {
      ({ overload } = await guardAsk(tx, { accountId: c.account_id, contactId, cost: survey.spoon_cost, at: input.now, kind: 'survey', label: `Survey: ${survey.name}` },
        { confirmOverload: input.confirmOverload ?? false, by: input.by, refId: id, playbookRunId: input.playbookRunId ?? null }));
    } catch (err) {
      if (err instanceof AppError && err.code === 'capacity.exceeded') { skip('over_capacity', overCapacityDetail(err, out.sent.filter((s) => s.accountId === c.account_id).length)); continue; }
      throw err;
    }

    const token = newToken();
    const mail = surveyEmail({ kind: survey.kind, subject: survey.email_subject, intro: survey.email_intro, question: survey.question, contactName: c.name, token, publicUrl: env.publicUrl });
    const { rows: [m] } = await tx.query<{ id: string }>(
      `INSERT INTO outbound_messages (channel, recipient, subject, body, account_id, dedupe_key, status, audience, contact_id, playbook_run_id, step_index, last_error, spoon_cost)
       VALUES ('email', $1, $2, $3, $4, $5, 'pending', 'customer', $6, $7, $8, $9, $10) RETURNING id`,
      [c.email, mail.subject, mail.body, c.account_id, `survey_recipient:${id}`, contactId, input.playbookRunId ?? null, input.stepIndex ?? null,
        env.emailConfigured ? null : NO_SMTP_ERROR, survey.spoon_cost],
    );
    if (!m) throw new Error('survey e-mail insert returned nothing');
    await tx.query(
      `INSERT INTO survey_recipients (id, survey_id, account_id, contact_id, token_hash, outbound_id, spoon_cost, overload, sent_by, playbook_run_id, step_index, sent_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [id, survey.id, c.account_id, contactId, hashToken(token), m.id, survey.spoon_cost, overload, input.by, input.playbookRunId ?? null, input.stepIndex ?? null, input.now.toISOString()],
    );
    // Later contacts of this send see this one in the throttle too (a contact listed twice is de-duplicated above).
    out.sent.push({ recipientId: id, contactId, accountId: c.account_id, outboundId: m.id });
    audit.push({
      action: 'survey.send', objectType: 'survey', objectId: survey.id, objectLabel: survey.name.slice(0, 200),
      changes: { recipientId: id, accountId: c.account_id, contactId, outboundId: m.id, overload },
    });
  }
  if (audit.length) await recordAuditRaw(tx, actor, audit);
  return out;
}

/**
 * The capacity refusal as said for this send: spoons taken by the recipients of this same send
 * before this contact (same account, when the account's capacity refused) are counted, so say so;
 * otherwise "0 left" reads wrong next to the account, which shows what is left before the send.
 */
function overCapacityDetail(err: AppError, earlierOnAccount: number): string {
  if (err.details?.scope === 'contact' || earlierOnAccount === 0) return err.message;
  return `${err.message} (Counted after the ${earlierOnAccount} recipient${earlierOnAccount === 1 ? '' : 's'} of this send before them.)`;
}
