import dayjs from 'dayjs';
import type { CriticalDate, CriticalDateCheck, CriticalDateKind } from '../api/criticalDates';

export const KIND_LABEL: Record<CriticalDateKind, string> = {
  domain: 'Domain',
  tls: 'TLS certificate',
  contract: 'Contract',
  licence: 'Licence',
  card: 'Payment card',
  custom: 'Custom',
};

export const KIND_HINT: Record<CriticalDateKind, string> = {
  domain: 'Registration expiry, read by RDAP from the registry',
  tls: 'Certificate expiry, read from the host by a TLS connection',
  contract: 'The contract end date, as typed',
  licence: 'A licence or subscription end date, as typed',
  card: 'The payment card expiry, as typed',
  custom: 'Any other date that must not pass unnoticed',
};

export const WINDOWS = [7, 30, 60, 90, 365] as const;

/** Whole days from `now` to the expiry (negative once expired), null without a date. */
export function daysLeft(expiresAt: string | null, now: Date = new Date()): number | null {
  if (!expiresAt) return null;
  const d = dayjs(expiresAt);
  if (!d.isValid()) return null;
  return d.startOf('day').diff(dayjs(now).startOf('day'), 'day');
}

/** "in 12 days", "today", "expired 3 days ago", with a colour by the nearest default lead time. */
export function expiryWords(days: number | null): { text: string; color: string } {
  if (days === null) return { text: 'not known yet', color: 'gray' };
  if (days < 0) return { text: days === -1 ? 'expired yesterday' : `expired ${-days} days ago`, color: 'red' };
  if (days === 0) return { text: 'expires today', color: 'red' };
  const text = days === 1 ? 'in 1 day' : `in ${days} days`;
  if (days <= 7) return { text, color: 'red' };
  if (days <= 30) return { text, color: 'orange' };
  if (days <= 60) return { text, color: 'yellow' };
  return { text, color: 'teal' };
}

/** What the last check said, in words: ok, an error with its message, or never checked. */
export function lastCheckWords(d: Pick<CriticalDate, 'lastCheckedAt' | 'lastCheckOk' | 'lastError'>): { state: 'ok' | 'error' | 'never'; text: string } {
  if (!d.lastCheckedAt || d.lastCheckOk === null) return { state: 'never', text: 'not checked yet' };
  if (d.lastCheckOk) return { state: 'ok', text: 'ok' };
  return { state: 'error', text: d.lastError ?? 'the check failed' };
}

/** The facts a check read (issuer, registrar, self-signed …), as short "key: value" lines. */
export function checkFacts(c: CriticalDateCheck): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(c.result ?? {})) {
    if (v === null || v === undefined || typeof v === 'object') continue;
    out.push(`${k}: ${String(v)}`);
  }
  return out.slice(0, 8);
}

/** The lead days typed as "60, 30, 7": one to three different whole days from 1 to 365, largest first; null when not. */
export function parseLeadDays(text: string): number[] | null {
  const parts = text.split(/[\s,;]+/).filter(Boolean);
  if (parts.length === 0 || parts.length > 3) return null;
  const days = parts.map((p) => (/^\d{1,3}$/.test(p) ? Number(p) : NaN));
  if (days.some((d) => !Number.isInteger(d) || d < 1 || d > 365)) return null;
  if (new Set(days).size !== days.length) return null;
  return [...days].sort((a, b) => b - a);
}

/** A host typed for a domain or TLS check: `example.com` or `example.com:8443`, no scheme, no path. */
export function targetProblem(kind: CriticalDateKind, target: string): string | null {
  const t = target.trim();
  if (!t) return kind === 'tls' ? 'A host name is needed to read its certificate' : 'A domain name is needed to look it up';
  if (/^[a-z]+:\/\//i.test(t)) return 'The host only, without https://';
  if (/[/\s]/.test(t)) return 'The host only, without a path or spaces';
  if (kind === 'domain' && t.includes(':')) return 'A domain has no port';
  return null;
}
