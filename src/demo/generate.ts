// A realistic, reproducible book of business for demos and tests: teams, CSMs, ~300 accounts
// with contacts, three months of product usage and the outcomes of recent renewals. Pure: the
// output depends only on the options (including `now`), never on the clock or Math.random.
import { makeAccounts } from './accounts.js';
import { Rng, itemAt, mixSeed } from './random.js';
import { generateUsage } from './usage.js';
import type { ContactRole, DemoAccount, DemoBook, DemoContact, DemoEvent, DemoOptions, DemoTeam, DemoUser, Region } from './types.js';
import { slug, utcDayStart } from './util.js';
import { FIRST_NAMES, LAST_NAMES, ROSTER, TEAM_NAMES, TITLES } from './words.js';

export { DAY_MS, isoDate, slug, utcDayStart } from './util.js';

function checkOptions(seed: number, accounts: number, days: number, now: Date): void {
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  if (!Number.isInteger(accounts) || accounts < 1 || accounts > 100_000) throw new RangeError(`accounts must be 1..100000, got ${accounts}`);
  if (!Number.isInteger(days) || days < 1 || days > 3650) throw new RangeError(`days must be 1..3650, got ${days}`);
  if (Number.isNaN(now.getTime())) throw new RangeError('now must be a valid Date');
}

export function generateDemoBook(opts: DemoOptions): DemoBook {
  const { seed = 42, accounts: accountCount = 300, days = 90, now } = opts;
  checkOptions(seed, accountCount, days, now);
  const rng = new Rng(mixSeed(seed, 1));
  const today = utcDayStart(now);

  const teams: DemoTeam[] = TEAM_NAMES.map((name) => ({ id: rng.uuid(), name }));
  const users: DemoUser[] = ROSTER.map((person) => ({
    id: rng.uuid(),
    email: `${person.name.split(' ').map(slug).join('.')}@canopy.example`,
    name: person.name,
    role: person.role,
    team_id: itemAt(teams, person.team).id,
  }));

  const { accounts, plans, outcomes } = makeAccounts(rng, accountCount, days, teams, users, today);
  const contacts: DemoContact[] = [];
  const events: DemoEvent[] = [];
  accounts.forEach((account, index) => {
    const own = makeContacts(rng, account, index);
    for (const c of own) contacts.push(c);
    // A sub-stream per account: the usage of one account does not shift when `days` changes another's.
    const usage = generateUsage({ rng: new Rng(mixSeed(seed, 2, index)), account, plan: itemAt(plans, index), contacts: own, now, days });
    for (const e of usage) events.push(e);
  });
  return { seed, days, now: new Date(now.getTime()), teams, users, accounts, contacts, events, outcomes };
}

function fictionalPhone(rng: Rng, region: Region): string {
  // Number ranges reserved for fiction, so the demo never dials a real person.
  const d = (count: number) => String(rng.int(0, 10 ** count - 1)).padStart(count, '0');
  if (region === 'NA') return `+1 555 01${d(2)}`;
  if (region === 'EMEA') return `+44 20 7946 0${d(3)}`;
  return `+61 2 5550 ${d(4)}`;
}

/**
 * The people the vendor knows at the account: 3–8 of its product users. The other users
 * (about as many as the account has seats) appear only in the events, as `user_0001_u037`.
 */
function makeContacts(rng: Rng, account: DemoAccount, index: number): DemoContact[] {
  const count = rng.int(3, 8);
  const emails = new Set<string>();
  const out: DemoContact[] = [];
  for (let j = 0; j < count; j++) {
    // Most accounts have a champion, a sponsor and an admin; a missing champion is itself a signal.
    let role: ContactRole = rng.chance(0.15) ? 'admin' : 'user';
    if (j === 0) role = rng.chance(0.9) ? 'champion' : 'user';
    else if (j === 1) role = 'executive_sponsor';
    else if (j === 2) role = 'admin';
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    let local = `${slug(first)}.${slug(last)}`;
    for (let k = 2; emails.has(local); k++) local = `${slug(first)}.${slug(last)}${k}`;
    emails.add(local);
    out.push({
      id: rng.uuid(),
      account_id: account.id,
      external_id: `user_${String(index + 1).padStart(4, '0')}_${String(j + 1).padStart(2, '0')}`,
      email: `${local}@${account.domain}`,
      name: `${first} ${last}`,
      title: rng.pick(TITLES[role]),
      role,
      phone: rng.chance(0.6) ? fictionalPhone(rng, account.custom.region) : null,
    });
  }
  return out;
}
