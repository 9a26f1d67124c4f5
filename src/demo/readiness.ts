// The demo's readiness (issue 11, seed 004): initiatives on about a third of the live accounts,
// each with a history of check-ins over several quarters in every quadrant — some moving (enable →
// ready after we gave a spoon, align → ready once tied to a goal of their success plan, ready →
// enable when their admin left), some stuck — with the customer's own words in the follow-ups
// and in the CSM's call notes (change and sustain talk), and a few check-ins asked by e-mail and
// not answered yet.
//
// Everything goes through the readiness part's own writes (insertInitiative, recordCheckInTx,
// recordActivityCheckIn, requestCheckIn) and the activities part's logActivity, in one
// transaction, so quadrants, audit rows and the capacity ledger see what a CS team would have
// produced. Own Rng stream (mixSeed 7007): the rest of the demo is unchanged.
import type { Actor } from '../auth/principal.js';
import type { Config } from '../config.js';
import type { Database, Queryable } from '../db/connect.js';
import { logActivity } from '../activities/log.js';
import { hashToken, newToken } from '../public/token.js';
import { recordCheckInTx } from '../readiness/checkins.js';
import { insertInitiative, recordActivityCheckIn } from '../readiness/initiatives.js';
import { quadrant, type Quadrant } from '../readiness/quadrant.js';
import { requestCheckInTx } from '../readiness/requests.js';
import { insertTasks } from '../tasks/store.js';
import { Rng, mixSeed } from './random.js';
import { ALIGN, ALIGNED, ENABLE, INITIATIVES, NURTURE, READY, SPOONS, callNote, type Said } from './readiness-content.js';
import { DAY_MS } from './util.js';

export type DemoReadinessSummary = {
  accounts: number; initiatives: number; checkIns: number; byQuadrant: Record<Quadrant, number>; moved: number;
  linkedToGoals: number; spoonTasks: number; callNotes: number; customerAnswers: number; openRequests: number; ms: number;
};

type Story = 'enable_to_ready' | 'enable' | 'ready' | 'align_linked' | 'align' | 'nurture' | 'slipping';
const STORIES: readonly Story[] = ['enable_to_ready', 'enable', 'ready', 'align_linked', 'align', 'nurture', 'slipping'];
const WEIGHTS = [3, 3, 2, 2, 2, 2, 1];
const OPEN_REQUESTS = 8;

type Account = { id: string; owner_id: string; owner_email: string };
type Contact = { id: string; name: string | null; email: string | null };

const firstName = (c: Contact | undefined) => (c?.name ?? '').split(' ')[0] || 'them';
const HOUR_MS = 3_600_000;

/**
 * When an initiative's check-ins happened, oldest first: about 90 days apart, the latest in the
 * last five weeks. The initiative's place on its account (`slot`) sets the hour of day (2 h, 5 h,
 * 8 h … before now's), so two initiatives of one account never share an instant — nor does any
 * check-in share one with the other demos' whole-day times — and the account's latest is plain.
 */
export function checkInTimes(rng: Rng, count: number, slot: number, nowMs: number): number[] {
  const last = nowMs - rng.int(3, 35) * DAY_MS - (2 + 3 * (slot % 7)) * HOUR_MS;
  const gaps = Array.from({ length: count - 1 }, () => rng.int(80, 100) * DAY_MS);
  return Array.from({ length: count }, (_, k) => last - gaps.slice(k).reduce((a, g) => a + g, 0));
}

/** What they said at each check-in of a story, oldest first. */
function sayings(story: Story, rng: Rng): Said[] {
  const enable = rng.pick(ENABLE);
  switch (story) {
    case 'enable_to_ready': return [enable, { ...rng.pick(ENABLE), confidence: Math.min(6, enable.confidence + 2) }, rng.pick(READY)];
    case 'enable': return [enable, { ...rng.pick(ENABLE), importance: Math.min(10, enable.importance + 1) }];
    case 'ready': return rng.chance(0.5) ? [rng.pick(READY)] : [{ ...rng.pick(READY), confidence: 7 }, rng.pick(READY)];
    case 'align_linked': return [rng.pick(ALIGN), rng.pick(ALIGNED)];
    case 'align': return [rng.pick(ALIGN), rng.pick(ALIGN)];
    case 'nurture': return [rng.pick(NURTURE), rng.pick(NURTURE)];
    case 'slipping': return [rng.pick(READY), { ...rng.pick(ENABLE), whatWouldMoveHigher: "Our admin left and nobody else knows the setup; we're stuck for now." }];
  }
}

/** A customer's answer through an e-mailed link: an answered request, then the check-in it made. */
async function customerAnswer(tx: Queryable, a: Account, initiativeId: string, contact: Contact, s: Said, at: number, now: Date) {
  const sent = at - 2 * DAY_MS;
  const { rows: [r] } = await tx.query<{ id: string }>(
    `INSERT INTO check_in_requests (account_id, initiative_id, contact_id, token_hash, requested_by, sent_at, expires_at, first_viewed_at, answered_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id`,
    [a.id, initiativeId, contact.id, hashToken(newToken()), a.owner_id, new Date(sent).toISOString(), new Date(sent + 30 * DAY_MS).toISOString(), new Date(at).toISOString()],
  );
  const actor: Actor = { type: 'system', id: null, label: `${contact.name ?? 'customer'} (customer, via the check-in link)` };
  await recordCheckInTx(tx, { accountId: a.id, initiativeId, contactId: contact.id, ...s, at: new Date(at), source: 'customer', requestId: r?.id ?? null }, actor, { now });
}

export async function seedDemoReadiness(config: Config, database: Database, opts: { seed?: number; now?: Date } = {}): Promise<DemoReadinessSummary> {
  const started = performance.now();
  const now = opts.now ?? new Date();
  const nowMs = now.getTime();
  const rng = new Rng(mixSeed(opts.seed ?? 42, 7007));

  const { rows: accounts } = await database.query<Account>(
    `SELECT a.id, a.owner_id, u.email AS owner_email FROM accounts a JOIN users u ON u.id = a.owner_id WHERE a.stage <> 'churned' ORDER BY a.external_id`,
  );
  const chosen = rng.shuffle([...accounts]).slice(0, Math.max(8, Math.round(accounts.length / 3))).sort((x, y) => (x.id < y.id ? -1 : 1));
  const ids = chosen.map((a) => a.id);
  const { rows: contacts } = await database.query<Contact & { account_id: string }>(
    `SELECT id, account_id, name, email FROM contacts WHERE account_id = ANY ($1::uuid[]) ORDER BY account_id, role = 'champion' DESC, role = 'executive_sponsor' DESC, id`, [ids],
  );
  const { rows: goals } = await database.query<{ id: string; account_id: string }>(
    'SELECT g.id, p.account_id FROM plan_goals g JOIN success_plans p ON p.id = g.plan_id WHERE p.account_id = ANY ($1::uuid[]) ORDER BY p.account_id, g.created_at, g.id', [ids],
  );
  const contactsOf = (id: string) => contacts.filter((c) => c.account_id === id);
  const goalOf = (id: string) => goals.find((g) => g.account_id === id)?.id ?? null;

  const out: DemoReadinessSummary = {
    accounts: chosen.length, initiatives: 0, checkIns: 0, byQuadrant: { ready: 0, enable: 0, align: 0, nurture: 0 }, moved: 0,
    linkedToGoals: 0, spoonTasks: 0, callNotes: 0, customerAnswers: 0, openRequests: 0, ms: 0,
  };
  const candidates: { initiativeId: string; contact: Contact; account: Account }[] = [];

  await database.transaction(async (tx) => {
    for (const a of chosen) {
      const actor: Actor = { type: 'user', id: a.owner_id, label: a.owner_email };
      const people = contactsOf(a.id);
      const titles = rng.shuffle([...INITIATIVES]).slice(0, rng.chance(0.35) ? 2 : 1);
      for (const [slot, item] of titles.entries()) {
        let story = rng.weighted(STORIES, WEIGHTS);
        const goalId = goalOf(a.id);
        if (story === 'align_linked' && !goalId) story = 'align';
        const said = sayings(story, rng);
        const contact = people.length ? rng.pick(people) : undefined;
        // Several quarters: about 90 days apart, the latest in the last five weeks.
        const times = checkInTimes(rng, said.length, slot, nowMs);
        const last = times[times.length - 1] ?? nowMs;
        const linkedFromStart = story === 'align' && goalId !== null && rng.chance(0.4);
        const initiativeId = await insertInitiative(tx, a.id, { title: item.title, description: item.description, ...(linkedFromStart && goalId ? { goalId } : {}) }, actor);
        await tx.query('UPDATE initiatives SET created_at = $2, updated_at = $2 WHERE id = $1', [initiativeId, new Date((times[0] ?? last) - 7 * DAY_MS).toISOString()]);
        out.initiatives += 1;

        for (const [k, s] of said.entries()) {
          const at = times[k] ?? last;
          if (story === 'align_linked' && k === 1 && goalId) {
            // Between the two check-ins the CSM tied it to their goal.
            await tx.query('UPDATE initiatives SET goal_id = $2, updated_at = $3 WHERE id = $1', [initiativeId, goalId, new Date(at - 20 * DAY_MS).toISOString()]);
          }
          if (story === 'enable_to_ready' && k === 1) {
            // We gave a spoon after the first check-in: done for them, before confidence rose.
            const done = at - rng.int(10, 30) * DAY_MS;
            const [task] = await insertTasks(tx, [{
              accountId: a.id, title: `${rng.pick(SPOONS)}: ${item.title}`, kind: 'todo', source: 'manual', assigneeUserId: a.owner_id, createdBy: a.owner_id,
              reason: `Give a spoon on “${item.title}”: confidence ${said[0]?.confidence ?? 0} at the last check-in (“${said[0]?.whatWouldMoveHigher ?? ''}”).`,
              dueAt: new Date(done).toISOString(),
            }]);
            if (task) {
              await tx.query(`UPDATE tasks SET gives_spoon = true, spoon_initiative_id = $5, status = 'done', completed_at = $2, completed_by = $3, created_at = $4, updated_at = $2 WHERE id = $1`,
                [task.id, new Date(done).toISOString(), a.owner_id, new Date(done - 14 * DAY_MS).toISOString(), initiativeId]);
              out.spoonTasks += 1;
            }
          }
          if (k > 0 && contact?.email && rng.chance(0.4)) {
            await customerAnswer(tx, a, initiativeId, contact, s, at, now);
            out.customerAnswers += 1;
          } else {
            const activity = await logActivity(tx, {
              accountId: a.id, kind: 'call', occurredAt: new Date(at).toISOString(), subject: `Check-in call: ${item.title}`,
              body: callNote(item.title, s, firstName(contact)), participants: { userIds: [], contactIds: contact ? [contact.id] : [] },
            }, actor);
            await recordActivityCheckIn(tx, { initiativeId, ...(contact ? { contactId: contact.id } : {}), ...s }, a.id, activity.id, actor);
            out.callNotes += 1;
          }
          out.checkIns += 1;
        }
        const first = said[0];
        const latest = said[said.length - 1];
        if (first && latest) {
          const q = quadrant(latest.importance, latest.confidence);
          out.byQuadrant[q] += 1;
          if (q !== quadrant(first.importance, first.confidence)) out.moved += 1;
          if (contact?.email && q !== 'ready') candidates.push({ initiativeId, contact, account: a });
        }
        if (linkedFromStart || story === 'align_linked') out.linkedToGoals += 1;
      }
    }

    // A few check-ins asked by e-mail in the last days, not answered yet (the e-mails count as sent: the demo's contacts are not real).
    for (const c of rng.shuffle(candidates).slice(0, OPEN_REQUESTS)) {
      const sentAt = new Date(nowMs - rng.int(1, 6) * DAY_MS);
      const r = await requestCheckInTx(tx, { initiativeId: c.initiativeId, contactId: c.contact.id, by: c.account.owner_id, now: sentAt },
        { publicUrl: config.publicUrl, emailConfigured: true }, false);
      if ('skipped' in r) continue;
      await tx.query(`UPDATE outbound_messages SET status = 'sent', sent_at = $2, created_at = $2 WHERE id = $1`, [r.outboundId, sentAt.toISOString()]);
      out.openRequests += 1;
    }
  });
  out.ms = Math.round(performance.now() - started);
  return out;
}
