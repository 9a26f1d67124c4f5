// The demo's risk register (issue 12, seed 002: "pinpoint the factors that could go wrong … and build
// Play-Books to deal with each one"): a playbook for each of the seven seeded failure modes, linked,
// with an owner team; and live risks raised on a dozen accounts whose open signals point at a mode —
// some open, some mitigating with their playbook started, a couple resolved or accepted.
import type { Actor } from '../auth/principal.js';
import { SYSTEM_ACTOR } from '../auth/principal.js';
import type { Config } from '../config.js';
import type { Database } from '../db/connect.js';
import type { Step } from '../playbooks/schema.js';
import { matchFailureModes } from '../risk/register/match.js';
import { linkRun, loadRisk, raiseRisk } from '../risk/register/risks.js';
import { createWorkServices } from '../services.js';
import { Rng, mixSeed } from './random.js';

type Play = { name: string; description: string; team: 'Enterprise Team' | 'Growth Team'; steps: Step[] };

/** One playbook per seeded failure mode, by its key: what a seasoned CS team does first. */
export const PLAYS: Record<string, Play> = {
  domain_or_certificate_lapse: {
    name: 'Domain or certificate about to lapse', team: 'Enterprise Team',
    description: 'Their domain or TLS certificate expires soon. An e-mail is not enough: call the admin today (Marketo, Foursquare, Microsoft all let theirs lapse).',
    steps: [
      { kind: 'task', taskKind: 'call', title: 'Call the admin at {{account.name}}: the domain or certificate expires soon', dueOffsetDays: 0, assignee: 'owner', priority: 4 },
      { kind: 'email', to: 'admin', approval: true, subject: 'Your domain or certificate for {{account.name}} expires soon', body: 'Hi {{contact.firstName}},\n\nOur checks show that a domain or certificate your users rely on expires soon. Could you confirm who renews it, and when?\n\n{{owner.name}}' },
      { kind: 'wait', days: 3 },
      { kind: 'task', title: 'Check the expiry moved (Critical dates: Check now)', dueOffsetDays: 0, assignee: 'owner', priority: 3 },
    ],
  },
  champion_departure: {
    name: 'Champion left: rebuild the relationship', team: 'Enterprise Team',
    description: 'The person who bought and defends us left or changed role. Find the new owner before the renewal finds us.',
    steps: [
      { kind: 'task', taskKind: 'call', title: 'Call the executive sponsor: who owns {{account.name}} now?', dueOffsetDays: 1, assignee: 'owner', priority: 4 },
      { kind: 'task', title: 'Ask our exec sponsor to write to theirs', dueOffsetDays: 3, assignee: 'exec_sponsor', priority: 3 },
      { kind: 'task', taskKind: 'meeting', title: 'Onboard the new champion (value recap, success plan review)', dueOffsetDays: 14, assignee: 'owner', priority: 3 },
    ],
  },
  failed_integration: {
    name: 'Integration failing: fix it with support', team: 'Growth Team',
    description: 'The integration the outcome depends on broke or never worked; usage falls and tickets rise.',
    steps: [
      { kind: 'task', title: 'Open an engineering review of their integration errors', dueOffsetDays: 1, assignee: 'support', priority: 4 },
      { kind: 'task', taskKind: 'call', title: 'Call the admin: walk through the integration together', dueOffsetDays: 2, assignee: 'owner', priority: 3 },
      { kind: 'wait', days: 7 },
      { kind: 'task', title: 'Confirm usage recovered after the fix', dueOffsetDays: 0, assignee: 'owner' },
    ],
  },
  budget_cut: {
    name: 'Budget under pressure: prove the value', team: 'Enterprise Team',
    description: 'Payments fail, seats go unused, the sponsor goes quiet: the customer is cutting spend.',
    steps: [
      { kind: 'task', taskKind: 'email', title: 'E-mail the sponsor an ROI summary of the last two quarters', dueOffsetDays: 2, assignee: 'owner', priority: 3 },
      { kind: 'task', taskKind: 'meeting', title: 'Meet the sponsor: right-size rather than lose them', dueOffsetDays: 10, assignee: 'owner', priority: 4 },
      { kind: 'task', title: 'Tell the forecast: flag the renewal at risk', dueOffsetDays: 3, assignee: 'manager', priority: 3 },
    ],
  },
  low_adoption_after_onboarding: {
    name: 'Low adoption after onboarding: restart the habit', team: 'Growth Team',
    description: 'Onboarding ended but the users never formed a habit.',
    steps: [
      { kind: 'email', to: 'champion', subject: 'Three things teams like yours do in their first month', body: 'Hi {{contact.firstName}},\n\nHere is what the teams that get the most out of it do first. Could we pick one together this week?\n\n{{owner.name}}' },
      { kind: 'task', taskKind: 'meeting', title: 'Workshop with the users who stopped', dueOffsetDays: 7, assignee: 'owner', priority: 3 },
      { kind: 'wait', days: 14 },
      { kind: 'task', title: 'Review active users per seat with the champion', dueOffsetDays: 0, assignee: 'owner' },
    ],
  },
  unresolved_escalation: {
    name: 'Escalation open too long: close the loop', team: 'Enterprise Team',
    description: 'An escalation stays open and sentiment sours.',
    steps: [
      { kind: 'task', title: 'Review the escalation with support and product', dueOffsetDays: 1, assignee: 'manager', priority: 4 },
      { kind: 'task', taskKind: 'call', title: 'Call the champion with a date for the fix', dueOffsetDays: 2, assignee: 'owner', priority: 4 },
      { kind: 'task', taskKind: 'email', title: 'Write the follow-up: what happened, what changes', dueOffsetDays: 5, assignee: 'owner', priority: 3 },
    ],
  },
  procurement_stall: {
    name: 'Procurement or security review stalled: drive it', team: 'Enterprise Team',
    description: 'The renewal waits on procurement or a security review nobody is driving.',
    steps: [
      { kind: 'task', taskKind: 'call', title: 'Call the sponsor: who signs, and what is the review waiting on?', dueOffsetDays: 1, assignee: 'owner', priority: 4 },
      { kind: 'task', title: 'Send the security pack (SOC 2, DPA, pen-test summary)', dueOffsetDays: 2, assignee: 'support', priority: 3 },
      { kind: 'task', title: 'Ask our exec sponsor to unblock the signature', dueOffsetDays: 7, assignee: 'exec_sponsor', priority: 3 },
    ],
  },
};

export type DemoRegisterSummary = { playbooks: number; linked: number; risks: number; open: number; mitigating: number; closed: number; ms: number };

type Candidate = { id: string; name: string; arr: number; owner_id: string | null; owner_email: string | null; kinds: string[]; signal_ids: string[]; signal_kinds: string[]; first_at: Date };

export async function seedDemoRiskRegister(config: Config, database: Database, opts: { seed?: number; now?: Date; accounts?: number } = {}): Promise<DemoRegisterSummary> {
  const started = Date.now();
  const now = opts.now ?? new Date();
  const rng = new Rng(mixSeed(opts.seed ?? 42, 1212));
  const work = createWorkServices(config, database, null);
  const out: DemoRegisterSummary = { playbooks: 0, linked: 0, risks: 0, open: 0, mitigating: 0, closed: 0, ms: 0 };

  // 1. A playbook per failure mode, linked, with its owner team.
  const { rows: teams } = await database.query<{ id: string; name: string }>('SELECT id, name FROM teams');
  const { rows: modes } = await database.query<{ id: string; key: string | null; name: string; signal_kinds: string[]; playbook_id: string | null }>(
    'SELECT id, key, name, signal_kinds, playbook_id FROM failure_modes WHERE archived_at IS NULL ORDER BY name');
  for (const mode of modes) {
    const play = mode.key ? PLAYS[mode.key] : undefined;
    if (!play || mode.playbook_id) continue;
    const existing = (await database.query<{ id: string }>('SELECT id FROM playbooks WHERE lower(name) = lower($1)', [play.name])).rows[0];
    const playbookId = existing?.id ?? (await work.playbooks.create({ name: play.name, description: play.description, steps: play.steps }, SYSTEM_ACTOR)).id;
    if (!existing) out.playbooks++;
    await database.query('UPDATE failure_modes SET playbook_id = $2, owner_team_id = coalesce(owner_team_id, $3), updated_at = now() WHERE id = $1',
      [mode.id, playbookId, teams.find((t) => t.name === play.team)?.id ?? null]);
    mode.playbook_id = playbookId;
    out.linked++;
  }

  // 2. Accounts whose open signals point at a failure mode (the signals demo ran before; with no signals, no risk is raised).
  const { rows: candidates } = await database.query<Candidate>(
    `SELECT a.id, a.name, a.arr::float8 AS arr, a.owner_id, u.email AS owner_email,
            array_agg(DISTINCT s.kind) AS kinds, array_agg(s.id ORDER BY s.started_at) AS signal_ids,
            array_agg(s.kind ORDER BY s.started_at) AS signal_kinds, min(s.started_at) AS first_at
       FROM risk_signals s JOIN accounts a ON a.id = s.account_id LEFT JOIN users u ON u.id = a.owner_id
      WHERE s.ended_at IS NULL AND a.stage <> 'churned'
        AND NOT EXISTS (SELECT 1 FROM account_risks r WHERE r.account_id = a.id)
      GROUP BY a.id, u.email
      ORDER BY count(DISTINCT s.kind) DESC, a.arr DESC, a.id LIMIT 200`,
  );
  const matchable = modes.map((m) => ({ ...m, signalKinds: m.signal_kinds }));
  const picked = candidates
    .map((c) => ({ c, match: matchFailureModes(matchable, c.kinds)[0] }))
    .filter((x): x is { c: Candidate; match: NonNullable<typeof x.match> } => x.match !== undefined)
    .slice(0, opts.accounts ?? 12);

  // 3. Raise them, as their owners would have: mostly open, some mitigating with their playbook running, a few closed.
  const plan = ['mitigating', 'open', 'mitigating', 'open', 'resolved', 'mitigating', 'open', 'accepted', 'open', 'mitigating', 'open', 'resolved'] as const;
  for (const [i, { c, match }] of picked.entries()) {
    const status = plan[i % plan.length] ?? 'open';
    const actor: Actor = c.owner_id ? { type: 'user', id: c.owner_id, label: c.owner_email ?? 'owner' } : SYSTEM_ACTOR;
    const mode = match.mode;
    const signalIds = c.signal_ids.filter((_, j) => match.matchedKinds.includes(c.signal_kinds[j] ?? ''));
    const raisedAt = new Date(Math.min(now.getTime() - 3_600_000, new Date(c.first_at).getTime() + rng.int(1, 5) * 86_400_000));
    const runId = await database.transaction(async (tx) => {
      const { id, reused } = await raiseRisk(tx, c.id, {
        failureModeId: mode.id, signalIds, arrAtRisk: Math.round(c.arr * rng.range(0.3, 0.8)),
        note: `${match.matchedKinds.length} of the signals that point at ${mode.name.toLowerCase()} are open.`,
      }, actor);
      if (reused) return null;
      await tx.query('UPDATE account_risks SET created_at = $2, updated_at = $2 WHERE id = $1', [id, raisedAt]);
      out.risks++;
      if (status === 'resolved' || status === 'accepted') {
        const note = status === 'resolved' ? 'Called them; the fix is in and confirmed.' : 'Accepted: the customer knows, and the renewal forecast carries it.';
        await tx.query('UPDATE account_risks SET status = $2, note = $3, resolved_at = $4, updated_at = $4 WHERE id = $1',
          [id, status, note, new Date(Math.min(now.getTime(), raisedAt.getTime() + 6 * 86_400_000))]);
        out.closed++;
        return null;
      }
      if (status === 'open' || !mode.playbook_id) {
        out.open++;
        return null;
      }
      const loaded = await loadRisk(tx, id);
      const [run] = await work.playbooks.startInTx(tx, [{ accountId: c.id, playbookId: mode.playbook_id }], actor);
      if (!loaded || !run) return null;
      await linkRun(tx, loaded, run.runId, actor);
      out.mitigating++;
      return run;
    });
    if (runId) await work.playbooks.afterStart([runId]);
  }
  out.ms = Date.now() - started;
  return out;
}

export function demoRiskRegisterLine(s: DemoRegisterSummary): string {
  return `Demo risk register: ${s.linked} failure modes linked to their playbooks (${s.playbooks} created), ${s.risks} risks raised (${s.open} open, ${s.mitigating} mitigating with a playbook running, ${s.closed} resolved or accepted) (${s.ms} ms).`;
}
