import type { Queryable } from '../db/connect.js';

export type NotifyInput = {
  userIds: string[];
  kind: string;
  title: string;
  body?: string;
  accountId?: string | null;
  /** Path inside the web app, e.g. /accounts/<id>. */
  link?: string | null;
  /** Same key for the same user = one notification, however often it is sent. */
  dedupeKey: string;
};

/**
 * Notifies users on the channels each picked, inside the caller's transaction: an in-app row
 * (the bell) and an outbox message per e-mail or Slack channel. Inactive users are skipped.
 * Returns how many outbox messages were queued; the caller wakes the outbox after commit.
 */
export async function notify(tx: Queryable, n: NotifyInput): Promise<number> {
  const ids = [...new Set(n.userIds)];
  if (ids.length === 0) return 0;
  const body = n.body ?? '';
  await tx.query(
    `INSERT INTO notifications (user_id, kind, title, body, account_id, link, dedupe_key)
     SELECT u.id, $2, $3, $4, $5, $6, $7 FROM users u
       LEFT JOIN notification_prefs p ON p.user_id = u.id
      WHERE u.id = ANY ($1::uuid[]) AND u.active AND coalesce(p.in_app, true)
     ON CONFLICT (user_id, dedupe_key) DO NOTHING`,
    [ids, n.kind, n.title, body, n.accountId ?? null, n.link ?? null, n.dedupeKey],
  );
  const text = body ? `${n.title}\n\n${body}` : n.title;
  const { rowCount } = await tx.query(
    `INSERT INTO outbound_messages (channel, recipient, subject, body, account_id, dedupe_key)
     SELECT c.channel, c.recipient, $2, $3, $4, c.channel || ':' || u.id || ':' || $5
       FROM users u LEFT JOIN notification_prefs p ON p.user_id = u.id
       CROSS JOIN LATERAL (VALUES
         ('email', CASE WHEN coalesce(p.email, true) THEN u.email END),
         ('slack', CASE WHEN coalesce(p.slack, false) THEN p.slack_webhook_url END)) AS c(channel, recipient)
      WHERE u.id = ANY ($1::uuid[]) AND u.active AND c.recipient IS NOT NULL
     ON CONFLICT (dedupe_key) DO NOTHING`,
    [ids, n.title, text, n.accountId ?? null, n.dedupeKey],
  );
  return rowCount;
}

/** An e-mail to a customer contact (a playbook step), through the same outbox. */
export async function queueEmail(
  tx: Queryable,
  m: { to: string; subject: string; body: string; accountId: string | null; dedupeKey: string },
): Promise<boolean> {
  const { rowCount } = await tx.query(
    `INSERT INTO outbound_messages (channel, recipient, subject, body, account_id, dedupe_key)
     VALUES ('email', $1, $2, $3, $4, $5) ON CONFLICT (dedupe_key) DO NOTHING`,
    [m.to, m.subject, m.body, m.accountId, m.dedupeKey],
  );
  return rowCount > 0;
}
