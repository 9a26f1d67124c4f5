import type { Queryable } from '../db/connect.js';
import type { ShareState } from './share-schema.js';

/* SQL of shared plan links (migration 0014): links by token hash, their views and the comments left through them. */

type Stamp = Date | string;
const iso = (v: Stamp) => (v instanceof Date ? v : new Date(v)).toISOString();
const isoOrNull = (v: Stamp | null) => (v === null ? null : iso(v));

/** A browser's User-Agent as kept: at most 300 characters, without what text cannot hold. */
export const USER_AGENT_MAX = 300;
export function keptUserAgent(ua: string | string[] | undefined): string | null {
  const s = Array.isArray(ua) ? ua[0] : ua;
  if (!s) return null;
  // eslint-disable-next-line no-control-regex
  const clean = s.replace(/[\u0000-\u001f\u007f]/g, '').replace(/\p{Surrogate}/gu, '').slice(0, USER_AGENT_MAX);
  return clean || null;
}

export type LiveShare = { id: string; planId: string; accountId: string; allowCustomerUpdates: boolean; expiresAt: string | null };
type ShareRow = { id: string; plan_id: string; account_id: string; allow_customer_updates: boolean; expires_at: Stamp | null; created_at: Stamp };

/** Revokes the plan's live link (if any) and inserts the new one, in the caller's transaction. Returns the new row and how many it replaced. */
export async function insertShare(
  tx: Queryable,
  s: { planId: string; tokenHash: string; createdBy: string | null; expiresAt: string | null; allowCustomerUpdates: boolean },
): Promise<{ createdAt: string; expiresAt: string | null; replaced: number }> {
  const revoked = await tx.query('UPDATE plan_shares SET revoked_at = now(), revoked_by = $2 WHERE plan_id = $1 AND revoked_at IS NULL', [s.planId, s.createdBy]);
  const { rows } = await tx.query<{ created_at: Stamp; expires_at: Stamp | null }>(
    `INSERT INTO plan_shares (plan_id, token_hash, created_by, expires_at, allow_customer_updates) VALUES ($1, $2, $3, $4, $5)
     RETURNING created_at, expires_at`,
    [s.planId, s.tokenHash, s.createdBy, s.expiresAt, s.allowCustomerUpdates],
  );
  const r = rows[0];
  if (!r) throw new Error('insert returned no row');
  return { createdAt: iso(r.created_at), expiresAt: isoOrNull(r.expires_at), replaced: revoked.rowCount };
}

/** Revokes the plan's live link; the number revoked (0 or 1). */
export async function revokeShares(tx: Queryable, planId: string, by: string | null): Promise<number> {
  const { rowCount } = await tx.query('UPDATE plan_shares SET revoked_at = now(), revoked_by = $2 WHERE plan_id = $1 AND revoked_at IS NULL', [planId, by]);
  return rowCount;
}

/** The live link with this token hash: not revoked and not expired at `now`. */
export async function findLiveShare(db: Queryable, tokenHash: string, now: Date): Promise<LiveShare | null> {
  const { rows } = await db.query<ShareRow>(
    `SELECT s.id, s.plan_id, p.account_id, s.allow_customer_updates, s.expires_at, s.created_at
       FROM plan_shares s JOIN success_plans p ON p.id = s.plan_id
      WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND (s.expires_at IS NULL OR s.expires_at > $2)`,
    [tokenHash, now.toISOString()],
  );
  const r = rows[0];
  return r ? { id: r.id, planId: r.plan_id, accountId: r.account_id, allowCustomerUpdates: r.allow_customer_updates, expiresAt: isoOrNull(r.expires_at) } : null;
}

export async function recordView(db: Queryable, shareId: string, userAgent: string | null): Promise<void> {
  await db.query('INSERT INTO plan_share_views (share_id, user_agent) VALUES ($1, $2)', [shareId, userAgent]);
}

const VIEWS_SHOWN = 50;
const COMMENTS_SHOWN = 200;

/** What the CSM sees of the plan's sharing: the latest link, views through any link, comments. */
export async function loadShareState(db: Queryable, planId: string): Promise<ShareState> {
  const link = db.query<{ created_at: Stamp; expires_at: Stamp | null; allow_customer_updates: boolean; revoked_at: Stamp | null }>(
    'SELECT created_at, expires_at, allow_customer_updates, revoked_at FROM plan_shares WHERE plan_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1',
    [planId],
  );
  const views = db.query<{ at: Stamp; user_agent: string | null; link_created_at: Stamp }>(
    `SELECT v.at, v.user_agent, s.created_at AS link_created_at FROM plan_share_views v JOIN plan_shares s ON s.id = v.share_id
      WHERE s.plan_id = $1 ORDER BY v.at DESC, v.id DESC LIMIT ${VIEWS_SHOWN}`,
    [planId],
  );
  const counts = db.query<{ n: number; last: Stamp | null }>(
    'SELECT count(*)::int AS n, max(v.at) AS last FROM plan_share_views v JOIN plan_shares s ON s.id = v.share_id WHERE s.plan_id = $1',
    [planId],
  );
  const comments = db.query<{ id: string; contact_name: string; body: string; goal_id: string | null; created_at: Stamp }>(
    `SELECT id, contact_name, body, goal_id, created_at FROM plan_comments WHERE plan_id = $1 ORDER BY created_at DESC, id DESC LIMIT ${COMMENTS_SHOWN}`,
    [planId],
  );
  const [l, v, c, m] = await Promise.all([link, views, counts, comments]);
  const latest = l.rows[0];
  return {
    link: latest
      ? { createdAt: iso(latest.created_at), expiresAt: isoOrNull(latest.expires_at), allowCustomerUpdates: latest.allow_customer_updates, revokedAt: isoOrNull(latest.revoked_at) }
      : null,
    views: v.rows.map((r) => ({ at: iso(r.at), userAgent: r.user_agent, linkCreatedAt: iso(r.link_created_at) })),
    viewCount: c.rows[0]?.n ?? 0,
    lastViewedAt: isoOrNull(c.rows[0]?.last ?? null),
    comments: m.rows.map((r) => ({ id: r.id, contactName: r.contact_name, body: r.body, goalId: r.goal_id, createdAt: iso(r.created_at) })),
  };
}

/** The account's contacts that have a name (the page lists people by name only). */
export async function namedContacts(db: Queryable, accountId: string): Promise<{ id: string; name: string }[]> {
  const { rows } = await db.query<{ id: string; name: string }>(
    "SELECT id, name FROM contacts WHERE account_id = $1 AND nullif(trim(name), '') IS NOT NULL ORDER BY lower(name), id LIMIT 500",
    [accountId],
  );
  return rows;
}

/** Comments left through one link, newest first. */
export async function linkComments(db: Queryable, shareId: string) {
  const { rows } = await db.query<{ contact_name: string; body: string; goal_id: string | null; created_at: Stamp }>(
    `SELECT contact_name, body, goal_id, created_at FROM plan_comments WHERE share_id = $1 ORDER BY created_at DESC, id DESC LIMIT ${COMMENTS_SHOWN}`,
    [shareId],
  );
  return rows.map((r) => ({ contactName: r.contact_name, body: r.body, goalId: r.goal_id, createdAt: iso(r.created_at) }));
}

export async function insertComment(
  tx: Queryable,
  c: { planId: string; shareId: string; contactId: string; contactName: string; goalId: string | null; body: string },
): Promise<{ id: string; createdAt: string }> {
  const { rows } = await tx.query<{ id: string; created_at: Stamp }>(
    `INSERT INTO plan_comments (plan_id, share_id, contact_id, contact_name, goal_id, body) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, created_at`,
    [c.planId, c.shareId, c.contactId, c.contactName, c.goalId, c.body],
  );
  const r = rows[0];
  if (!r) throw new Error('insert returned no row');
  return { id: r.id, createdAt: iso(r.created_at) };
}
