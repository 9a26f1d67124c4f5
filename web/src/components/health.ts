import type { Band, Driver, DriverSource, Measure, OutcomeKind, Scoring, SourceType, SurveyMetric } from '../api/healthTypes';
import { count, decimal, money, percent } from './format';

export const bandLabel: Record<Band | 'none', string> = { good: 'Good', watch: 'Watch', poor: 'Poor', none: 'No data' };
export const bandColor: Record<Band | 'none', string> = { good: 'teal', watch: 'yellow', poor: 'red', none: 'gray' };
/** The same colors for charts (Mantine teal.6, yellow.6, red.6, gray.5). */
export const bandHex: Record<Band | 'none', string> = { good: '#12b886', watch: '#fab005', poor: '#fa5252', none: '#adb5bd' };
export const bandTint: Record<Band, string> = { good: 'rgba(18,184,134,0.07)', watch: 'rgba(250,176,5,0.08)', poor: 'rgba(250,82,82,0.07)' };

export const GOOD_FROM = 70;
export const WATCH_FROM = 40;

export function bandOf(score: number): Band {
  return score >= GOOD_FROM ? 'good' : score >= WATCH_FROM ? 'watch' : 'poor';
}

export function isBand(v: string): v is Band {
  return v === 'good' || v === 'watch' || v === 'poor';
}

export const sourceLabel: Record<SourceType, string> = {
  event_metric: 'Product usage metric',
  account_field: 'Account field',
  days_since_event: 'Days since an event',
  days_since_contact_seen: 'Days since a contact was seen',
  formula: 'Formula over other drivers',
  days_since_activity: 'Days since an activity',
  autopilot: 'On autopilot',
  survey_metric: 'Survey metric',
};

export const surveyMetricLabel: Record<SurveyMetric, string> = {
  nps: 'NPS',
  csat: 'CSAT (% of 4–5)',
  response_rate: 'Survey response rate',
  detractor_share: 'Share of detractors',
};

export const measureLabel: Record<Measure, string> = {
  count: 'Number of events',
  avg_daily_users: 'Average daily active users',
  active_days: 'Days with activity',
  distinct_events: 'Distinct events used',
};

export const outcomeLabel: Record<OutcomeKind, string> = {
  renewed: 'Renewed',
  expanded: 'Expanded',
  churned: 'Churned',
  downgraded: 'Downgraded',
  retained: 'Retained',
};
export const outcomeColor: Record<OutcomeKind, string> = { renewed: 'teal', expanded: 'blue', churned: 'red', downgraded: 'orange', retained: 'gray' };

const FIELD_LABELS: Record<string, string> = {
  arr: 'ARR',
  seats: 'Seats',
  days_to_renewal: 'Days to renewal',
  account_age_days: 'Account age (days)',
};

export function fieldLabel(field: string): string {
  if (FIELD_LABELS[field]) return FIELD_LABELS[field];
  return field.startsWith('custom.') ? `Custom field “${field.slice(7)}”` : field;
}

function eventsPhrase(events: string[]): string {
  if (events.length === 0) return 'any event';
  if (events.length <= 2) return events.map((e) => `“${e}”`).join(' or ');
  return `${events.length} events`;
}

/** A driver's source in words, e.g. "Average daily active users per seat, any event, last 28 days". */
export function describeSource(s: DriverSource): string {
  switch (s.type) {
    case 'event_metric':
      return `${measureLabel[s.measure]}${s.perSeat ? ' per seat' : ''} — ${eventsPhrase(s.events)}, last ${s.windowDays} day${s.windowDays === 1 ? '' : 's'}`;
    case 'account_field':
      return fieldLabel(s.field);
    case 'days_since_event':
      return `Days since ${eventsPhrase(s.events)} (up to ${s.maxDays})`;
    case 'days_since_contact_seen':
      return `Days since ${/^[aeiou]/.test(s.role) ? 'an' : 'a'} ${s.role.replace('_', ' ')} was seen (up to ${s.maxDays})`;
    case 'formula':
      return `= ${s.expression}`;
    case 'days_since_activity': {
      const kinds = s.kinds?.length ? s.kinds.map((k) => (k === 'qbr' ? 'QBR' : k === 'email' ? 'e-mail' : k)).join(' or ') : 'any activity';
      const role = s.contactRole ? ` with ${/^[aeiou]/.test(s.contactRole) ? 'an' : 'a'} ${s.contactRole.replace('_', ' ')}` : '';
      return `Days since ${s.kinds?.length ? `a ${kinds}` : kinds}${role} (up to ${s.maxDays})`;
    }
    case 'autopilot':
      return 'On autopilot (1) or not (0)';
    case 'survey_metric':
      return `${surveyMetricLabel[s.metric]}${s.surveyKind ? ` of ${s.surveyKind.toUpperCase()} surveys` : ''}, last ${s.windowDays} day${s.windowDays === 1 ? '' : 's'}`;
  }
}

/**
 * The unit a driver's values are shown in when it is not the stored one: a per-seat daily-users
 * ratio is stored as 0.25 and shown (and typed, in the editor) as "25% of seats". Thresholds use
 * the same unit as the values, everywhere.
 */
export function valueUnit(source: DriverSource | undefined, scoring?: Pick<Scoring, 'type'>): { scale: number; suffix: string } | null {
  if (!source || scoring?.type === 'trend') return null;
  if (source.type === 'event_metric' && source.perSeat && source.measure === 'avg_daily_users') return { scale: 100, suffix: '% of seats' };
  return null;
}

/** A stored value in its shown unit, without float noise (0.15 → 15). */
export function toShown(value: number, unit: { scale: number } | null): number {
  return unit ? Math.round(value * unit.scale * 1e6) / 1e6 : value;
}

/** Scoring in words, e.g. "Higher value is better: ≥ 25% of seats → 100, ≥ 15% of seats → 70". */
export function describeScoring(sc: Scoring, source?: DriverSource): string {
  const higher = sc.direction === 'higher_is_better';
  const sorted = [...sc.thresholds].sort((a, b) => (higher ? b.value - a.value : a.value - b.value));
  const unit = valueUnit(source, sc);
  const fmt = (v: number) => (sc.type === 'trend' ? percent(v) : unit ? `${decimal(toShown(v, unit), 2)}${unit.suffix}` : decimal(v, 3));
  const steps = sorted.map((t) => `${higher ? '≥' : '≤'} ${fmt(t.value)} → ${t.score}`).join(', ');
  const what = sc.type === 'trend' ? 'change vs previous window' : 'value';
  return `${higher ? 'Higher' : 'Lower'} ${what} is better: ${steps || 'no thresholds'}`;
}

function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** A driver's value for people: share of seats, money, days, or a percent change for trends. */
export function formatDriverValue(value: number | null, driver?: Pick<Driver, 'source' | 'scoring'>): string {
  if (value === null || !Number.isFinite(value)) return '—';
  if (!driver) return String(round(value, 2));
  if (driver.scoring.type === 'trend') return percent(value);
  const s = driver.source;
  switch (s.type) {
    case 'event_metric':
      if (s.perSeat && s.measure === 'avg_daily_users') return `${decimal(round(value * 100), 1)}% of seats`;
      if (s.perSeat) return `${round(value, 2)} per seat`;
      if (s.measure === 'active_days') return `${round(value)} day${value === 1 ? '' : 's'}`;
      return Math.abs(value) >= 1000 ? count(Math.round(value)) : String(round(value));
    case 'days_since_event':
    case 'days_since_contact_seen':
    case 'days_since_activity':
      return `${Math.round(value)} day${Math.round(value) === 1 ? '' : 's'}`;
    case 'autopilot':
      return value >= 1 ? 'on autopilot' : 'not on autopilot';
    case 'account_field':
      if (s.field === 'arr') return money(value);
      if (s.field.startsWith('days') || s.field.endsWith('_days')) return `${Math.round(value)} days`;
      return String(round(value, 2));
    case 'formula':
      return String(round(value, 2));
    case 'survey_metric':
      return s.metric === 'nps' ? `NPS ${value > 0 ? '+' : ''}${Math.round(value)}` : `${decimal(round(value), 1)}%`;
  }
}

/** A compact number for chart axes and histogram buckets. */
export function compact(n: number): string {
  const a = Math.abs(n);
  if (a >= 1e6) return `${round(n / 1e6)}M`;
  if (a >= 1e3) return `${round(n / 1e3)}k`;
  if (a >= 10 || Number.isInteger(n)) return String(Math.round(n));
  return String(round(n, a < 1 ? 2 : 1));
}

/** Driver keys are slugs: a lowercase letter first, then letters, digits and underscores. */
export function slugify(name: string): string {
  const s = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .replace(/^[0-9_]+/, '');
  return s.slice(0, 63);
}
