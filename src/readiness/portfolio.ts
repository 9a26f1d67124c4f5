import type { Ownable } from '../auth/policy.js';
import { decodeCursor, encodeCursor } from '../http/cursor.js';
import { z } from 'zod';
import { QUADRANTS, quadrant, type Quadrant, type Thresholds } from './quadrant.js';
import type { AccountLatestRow } from './store.js';

/**
 * The portfolio's readiness: the summary (accounts and ARR per quadrant) and the accounts behind
 * its numbers, both from the same rows (`accountsLatestCheckIn`: active accounts, as the
 * portfolio counts them by default) and the same quadrant rule, filtered by the same read check —
 * so the list's count per quadrant is the summary's. Pure: no I/O.
 */

export const SUMMARY_SCOPE = 'active accounts' as const;
export type QuadrantFilter = Quadrant | 'none';

/** An account's quadrant: that of its most recent check-in on an active initiative, null without one. */
export const latestQuadrant = (r: AccountLatestRow | undefined, thresholds: Thresholds): Quadrant | null =>
  r && r.importance !== null && r.confidence !== null ? quadrant(r.importance, r.confidence, thresholds) : null;

export function summarize(rows: AccountLatestRow[], thresholds: Thresholds, mayRead: (a: Ownable) => boolean) {
  const per = new Map<Quadrant, { accounts: number; arr: number }>(QUADRANTS.map((q) => [q, { accounts: 0, arr: 0 }]));
  const none = { accounts: 0, arr: 0 };
  for (const r of rows) {
    if (!mayRead({ ownerId: r.owner_id, teamId: r.team_id })) continue;
    const q = latestQuadrant(r, thresholds);
    const bucket = q === null ? none : per.get(q);
    if (!bucket) continue;
    bucket.accounts += 1;
    bucket.arr += r.arr;
  }
  return { quadrants: QUADRANTS.map((q) => ({ quadrant: q, ...(per.get(q) ?? { accounts: 0, arr: 0 }) })), noCheckIn: none, thresholds, scope: SUMMARY_SCOPE };
}

/** The keyset of the list: ARR descending, then name, then id. */
const cursorTuple = z.tuple([z.number(), z.string(), z.uuid()]);
const before = (a: AccountLatestRow, b: [number, string, string]) =>
  a.arr !== b[0] ? a.arr > b[0] : a.account_name !== b[1] ? a.account_name < b[1] : a.account_id < b[2];
const order = (a: AccountLatestRow, b: AccountLatestRow) =>
  b.arr - a.arr || (a.account_name < b.account_name ? -1 : a.account_name > b.account_name ? 1 : 0) || (a.account_id < b.account_id ? -1 : a.account_id > b.account_id ? 1 : 0);

export function accountsIn(rows: AccountLatestRow[], thresholds: Thresholds, mayRead: (a: Ownable) => boolean, q: { quadrant: QuadrantFilter; limit: number; cursor?: string | undefined }) {
  const after = q.cursor ? decodeCursor(q.cursor, cursorTuple) : null;
  const matching = rows.filter((r) => {
    if (!mayRead({ ownerId: r.owner_id, teamId: r.team_id })) return false;
    const quad = latestQuadrant(r, thresholds);
    return (quad ?? 'none') === q.quadrant && (!after || !before(r, after) && !(r.arr === after[0] && r.account_name === after[1] && r.account_id === after[2]));
  }).sort(order);
  const page = matching.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => {
      const quad = latestQuadrant(r, thresholds);
      return {
        accountId: r.account_id, accountName: r.account_name, arr: r.arr, ownerName: r.owner_name, quadrant: quad,
        latest: quad !== null && r.initiative_id && r.initiative_title !== null && r.at !== null && r.importance !== null && r.confidence !== null
          ? { initiativeId: r.initiative_id, initiativeTitle: r.initiative_title, importance: r.importance, confidence: r.confidence, at: new Date(r.at).toISOString() }
          : null,
      };
    }),
    nextCursor: matching.length > q.limit && last ? encodeCursor([last.arr, last.account_name, last.account_id]) : null,
  };
}
