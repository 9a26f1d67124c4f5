import type { WorkDeps } from '../deps.js';
import type { Actor } from '../auth/principal.js';
import { recordAuditRaw } from '../audit/record.js';
import { AppError } from '../http/errors.js';
import { decodeCursor, encodeCursor, timestampUuid } from '../http/cursor.js';
import { checkUrlAtSave } from '../outbound/address.js';
import { createDigest } from './digest.js';
import type { NotificationDto, NotificationListQuery, Prefs, PrefsInput } from './schema.js';

type Row = {
  id: string; kind: string; title: string; body: string; account_id: string | null; account_name: string | null;
  link: string | null; read_at: Date | null; created_at: Date; sort_value: string;
};

const toDto = (r: Row): NotificationDto => ({
  id: r.id, kind: r.kind, title: r.title, body: r.body, accountId: r.account_id, accountName: r.account_name, link: r.link,
  readAt: r.read_at?.toISOString() ?? null, createdAt: r.created_at.toISOString(),
});

/** No row = the defaults of notification_prefs. */
export const DEFAULT_PREFS: Prefs = { inApp: true, email: true, slack: false, slackWebhookUrl: null, digest: true };

/** The bell (a user's in-app notifications), channel settings and the daily digest. */
export function createNotificationService(deps: WorkDeps) {
  const { database, outbox } = deps;

  const unreadCount = async (userId: string) => {
    const { rows } = await database.query<{ n: number }>('SELECT count(*)::int AS n FROM notifications WHERE user_id = $1 AND read_at IS NULL', [userId]);
    return rows[0]?.n ?? 0;
  };

  return {
    digest: createDigest(database, outbox),
    unreadCount,

    /** A user's notifications, newest first (keyset-paged), and how many are unread. */
    async list(userId: string, q: NotificationListQuery): Promise<{ items: NotificationDto[]; nextCursor: string | null; unreadCount: number }> {
      const values: unknown[] = [userId];
      const param = (v: unknown) => `$${values.push(v)}`;
      const where = ['n.user_id = $1'];
      if (q.unread === 'true') where.push('n.read_at IS NULL');
      if (q.cursor) {
        const [at, id] = decodeCursor(q.cursor, timestampUuid);
        where.push(`(n.created_at, n.id) < (${param(at)}::timestamptz, ${param(id)}::uuid)`);
      }
      const { rows } = await database.query<Row>(
        `SELECT n.id, n.kind, n.title, n.body, n.account_id, a.name AS account_name, n.link, n.read_at, n.created_at, n.created_at::text AS sort_value
           FROM notifications n LEFT JOIN accounts a ON a.id = n.account_id
          WHERE ${where.join(' AND ')} ORDER BY n.created_at DESC, n.id DESC LIMIT ${param(q.limit + 1)}`,
        values,
      );
      const page = rows.slice(0, q.limit);
      const last = page[page.length - 1];
      return {
        items: page.map(toDto),
        nextCursor: rows.length > q.limit && last ? encodeCursor([last.sort_value, last.id]) : null,
        unreadCount: await unreadCount(userId),
      };
    },

    /** Marks one of the user's notifications read (again is harmless). */
    async markRead(userId: string, id: string): Promise<{ unreadCount: number }> {
      const { rowCount } = await database.query(
        'UPDATE notifications SET read_at = coalesce(read_at, now()) WHERE id = $1 AND user_id = $2',
        [id, userId],
      );
      if (rowCount === 0) throw new AppError('notification.not_found');
      return { unreadCount: await unreadCount(userId) };
    },

    async markAllRead(userId: string): Promise<{ updated: number; unreadCount: number }> {
      const { rowCount } = await database.query('UPDATE notifications SET read_at = now() WHERE user_id = $1 AND read_at IS NULL', [userId]);
      return { updated: rowCount, unreadCount: 0 };
    },

    async getPrefs(userId: string): Promise<Prefs> {
      const { rows } = await database.query<{ in_app: boolean; email: boolean; slack: boolean; slack_webhook_url: string | null; digest: boolean }>(
        'SELECT in_app, email, slack, slack_webhook_url, digest FROM notification_prefs WHERE user_id = $1',
        [userId],
      );
      const r = rows[0];
      return r ? { inApp: r.in_app, email: r.email, slack: r.slack, slackWebhookUrl: r.slack_webhook_url, digest: r.digest } : { ...DEFAULT_PREFS };
    },

    /**
     * Replaces the user's channel settings. A Slack URL is checked now (scheme, literal addresses,
     * the allow-list) and again, after DNS, at every send. The URL is a credential: the audit log
     * only records whether one is set.
     */
    async putPrefs(userId: string, input: PrefsInput, actor: Actor): Promise<Prefs> {
      const url = input.slackWebhookUrl ?? null;
      if (url) checkUrlAtSave(url, await outbox.allowlist.current(), 'slackWebhookUrl');
      const prefs: Prefs = { inApp: input.inApp, email: input.email, slack: input.slack, slackWebhookUrl: url, digest: input.digest };
      await database.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO notification_prefs (user_id, in_app, email, slack, slack_webhook_url, digest) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (user_id) DO UPDATE SET in_app = EXCLUDED.in_app, email = EXCLUDED.email, slack = EXCLUDED.slack,
             slack_webhook_url = EXCLUDED.slack_webhook_url, digest = EXCLUDED.digest, updated_at = now()`,
          [userId, prefs.inApp, prefs.email, prefs.slack, url, prefs.digest],
        );
        await recordAuditRaw(tx, actor, [{
          action: 'notification_prefs.update', objectType: 'user', objectId: userId,
          changes: { inApp: prefs.inApp, email: prefs.email, slack: prefs.slack, slackWebhookUrl: url ? '[set]' : null, digest: prefs.digest },
        }]);
      });
      return prefs;
    },
  };
}
export type NotificationService = ReturnType<typeof createNotificationService>;
