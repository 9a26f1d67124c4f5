// The episodes pattern mining reads: every loss (a review; a second review of the same account and
// kind within 30 days of an earlier one is the same loss, counted once) and every retained episode
// (a renewed, expanded or retained outcome; an account not churned with neither a loss nor a renewal, up to
// now), each with the first start of every signal kind within the lookback before its end.
import type { Queryable } from '../db/connect.js';
import type { Episode } from './patterns.js';

type Row = { side: 'loss' | 'retained'; id: string; end_at: Date | string; kind: string | null; started_at: Date | string | null };

export async function loadEpisodes(db: Queryable, lookbackDays: number, now: Date): Promise<{ losses: Episode[]; retained: Episode[] }> {
  const { rows } = await db.query<Row>(
    `WITH episodes AS (
       SELECT 'loss' AS side, r.id, r.account_id, ((r.loss_on + 1)::timestamp AT TIME ZONE 'UTC') AS end_at
         FROM churn_reviews r
        WHERE NOT EXISTS (SELECT 1 FROM churn_reviews e WHERE e.account_id = r.account_id AND e.kind = r.kind
                             AND e.loss_on < r.loss_on AND e.loss_on >= r.loss_on - 30)
       UNION ALL
       SELECT 'retained', o.id, o.account_id, ((o.occurred_on + 1)::timestamp AT TIME ZONE 'UTC')
         FROM outcomes o WHERE o.kind IN ('renewed', 'expanded', 'retained')
       UNION ALL
       SELECT 'retained', a.id, a.id, $2::timestamptz
         FROM accounts a
        WHERE a.stage <> 'churned'
          AND NOT EXISTS (SELECT 1 FROM churn_reviews r WHERE r.account_id = a.id)
          AND NOT EXISTS (SELECT 1 FROM outcomes o WHERE o.account_id = a.id)
     )
     SELECT e.side, e.id, e.end_at, s.kind, min(s.started_at) AS started_at
       FROM episodes e
       LEFT JOIN risk_signals s ON s.account_id = e.account_id AND s.withdrawn_at IS NULL AND s.started_at < e.end_at
                                AND s.started_at >= e.end_at - make_interval(days => $1::int)
      GROUP BY e.side, e.id, e.end_at, s.kind
      ORDER BY e.side, e.id, s.kind`,
    [lookbackDays, now],
  );
  const byId = new Map<string, { side: Row['side']; episode: Episode }>();
  for (const r of rows) {
    let e = byId.get(`${r.side}:${r.id}`);
    if (!e) {
      e = { side: r.side, episode: { id: r.id, end: new Date(r.end_at), signals: [] } };
      byId.set(`${r.side}:${r.id}`, e);
    }
    if (r.kind !== null && r.started_at !== null) e.episode.signals.push({ kind: r.kind, startedAt: new Date(r.started_at) });
  }
  const all = [...byId.values()];
  return { losses: all.filter((e) => e.side === 'loss').map((e) => e.episode), retained: all.filter((e) => e.side === 'retained').map((e) => e.episode) };
}

export async function kindLabels(db: Queryable): Promise<Map<string, string>> {
  const { rows } = await db.query<{ kind: string; label: string }>('SELECT kind, label FROM signal_definitions');
  return new Map(rows.map((r) => [r.kind, r.label]));
}
