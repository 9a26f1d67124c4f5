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
