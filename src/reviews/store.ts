// SQL of churn and downgrade reviews: the review rows (with the earliest signal of their lookback)
// and the account's story over the lookback. The windows are computed in UTC: from the midnight
// `lookback_days` before the loss day to the midnight after it.
import type { Ownable } from '../auth/policy.js';
import type { Queryable } from '../db/connect.js';
import type { Review } from './schema.js';

type Row = {
  id: string; account_id: string; account_name: string; account_owner_id: string | null; account_team_id: string | null;
  kind: Review['kind']; outcome_id: string | null; loss_on: string; arr_lost: string | number | null; lookback_days: number;
  status: Review['status']; root_causes: string[]; conclusion: string | null; could_have_seen: Review['couldHaveSeen'];
  owner_id: string | null; owner_name: string | null; concluded_by: string | null; concluded_by_name: string | null;
  concluded_at: Date | string | null; created_at: Date | string; updated_at: Date | string;
  first_kind: string | null; first_label: string | null; first_at: Date | string | null;
};

/** The start and the (exclusive) end of a review's lookback, as SQL over the alias `r`. */
export const WINDOW_FROM = `((r.loss_on - r.lookback_days)::timestamp AT TIME ZONE 'UTC')`;
export const WINDOW_TO = `((r.loss_on + 1)::timestamp AT TIME ZONE 'UTC')`;
/** A signal in the story: started within the lookback, or open (or still running) at its start. */
export const SIGNAL_IN_WINDOW = `s.withdrawn_at IS NULL AND s.started_at < ${WINDOW_TO} AND (s.started_at >= ${WINDOW_FROM} OR s.ended_at IS NULL OR s.ended_at >= ${WINDOW_FROM})`;

export const REVIEW_SELECT = `
  SELECT r.id, r.account_id, a.name AS account_name, a.owner_id AS account_owner_id, a.team_id AS account_team_id,
         r.kind, r.outcome_id, r.loss_on::text AS loss_on, r.arr_lost, r.lookback_days, r.status, r.root_causes, r.conclusion,
         r.could_have_seen, r.owner_id, ou.name AS owner_name, r.concluded_by, cu.name AS concluded_by_name, r.concluded_at,
         r.created_at, r.updated_at, f.kind AS first_kind, f.label AS first_label, f.started_at AS first_at
    FROM churn_reviews r
    JOIN accounts a ON a.id = r.account_id
    LEFT JOIN users ou ON ou.id = r.owner_id
    LEFT JOIN users cu ON cu.id = r.concluded_by
    LEFT JOIN LATERAL (
      SELECT s.kind, d.label, s.started_at FROM risk_signals s JOIN signal_definitions d ON d.kind = s.kind
       WHERE s.account_id = r.account_id AND ${SIGNAL_IN_WINDOW}
       ORDER BY s.started_at, s.id LIMIT 1) f ON true`;

const iso = (v: Date | string | null) => (v === null ? null : (v instanceof Date ? v : new Date(v)).toISOString());
const DAY_MS = 86_400_000;

export type LoadedReview = { review: Review; account: Ownable };

export function toLoaded(r: Row): LoadedReview {
  const firstAt = iso(r.first_at);
  const lossDay = Date.parse(`${r.loss_on}T00:00:00Z`);
  return {
    review: {
      id: r.id, accountId: r.account_id, account: { id: r.account_id, name: r.account_name }, kind: r.kind, outcomeId: r.outcome_id,
      lossOn: r.loss_on, arrLost: r.arr_lost === null ? null : Number(r.arr_lost), lookbackDays: r.lookback_days, status: r.status,
      rootCauses: r.root_causes, conclusion: r.conclusion, couldHaveSeen: r.could_have_seen,
      owner: r.owner_id ? { id: r.owner_id, name: r.owner_name ?? '' } : null,
      concludedBy: r.concluded_by ? { id: r.concluded_by, name: r.concluded_by_name ?? '' } : null,
      concludedAt: iso(r.concluded_at), createdAt: iso(r.created_at) ?? '', updatedAt: iso(r.updated_at) ?? '',
      earliestSignal: firstAt && r.first_kind
        ? { kind: r.first_kind, label: r.first_label ?? r.first_kind, at: firstAt,
            leadDays: Math.max(0, Math.round((lossDay - Math.floor(Date.parse(firstAt) / DAY_MS) * DAY_MS) / DAY_MS)) }
        : null,
    },
    account: { ownerId: r.account_owner_id, teamId: r.account_team_id },
  };
}

export async function loadReview(db: Queryable, id: string): Promise<LoadedReview | null> {
  const { rows } = await db.query<Row>(`${REVIEW_SELECT} WHERE r.id = $1`, [id]);
  return rows[0] ? toLoaded(rows[0]) : null;
}

export async function queryReviews(db: Queryable, where: string[], values: unknown[], limit: number): Promise<LoadedReview[]> {
  const { rows } = await db.query<Row>(
    `${REVIEW_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY r.loss_on DESC, r.id DESC LIMIT ${Math.trunc(limit)}`,
    values,
  );
  return rows.map(toLoaded);
}
