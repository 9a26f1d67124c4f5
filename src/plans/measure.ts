import type { Queryable } from '../db/connect.js';
import type { MetricSpec } from './schema.js';

/*
 * Measuring driver and metric criteria from the same data as health. A driver criterion's value
 * is the driver's value for the account as health computed it; a metric criterion's is read from
 * usage_daily over its window (to today, UTC). Each measurement upserts one 'measured' row per
 * criterion per UTC day (the last of the day), so the chart keeps the path and a day stays one point.
 * A driver with no value (no data) writes nothing: the criterion keeps "no data", never 0.
 */

/** Driver values per account as health just computed them: accountId → driverId → value. */
export type DriverValues = Map<string, Map<string, number | null>>;

type Row = { id: string; kind: 'driver' | 'metric'; account_id: string; driver_id: string | null; metric: MetricSpec | null; plan_id: string };

/**
 * Measures the driver and metric criteria of the plans of these accounts (or only the given
 * criteria) and returns the plans whose criteria were measured. Without `driverValues` a driver
 * criterion reads the account's stored health (account_health.drivers), e.g. right after it is created.
 */
export async function measureCriteria(
  tx: Queryable,
  scope: { accountIds: string[] } | { criterionIds: string[] },
  driverValues: DriverValues | null,
  now = new Date(),
): Promise<string[]> {
  const byAccount = 'accountIds' in scope;
  const ids = byAccount ? scope.accountIds : scope.criterionIds;
  if (ids.length === 0) return [];
  const { rows } = await tx.query<Row>(
    `SELECT c.id, c.kind, p.account_id, c.driver_id, c.metric, p.id AS plan_id
       FROM plan_criteria c JOIN plan_goals g ON g.id = c.goal_id JOIN success_plans p ON p.id = g.plan_id
      WHERE c.kind IN ('driver', 'metric') AND ${byAccount ? 'p.account_id' : 'c.id'} = ANY ($1::uuid[])`,
    [ids],
  );
  if (rows.length === 0) return [];
  const day = now.toISOString().slice(0, 10);
  const values = new Map<string, number>();

  const drivers = rows.filter((r) => r.kind === 'driver' && r.driver_id !== null);
  const missing = drivers.filter((r) => !driverValues?.get(r.account_id)?.has(r.driver_id ?? ''));
  for (const r of drivers) {
    const v = driverValues?.get(r.account_id)?.get(r.driver_id ?? '');
    if (v !== undefined && v !== null && Number.isFinite(v)) values.set(r.id, v);
  }
  if (missing.length > 0) {
    const { rows: stored } = await tx.query<{ id: string; value: number | null }>(
      `SELECT x.id, (SELECT CASE WHEN jsonb_typeof(i -> 'value') = 'number' THEN (i ->> 'value')::float8 END
                       FROM account_health h, jsonb_array_elements(h.drivers -> 'items') i
                      WHERE h.account_id = x.account_id AND i ->> 'id' = x.driver_id::text LIMIT 1) AS value
         FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, account_id uuid, driver_id uuid)`,
      [JSON.stringify(missing.map((r) => ({ id: r.id, account_id: r.account_id, driver_id: r.driver_id })))],
    );
    for (const s of stored) if (s.value !== null && Number.isFinite(s.value)) values.set(s.id, s.value);
  }

  const metrics = rows.filter((r) => r.kind === 'metric' && r.metric !== null);
  if (metrics.length > 0) {
    const { rows: measured } = await tx.query<{ id: string; value: number }>(
      `SELECT x.id,
              CASE x.measure
                WHEN 'count' THEN (SELECT coalesce(sum(u.count), 0)::float8 FROM usage_daily u
                                    WHERE u.account_id = x.account_id AND u.event = x.event AND u.day > $2::date - x.window_days AND u.day <= $2::date)
                WHEN 'active_days' THEN (SELECT count(*)::float8 FROM usage_daily u
                                    WHERE u.account_id = x.account_id AND u.event = x.event AND u.count > 0 AND u.day > $2::date - x.window_days AND u.day <= $2::date)
                ELSE (SELECT count(DISTINCT u.user_key)::float8 FROM usage_daily_users u
                                    WHERE u.account_id = x.account_id AND u.event = x.event AND u.day > $2::date - x.window_days AND u.day <= $2::date)
              END AS value
         FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, account_id uuid, event text, measure text, window_days int)`,
      [JSON.stringify(metrics.map((r) => ({ id: r.id, account_id: r.account_id, event: r.metric?.event, measure: r.metric?.measure, window_days: r.metric?.windowDays }))), day],
    );
    for (const m of measured) values.set(m.id, Number(m.value));
  }

  if (values.size === 0) return [];
  await tx.query(
    `INSERT INTO plan_criterion_values (criterion_id, at, day, value, source)
     SELECT x.id, $2::timestamptz, $3::date, x.value, 'measured' FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, value float8)
     ON CONFLICT (criterion_id, day) WHERE source = 'measured' DO UPDATE SET value = EXCLUDED.value, at = EXCLUDED.at`,
    [JSON.stringify([...values].map(([id, value]) => ({ id, value }))), now.toISOString(), day],
  );
  return [...new Set(rows.filter((r) => values.has(r.id)).map((r) => r.plan_id))];
}
