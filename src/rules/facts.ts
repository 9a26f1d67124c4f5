import type { Queryable } from '../db/connect.js';
import type { Facts } from './evaluate.js';

type Band = 'good' | 'watch' | 'poor';
const ACCOUNT_FIELDS = ['stage', 'segment', 'arr', 'renewalDate', 'ownerId', 'seats', 'domain', 'name', 'teamId'];

/**
 * Facts for a chunk of accounts in four set-based queries: the account with its effective health
 * (a valid override, else computed: view account_health_effective) and drivers, health moves within the window, last-seen days of the referenced events, and (when
 * asked) field changes from the audit log.
 */
export async function loadFacts(
  q: Queryable, accountIds: string[], need: { events: string[]; windowDays: number; fieldHistory: boolean; autopilot?: boolean; plans?: boolean; seeds?: boolean }, now: Date,
): Promise<Map<string, Facts & { name: string; ownerId: string | null }>> {
  const out = new Map<string, Facts & { name: string; ownerId: string | null }>();
  if (accountIds.length === 0) return out;
  const { rows } = await q.query<{ id: string; name: string; stage: string; segment: string | null; arr: string | number; renewal_date: string | null; seats: number | null; domain: string | null; custom: Record<string, unknown>; owner_id: string | null; score: number | null; band: Band | null; source: 'override' | 'computed' | null; computed_score: number | null; drivers: { items?: { key: string; value: number | null; score: number | null }[] } | null }>(
    `SELECT a.id, a.name, a.stage, a.segment, a.arr, a.renewal_date::text AS renewal_date, a.seats, a.domain, a.custom, a.owner_id,
            h.score, h.band, h.source, h.computed_score, h.drivers
       FROM accounts a LEFT JOIN account_health_effective h ON h.account_id = a.id WHERE a.id = ANY ($1::uuid[])`,
    [accountIds],
  );
  for (const r of rows) {
    const drivers: Facts['drivers'] = {};
    for (const d of r.drivers?.items ?? []) drivers[d.key] = { value: d.value, score: d.score };
    out.set(r.id, {
      accountId: r.id, name: r.name, ownerId: r.owner_id, stage: r.stage, segment: r.segment, arr: Number(r.arr), renewalDate: r.renewal_date,
      fields: { seats: r.seats, domain: r.domain, custom: r.custom, name: r.name },
      health: { score: r.score, band: r.band, overridden: r.source === 'override', computedScore: r.computed_score }, drivers, changes: [], eventLastSeen: Object.fromEntries(need.events.map((e) => [e, null])), fieldChangedAt: {},
    });
  }
  const since = new Date(now.getTime() - Math.max(1, need.windowDays) * 86_400_000).toISOString();
  if (need.windowDays > 0) {
    const { rows: moves } = await q.query<{ account_id: string; at: Date; from_score: number | null; to_score: number | null; to_band: Band | null }>(
      `SELECT account_id, at, from_score, to_score, to_band FROM health_changes
        WHERE account_id = ANY ($1::uuid[]) AND at >= $2 AND at <= $3 ORDER BY at DESC, id DESC`,
      [accountIds, since, now.toISOString()],
    );
    for (const m of moves) out.get(m.account_id)?.changes.push({ at: new Date(m.at), fromScore: m.from_score, toScore: m.to_score, toBand: m.to_band });
  }
  if (need.events.length > 0) {
    const { rows: seen } = await q.query<{ account_id: string; event: string; last: string }>(
      `SELECT account_id, event, max(day)::text AS last FROM usage_daily
        WHERE account_id = ANY ($1::uuid[]) AND event = ANY ($2::text[]) AND day <= $3::date GROUP BY 1, 2`,
      [accountIds, need.events, now.toISOString().slice(0, 10)],
    );
    for (const s of seen) {
      const f = out.get(s.account_id);
      if (f) f.eventLastSeen[s.event] = s.last;
    }
  }
  if (need.autopilot) {
    for (const f of out.values()) f.autopilot = false;
    const { rows: ap } = await q.query<{ account_id: string }>(
      'SELECT account_id FROM account_autopilot WHERE account_id = ANY ($1::uuid[]) AND on_autopilot', [accountIds]);
    for (const a of ap) {
      const f = out.get(a.account_id);
      if (f) f.autopilot = true;
    }
  }
  if (need.plans) {
    for (const f of out.values()) f.planStatuses = [];
    const { rows: plans } = await q.query<{ account_id: string; status: string }>(
      'SELECT account_id, status FROM success_plans WHERE account_id = ANY ($1::uuid[])', [accountIds]);
    for (const p of plans) out.get(p.account_id)?.planStatuses?.push(p.status);
  }
  if (need.seeds) {
    for (const f of out.values()) f.seedStages = {};
    const { rows: seeds } = await q.query<{ account_id: string; stage: string; n: number }>(
      'SELECT account_id, stage, count(*)::int AS n FROM seeds WHERE account_id = ANY ($1::uuid[]) GROUP BY 1, 2', [accountIds]);
    for (const s of seeds) {
      const stages = out.get(s.account_id)?.seedStages;
      if (stages) stages[s.stage] = s.n;
    }
  }
  if (need.fieldHistory) {
    const { rows: audits } = await q.query<{ object_id: string; at: Date; changes: Record<string, { from?: unknown; to?: unknown }> | null }>(
      `SELECT object_id, at, changes FROM audit_log
        WHERE object_type = 'account' AND action IN ('account.update', 'update') AND object_id = ANY ($1::text[]) AND at >= $2 ORDER BY at`,
      [accountIds, since],
    );
    for (const a of audits) {
      const f = out.get(a.object_id);
      if (!f || !a.changes) continue;
      for (const [k, v] of Object.entries(a.changes)) {
        if (k === 'custom' && v && typeof v === 'object') {
          const from = (v.from ?? {}) as Record<string, unknown>;
          const to = (v.to ?? {}) as Record<string, unknown>;
          for (const key of new Set([...Object.keys(from), ...Object.keys(to)])) {
            if (JSON.stringify(from[key]) !== JSON.stringify(to[key])) f.fieldChangedAt[`custom.${key}`] = new Date(a.at);
          }
        } else if (ACCOUNT_FIELDS.includes(k)) {
          f.fieldChangedAt[k] = new Date(a.at);
        }
      }
    }
  }
  return out;
}
