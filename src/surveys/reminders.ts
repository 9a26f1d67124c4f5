import type { Queryable } from '../db/connect.js';
import { NO_SMTP_ERROR } from '../notifications/messages.js';
import { reminderEmail, surveyMailEnv, type SurveyMailEnv } from './email.js';

/**
 * One reminder per recipient who has not answered (a bot's answer is not an answer), once the
 * survey's reminder_after_days have passed since sending; none when the survey has no reminder,
 * is archived, or the honeypot link was followed (a scanner, not a person, read that mail). The
 * reminder is the first e-mail again with a line on top: its links are the recipient's own (only
 * the token's hash is kept, so the links are read from that e-mail). It asks nothing new, so it
 * costs no spoons. Idempotent: the row is marked reminded in the same transaction, and the
 * e-mail's dedupe key is the recipient's.
 */
export async function sendReminders(tx: Queryable, now: Date, env: SurveyMailEnv = surveyMailEnv(), limit = 500): Promise<number> {
  const { rows } = await tx.query<{ id: string; account_id: string; contact_id: string; email: string | null; subject: string | null; body: string | null }>(
    `SELECT r.id, r.account_id, r.contact_id, c.email, m.subject, m.body
       FROM survey_recipients r JOIN surveys s ON s.id = r.survey_id JOIN contacts c ON c.id = r.contact_id
       LEFT JOIN outbound_messages m ON m.id = r.outbound_id
      WHERE r.answered_at IS NULL AND r.reminded_at IS NULL
        AND s.reminder_after_days IS NOT NULL AND NOT s.archived
        AND r.sent_at <= $1::timestamptz - make_interval(days => s.reminder_after_days)
      ORDER BY r.sent_at LIMIT $2
      FOR UPDATE OF r SKIP LOCKED`,
    [now.toISOString(), limit],
  );
  let sent = 0;
  for (const r of rows) {
    // Without the first e-mail (purged) or an address there is nothing to remind with: marked, not sent.
    if (!r.email || r.subject === null || r.body === null) {
      await tx.query('UPDATE survey_recipients SET reminded_at = $2 WHERE id = $1', [r.id, now.toISOString()]);
      continue;
    }
    const mail = reminderEmail({ subject: r.subject, body: r.body });
    const { rows: [m] } = await tx.query<{ id: string }>(
      `INSERT INTO outbound_messages (channel, recipient, subject, body, account_id, dedupe_key, status, audience, contact_id, last_error, spoon_cost)
       VALUES ('email', $1, $2, $3, $4, $5, 'pending', 'customer', $6, $7, 0)
       ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
      [r.email, mail.subject, mail.body, r.account_id, `survey_reminder:${r.id}`, r.contact_id, env.emailConfigured ? null : NO_SMTP_ERROR],
    );
    await tx.query('UPDATE survey_recipients SET reminded_at = $2, reminder_outbound_id = coalesce($3, reminder_outbound_id) WHERE id = $1', [r.id, now.toISOString(), m?.id ?? null]);
    if (m) sent += 1;
  }
  return sent;
}
