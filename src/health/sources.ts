// Driver source types: how each turns measurements into a value. A new source type (activities,
// surveys — later capabilities) adds an entry here and, if it reads the database, a column
// in metrics.ts; nothing else changes.
import type { AccountFacts, RawValue } from './metrics.js';
import type { DriverSource } from './schema.js';

type Raw = RawValue;
type Valued = { value: number | null; previous: number | null };

const DAY = 86_400_000;
const daysBetween = (from: number, to: number) => Math.floor((to - from) / DAY);

export type SourceType = {
  type: DriverSource['type'];
  label: string;
  description: string;
  available: boolean;
};

export const SOURCE_CATALOG: SourceType[] = [
  { type: 'event_metric', label: 'Product usage', description: 'Events over a window: count, average daily users, active days or distinct features; optionally per seat.', available: true },
  { type: 'account_field', label: 'Account field', description: 'ARR, seats, days to renewal, account age or a numeric custom field.', available: true },
  { type: 'days_since_event', label: 'Days since an event', description: 'Days since the account last did one of the events (or anything).', available: true },
  { type: 'days_since_contact_seen', label: 'Days since a contact role was active', description: 'Days since a contact with a role (e.g. executive sponsor) last used the product.', available: true },
  { type: 'formula', label: 'Formula', description: 'Arithmetic over other drivers, e.g. active_users / seats.', available: true },
  { type: 'days_since_activity', label: 'Days since an activity', description: 'Days since the latest logged activity of the chosen kinds (call, meeting, e-mail, QBR, note), optionally only those with a contact of a role.', available: true },
  { type: 'autopilot', label: 'On autopilot', description: '1 when the last touchpoints are routine (same kind, steady rhythm, no seed or new topic), 0 otherwise.', available: true },
  { type: 'survey_metric', label: 'Survey metric', description: 'NPS, CSAT (% satisfied), response rate or detractor share of the account’s survey answers over a window (bots never count).', available: true },
];

/** The value of a non-formula source for one account at `asOf` (YYYY-MM-DD). Null means no data. */
export function sourceValue(source: Exclude<DriverSource, { type: 'formula' }>, raw: Raw | undefined, facts: AccountFacts, asOf: string): Valued {
  const asOfMs = Date.parse(`${asOf}T00:00:00Z`);
  switch (source.type) {
    case 'event_metric': {
      // An account that has never sent usage has no data yet, which is not the same as zero. One
      // that has (any event, ever, by the day) and sent none in the window scores 0: silence after
      // activity is a zero.
      // A window marked unknown (daily users of usage that names no user) is no data either.
      if (!facts.hasUsage) return { value: null, previous: null };
      const current = raw?.unknown?.current ? null : raw?.current ?? 0;
      const previous = raw?.unknown?.previous ? null : raw?.previous ?? 0;
      if (!source.perSeat) return { value: current, previous };
      if (!facts.seats) return { value: null, previous: null }; // unknown or zero seats: no ratio
      const per = (v: number | null) => (v === null ? null : v / (facts.seats ?? 1));
      return { value: per(current), previous: per(previous) };
    }
    case 'days_since_event':
    case 'days_since_contact_seen': {
      if (!facts.hasUsage) return { value: null, previous: null };
      const days = raw?.current;
      return { value: days === null || days === undefined ? source.maxDays : Math.min(source.maxDays, Math.floor(days)), previous: null };
    }
    case 'days_since_activity': {
      // Activities are ours, not the product's: usage is not needed. None within maxDays (or none
      // at all) is the cap, as for days_since_event: "at least maxDays days".
      const days = raw?.current;
      return { value: days === null || days === undefined ? source.maxDays : Math.min(source.maxDays, Math.floor(days)), previous: null };
    }
    case 'survey_metric':
      // Survey answers are ours to ask, not the product's: usage is not needed. No answer (or, for
      // the response rate, no send) in the window is no data. Past days are exact (by answer time).
      return { value: raw?.current ?? null, previous: null };
    case 'autopilot':
      // Today: the stored verdict (1/0). A past day has no verdict: no data (see health/README.md).
      return { value: raw?.current ?? null, previous: null };
    case 'account_field': {
      const f = source.field;
      if (f === 'arr') return { value: facts.arr, previous: null };
      if (f === 'seats') return { value: facts.seats, previous: null };
      if (f === 'days_to_renewal') return { value: facts.renewalDate ? daysBetween(asOfMs, Date.parse(`${facts.renewalDate}T00:00:00Z`)) : null, previous: null };
      if (f === 'account_age_days') return { value: Math.max(0, daysBetween(Date.parse(`${facts.customerSince}T00:00:00Z`), asOfMs + DAY)), previous: null };
      const v = facts.custom[f.slice('custom.'.length)];
      const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
      return { value: Number.isFinite(n) ? n : null, previous: null };
    }
  }
}
