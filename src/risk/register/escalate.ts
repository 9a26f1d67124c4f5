import { z } from 'zod';
import type { Queryable } from '../../db/connect.js';
import { recordAuditRaw } from '../../audit/record.js';
import { notify } from '../../notifications/notify.js';
import { insertTasks } from '../../tasks/store.js';
import type { RiskLevel } from '../model.js';
import { daysUntil, escalates } from './match.js';

/**
 * High risk near a renewal escalates (seed 002: "ensure that key stakeholders are aware so they can
 * forecast", "pick up the phone"). app_settings 'risk.escalation' tunes it; a missing key is the default.
 */
export const ESCALATION_KEY = 'risk.escalation';
export const escalationSettings = z.object({
  renewalWindowDays: z.number().int().min(1).max(730),
  minLevel: z.enum(['medium', 'high', 'critical']),
}).strict();
export type EscalationSettings = z.infer<typeof escalationSettings>;
export const DEFAULT_ESCALATION: EscalationSettings = { renewalWindowDays: 90, minLevel: 'high' };

export async function readEscalationSettings(q: Queryable): Promise<EscalationSettings> {
  const { rows } = await q.query<{ value: unknown }>('SELECT value FROM app_settings WHERE key = $1', [ESCALATION_KEY]);
  if (!rows[0]) return DEFAULT_ESCALATION;
  // A value written by hand that does not parse must not stop the risk refresh: the default applies.
  const parsed = escalationSettings.partial().safeParse(rows[0].value);
  return parsed.success ? { ...DEFAULT_ESCALATION, ...parsed.data } : DEFAULT_ESCALATION;
}

const ESCALATION_ACTOR = { type: 'system' as const, id: null, label: 'risk escalation near renewal' };

export type RiskChange = { accountId: string; fromLevel: RiskLevel | null; toLevel: RiskLevel; score: number };

type Candidate = { id: string; name: string; renewal_date: string; owner_id: string | null; team_id: string | null; managers: string[]; sponsors: string[]; fallback_manager: string | null };

/**
 * After a refresh: each level that rose to `minLevel` or above with a renewal within the window
 * escalates once per account and renewal date — a "Call them" task for the owner, and notifications
 * to the managers of the account's team and to the team's exec_sponsor role (role_assignments: a
 * team's role, else the global one; never a named person picked here). When the team has no manager,
 * the manager the rules' notify action would pick (any manager, else an admin) hears instead.
 */
export async function afterRiskRefresh(tx: Queryable, changes: RiskChange[], now: Date): Promise<void> {
  if (changes.length === 0) return;
  const settings = await readEscalationSettings(tx);
  const rising = new Map<string, RiskChange>();
  for (const c of changes) if (escalates(c, settings.minLevel)) rising.set(c.accountId, c);
  if (rising.size === 0) return;
  const { rows } = await tx.query<Candidate>(
    `SELECT a.id, a.name, a.renewal_date::text AS renewal_date, a.owner_id, t.team_id,
            coalesce((SELECT array_agg(u.id ORDER BY u.id) FROM users u WHERE u.active AND u.role = 'manager' AND u.team_id = t.team_id), '{}') AS managers,
            coalesce((SELECT array_agg(ra.user_id ORDER BY ra.user_id) FROM role_assignments ra JOIN users u ON u.id = ra.user_id AND u.active
                       WHERE ra.role = 'exec_sponsor' AND ra.team_id IS NOT DISTINCT FROM
                             (SELECT r2.team_id FROM role_assignments r2 WHERE r2.role = 'exec_sponsor' AND (r2.team_id IS NULL OR r2.team_id = t.team_id)
                               ORDER BY r2.team_id NULLS LAST LIMIT 1)), '{}') AS sponsors,
            (SELECT u.id FROM users u WHERE u.active AND u.role IN ('manager', 'admin') ORDER BY (u.role = 'manager') DESC, u.name, u.id LIMIT 1) AS fallback_manager
       FROM accounts a LEFT JOIN users o ON o.id = a.owner_id
       CROSS JOIN LATERAL (SELECT coalesce(a.team_id, o.team_id) AS team_id) t
      WHERE a.id = ANY ($1::uuid[]) AND a.stage <> 'churned' AND a.renewal_date IS NOT NULL`,
    [[...rising.keys()]],
  );
  const due = rows.filter((r) => {
    const days = daysUntil(r.renewal_date, now);
    return days >= 0 && days <= settings.renewalWindowDays;
  });
  if (due.length === 0) return;
  const top = await topSignals(tx, due.map((r) => r.id));
  const tasks = await insertTasks(tx, due.map((r) => {
    const change = rising.get(r.id);
    const signals = top.get(r.id) ?? [];
    return {
      accountId: r.id,
      title: `Call ${r.name}`,
      reason: `Risk is ${change?.toLevel ?? 'high'} (${change?.score ?? 0}/100) with the renewal on ${r.renewal_date}`
        + `${signals.length ? `: ${signals.join(', ')}` : ''}. Pick up the phone before the renewal.`,
      kind: 'call' as const,
      priority: 4,
      dueAt: new Date(now.getTime() + 2 * 86_400_000),
      assigneeUserId: r.owner_id,
      source: 'recommendation' as const,
      dedupeKey: `risk.call:${r.id}:${r.renewal_date}`,
    };
  }));
  const created = tasks.filter((t) => t.created);
  const fresh = new Set(created.map((t) => t.accountId));
  await recordAuditRaw(tx, ESCALATION_ACTOR, created.map((t) => ({ action: 'create', objectType: 'task', objectId: t.id,
    changes: { title: t.title, source: 'recommendation', accountId: t.accountId, assigneeUserId: t.assigneeUserId, why: 'risk.escalation' } })));
  for (const t of created) {
    if (!t.assigneeUserId) continue;
    await notify(tx, { userIds: [t.assigneeUserId], kind: 'task.assigned', title: `Call for ${rows.find((r) => r.id === t.accountId)?.name ?? 'an account'}: ${t.title}`,
      body: 'High risk close to the renewal: pick up the phone.', accountId: t.accountId, link: `/accounts/${t.accountId}`, dedupeKey: `task:${t.id}:assigned` });
  }
  for (const r of due) {
    if (!fresh.has(r.id)) continue; // escalated already for this renewal
    const change = rising.get(r.id);
    const signals = top.get(r.id) ?? [];
    const managers = r.managers.length ? r.managers : r.fallback_manager ? [r.fallback_manager] : [];
    await notify(tx, {
      userIds: [...managers, ...r.sponsors],
      kind: 'risk.escalation',
      title: `${r.name} is at ${change?.toLevel ?? 'high'} risk, renewal on ${r.renewal_date}`,
      body: `Compound risk ${change?.score ?? 0}/100, ${daysUntil(r.renewal_date, now)} days before the renewal.`
        + `${signals.length ? `\nTop signals: ${signals.join(', ')}.` : ''}\nThe owner has a "Call them" task; forecast with this in mind.`,
      accountId: r.id,
      link: `/accounts/${r.id}`,
      dedupeKey: `risk.escalation:${r.id}:${r.renewal_date}`,
    });
  }
}

/** The three signals that contribute most (from the stored risk), else the strongest open ones, as labels. */
async function topSignals(q: Queryable, accountIds: string[]): Promise<Map<string, string[]>> {
  const { rows } = await q.query<{ account_id: string; labels: string[] }>(
    `SELECT a.id AS account_id,
            coalesce(
              (SELECT array_agg(x.label ORDER BY x.contribution DESC) FROM (
                 SELECT coalesce(d.label, c->>'kind') AS label, (c->>'contribution')::float8 AS contribution
                   FROM account_risk ar CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(ar.contributions) = 'array' THEN ar.contributions ELSE '[]'::jsonb END) c
                   LEFT JOIN signal_definitions d ON d.kind = c->>'kind'
                  WHERE ar.account_id = a.id
                  ORDER BY (c->>'contribution')::float8 DESC NULLS LAST LIMIT 3) x),
              (SELECT array_agg(y.label ORDER BY y.strength DESC) FROM (
                 SELECT d.label, s.strength FROM risk_signals s JOIN signal_definitions d ON d.kind = s.kind
                  WHERE s.account_id = a.id AND s.ended_at IS NULL ORDER BY s.strength DESC, s.started_at LIMIT 3) y),
              '{}') AS labels
       FROM accounts a WHERE a.id = ANY ($1::uuid[])`,
    [accountIds],
  );
  return new Map(rows.map((r) => [r.account_id, r.labels]));
}
