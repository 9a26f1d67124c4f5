// Product usage for one demo account: a daily volume shaped by the account's pattern, its
// size and the working week, spread over its contacts and the account's local working hours.
import type { Rng } from './random.js';
import type { ContactRole, DemoAccount, DemoContact, DemoEvent, EventProperties, Region, UsagePattern } from './types.js';
import {
  API_ENDPOINTS, DASHBOARDS, EVENT_NAMES, EVENT_WEIGHTS, EXPORT_FORMATS, INTEGRATIONS, ONBOARDING_EVENT_WEIGHTS, REPORT_TYPES,
  type EventName,
} from './words.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/**
 * Events per weekday per sqrt(seat). Square root because a 1,000-seat customer does not log
 * 100x the activity of a 10-seat one; tuned so 300 accounts x 90 days give ~200k events.
 */
const EVENTS_PER_ROOT_SEAT = 1.05;
const WEEKEND_FACTOR = 0.2;
const UTC_OFFSET_HOURS: Record<Region, number> = { NA: -5, EMEA: 1, APAC: 8 };
// Champions and admins live in the product; sponsors look at a dashboard now and then.
const ROLE_ACTIVITY: Record<ContactRole, number> = { champion: 5, admin: 4, user: 3, executive_sponsor: 0.5 };

const NORMAL_WEIGHTS = EVENT_NAMES.map((e) => EVENT_WEIGHTS[e]);
const ONBOARDING_WEIGHTS = EVENT_NAMES.map((e) => ONBOARDING_EVENT_WEIGHTS[e]);

type Shape = { pattern: UsagePattern; weeklyPhase: number; monthlyPhase: number };

/** Multiplier on the account's base volume for day `k` of the window (t = k / (days - 1)). */
function patternFactor(shape: Shape, t: number, dayNumber: number): number {
  switch (shape.pattern) {
    case 'growing':
      return 0.45 + 1.15 * t;
    case 'declining':
      return 1.5 - 1.15 * t;
    case 'steady':
      return 1;
    case 'seasonal': {
      // Calendar-aligned waves: a weekly cycle and a month-end reporting peak.
      const weekly = 1 + 0.3 * Math.sin((2 * Math.PI * dayNumber) / 7 + shape.weeklyPhase);
      const monthly = 1 + 0.5 * Math.cos((2 * Math.PI * (dayNumber + shape.monthlyPhase)) / 30);
      return weekly * monthly;
    }
    case 'silent':
      // Fades a little before it stops; the stop itself is the cut-off in generateUsage.
      return 1 - 0.4 * t;
  }
}

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

export function generateUsage(args: { rng: Rng; account: DemoAccount; contacts: DemoContact[]; now: Date; days: number }): DemoEvent[] {
  const { rng, account, contacts, days } = args;
  const now = args.now.getTime();
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const windowStart = today - (days - 1) * DAY_MS;
  // A customer that signed recently has no usage before its contract began.
  const startAt = Math.max(windowStart, Date.parse(`${account.contract_start}T00:00:00Z`));
  const silentSince = account.custom.demo_silent_since;
  const stopAt = silentSince ? Date.parse(`${silentSince}T00:00:00Z`) : Number.POSITIVE_INFINITY;
  const shape: Shape = { pattern: account.custom.demo_pattern, weeklyPhase: rng.range(0, 7), monthlyPhase: rng.int(0, 29) };
  const base = EVENTS_PER_ROOT_SEAT * Math.sqrt(account.seats) * rng.range(0.6, 1.4);
  const weights = account.stage === 'onboarding' ? ONBOARDING_WEIGHTS : NORMAL_WEIGHTS;
  const contactWeights = contacts.map((c) => ROLE_ACTIVITY[c.role] * rng.range(0.3, 1.5));
  const region = account.custom.region;

  const drafts: Array<{ ts: number; event: EventName; user: string; properties: EventProperties }> = [];
  for (let k = 0; k < days; k++) {
    const dayStart = windowStart + k * DAY_MS;
    const dayNumber = dayStart / DAY_MS;
    const weekday = new Date(dayStart).getUTCDay();
    const t = days > 1 ? k / (days - 1) : 1;
    const noise = Math.exp(0.2 * rng.normal());
    const mean = base * patternFactor(shape, t, dayNumber) * (weekday === 0 || weekday === 6 ? WEEKEND_FACTOR : 1) * noise;
    const count = rng.poisson(mean);
    for (let n = 0; n < count; n++) {
      const event = rng.weighted(EVENT_NAMES, weights);
      const user = rng.weighted(contacts, contactWeights).external_id;
      const ts = dayStart + timeOfDay(rng, event, region);
      const properties = propertiesFor(rng, event, account);
      // Late NA evenings spill into the next UTC day: nothing may land after `now` or after the stop.
      if (ts >= now || ts >= stopAt || ts < startAt) continue;
      drafts.push({ ts, event, user, properties });
    }
  }

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
