import type { Database } from '../db/connect.js';
import type { Outbox } from './outbox.js';
import { notify } from './notify.js';

type Row = {
  user_id: string; account_id: string; account_name: string; arr: string | number; band: string | null;
  kind: string; source: string; title: string; reason: string; due_at: Date | null; overdue: boolean;
};
type AccountNeed = { id: string; name: string; arr: number; band: string | null; calls: string[]; overdue: string[] };

const ARR = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const MAX_ACCOUNTS = 25;
const day = (d: Date) => d.toISOString().slice(0, 10);

/** The digest text for one user (pure): accounts by ARR, each with why it needs a call today. */
export function digestBody(accounts: AccountNeed[], today: string): { title: string; body: string } {
  const sorted = [...accounts].sort((a, b) => b.arr - a.arr || a.name.localeCompare(b.name));
  const n = sorted.length;
  const lines = [`Accounts that need you today (${today}):`, ''];
  for (const a of sorted.slice(0, MAX_ACCOUNTS)) {
    lines.push(`• ${a.name} — ARR ${ARR.format(a.arr)} — health ${a.band ?? 'no data'}`);
    for (const c of a.calls) lines.push(`  - Call: ${c}`);
    for (const o of a.overdue) lines.push(`  - Overdue: ${o}`);
  }
  if (n > MAX_ACCOUNTS) lines.push('', `…and ${n - MAX_ACCOUNTS} more in your inbox.`);
  return { title: `Daily digest: ${n} ${n === 1 ? 'account needs' : 'accounts need'} you today`, body: lines.join('\n') };
}

/**
 * The daily digest: for every active user with the digest on, the accounts that need a call today
 * (open call tasks assigned to them, due by the end of the day; "call them" recommendations carry
 * their reason) and the accounts with overdue tasks. One notification per user and UTC day
 * (dedupe key digest:<day>), on the channels the user picked. Nobody with nothing to do gets one.
 */
export function createDigest(database: Database, outbox: Outbox) {
  return {
    async run(now: Date = new Date()): Promise<{ users: number; accounts: number }> {
      const endOfDay = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
      const { rows } = await database.query<Row>(
        `SELECT t.assignee_user_id AS user_id, a.id AS account_id, a.name AS account_name, a.arr, h.band,
                t.kind, t.source, t.title, t.reason, t.due_at, (t.due_at IS NOT NULL AND t.due_at < $1) AS overdue
           FROM tasks t
           JOIN users u ON u.id = t.assignee_user_id AND u.active
           JOIN accounts a ON a.id = t.account_id
           LEFT JOIN account_health_effective h ON h.account_id = a.id
           LEFT JOIN notification_prefs p ON p.user_id = u.id
          WHERE t.status = 'open' AND coalesce(p.digest, true)
            AND (t.snoozed_until IS NULL OR t.snoozed_until <= $1)
            AND ((t.kind = 'call' AND (t.due_at IS NULL OR t.due_at < $2)) OR t.due_at < $1)
          ORDER BY t.assignee_user_id, t.priority, t.due_at NULLS LAST, t.created_at`,
        [now, endOfDay],
      );
      const byUser = new Map<string, Map<string, AccountNeed>>();
      for (const r of rows) {
        const accounts = byUser.get(r.user_id) ?? new Map<string, AccountNeed>();
        byUser.set(r.user_id, accounts);
        const a = accounts.get(r.account_id) ?? { id: r.account_id, name: r.account_name, arr: Number(r.arr), band: r.band, calls: [], overdue: [] };
        accounts.set(r.account_id, a);
        if (r.kind === 'call' && !r.overdue) a.calls.push(r.reason.trim() || r.title);
        else a.overdue.push(`${r.title}${r.due_at ? ` (due ${day(r.due_at)})` : ''}${r.kind === 'call' && r.reason.trim() ? ` — ${r.reason.trim()}` : ''}`);
      }
      const today = day(now);
      let accountsTotal = 0;
      let queued = 0;
      for (const [userId, accounts] of byUser) {
        const list = [...accounts.values()];
        accountsTotal += list.length;
        const { title, body } = digestBody(list, today);
        queued += await database.transaction((tx) =>
          notify(tx, { userIds: [userId], kind: 'digest', title, body, link: '/inbox', dedupeKey: `digest:${today}` }),
        );
      }
      if (queued > 0) await outbox.wake();
      return { users: byUser.size, accounts: accountsTotal };
    },
  };
}
