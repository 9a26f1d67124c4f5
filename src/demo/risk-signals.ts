// Demo risk signals (issue 12): a history over the last ~180 days consistent with the recorded outcomes, and open
// signals on active accounts so every risk level appears. Losses mostly had several signals from different families
// 30–150 days before; retained accounts had fewer, more often from one family — with noise both ways (a loss with one
// signal, a renewal with three), so the evaluation of compound risk against the weighted average is honest, not rigged.
// Past signals are stored as source 'imported' with "Demo history: …" evidence (Canopy did not detect them); only
// refreshSignals, run once over the book, writes 'computed' ones. Own Rng stream (mixSeed 1212).
import type { Config } from '../config.js';
import type { Database } from '../db/connect.js';
import { refreshSignals } from '../risk/signals/index.js';
import { Rng, mixSeed } from './random.js';

const DAY = 86_400_000;
const FAMILIES: Record<string, { kind: string; summary: string }[]> = {
  usage: [{ kind: 'usage_drop', summary: 'Product events fell 40% month on month.' }, { kind: 'seat_use_falling', summary: 'Active users per seat fell from 0.8 to 0.5.' }, { kind: 'health_drop', summary: 'Health fell 14 points within 30 days.' }],
  relationship: [{ kind: 'champion_left', summary: 'The champion left, and no other active champion is known.' }, { kind: 'sponsor_left', summary: 'The executive sponsor changed role.' }, { kind: 'champion_quiet', summary: 'No champion seen for 45 days.' }, { kind: 'no_exec_touch', summary: 'No executive touch for 120 days.' }],
  sentiment: [{ kind: 'detractor_nps', summary: 'A detractor NPS answer (4).' }, { kind: 'low_csat', summary: 'A low CSAT answer (2).' }, { kind: 'low_confidence', summary: 'Confidence 3/10 on the rollout.' }, { kind: 'sustain_talk', summary: 'Sustain talk: “we are fine with the spreadsheets for now”.' }],
  support: [{ kind: 'support_spike', summary: '9 support tickets in 14 days against 2 usually.' }, { kind: 'open_escalation', summary: 'An open high escalation: data sync failing.' }],
  delivery: [{ kind: 'overdue_milestones', summary: '2 customer milestones overdue: SSO setup, data import.' }],
  commercial: [{ kind: 'payment_failed', summary: 'A failed payment event.' }, { kind: 'critical_date_close', summary: 'The certificate expires in 12 days.' }],
  engagement: [{ kind: 'autopilot', summary: 'Only routine touchpoints for the last 5.' }],
};
const NOTES: Record<string, string> = {
  usage_drop: 'Usage fell after their reorg.', champion_left: 'Our champion told us she is leaving next month.', detractor_nps: 'Angry call about the last outage.',
  payment_failed: 'Finance says the last invoice bounced.', open_escalation: 'Escalation still open with engineering.', no_exec_touch: 'Nobody has talked to their VP this year.',
  sustain_talk: 'They said the old process is good enough.', overdue_milestones: 'Their data import keeps slipping.', critical_date_close: 'Their domain renewal is due.',
};

export type DemoRiskSignalsSummary = { historical: number; open: number; computed: number; ms: number };
type Row = { account_id: string; kind: string; strength: number; started_at: string; ended_at: string | null; source: string; note: string | null; raised_by: string | null; evidence: { summary: string } };

function pickFamilies(rng: Rng, n: number, sameFamily: boolean): { kind: string; summary: string }[] {
  const fams = Object.keys(FAMILIES);
  const out: { kind: string; summary: string }[] = [];
  const first = rng.pick(fams);
  const used = new Set<string>();
  for (let i = 0; i < n; i++) {
    const fam = sameFamily ? first : (() => { const free = fams.filter((f) => !used.has(f)); return free.length ? rng.pick(free) : rng.pick(fams); })();
    used.add(fam);
    const options = (FAMILIES[fam] ?? []).filter((k) => !out.some((o) => o.kind === k.kind));
    if (options.length) out.push(rng.pick(options));
  }
  return out;
}

export async function seedDemoRiskSignals(_config: Config, database: Database, opts: { seed?: number; now?: Date } = {}): Promise<DemoRiskSignalsSummary> {
  const started = performance.now();
  const now = opts.now ?? new Date();
  const rng = new Rng(mixSeed(opts.seed ?? 42, 1212));
  const { rows: defs } = await database.query<{ kind: string; strength: string }>(`SELECT kind, strength FROM signal_definitions`);
  const strengthOf = new Map(defs.map((d) => [d.kind, Number(d.strength)]));
  const { rows: accounts } = await database.query<{ id: string; stage: string; owner_id: string | null; kind: string | null; occurred_on: Date | null }>(
    `SELECT a.id, a.stage, a.owner_id, o.kind, o.occurred_on FROM accounts a
       LEFT JOIN LATERAL (SELECT kind, occurred_on FROM outcomes WHERE account_id = a.id ORDER BY occurred_on DESC LIMIT 1) o ON true
      ORDER BY a.external_id NULLS LAST, a.id`);
  const { rows: [someone] } = await database.query<{ id: string }>(`SELECT id FROM users WHERE role IN ('manager', 'admin') ORDER BY role DESC, created_at LIMIT 1`);
  const rows: Row[] = [];
  const oldest = now.getTime() - 180 * DAY;
  const add = (accountId: string, k: { kind: string; summary: string }, start: number, end: number | null, source: string, by: string | null) => {
    if (start < oldest) return;
    const base = strengthOf.get(k.kind) ?? 0.15;
    rows.push({ account_id: accountId, kind: k.kind, strength: Math.round(Math.min(0.95, base * rng.range(0.8, 1.2)) * 1000) / 1000,
      started_at: new Date(start).toISOString(), ended_at: end === null ? null : new Date(Math.max(start, end)).toISOString(), source,
      note: source === 'computed' || source === 'imported' ? null : NOTES[k.kind] ?? 'Raised after a call.', raised_by: source === 'manual' ? by : null, evidence: { summary: k.summary } });
  };
  // Past signals are 'imported' history (Canopy did not detect them), said so in their evidence: "Demo history: …".
  const past = (accountId: string, k: { kind: string; summary: string }, at: number) => {
    const start = at - rng.int(30, 150) * DAY;
    add(accountId, { kind: k.kind, summary: `Demo history: ${k.summary}` }, start, Math.min(start + rng.int(10, 70) * DAY, at), 'imported', null);
  };
  const lossSets: { kind: string; summary: string }[][] = [];
  const withOpen = new Set<string>();
  // Raised by the billing or support system, or by a person with a note.
  const openSource = (kind: string) => (kind === 'payment_failed' || kind === 'support_spike' ? 'api' : 'manual');
  const retained: { id: string; at: number }[] = [];
  for (const a of accounts) {
    const by = a.owner_id ?? someone?.id ?? null;
    if (a.kind && a.occurred_on) {
      const at = new Date(a.occurred_on).getTime();
      if (a.kind === 'churned' || a.kind === 'downgraded') {
        const ks = pickFamilies(rng, rng.weighted([1, 2, 3, 4], [0.15, 0.25, 0.35, 0.25]), false);
        lossSets.push(ks);
        for (const k of ks) past(a.id, k, at);
      } else retained.push({ id: a.id, at });
    }
    if (a.stage === 'churned') continue;
    // Open now (raised by people or the billing system, so the refresh leaves them): every level appears.
    const n = rng.weighted([0, 1, 2, 3, 4], [0.5, 0.22, 0.14, 0.09, 0.05]);
    for (const k of pickFamilies(rng, n, n === 2 && rng.chance(0.3))) {
      add(a.id, k, now.getTime() - rng.int(2, 60) * DAY, null, openSource(k.kind), by);
      withOpen.add(a.id);
    }
  }
  // Retained accounts are not spotless: about a quarter carried one or two of the kinds losses had (often the very
  // same pair) and renewed anyway; the others had fewer signals, more often from one family.
  for (const r of retained) {
    const model = lossSets.length ? rng.pick(lossSets) : [];
    if (model.length && rng.chance(0.25)) {
      const ks = model.length >= 2 && rng.chance(0.5) ? rng.shuffle([...model]).slice(0, 2) : [rng.pick(model)];
      for (const k of ks) past(r.id, k, r.at);
      continue;
    }
    const n = rng.weighted([0, 1, 2], [0.6, 0.3, 0.1]);
    for (const k of pickFamilies(rng, n, n === 2 && rng.chance(0.6))) past(r.id, k, r.at);
  }
  // Seed 002's black swan, so the radar's critical level is never empty on first start: three active accounts
  // with no open signal yet get recent ones from every family at once, one or two each (drawn last, so the rest of
  // the demo's random stream is unchanged).
  const calm = accounts.filter((a) => a.stage !== 'churned' && !withOpen.has(a.id));
  for (const a of rng.shuffle([...calm]).slice(0, 3)) {
    for (const kinds of Object.values(FAMILIES)) {
      for (const k of rng.shuffle([...kinds]).slice(0, rng.int(1, 2))) add(a.id, k, now.getTime() - rng.int(2, 10) * DAY, null, openSource(k.kind), a.owner_id ?? someone?.id ?? null);
    }
  }
  const cols = ['account_id', 'kind', 'strength', 'started_at', 'ended_at', 'source', 'note', 'raised_by', 'evidence'] as const;
  for (let i = 0; i < rows.length; i += 1000) {
    await database.query(
      `INSERT INTO risk_signals (${cols.join(', ')})
       SELECT ${cols.join(', ')} FROM jsonb_to_recordset($1::jsonb) AS r(account_id uuid, kind text, strength numeric, started_at timestamptz,
              ended_at timestamptz, source text, note text, raised_by uuid, evidence jsonb)`, [JSON.stringify(rows.slice(i, i + 1000))]);
  }
  const { rows: ids } = await database.query<{ id: string }>(`SELECT id FROM accounts WHERE stage <> 'churned' ORDER BY id`);
  const before = await database.query<{ n: number }>(`SELECT count(*)::int AS n FROM risk_signals WHERE source = 'computed' AND ended_at IS NULL`);
  for (let i = 0; i < ids.length; i += 500) {
    await database.transaction((tx) => refreshSignals(tx, ids.slice(i, i + 500).map((r) => r.id), now));
  }
  const after = await database.query<{ n: number }>(`SELECT count(*)::int AS n FROM risk_signals WHERE source = 'computed' AND ended_at IS NULL`);
  return { historical: rows.filter((r) => r.ended_at).length, open: rows.filter((r) => !r.ended_at).length,
    computed: (after.rows[0]?.n ?? 0) - (before.rows[0]?.n ?? 0), ms: Math.round(performance.now() - started) };
}

export const demoRiskSignalsLine = (s: DemoRiskSignalsSummary) =>
  `Demo risk signals loaded: ${s.historical} past signals before the recorded outcomes, ${s.open} open ones raised by people or other systems, ${s.computed} computed from the book's data (${s.ms} ms).`;
