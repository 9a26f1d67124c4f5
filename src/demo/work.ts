// The demo's work engine: a starter library of playbooks and rules, 90 days of logged activities
// (a mix of proactive and reactive work, so the ratio charts have something to say), a few open
// escalations on poor accounts, and one evaluation of the rules so the inboxes are not empty.
import type { Config } from '../config.js';
import type { Database } from '../db/connect.js';
import { SYSTEM_ACTOR } from '../auth/principal.js';
import { createWorkServices } from '../services.js';
import { Rng, mixSeed } from './random.js';
import { insertSurvey } from '../surveys/store.js';

const KINDS = ['call', 'meeting', 'email', 'note', 'qbr'] as const;
const SUBJECTS: Record<(typeof KINDS)[number], string[]> = {
  call: ['Check-in call', 'Adoption review call', 'Follow-up on rollout', 'Call about the renewal'],
  meeting: ['Workshop with the admins', 'Success plan review', 'Onboarding session'],
  email: ['Shared best practices', 'Sent the release notes', 'Shared an ROI summary'],
  note: ['Champion is changing roles', 'New team joining next quarter', 'Budget review in progress'],
  qbr: ['Quarterly business review'],
};
const REACTIVE = [
  { respondsTo: 'ticket', subject: 'Answered an escalated support ticket' },
  { respondsTo: 'complaint', subject: 'Called back about a complaint' },
  { respondsTo: 'risk', subject: 'Called about the usage drop' },
] as const;

export type DemoWorkSummary = { playbooks: number; rules: number; activities: number; escalations: number; firings: number };

export async function seedDemoWork(config: Config, database: Database, opts: { seed?: number; now?: Date } = {}): Promise<DemoWorkSummary> {
  const now = opts.now ?? new Date();
  const rng = new Rng(mixSeed(opts.seed ?? 42, 4004));
  const work = createWorkServices(config, database, null);

  const save = await work.playbooks.create({
    name: 'Save a slipping account', description: 'For accounts whose health turned poor: find out why, in person, before anything automated.',
    steps: [
      { kind: 'task', title: 'Call the champion: what changed?', dueOffsetDays: 1, assignee: 'owner', priority: 4 },
      { kind: 'task', title: 'Review the account with the CSM', dueOffsetDays: 3, assignee: 'manager', priority: 3 },
      // Held for the owner's approval: a customer on a slipping account gets an e-mail a person read.
      { kind: 'email', to: 'champion', approval: true, subject: 'Can we help with {{account.name}}\'s rollout?', body: 'Hi {{contact.firstName}},\n\nI noticed your team has been less active lately. Could we find 30 minutes this week?\n\n{{owner.name}}' },
      { kind: 'wait', days: 7 },
      { kind: 'task', title: 'Check whether usage recovered', dueOffsetDays: 0, assignee: 'owner' },
    ],
  }, SYSTEM_ACTOR);
  // The renewal playbook's survey (the surveys demo adds its own campaigns): a customer is asked what they think before the renewal talk.
  const renewalSurvey = await insertSurvey(database, {
    name: 'Renewal readiness (NPS)', kind: 'nps', question: 'How likely are you to recommend us to a colleague?',
    commentPrompt: 'What would make the next year better for your team?', emailSubject: 'One question before your renewal',
    emailIntro: 'Your renewal is coming up, and we would like to know where we stand. It takes a few seconds.',
    throttleDays: 90, reminderAfterDays: 5, spoonCost: 1,
  }, null);
  const renewal = await work.playbooks.create({
    name: 'Renewal prep (90 days)', description: 'Three months before renewal: prove the value, meet the sponsor.',
    steps: [
      { kind: 'task', title: 'Write the value summary', dueOffsetDays: 7, assignee: 'owner' },
      { kind: 'task', title: 'Meet the executive sponsor', dueOffsetDays: 21, assignee: 'owner', priority: 3 },
      { kind: 'survey', title: 'Renewal readiness survey', surveyId: renewalSurvey, to: 'champion', onOverload: 'wait' },
    ],
  }, SYSTEM_ACTOR);
  await work.playbooks.create({
    name: 'Onboarding kickoff', description: 'The first two weeks of a new customer.',
    steps: [
      { kind: 'email', to: 'champion', subject: 'Welcome to the team, {{contact.firstName}}', body: 'Hi {{contact.firstName}},\n\nI am {{owner.name}}, your customer success manager. Here is how we will get {{account.name}} live.' },
      { kind: 'task', title: 'Kickoff meeting', dueOffsetDays: 3, assignee: 'owner', priority: 3 },
      { kind: 'task', title: 'Connect the first integration', dueOffsetDays: 7, assignee: 'customer_admin', customerEffort: 2, onOverload: 'give_spoon' },
      { kind: 'wait', days: 14 },
      { kind: 'checkin', title: 'Go live in the first month', to: 'champion', note: 'Ask how important going live this month is to them, and how confident they are.' },
    ],
  }, SYSTEM_ACTOR);

  const rules = [
    await work.rules.create({ name: 'Poor health on a paying account', description: 'Start the save playbook.', enabled: true, windowHours: 24 * 30,
      condition: { match: 'all', conditions: [{ type: 'health_band', op: 'in', bands: ['poor'] }, { type: 'arr', op: 'gte', value: 20_000 }, { type: 'stage', op: 'not_in', values: ['churned'] }] },
      actions: [{ type: 'start_playbook', playbookId: save.id }] }, SYSTEM_ACTOR),
    await work.rules.create({ name: 'Renewal in 90 days', description: 'Prepare the renewal early.', enabled: true, windowHours: 24 * 120,
      condition: { match: 'all', conditions: [{ type: 'days_to_renewal', op: 'lte', value: 90 }, { type: 'days_to_renewal', op: 'gte', value: 0 }, { type: 'health_band', op: 'in', bands: ['good', 'watch'] }] },
      actions: [{ type: 'start_playbook', playbookId: renewal.id }] }, SYSTEM_ACTOR),
    await work.rules.create({ name: 'Health dropped 15 points', description: 'Tell the owner and their manager.', enabled: true, windowHours: 24 * 7,
      condition: { match: 'all', conditions: [{ type: 'health_score_change', direction: 'drop', points: 15, withinDays: 14 }] },
      actions: [{ type: 'notify', recipients: ['owner', 'manager'], message: 'Health dropped 15+ points in two weeks.' }, { type: 'create_task', title: 'Find out why health dropped', assignee: 'owner', priority: 3, dueInDays: 2, kind: 'call' }] }, SYSTEM_ACTOR),
  ];

  // Activities: each owned account gets a few touches over 90 days; poor accounts get more reactive ones.
  const { rows: accounts } = await database.query<{ id: string; owner_id: string; band: string | null }>(
    `SELECT a.id, a.owner_id, h.band FROM accounts a LEFT JOIN account_health h ON h.account_id = a.id
      WHERE a.owner_id IS NOT NULL AND a.stage <> 'churned' ORDER BY a.id`,
  );
  const activities: object[] = [];
  for (const a of accounts) {
    const n = rng.int(1, 6);
    for (let i = 0; i < n; i++) {
      const reactive = rng.chance(a.band === 'poor' ? 0.55 : 0.2);
      const at = new Date(now.getTime() - rng.int(0, 89) * 86_400_000 - rng.int(0, 8 * 3_600) * 1000);
      if (reactive) {
        const r = rng.pick(REACTIVE);
        activities.push({ account_id: a.id, kind: rng.pick(['call', 'email'] as const), occurred_at: at.toISOString(), subject: r.subject, body: '', responds_to: r.respondsTo, proactive: false, proactive_source: 'inferred', author_id: a.owner_id });
      } else {
        const kind = rng.weighted(KINDS, [5, 3, 3, 2, 1]);
        activities.push({ account_id: a.id, kind, occurred_at: at.toISOString(), subject: rng.pick(SUBJECTS[kind]), body: '', responds_to: null, proactive: true, proactive_source: 'inferred', author_id: a.owner_id });
      }
    }
  }
  await database.query(
    `INSERT INTO activities (account_id, kind, occurred_at, subject, body, responds_to, proactive, proactive_source, author_id)
     SELECT account_id, kind, occurred_at, subject, body, responds_to, proactive, proactive_source, author_id
       FROM json_populate_recordset(NULL::activities, $1::json)`,
    [JSON.stringify(activities)],
  );

  // Escalations: the poorest big accounts, owned by the CSM and a manager.
  const { rows: hot } = await database.query<{ id: string; owner_id: string; manager_id: string | null }>(
    `SELECT a.id, a.owner_id, (SELECT u.id FROM users u WHERE u.role = 'manager' AND u.active ORDER BY u.team_id IS NOT DISTINCT FROM a.team_id DESC, u.name LIMIT 1) AS manager_id
       FROM accounts a JOIN account_health h ON h.account_id = a.id WHERE h.band = 'poor' AND a.owner_id IS NOT NULL ORDER BY a.arr DESC LIMIT 4`,
  );
  let escalations = 0;
  for (const [i, a] of hot.entries()) {
    if (!a.manager_id || a.manager_id === a.owner_id) continue;
    const { rows } = await database.query<{ id: string }>(
      `INSERT INTO escalations (account_id, title, description, severity, status, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [a.id, ['Data sync failing since the last release', 'Invoices disputed', 'SSO outage blocks logins', 'Performance complaints from the exec team'][i], 'Opened from the demo.', i === 0 ? 'critical' : 'high', i % 2 ? 'investigating' : 'open', new Date(now.getTime() - (i + 1) * 2 * 86_400_000).toISOString()],
    );
    const id = rows[0]?.id;
    await database.query(`INSERT INTO escalation_members (escalation_id, user_id, role) VALUES ($1, $2, 'csm'), ($1, $3, 'manager')`, [id, a.owner_id, a.manager_id]);
    escalations++;
  }

  // Customer e-mails of the past weeks, so the timeline and the outbox show sent mail (with its
  // Message-ID) and one that bounced; the demo has no SMTP server, so nothing new is sent.
  const { rows: champions } = await database.query<{ account_id: string; contact_id: string; email: string; first: string; account: string; owner: string }>(
    `SELECT DISTINCT ON (a.id) a.id AS account_id, c.id AS contact_id, c.email, split_part(c.name, ' ', 1) AS first, a.name AS account, u.name AS owner
       FROM accounts a JOIN contacts c ON c.account_id = a.id AND c.email IS NOT NULL JOIN users u ON u.id = a.owner_id
      WHERE a.stage <> 'churned' ORDER BY a.id, c.role = 'champion' DESC, c.id LIMIT 12`,
  );
  const mails = champions.map((c, i) => {
    const daysAgo = 3 + i * 4;
    const at = new Date(now.getTime() - daysAgo * 86_400_000 - rng.int(0, 6 * 3_600) * 1000).toISOString();
    const bounced = i === 2;
    return {
      channel: 'email', audience: 'customer', recipient: c.email, contact_id: c.contact_id, account_id: c.account_id,
      subject: i % 2 ? `Your ${c.account} quarterly usage summary` : `Following up on our call, ${c.first}`,
      body: i % 2
        ? `Hi ${c.first},\n\nHere is how ${c.account} used the product this quarter, and two features your team has not tried yet.\n\n${c.owner}`
        : `Hi ${c.first},\n\nThanks for the time today. As promised, the rollout checklist is attached; shall we review it next week?\n\n${c.owner}`,
      dedupe_key: `demo:mail:${c.account_id}`,
      status: bounced ? 'dead' : 'sent', attempts: bounced ? 1 : 1,
      last_error: bounced ? '550 5.1.1 The e-mail account that you tried to reach does not exist' : null,
      failed_at: bounced ? at : null, sent_at: bounced ? null : at,
      message_id: bounced ? null : `<demo-${i}-${c.account_id.slice(0, 8)}@canopy.demo>`,
      created_at: at, next_attempt_at: at,
    };
  });
  if (mails.length) {
    await database.query(
      `INSERT INTO outbound_messages (channel, audience, recipient, contact_id, account_id, subject, body, dedupe_key, status, attempts, last_error, failed_at, sent_at, message_id, created_at, next_attempt_at)
       SELECT channel, audience, recipient, contact_id, account_id, subject, body, dedupe_key, status, attempts, last_error, failed_at, sent_at, message_id, created_at, next_attempt_at
         FROM json_populate_recordset(NULL::outbound_messages, $1::json)
       ON CONFLICT (dedupe_key) DO NOTHING`,
      [JSON.stringify(mails)],
    );
  }

  const { fired } = await work.rules.sweep(now);
  return { playbooks: 3, rules: rules.length, activities: activities.length, escalations, firings: fired };
}
