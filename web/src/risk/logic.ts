import type { RiskLevel, Signal, SignalFamily } from './schemas';

/** How each level looks and reads: the same everywhere (radar, card, portfolio). */
export const LEVEL_META: Record<RiskLevel, { label: string; color: string; hex: string; range: string }> = {
  low: { label: 'Low', color: 'teal', hex: '#12b886', range: 'score under 25' },
  medium: { label: 'Medium', color: 'yellow', hex: '#fab005', range: '25–49' },
  high: { label: 'High', color: 'orange', hex: '#fd7e14', range: '50–74' },
  critical: { label: 'Critical', color: 'red', hex: '#e03131', range: '75 and over' },
};

export const FAMILY_LABEL: Record<SignalFamily, string> = {
  usage: 'Usage',
  relationship: 'Relationship',
  sentiment: 'Sentiment',
  support: 'Support',
  delivery: 'Delivery',
  commercial: 'Commercial',
  engagement: 'Engagement',
  other: 'Other',
};

export const familyLabel = (f: string): string => (f in FAMILY_LABEL ? FAMILY_LABEL[f as SignalFamily] : f);

/** 0.237 → "24%"; small non-zero values keep one decimal ("0.4%"). */
export function pct(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return '—';
  const v = p * 100;
  if (v > 0 && v < 1) return `${v.toFixed(1)}%`;
  return `${Math.round(v)}%`;
}

/** Points with one decimal, never "-0.0". */
export function points(n: number): string {
  const r = Math.round(n * 10) / 10;
  return (Object.is(r, -0) ? 0 : r).toFixed(1);
}

/** The contributions add up to the score (the model guarantees it); this is what the card shows as the total. */
export function contributionTotal(signals: Pick<Signal, 'contribution'>[]): number {
  return signals.reduce((s, x) => s + (x.contribution ?? 0), 0);
}

/** Rounded contributions that still sum exactly to the rounded score (largest remainder), for the bar labels. */
export function roundedContributions(values: number[], total: number): number[] {
  const target = Math.round(total);
  const floors = values.map((v) => Math.floor(v));
  let left = target - floors.reduce((a, b) => a + b, 0);
  const order = values.map((v, i) => ({ i, r: v - Math.floor(v) })).sort((a, b) => b.r - a.r);
  const out = [...floors];
  for (const { i } of order) {
    if (left <= 0) break;
    out[i] = (out[i] ?? 0) + 1;
    left -= 1;
  }
  return out;
}

/** An AUC as a reader reads it: "0.74 (0.66–0.81)". */
export function aucText(a: { auc: number | null; low?: number | null; high?: number | null }): string {
  if (a.auc === null) return 'not measurable';
  const ci = a.low !== null && a.low !== undefined && a.high !== null && a.high !== undefined ? ` (95% ${a.low.toFixed(2)}–${a.high.toFixed(2)})` : '';
  return `${a.auc.toFixed(2)}${ci}`;
}

/** Where an evidence reference leads in the app, when it has a page. */
export function refHref(ref: { type: string; id: string }, accountId?: string): string | null {
  const id = encodeURIComponent(ref.id);
  switch (ref.type) {
    case 'account':
      return `/accounts/${id}`;
    case 'escalation':
      return `/escalations?id=${id}`;
    case 'survey':
      return `/surveys/${id}`;
    case 'plan':
      return `/plans/${id}`;
    case 'playbook':
      return `/playbooks/${id}`;
    case 'rule':
      return `/rules/${id}`;
    case 'task':
      return accountId ? `/accounts/${encodeURIComponent(accountId)}#task-${id}` : null;
    case 'critical_date':
      return '/critical-dates';
    default:
      return accountId ? `/accounts/${encodeURIComponent(accountId)}` : null;
  }
}

/**
 * A strength as typed, in percent: the API takes 0.001–0.999 (src/risk/signals/schema.ts), so
 * 0.1 to 99.9 % with one decimal. Out of range is the field's message, never clamped (issue 9 §7);
 * empty is fine where the strength is optional.
 */
export function strengthPctError(v: number | string, required = false): string | undefined {
  if (v === '') return required ? 'Required: from 0.1 to 99.9 %' : undefined;
  return typeof v === 'number' && v >= 0.1 && v <= 99.9 && Math.abs(v * 10 - Math.round(v * 10)) < 1e-9 ? undefined : 'From 0.1 to 99.9 %, one decimal at most';
}

/** 99.9 → 0.999 exactly (99.9 / 100 is 0.9990000000000001, which the API refuses as above 0.999). */
export const strengthOfPct = (p: number): number => Math.round(p * 10) / 1000;

/** A half-life as typed: whole days, 1 to 3650, as the API accepts; never clamped. */
export const halfLifeError = (v: number | string): string | undefined =>
  typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 3650 ? undefined : v === '' ? 'Required: whole days, 1 to 3650' : 'Whole days, 1 to 3650';
