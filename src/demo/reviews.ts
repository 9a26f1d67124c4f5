// The demo's churn and downgrade reviews (issue 12, seed 002: "review your customers who have
// churned or downgraded unexpectedly and ask yourself why"). The demo's churned and downgraded
// outcomes opened their reviews through the database trigger (migration 0023); here the team has
// concluded most of them — root causes in their own short tags, a conclusion a person would write,
// "could we have seen it?" — and left the latest ones open. A loss whose lookback has no signal
// (the book's history is older than its signals) gets the story of the failure mode its conclusion
// tells, as ended signals, so that the patterns across reviews have something true to count.
import type { Config } from '../config.js';
import type { Database, Queryable } from '../db/connect.js';
import { Rng, mixSeed } from './random.js';

const DAY_MS = 86_400_000;

/** A failure mode as the team wrote it up: the signals that preceded it, their tags, and what they concluded. */
type Story = {
  key: string;
  kinds: readonly string[];
  rootCauses: readonly string[];
  couldHaveSeen: 'yes' | 'partly' | 'no';
  weight: number;
  /** The conclusion; `{account}`, `{champion}`, `{lead}` (days between the first signal and the loss) are filled in. */
  churned: string;
  downgraded: string;
};

export const STORIES: readonly Story[] = [
  {
    key: 'champion', kinds: ['champion_left', 'usage_drop', 'no_exec_touch'], rootCauses: ['champion departure', 'single-threaded'], couldHaveSeen: 'yes', weight: 5,
    churned: '{champion} left {account} and nobody else there knew the product. Usage fell by a third within six weeks and we never met the new head of operations: no executive touch for over three months before the renewal. We were single-threaded. The first signal came {lead} days before the loss; a call in that first fortnight was the cheapest save we had.',
    downgraded: 'After {champion} moved on, the team at {account} kept only the seats of the people who still logged in. Nobody owned the relationship on their side and we did not ask who should. The signals started {lead} days before they cut seats; we saw the usage drop and treated it as seasonal.',
  },
  {
    key: 'integration', kinds: ['overdue_milestones', 'support_spike', 'low_confidence'], rootCauses: ['failed integration', 'onboarding stalled'], couldHaveSeen: 'yes', weight: 4,
    churned: 'The CRM integration at {account} never went live. Their milestones slipped twice, tickets piled up about sync errors, and their admin told us in a check-in that they had no confidence they could finish it. We kept sending how-to articles instead of putting an engineer on a call. {lead} days of warning.',
    downgraded: '{account} dropped the integration tier: the sync never worked for their setup and they stopped trying. Milestones were overdue for weeks and support saw the same error again and again. We should have escalated to engineering after the second ticket, not the ninth.',
  },
  {
    key: 'budget', kinds: ['payment_failed', 'detractor_nps', 'no_exec_touch'], rootCauses: ['budget cut', 'no exec sponsor'], couldHaveSeen: 'partly', weight: 3,
    churned: 'Budget cut across {account} after a bad quarter. A failed payment and a detractor score were early hints, but the decision was made by a CFO we had never met. We could not have saved the budget; we could have known {lead} days earlier and forecast it honestly.',
    downgraded: '{account} cut the budget line and kept the core seats. The failed invoice was the first sign, {lead} days ahead. Without an executive sponsor we heard about the cut from procurement, not from them.',
  },
  {
    key: 'escalation', kinds: ['open_escalation', 'detractor_nps', 'support_spike'], rootCauses: ['unresolved escalation', 'product gap'], couldHaveSeen: 'yes', weight: 3,
    churned: 'The reporting outage at {account} stayed open for five weeks. Their NPS answer said it plainly ("we cannot run month-end on this"). The escalation had a team but no date; by the time the fix shipped they had signed with someone else. First signal {lead} days before.',
    downgraded: 'A long escalation at {account} cost us the analytics add-on: the feature they bought it for kept failing, support tickets doubled, and their detractor comment named it. Fixed too late to keep the add-on.',
  },
  {
    key: 'adoption', kinds: ['seat_use_falling', 'usage_drop', 'champion_quiet'], rootCauses: ['low adoption', 'value never proven'], couldHaveSeen: 'partly', weight: 3,
    churned: '{account} bought for 40 seats and never got past the first team. Active users per seat fell every month and our champion went quiet. We had no success plan with their goals in it, so at renewal we could not show them what they got. {lead} days of slow decline.',
    downgraded: '{account} right-sized to the users who actually log in. Seat use had been falling for months; we never agreed what success looked like for the other teams.',
  },
  {
    key: 'certificate', kinds: ['critical_date_close', 'open_escalation', 'detractor_nps'], rootCauses: ['certificate lapse', 'nobody called'], couldHaveSeen: 'yes', weight: 2,
    churned: "The TLS certificate on {account}'s custom domain expired on a Saturday; their users saw a browser warning for two days. The date was on our radar {lead} days before. Nobody picked up the phone. The outage turned a lukewarm customer into a lost one.",
    downgraded: "{account}'s SSO domain lapsed and half their users were locked out for a morning. They kept us, with fewer seats and a sharper contract. The expiry was visible weeks ahead; a two-minute call would have prevented it.",
  },
  {
    key: 'acquired', kinds: ['sustain_talk', 'no_exec_touch'], rootCauses: ['acquired', 'standardised on parent tool'], couldHaveSeen: 'no', weight: 2,
    churned: '{account} was acquired and moved to the parent company\'s tools. Their check-in answers had turned to "not a priority this quarter", but the decision was made above anyone we knew. Not preventable; worth a faster forecast.',
    downgraded: 'After the merger, {account} kept one region on us and moved the rest to the parent\'s platform. Sustain talk in their check-ins was the hint.',
  },
];

export type DemoReviewsSummary = { reviews: number; concluded: number; open: number; signalsAdded: number; retainedSignals: number; ms: number };

type OpenReview = { id: string; account_id: string; account_name: string; kind: 'churned' | 'downgraded'; loss_on: string; lookback_days: number; signals: number; kinds: string[]; champion: string | null };

/** The failure mode the signals before the loss point at (most kinds in common), or a weighted pick when there are none. */
function storyFor(rng: Rng, kinds: string[]): Story {
  const drawn = rng.weighted(STORIES, STORIES.map((s) => s.weight));
  const overlap = (s: Story) => s.kinds.filter((k) => kinds.includes(k)).length;
  const best = Math.max(...STORIES.map(overlap));
  if (best === 0) return drawn;
  return overlap(drawn) === best ? drawn : (STORIES.find((s) => overlap(s) === best) ?? drawn);
}

function fill(text: string, v: { account: string; champion: string | null; lead: number }): string {
  return text.replaceAll('{account}', v.account).replaceAll('{champion}', v.champion ?? 'Their champion').replaceAll('{lead}', String(v.lead));
}

/** Ended signals that tell the story before the loss: the first 60–120 days before it, each next one closer. */
async function addStorySignals(tx: Queryable, rng: Rng, r: OpenReview, story: Story, lossDay: number): Promise<{ added: number; lead: number }> {
  let daysBefore = rng.int(60, Math.min(120, r.lookback_days - 5));
  const lead = daysBefore;
  let added = 0;
  // Real losses are untidy: a kind of the failure mode is sometimes missing, and an unrelated one sometimes shows up.
  const kinds = story.kinds.filter((_, i) => i === 0 || !rng.chance(0.25));
  if (rng.chance(0.3)) kinds.splice(rng.int(1, kinds.length), 0, rng.pick(INCIDENTAL));
  for (const kind of kinds) {
    const started = new Date(lossDay - daysBefore * DAY_MS + rng.int(8, 17) * 3_600_000);
    const res = await tx.query(
      `INSERT INTO risk_signals (account_id, kind, strength, started_at, ended_at, evidence, source)
       SELECT $1, d.kind, d.strength, $2, $3, $4, 'imported' FROM signal_definitions d WHERE d.kind = $5`,
      [r.account_id, started, new Date(lossDay), JSON.stringify({ summary: `Demo history: ${kindSummary(kind)} (before the ${r.kind === 'churned' ? 'churn' : 'downgrade'})` }), kind],
    );
    added += res.rowCount;
    daysBefore = Math.max(3, daysBefore - rng.int(10, 35));
  }
  return { added, lead };
}

/** Kinds that show up beside any failure mode. */
const INCIDENTAL = ['low_csat', 'health_drop', 'champion_quiet', 'support_spike'] as const;

const SUMMARIES: Record<string, string> = {
  low_csat: 'CSAT 2/5 on a support ticket', health_drop: 'Health down 14 points in 30 days',
  champion_left: 'The champion was deactivated', usage_drop: 'Product events down 38% month on month', no_exec_touch: 'No executive touch in 90 days',
  overdue_milestones: '2 customer milestones overdue', support_spike: 'Support tickets at 3× the usual rate', low_confidence: 'Confidence 3/10 in the latest check-in',
  payment_failed: 'Invoice payment failed', detractor_nps: 'NPS 4 from the main contact', open_escalation: 'A high-severity escalation is open',
  seat_use_falling: 'Active users per seat down 27%', champion_quiet: 'The champion has not been seen for 30 days',
  critical_date_close: 'The TLS certificate expires in 9 days', sustain_talk: 'Sustain talk in a check-in ("not a priority this quarter")',
};
const kindSummary = (kind: string) => SUMMARIES[kind] ?? kind;

/**
 * Accounts that stayed had small signals too (that is the point of comparing): about half of the
 * renewals with no signal in the 180 days before them get one kind of a failure mode, a few get two —
 * rarely the whole combination, which is what the losses had. Only when the book has losses to compare.
 */
async function addSavedStories(tx: Queryable, rng: Rng, any: boolean): Promise<number> {
  if (!any) return 0;
  const { rows } = await tx.query<{ account_id: string; occurred_on: string }>(
    `SELECT o.account_id, o.occurred_on::text AS occurred_on FROM outcomes o
      WHERE o.kind IN ('renewed', 'expanded')
        AND NOT EXISTS (SELECT 1 FROM risk_signals s WHERE s.account_id = o.account_id
                           AND s.started_at < ((o.occurred_on + 1)::timestamp AT TIME ZONE 'UTC')
                           AND s.started_at >= ((o.occurred_on - 180)::timestamp AT TIME ZONE 'UTC'))
      ORDER BY o.occurred_on, o.id`,
  );
  let added = 0;
  for (const o of rows) {
    if (!rng.chance(0.5)) continue;
    const story = rng.weighted(STORIES, STORIES.map((s) => s.weight));
    const kinds = rng.shuffle([...story.kinds]).slice(0, rng.chance(0.25) ? 2 : 1);
    const renewal = Date.parse(`${o.occurred_on}T00:00:00Z`);
    for (const kind of kinds) {
      const started = renewal - rng.int(20, 150) * DAY_MS + rng.int(8, 17) * 3_600_000;
      const ended = Math.min(renewal, started + rng.int(7, 40) * DAY_MS);
      const res = await tx.query(
        `INSERT INTO risk_signals (account_id, kind, strength, started_at, ended_at, evidence, source)
         SELECT $1, d.kind, d.strength, $2, $3, $4, 'imported' FROM signal_definitions d WHERE d.kind = $5`,
        [o.account_id, new Date(started), new Date(ended), JSON.stringify({ summary: `Demo history: ${kindSummary(kind)} (handled before the renewal)` }), kind],
      );
      added += res.rowCount;
    }
  }
  return added;
}

/**
 * Concludes about two thirds of the demo's reviews (the older losses) with a failure mode's root
 * causes and conclusion, and leaves the most recent ones open for the team to work on. Seeded: the
 * same seed gives the same reviews. Idempotent enough for a demo: only open reviews are touched.
 */
export async function seedDemoReviews(_config: Config, database: Database, opts: { seed?: number; now?: Date } = {}): Promise<DemoReviewsSummary> {
  const started = performance.now();
  const nowMs = (opts.now ?? new Date()).getTime();
  const rng = new Rng(mixSeed(opts.seed ?? 42, 1212));
  const { rows: reviews } = await database.query<OpenReview>(
    `SELECT r.id, r.account_id, a.name AS account_name, r.kind, r.loss_on::text AS loss_on, r.lookback_days,
            (SELECT count(*)::int FROM risk_signals s WHERE s.account_id = r.account_id
                AND s.started_at < ((r.loss_on + 1)::timestamp AT TIME ZONE 'UTC')
                AND s.started_at >= ((r.loss_on - r.lookback_days)::timestamp AT TIME ZONE 'UTC')) AS signals,
            (SELECT coalesce(array_agg(DISTINCT s.kind), '{}') FROM risk_signals s WHERE s.account_id = r.account_id
                AND s.started_at < ((r.loss_on + 1)::timestamp AT TIME ZONE 'UTC')
                AND s.started_at >= ((r.loss_on - r.lookback_days)::timestamp AT TIME ZONE 'UTC')) AS kinds,
            (SELECT coalesce(c.name, c.email) FROM contacts c WHERE c.account_id = r.account_id AND c.role = 'champion' ORDER BY c.id LIMIT 1) AS champion
       FROM churn_reviews r JOIN accounts a ON a.id = r.account_id
      WHERE r.status = 'open' ORDER BY r.loss_on DESC, r.id`,
  );
  const { rows: leads } = await database.query<{ id: string }>(`SELECT id FROM users WHERE role IN ('manager', 'admin') AND active ORDER BY role DESC, created_at, id`);
  const out: DemoReviewsSummary = { reviews: reviews.length, concluded: 0, open: 0, signalsAdded: 0, retainedSignals: 0, ms: 0 };
  // The newest third (at least two) stays open: the losses the team has not sat down on yet.
  const keepOpen = Math.min(reviews.length, Math.max(2, Math.round(reviews.length / 3)));

  await database.transaction(async (tx) => {
    // The book's losses are history: each review was opened the morning after its loss was recorded, not when the demo loaded.
    await tx.query(`UPDATE churn_reviews SET created_at = LEAST(now(), (loss_on + 1)::timestamp AT TIME ZONE 'UTC' + interval '9 hours'), updated_at = LEAST(now(), (loss_on + 1)::timestamp AT TIME ZONE 'UTC' + interval '9 hours')
                      WHERE id = ANY ($1::uuid[])`, [reviews.map((r) => r.id)]);
    for (const [i, r] of reviews.entries()) {
      const story = storyFor(rng, r.kinds);
      const lossDay = Date.parse(`${r.loss_on}T00:00:00Z`);
      let lead = 0;
      if (r.signals === 0) {
        const added = await addStorySignals(tx, rng, r, story, lossDay);
        out.signalsAdded += added.added;
        lead = added.lead;
      }
      const owner = leads.length > 0 ? rng.pick(leads).id : null;
      if (i < keepOpen) {
        // Open: an owner to lead it, and sometimes a first tag a manager jotted down.
        await tx.query(`UPDATE churn_reviews SET owner_id = coalesce(owner_id, $2), root_causes = $3 WHERE id = $1`,
          [r.id, owner, rng.chance(0.4) ? [story.rootCauses[0]] : []]);
        out.open++;
        continue;
      }
      if (lead === 0) {
        const { rows } = await tx.query<{ days: number }>(
          `SELECT (r.loss_on - (min(s.started_at) AT TIME ZONE 'UTC')::date)::int AS days FROM churn_reviews r JOIN risk_signals s ON s.account_id = r.account_id
            WHERE r.id = $1 AND s.started_at < ((r.loss_on + 1)::timestamp AT TIME ZONE 'UTC') GROUP BY r.loss_on`, [r.id]);
        lead = rows[0]?.days ?? 30;
      }
      const conclusion = fill(r.kind === 'churned' ? story.churned : story.downgraded, { account: r.account_name, champion: r.champion, lead });
      const concludedAt = new Date(Math.max(lossDay + DAY_MS, Math.min(nowMs - 3_600_000, lossDay + rng.int(5, 25) * DAY_MS + rng.int(9, 17) * 3_600_000)));
      await tx.query(
        `UPDATE churn_reviews SET status = 'concluded', root_causes = $2, conclusion = $3, could_have_seen = $4,
                owner_id = coalesce(owner_id, $5), concluded_by = $5, concluded_at = $6, updated_at = $6 WHERE id = $1`,
        [r.id, [...story.rootCauses], conclusion, story.couldHaveSeen, owner, concludedAt],
      );
      out.concluded++;
    }
    out.retainedSignals = await addSavedStories(tx, rng, reviews.length > 0);
  });
  out.ms = Math.round(performance.now() - started);
  return out;
}

export function demoReviewsLine(s: DemoReviewsSummary): string {
  return `Demo churn reviews: ${s.reviews} reviews opened by the losses (${s.concluded} concluded with root causes, ${s.open} left open), ${s.signalsAdded} signals told before losses that had none, ${s.retainedSignals} before renewals that had none (${s.ms} ms).`;
}
