// Product usage for one demo account: each day, each of its users is active or not, with a
// chance shaped by the account's pattern, the user's own habits and the working week; active
// users do one or a few things in the account's local working hours. On top come the executive
// sponsor's visits and the activation milestones.
import type { AccountPlan } from './accounts.js';
import { activationEvents, EXTRA_EVENTS, productUsers, sponsorVisits } from './people.js';
import type { Rng } from './random.js';
import { activeShare, drawFeatures, drawShape, featuresOn } from './shape.js';
import type { DemoAccount, DemoContact, DemoEvent, EventProperties, Region } from './types.js';
import { DAY_MS, dayMs } from './util.js';
import { API_ENDPOINTS, DASHBOARDS, EXPORT_FORMATS, INTEGRATIONS, REPORT_TYPES, type EventName } from './words.js';

const HOUR_MS = 3_600_000;
const WEEKEND_FACTOR = 0.2;
/** Chance that a user's next action in a session is something else than the last one. */
const REFOCUS = 0.3;
/** No user is certain to show up on a given day. */
const MAX_DAILY_CHANCE = 0.9;
const UTC_OFFSET_HOURS: Record<Region, number> = { NA: -5, EMEA: 1, APAC: 8 };

function propertiesFor(rng: Rng, event: EventName, account: DemoAccount): EventProperties {
  switch (event) {
    case 'Logged In':
      return { method: rng.weighted(['sso', 'password', 'google'], [5, 3, 2]) };
    case 'Report Created':
      return { report_type: rng.pick(REPORT_TYPES) };
    case 'Dashboard Viewed':
      return { dashboard: rng.pick(DASHBOARDS) };
    case 'Export Run':
      return { format: rng.pick(EXPORT_FORMATS), rows: rng.int(10, 5000) };
    case 'Integration Connected':
      return { integration: rng.pick(INTEGRATIONS) };
    case 'Invite Sent':
      return { invitee_role: rng.weighted(['member', 'admin', 'viewer'], [6, 1, 3]) };
    case 'Workflow Automated':
      return { steps: rng.int(2, 9) };
    case 'API Call':
      return { endpoint: rng.pick(API_ENDPOINTS), status: rng.weighted([200, 201, 429, 500], [85, 10, 4, 1]) };
    case 'Comment Added':
      return { length: rng.int(10, 400) };
    case 'File Uploaded':
      return { size_kb: rng.int(4, 20_000), file_type: rng.pick(['pdf', 'csv', 'xlsx', 'png']) };
    case 'Alert Configured':
      return { channel: rng.pick(['email', 'slack', 'in_app']) };
    case 'Seat Activated':
      return { plan: account.custom.plan };
  }
}

/** Milliseconds after the UTC midnight of a day: local working hours, or any hour for machines. */
function timeOfDay(rng: Rng, event: EventName, region: Region): number {
  if (event === 'API Call' && rng.chance(0.5)) return Math.floor(rng.float() * DAY_MS);
  const localHour = 8 + 11 * ((rng.float() + rng.float()) / 2); // peaks early afternoon
  return Math.floor((localHour - UTC_OFFSET_HOURS[region]) * HOUR_MS);
}

export function generateUsage(args: {
  rng: Rng; account: DemoAccount; plan: AccountPlan; contacts: DemoContact[]; now: Date; days: number;
}): DemoEvent[] {
  const { rng, account, plan, contacts, days } = args;
  const now = args.now.getTime();
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const windowStart = today - (days - 1) * DAY_MS;
  // A new customer has no usage before its contract; a renewed one used the product all along.
  const contractStart = dayMs(account.contract_start);
  const onboarding = account.stage === 'onboarding';
  const startAt = onboarding ? Math.max(windowStart, contractStart) : windowStart;
  const startAgo = onboarding ? Math.round((today - contractStart) / DAY_MS) : Number.POSITIVE_INFINITY;
  const silentSince = account.custom.demo_silent_since;
  const stopAt = silentSince ? dayMs(silentSince) : Number.POSITIVE_INFINITY;
  const quietAgo = silentSince ? Math.round((today - stopAt) / DAY_MS) : null;
  const region = account.custom.region;

  const shape = drawShape(rng, plan);
  const users = productUsers(rng, account, contacts, startAgo);
  const features = drawFeatures(rng, plan, quietAgo);
  const totalWeight = users.reduce((sum, u) => sum + u.weight, 0);

  const drafts: Array<{ ts: number; event: EventName; user: string; properties: EventProperties }> = [];
  const emit = (ago: number, event: EventName, user: string, properties?: EventProperties) => {
    const ts = today - ago * DAY_MS + timeOfDay(rng, event, region);
    const props = properties ?? propertiesFor(rng, event, account);
    // Late NA evenings spill into the next UTC day: nothing may land after `now` or after the stop.
    if (ts >= now || ts >= stopAt || ts < startAt) return;
    drafts.push({ ts, event, user, properties: props });
  };

  for (let ago = days - 1; ago >= 0; ago--) {
    const dayStart = today - ago * DAY_MS;
    if (dayStart >= stopAt) break;
    if (dayStart + DAY_MS <= startAt) continue;
    const weekday = new Date(dayStart).getUTCDay();
    const weekend = weekday === 0 || weekday === 6;
    const share = activeShare(shape, ago, dayStart / DAY_MS) * (weekend ? WEEKEND_FACTOR : 1) * Math.exp(0.15 * rng.normal());
    const scale = (share * users.length) / totalWeight;
    const { events, weights } = featuresOn(features, ago);
    for (const u of users) {
      if (u.weight === 0 || ago > u.joinedAgo || !rng.chance(Math.min(MAX_DAILY_CHANCE, scale * u.weight))) continue;
      // A session: often a login, then one or two things done a few times (dashboards, API calls).
      let doing: EventName | null = null;
      for (let n = 1 + rng.poisson(EXTRA_EVENTS[u.role]); n > 0; n--) {
        if (doing === null && rng.chance(0.5)) {
          emit(ago, 'Logged In', u.id);
          doing = rng.weighted(events, weights);
          continue;
        }
        if (doing === null || rng.chance(REFOCUS)) doing = rng.weighted(events, weights);
        emit(ago, doing, u.id);
      }
    }
  }

  const sponsor = contacts.find((c) => c.role === 'executive_sponsor');
  if (sponsor) {
    for (const ago of sponsorVisits(rng, plan, Math.min(days - 1, startAgo), today)) {
      emit(ago, 'Logged In', sponsor.external_id);
      emit(ago, 'Dashboard Viewed', sponsor.external_id, { dashboard: 'Executive' });
      for (let n = rng.poisson(EXTRA_EVENTS.executive_sponsor); n > 0; n--) emit(ago, 'Dashboard Viewed', sponsor.external_id);
    }
  }
  for (const m of activationEvents(rng, plan, users, startAgo, days, today)) emit(m.ago, m.event, m.user);

  drafts.sort((a, b) => a.ts - b.ts);
  return drafts.map((d, i) => ({
    message_id: `demo-${account.external_id}-${String(i + 1).padStart(6, '0')}`,
    type: 'track',
    event: d.event,
    user_id: d.user,
    group_id: account.external_id,
    account_id: account.id,
    properties: d.properties,
    ts: new Date(d.ts),
  }));
}
