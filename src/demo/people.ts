// Who uses the product at an account: a pool of users about as large as its seats (contacts
// are some of them), how active each is, when the executive sponsor shows up, and the
// activation milestones (integrations, invites, seats) of the account's lifecycle.
import type { AccountPlan } from './accounts.js';
import type { Rng } from './random.js';
import type { ContactRole, DemoAccount, DemoContact, UsagePattern } from './types.js';
import { DAY_MS } from './util.js';
import type { EventName } from './words.js';

export interface ProductUser {
  /** Segment userId: the contact's external_id, or `user_0001_u037` for users without a contact. */
  id: string;
  role: ContactRole;
  /** Relative daily activity; 0 for the sponsor, who comes by on visits instead. */
  weight: number;
  /** Days before today the user started; Infinity when before the window. */
  joinedAgo: number;
}

const ROLE_WEIGHT: Record<ContactRole, number> = { champion: 2.2, admin: 1.8, user: 1, executive_sponsor: 0 };
/** Mean events beyond the first on a day a user is active: champions and admins live in the product. */
export const EXTRA_EVENTS: Record<ContactRole, number> = { champion: 1.9, admin: 1.5, user: 1, executive_sponsor: 0.5 };

/**
 * The account's users: its contacts, then plain users up to ~seats. A new customer's people
 * join over its first weeks (champion and admin first); everyone else predates the window.
 * `startAgo`: days since the contract began for an onboarding account, else Infinity.
 */
export function productUsers(rng: Rng, account: DemoAccount, contacts: readonly DemoContact[], startAgo: number): ProductUser[] {
  const size = Math.max(contacts.length, Math.round(account.seats * rng.range(0.85, 1.05)));
  const prefix = account.external_id.replace(/^acct_/, 'user_');
  const users: ProductUser[] = [];
  for (let j = 0; j < size; j++) {
    const contact = contacts[j];
    const role: ContactRole = contact?.role ?? 'user';
    const early = role === 'champion' || role === 'admin';
    const joinedAgo = Number.isFinite(startAgo) ? startAgo - (early ? rng.int(0, 1) : Math.floor(-7 * Math.log(1 - rng.float()))) : startAgo;
    users.push({
      id: contact?.external_id ?? `${prefix}_u${String(j + 1).padStart(3, '0')}`,
      role,
      weight: ROLE_WEIGHT[role] * (role === 'user' ? Math.exp(0.5 * rng.normal()) : rng.range(0.8, 1.2)),
      joinedAgo,
    });
  }
  return users;
}

type SponsorMode = 'engaged' | 'faded' | 'absent';
const SPONSOR_MODES: readonly SponsorMode[] = ['engaged', 'faded', 'absent'];
const SPONSOR_ODDS: Record<UsagePattern, readonly number[]> = {
  growing: [75, 10, 15],
  steady: [60, 22, 18],
  seasonal: [50, 30, 20],
  declining: [12, 70, 18],
  silent: [5, 75, 20],
};

/**
 * Days (before today) on which the executive sponsor used the product: every week or two when
 * engaged; when faded, visits that stopped a month or more ago (before the ~4 weeks that lead
 * up to the account's outcome, if it has one); never when absent.
 */
export function sponsorVisits(rng: Rng, plan: AccountPlan, firstAgo: number, today: number): number[] {
  const mode = rng.weighted(SPONSOR_MODES, SPONSOR_ODDS[plan.pattern]);
  if (mode === 'absent') return [];
  const engaged = mode === 'engaged';
  const lastAgo = engaged ? 0 : plan.outcome ? plan.outcome.daysAgo + 28 + rng.int(7, 40) : rng.int(32, 75);
  const visits: number[] = [];
  for (let ago = firstAgo - rng.int(0, 10); ago >= lastAgo; ago -= engaged ? rng.int(4, 14) : rng.int(7, 20)) {
    const weekday = new Date(today - ago * DAY_MS).getUTCDay();
    // Executives look at the product on working days: a weekend visit moves to the Friday before.
    visits.push(weekday === 6 ? ago + 1 : weekday === 0 ? ago + 2 : ago);
  }
  return visits;
}

export type Milestone = { ago: number; event: EventName; user: string };

const ONBOARDING_DONE: Record<UsagePattern, number> = { growing: 0.9, steady: 0.8, seasonal: 0.75, declining: 0.6, silent: 0.5 };
/** Chance per weekday of an invite, a seat activation and a new integration at an established account. */
const ONGOING_RATE: Record<UsagePattern, readonly [number, number, number]> = {
  growing: [0.06, 0.05, 0.012],
  steady: [0.025, 0.02, 0.006],
  seasonal: [0.025, 0.02, 0.006],
  declining: [0.01, 0.008, 0.003],
  silent: [0.01, 0.008, 0.003],
};

/**
 * Activation milestones. A new customer connects integrations in its first two weeks, invites
 * its people and activates their seats as they join, though some never do one or another; an
 * established one does so now and then, growing accounts more often.
 */
export function activationEvents(rng: Rng, plan: AccountPlan, users: readonly ProductUser[], startAgo: number, days: number, today: number): Milestone[] {
  const out: Milestone[] = [];
  const inviters = users.filter((u) => u.role === 'champion' || u.role === 'admin');
  const inviter = () => (inviters.length > 0 ? rng.pick(inviters) : rng.pick(users)).id;
  const members = users.filter((u) => u.role !== 'executive_sponsor');
  if (Number.isFinite(startAgo)) {
    const done = ONBOARDING_DONE[plan.pattern];
    const [invites, seats, integrations] = [rng.chance(done), rng.chance(done), rng.chance(done - 0.15)];
    for (const u of members) {
      if (u.joinedAgo < 0) continue; // not joined yet
      if (seats) out.push({ ago: u.joinedAgo, event: 'Seat Activated', user: u.id });
      if (invites && u !== members[0]) out.push({ ago: Math.min(startAgo, u.joinedAgo + rng.int(0, 2)), event: 'Invite Sent', user: inviter() });
    }
    if (integrations) {
      for (let n = rng.int(1, 3); n > 0; n--) out.push({ ago: Math.max(0, startAgo - rng.int(1, 14)), event: 'Integration Connected', user: inviter() });
    }
    return out;
  }
  const [invite, seat, integration] = ONGOING_RATE[plan.pattern];
  for (let ago = days - 1; ago >= 0; ago--) {
    const weekday = new Date(today - ago * DAY_MS).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    if (rng.chance(invite)) out.push({ ago, event: 'Invite Sent', user: inviter() });
    if (rng.chance(seat) && members.length > 0) out.push({ ago, event: 'Seat Activated', user: rng.pick(members).id });
    if (rng.chance(integration)) out.push({ ago, event: 'Integration Connected', user: inviter() });
  }
  return out;
}
