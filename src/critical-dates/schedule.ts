/**
 * When to check a date again, which lead times it has crossed, and what the alert says. Pure.
 */

export const CRITICAL_DATE_KINDS = ['domain', 'tls', 'contract', 'licence', 'card', 'custom'] as const;
export type CriticalDateKind = (typeof CRITICAL_DATE_KINDS)[number];
/** Kinds Canopy reads live (TLS handshake, RDAP); the others are typed by a person. */
export const CHECKED_KINDS = ['domain', 'tls'] as const;
export const isChecked = (k: CriticalDateKind): k is 'domain' | 'tls' => k === 'domain' || k === 'tls';
export const DEFAULT_LEAD_DAYS = [60, 30, 7];

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * The next check: an hour after a first failure, doubling with each failure in a row up to a day;
 * after a success daily, or weekly while the expiry is more than 90 days away (or unknown on a success: daily).
 */
export function nextCheckAt(a: { now: Date; ok: boolean; expiresAt: Date | null; failuresInRow: number }): Date {
  if (!a.ok) {
    const hours = Math.min(2 ** Math.max(0, a.failuresInRow - 1), 24);
    return new Date(a.now.getTime() + hours * HOUR);
  }
  const far = a.expiresAt !== null && a.expiresAt.getTime() - a.now.getTime() > 90 * DAY;
  return new Date(a.now.getTime() + (far ? 7 : 1) * DAY);
}

/** Whole days until expiry, rounded up (6.5 days left: 7); 0 or less once expired (-1: a day ago). */
export function daysLeft(expiresAt: Date, now: Date): number {
  const ms = expiresAt.getTime() - now.getTime();
  return ms > 0 ? Math.ceil(ms / DAY) : 0 - Math.floor(-ms / DAY);
}

/**
 * The lead times the date is inside at `now` that were not alerted yet for this expiry. `alert` is the
 * tightest of them (one task, one notification, however many leads a new or late date crosses at once);
 * `record` is every one of them (so a wider lead does not fire later for the same expiry).
 */
export function leadsDue(leadDays: number[], expiresAt: Date, now: Date, alreadyAlerted: number[]): { alert: number | null; record: number[] } {
  const left = expiresAt.getTime() - now.getTime();
  const crossed = leadDays.filter((l) => left <= l * DAY && !alreadyAlerted.includes(l)).sort((a, b) => a - b);
  if (crossed.length === 0) return { alert: null, record: [] };
  // The tightest lead already alerted for this expiry: a wider one crossed now adds nothing new.
  const tightestAlerted = alreadyAlerted.length ? Math.min(...alreadyAlerted) : Infinity;
  const fresh = crossed.filter((l) => l < tightestAlerted);
  return { alert: fresh[0] ?? null, record: crossed };
}

const KIND_WORDS: Record<CriticalDateKind, string> = {
  domain: 'domain', tls: 'TLS certificate', contract: 'contract', licence: 'licence', card: 'payment card', custom: 'date',
};

/** "expires in 7 days", "expires tomorrow", "expired today", "expired 3 days ago". */
export function whenText(expiresAt: Date, now: Date): string {
  const d = daysLeft(expiresAt, now);
  if (expiresAt.getTime() <= now.getTime()) return d === 0 ? 'expired today' : `expired ${-d} day${d === -1 ? '' : 's'} ago`;
  return d === 1 ? 'expires tomorrow' : `expires in ${d} days`;
}

/** The task an alert creates: pick up the phone for a domain or certificate (seed 002), a to-do otherwise. */
export function alertTask(d: { kind: CriticalDateKind; label: string; target: string | null; accountName: string; expiresAt: Date }, now: Date): { kind: 'call' | 'todo'; title: string } {
  const when = whenText(d.expiresAt, now);
  if (d.kind === 'domain' || d.kind === 'tls') {
    const what = d.kind === 'domain' ? `their domain ${d.target ?? d.label}` : `their TLS certificate for ${d.target ?? d.label}`;
    return { kind: 'call', title: `Call ${d.accountName}: ${what} ${when}`.slice(0, 300) };
  }
  return { kind: 'todo', title: `${d.accountName}: ${KIND_WORDS[d.kind]} “${d.label}” ${when}`.slice(0, 300) };
}
