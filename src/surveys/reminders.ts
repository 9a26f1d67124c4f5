import type { Queryable } from '../db/connect.js';
import { NO_SMTP_ERROR } from '../notifications/messages.js';
import { hashToken, newToken } from '../public/token.js';
import { reminderEmail, surveyMailEnv, type SurveyMailEnv } from './email.js';
import type { SurveyKind } from './scores.js';

/**
 * One reminder per recipient who has not answered (a bot's answer is not an answer), once the
 * survey's reminder_after_days have passed since sending; none when the survey has no reminder or
 * is archived. The reminder is the survey e-mail again with a line on top and its own fresh token
 * (the first e-mail's links are removed from the outbox once it has left; only the new token's
 * hash is kept, in `reminder_token_hash`): both links open the same page and answer the same single
 * response. It asks nothing new, so it costs no spoons. Idempotent: the row is marked reminded in
 * the same transaction, and the e-mail's dedupe key is the recipient's.
 */
export async function sendReminders(tx: Queryable, now: Date, env: SurveyMailEnv = surveyMailEnv(), limit = 500): Promise<number> {
  const { rows } = await tx.query<{
    id: string; account_id: string; contact_id: string; email: string | null; contact_name: string | null;
    kind: SurveyKind; email_subject: string; email_intro: string; question: string;
  }>(
    `SELECT r.id, r.account_id, r.contact_id, c.email, c.name AS contact_name, s.kind, s.email_subject, s.email_intro, s.question
       FROM survey_recipients r JOIN surveys s ON s.id = r.survey_id JOIN contacts c ON c.id = r.contact_id
      WHERE r.answered_at IS NULL AND r.reminded_at IS NULL
        AND s.reminder_after_days IS NOT NULL AND NOT s.archived
        AND r.sent_at <= $1::timestamptz - make_interval(days => s.reminder_after_days)
      ORDER BY r.sent_at LIMIT $2
      FOR UPDATE OF r SKIP LOCKED`,
    [now.toISOString(), limit],
  );
  let sent = 0;
  for (const r of rows) {
    // Without an address there is nothing to remind with: marked, not sent.
    if (!r.email) {
      await tx.query('UPDATE survey_recipients SET reminded_at = $2 WHERE id = $1', [r.id, now.toISOString()]);
      continue;
    }
    const token = newToken();
    const mail = reminderEmail({
      kind: r.kind, subject: r.email_subject, intro: r.email_intro, question: r.question, contactName: r.contact_name, token, publicUrl: env.publicUrl,
    });
    const { rows: [m] } = await tx.query<{ id: string }>(
      `INSERT INTO outbound_messages (channel, recipient, subject, body, account_id, dedupe_key, status, audience, contact_id, last_error, spoon_cost)
       VALUES ('email', $1, $2, $3, $4, $5, 'pending', 'customer', $6, $7, 0)
       ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
      [r.email, mail.subject, mail.body, r.account_id, `survey_reminder:${r.id}`, r.contact_id, env.emailConfigured ? null : NO_SMTP_ERROR],
    );
    // The token counts only when its e-mail was queued (a repeat keeps the first reminder's token).
    await tx.query(
      `UPDATE survey_recipients SET reminded_at = $2, reminder_outbound_id = coalesce($3, reminder_outbound_id),
              reminder_token_hash = CASE WHEN $3::uuid IS NULL THEN reminder_token_hash ELSE $4 END WHERE id = $1`,
      [r.id, now.toISOString(), m?.id ?? null, hashToken(token)],
    );
    if (m) sent += 1;
  }
  return sent;
}
