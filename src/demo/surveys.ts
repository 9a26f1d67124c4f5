// The demo's surveys (issue 11): a quarterly NPS campaign over the last year to each live
// account's champion or sponsor, and a CSAT survey after support to other contacts, with
// response rates of 30–50 %, scores that follow the account's health (healthy accounts promote,
// poor ones detract), comments in the customer's words with change and sustain talk, one reminder
// to those who did not answer, and a few automated answers (a mail scanner that followed every
// link, a form bot) kept apart and never counted.
//
// The sends are in the past (the latest campaign ended more than a week ago), so they are written
// as they stand after the fact: recipients (token hashes of tokens nobody holds), views, answers,
// reminders; no e-mail is queued. Own Rng stream (mixSeed 8008): the rest of the demo is unchanged.
import type { Actor } from '../auth/principal.js';
import { recordAuditRaw } from '../audit/record.js';
import type { Config } from '../config.js';
import type { Database, Queryable } from '../db/connect.js';
import { hashToken, newToken } from '../public/token.js';
import type { BotReason } from '../public/guard.js';
import { Rng, mixSeed } from './random.js';
import { DAY_MS } from './util.js';

export type DemoSurveysSummary = { surveys: number; sent: number; answered: number; bots: number; comments: number; nps: number | null; ms: number };

type Band = 'good' | 'watch' | 'poor';
type Person = { id: string; account_id: string; band: Band | null; role: string | null };

/** Campaign sends, days ago: one NPS campaign a quarter over the last year, 91 days apart (more than the 90-day throttle, send times jitter by hours). */
const NPS_CAMPAIGNS = [353, 262, 171, 80];
/** The demo surveys' throttle (the default throttle_days): no history send within it of another send to the same contact. */
const THROTTLE_MS = 90 * DAY_MS;
const CSAT_WINDOW_DAYS = 180;

const NPS_COMMENTS = {
  promoter: [
    'The scheduled reports save my team a day every week. We want to roll them out to finance next quarter.',
    'Support is quick and knows our setup. We are planning to add the Berlin office this year.',
    'Easy to use and the onboarding was smooth. I would recommend it to any ops team.',
    'We are going to expand to two more teams once the SSO project is done.',
    'It does what we bought it for, and the CSM checks in at the right moments.',
  ],
  passive: [
    'Good product, but the reporting is still a bit limited for what we need.',
    'We would like to use more of it, but honestly we do not have the time right now.',
    'Fine for the basics. The API could be better documented.',
    'We need better permissions before we can open it to the whole company.',
    'It works, but we are not sure it is worth the price at renewal.',
  ],
  detractor: [
    'Too busy with the migration to look at this now; it is not a priority for us this year.',
    'The exports broke twice last month and nobody told us in advance.',
    'We do not really need most of the features, and our admin who set it up has left.',
    'Support took a week to answer a blocking issue.',
    'Honestly we are happy with spreadsheets for now.',
  ],
} as const;
const CSAT_COMMENTS = {
  happy: ['Solved in one reply, thank you!', 'Quick and clear answer, and they followed up the next day.', 'Great help with the import, we will try the API next.'],
  unhappy: ['It took three back-and-forths to get a real answer.', 'The workaround works but we still need a proper fix.', 'We are too stretched to try the suggested setup right now.'],
} as const;

/** An NPS score that follows the account's health (unknown health: a middling mix). */
function npsScore(rng: Rng, band: Band | null): number {
  const p = band === 'good' ? [0.6, 0.3] : band === 'watch' ? [0.25, 0.45] : band === 'poor' ? [0.08, 0.27] : [0.35, 0.4];
  const x = rng.float();
  if (x < (p[0] ?? 0)) return rng.int(9, 10);
  if (x < (p[0] ?? 0) + (p[1] ?? 0)) return rng.int(7, 8);
  return rng.int(band === 'poor' ? 0 : 3, 6);
}
const csatScore = (rng: Rng, band: Band | null) => (rng.chance(band === 'poor' ? 0.45 : band === 'watch' ? 0.25 : 0.1) ? rng.int(1, 3) : rng.int(4, 5));

type Answer = { score: number; comment: string | null; answeredAt: number } | null;

async function insertRecipient(tx: Queryable, surveyId: string, p: Person, sentAt: number, by: string | null, answer: Answer, reminderDays: number, bot: { reason: BotReason; at: number } | null) {
  const viewedAt = answer ? answer.answeredAt - 60_000 : bot ? bot.at : null;
  const remindedAt = !answer || (answer.answeredAt > sentAt + reminderDays * DAY_MS) ? sentAt + reminderDays * DAY_MS : null;
  const { rows: [r] } = await tx.query<{ id: string }>(
    `INSERT INTO survey_recipients (survey_id, account_id, contact_id, token_hash, sent_by, sent_at, first_viewed_at, answered_at, reminded_at, trap_followed_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
    [surveyId, p.account_id, p.id, hashToken(newToken()), by, new Date(sentAt).toISOString(), viewedAt ? new Date(viewedAt).toISOString() : null,
      answer ? new Date(answer.answeredAt).toISOString() : null, remindedAt ? new Date(remindedAt).toISOString() : null,
      bot?.reason === 'honeypot_link' ? new Date(bot.at).toISOString() : null],
  );
  if (!r) throw new Error('demo survey recipient insert returned nothing');
  if (answer) {
    await tx.query(
      `INSERT INTO survey_responses (survey_id, recipient_id, account_id, contact_id, score, comment, answered_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [surveyId, r.id, p.account_id, p.id, answer.score, answer.comment, new Date(answer.answeredAt).toISOString()],
    );
  }
  if (bot) {
    // A scanner "answers" with whatever score link it followed last, within a second of delivery.
    await tx.query(
      `INSERT INTO survey_responses (survey_id, recipient_id, account_id, contact_id, score, bot, bot_reason, answered_at) VALUES ($1, $2, $3, $4, $5, true, $6, $7)`,
      [surveyId, r.id, p.account_id, p.id, 10, bot.reason, new Date(bot.at).toISOString()],
    );
  }
}

async function createSurvey(tx: Queryable, s: { name: string; kind: 'nps' | 'csat'; question: string; commentPrompt: string; subject: string; intro: string; createdAt: number; by: string | null }) {
  const { rows: [row] } = await tx.query<{ id: string }>(
    `INSERT INTO surveys (name, kind, question, comment_prompt, email_subject, email_intro, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`,
    [s.name, s.kind, s.question, s.commentPrompt, s.subject, s.intro, s.by, new Date(s.createdAt).toISOString()],
  );
  if (!row) throw new Error('demo survey insert returned nothing');
  return row.id;
}

export async function seedDemoSurveys(_config: Config, database: Database, opts: { seed?: number; now?: Date } = {}): Promise<DemoSurveysSummary> {
  const started = performance.now();
  const nowMs = (opts.now ?? new Date()).getTime();
  const rng = new Rng(mixSeed(opts.seed ?? 42, 8008));
  const out: DemoSurveysSummary = { surveys: 0, sent: 0, answered: 0, bots: 0, comments: 0, nps: null, ms: 0 };
  const { rows: people } = await database.query<Person & { rank: number }>(
    `SELECT c.id, c.account_id, h.band, c.role,
            row_number() OVER (PARTITION BY c.account_id ORDER BY c.role = 'champion' DESC, c.role = 'executive_sponsor' DESC, c.id)::int AS rank
       FROM contacts c JOIN accounts a ON a.id = c.account_id LEFT JOIN account_health_effective h ON h.account_id = a.id
      WHERE a.stage <> 'churned' AND c.email IS NOT NULL ORDER BY a.external_id, c.id`,
  );
  const { rows: [admin] } = await database.query<{ id: string }>(`SELECT id FROM users WHERE role IN ('admin', 'manager') ORDER BY role, created_at LIMIT 1`);
  const by = admin?.id ?? null;
  // Sends already made (the renewal playbook's survey, run by the work demo before this): the history respects the
  // throttle against them, so a contact surveyed now was not in a campaign within the 90 days before (nor after).
  const { rows: earlier } = await database.query<{ contact_id: string; sent_at: Date | string }>('SELECT contact_id, sent_at FROM survey_recipients');
  const sends = new Map<string, number[]>();
  for (const e of earlier) sends.set(e.contact_id, [...(sends.get(e.contact_id) ?? []), new Date(e.sent_at).getTime()]);
  const clashes = (contactId: string, at: number) => (sends.get(contactId) ?? []).some((x) => Math.abs(x - at) < THROTTLE_MS);
  const npsPeople = people.filter((p) => p.rank === 1);
  const csatPeople = people.filter((p) => p.rank === 2);

  await database.transaction(async (tx) => {
    const nps = await createSurvey(tx, {
      name: 'Quarterly NPS', kind: 'nps', question: 'How likely are you to recommend us to a friend or colleague?',
      commentPrompt: 'What is the main reason for your score?', subject: 'One question about working with us',
      intro: 'Once a quarter we ask our main contact at each customer one question. It takes ten seconds, and we read every answer.',
      createdAt: nowMs - (NPS_CAMPAIGNS[0] ?? 350) * DAY_MS - 2 * DAY_MS, by,
    });
    for (const daysAgo of NPS_CAMPAIGNS) {
      const rate = rng.range(0.3, 0.5);
      for (const p of npsPeople) {
        const sentAt = nowMs - daysAgo * DAY_MS + rng.int(0, 6 * 3600) * 1000;
        const answers = rng.chance(rate);
        const score = npsScore(rng, p.band);
        const bucket = score >= 9 ? 'promoter' : score >= 7 ? 'passive' : 'detractor';
        const answer: Answer = answers ? { score, comment: rng.chance(0.55) ? rng.pick(NPS_COMMENTS[bucket]) : null, answeredAt: sentAt + rng.int(1, 9) * DAY_MS / 3 } : null;
        // A few mail gateways follow every link of the e-mail as it arrives.
        const bot = !answers && rng.chance(0.03) ? { reason: rng.pick<BotReason>(['honeypot_link', 'too_fast']), at: sentAt + 2000 } : null;
        if (clashes(p.id, sentAt)) continue; // drawn all the same: the rest of the demo stays as it was
        await insertRecipient(tx, nps, p, sentAt, by, answer, 5, bot);
        out.sent += 1;
        if (answer) out.answered += 1;
        if (answer?.comment) out.comments += 1;
        if (bot) out.bots += 1;
      }
    }
    const csat = await createSurvey(tx, {
      name: 'Support satisfaction', kind: 'csat', question: 'How satisfied were you with the help you got from our support team?',
      commentPrompt: 'What could we have done better?', subject: 'How did we do?', intro: 'You recently worked with our support team.',
      createdAt: nowMs - (CSAT_WINDOW_DAYS + 5) * DAY_MS, by,
    });
    for (const p of csatPeople) {
      if (!rng.chance(0.6)) continue; // not everyone opened a support case
      const sentAt = nowMs - rng.int(10, CSAT_WINDOW_DAYS) * DAY_MS;
      const score = csatScore(rng, p.band);
      const answer: Answer = rng.chance(0.45)
        ? { score, comment: rng.chance(0.5) ? rng.pick(score >= 4 ? CSAT_COMMENTS.happy : CSAT_COMMENTS.unhappy) : null, answeredAt: sentAt + rng.int(1, 6) * 3_600_000 }
        : null;
      if (clashes(p.id, sentAt)) continue;
      await insertRecipient(tx, csat, p, sentAt, by, answer, 5, null);
      out.sent += 1;
      if (answer) out.answered += 1;
      if (answer?.comment) out.comments += 1;
    }
    // Every survey of the book (the renewal playbook's survey of the work demo too), as /surveys lists them.
    const { rows: [count] } = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM surveys');
    out.surveys = count?.n ?? 2;
    const actor: Actor = { type: 'system', id: null, label: 'demo' };
    await recordAuditRaw(tx, actor, [{ action: 'survey.demo', objectType: 'survey', objectId: nps, objectLabel: 'Quarterly NPS', changes: { sent: out.sent, answered: out.answered, bots: out.bots } }]);
    const { rows: [n] } = await tx.query<{ nps: number | null }>(
      `SELECT round((100.0 * (count(*) FILTER (WHERE score >= 9) - count(*) FILTER (WHERE score <= 6)) / nullif(count(*), 0))::numeric, 1)::float8 AS nps
         FROM survey_responses WHERE survey_id = $1 AND NOT bot`, [nps]);
    out.nps = n?.nps ?? null;
  });
  out.ms = Math.round(performance.now() - started);
  return out;
}
