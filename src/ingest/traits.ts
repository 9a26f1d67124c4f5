// How group and identify traits map onto accounts and contacts. A trait Canopy has a column for
// is checked against that column (type, range, allowed values). A value that does not fit is
// never guessed at (no day/month swapping, no rounding of seats, no default stage): that field
// is left unchanged on the account or contact and the call reports it as a warning. The event
// itself is still stored with its traits verbatim, so nothing the client sent is lost.
import { z } from 'zod';
// The REST API's bound, so an account fed by Segment stays editable there.
import { MAX_SEATS } from '../accounts/schema.js';

export type TraitIssue = { field: string; message: string };


/** accounts.arr is numeric(14, 2): at most 12 digits before the point. */
const MAX_ARR = 999_999_999_999.99;
/** A renewal date outside these years is a typo or a placeholder, not a contract date. */
const MIN_RENEWAL = '1900-01-01';
const MAX_RENEWAL = '2199-12-31';
const DECIMAL = /^\d+(?:\.\d+)?$/;
const INTEGER = /^\d+$/;
const isoDate = z.iso.date();
const isoDateTime = z.iso.datetime({ offset: true, local: true });

export const ACCOUNT_STAGES = ['onboarding', 'adoption', 'renewal', 'churned'] as const;
export const CONTACT_ROLES = ['champion', 'executive_sponsor', 'admin', 'user'] as const;

const given = (v: unknown) => v !== undefined && v !== null && !(typeof v === 'string' && v.trim() === '');

class Reader {
  readonly issues: TraitIssue[] = [];
  constructor(private readonly prefix: string) {}
  reject(field: string, message: string): null {
    this.issues.push({ field: `${this.prefix}.${field}`, message });
    return null;
  }
  /** A string (or a number, written as sent); anything else is refused. */
  text(field: string, v: unknown): string | null {
    if (!given(v)) return null;
    if (typeof v === 'string') return v.trim();
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
    return this.reject(field, `expected a string, got ${Array.isArray(v) ? 'an array' : typeof v}; not stored`);
  }
  /** A non-negative decimal number (or such a string, digits and one point only) up to `max`. */
  amount(field: string, v: unknown, max: number): number | null {
    if (!given(v)) return null;
    const n = typeof v === 'number' ? v : typeof v === 'string' && DECIMAL.test(v.trim()) ? Number(v.trim()) : Number.NaN;
    if (!Number.isFinite(n)) return this.reject(field, `expected a number such as 1200 or "1200.50", got ${JSON.stringify(v)}; not stored`);
    if (n < 0 || n > max) return this.reject(field, `must be between 0 and ${max}; not stored`);
    return n === 0 ? 0 : n; // -0 is 0
  }
  /** A whole number (or a string of digits) from 0 to 2147483647. */
  count(field: string, v: unknown): number | null {
    if (!given(v)) return null;
    const n = typeof v === 'number' ? v : typeof v === 'string' && INTEGER.test(v.trim()) ? Number(v.trim()) : Number.NaN;
    if (!Number.isInteger(n)) return this.reject(field, `expected a whole number, got ${JSON.stringify(v)}; not stored`);
    if (n < 0 || n > MAX_SEATS) return this.reject(field, `must be between 0 and ${MAX_SEATS}; not stored`);
    return n === 0 ? 0 : n;
  }
  /**
   * A calendar date written YYYY-MM-DD, alone or as the start of an ISO 8601 time (the date as
   * written is taken, whatever the offset). 12-04-2024 is refused: is it April or December?
   */
  date(field: string, v: unknown): string | null {
    if (!given(v)) return null;
    const text = typeof v === 'string' ? v.trim() : '';
    if (!isoDate.safeParse(text).success && !isoDateTime.safeParse(text).success) {
      return this.reject(field, `expected an ISO 8601 date (YYYY-MM-DD), got ${JSON.stringify(v)}; not stored`);
    }
    const day = text.slice(0, 10);
    const check = new Date(`${day}T00:00:00Z`);
    if (Number.isNaN(check.getTime()) || check.toISOString().slice(0, 10) !== day) return this.reject(field, `${day} is not a calendar date; not stored`);
    if (day < MIN_RENEWAL || day > MAX_RENEWAL) return this.reject(field, `must lie between ${MIN_RENEWAL} and ${MAX_RENEWAL}; not stored`);
    return day;
  }
  /** One of `allowed` after lower-casing and turning spaces and dashes into underscores. */
  choice<T extends string>(field: string, v: unknown, allowed: readonly T[]): T | null {
    const s = this.text(field, v);
    if (s === null) return null;
    const key = s.toLowerCase().replace(/[\s-]+/g, '_');
    if ((allowed as readonly string[]).includes(key)) return key as T;
    return this.reject(field, `${JSON.stringify(s)} is not one of ${allowed.join(', ')}; not stored`);
  }
}

function rest(traits: Record<string, unknown>, used: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(traits).filter(([k]) => !used.includes(k)));
}

export type AccountTraits = {
  externalId: string; name: string | null; domain: string | null; segment: string | null; stage: string | null;
  arr: number | null; seats: number | null; renewalDate: string | null; custom: Record<string, unknown>;
};

/** Group traits -> account fields, the traits Canopy has no column for as custom fields, and what was refused. */
export function accountFromGroup(groupId: string, traits: Record<string, unknown> = {}): AccountTraits & { issues: TraitIssue[] } {
  const r = new Reader('traits');
  const website = r.text('website', traits.website);
  // arr wins over mrr; mrr is only read when no arr was sent at all.
  const arrGiven = given(traits.arr);
  const mrr = arrGiven ? null : r.amount('mrr', traits.mrr, MAX_ARR / 12);
  const renewalField = given(traits.renewalDate) ? 'renewalDate' : 'renewal_date';
  const account: AccountTraits = {
    externalId: groupId,
    name: r.text('name', traits.name),
    domain: r.text('domain', traits.domain) ?? (website ? website.replace(/^https?:\/\//i, '').replace(/\/.*$/, '') || null : null),
    segment: r.text('segment', traits.segment) ?? r.text('tier', traits.tier),
    stage: r.choice('stage', traits.stage, ACCOUNT_STAGES),
    arr: arrGiven ? r.amount('arr', traits.arr, MAX_ARR) : mrr === null ? null : Math.round(mrr * 12 * 100) / 100,
    seats: r.count('seats', traits.seats),
    renewalDate: r.date(renewalField, traits[renewalField]),
    custom: rest(traits, ['name', 'domain', 'website', 'segment', 'tier', 'stage', 'arr', 'mrr', 'seats', 'renewalDate', 'renewal_date']),
  };
  return { ...account, issues: r.issues };
}

export type ContactTraits = {
  externalId: string; email: string | null; name: string | null; title: string | null; phone: string | null; role: string | null;
  groupId: string | null; custom: Record<string, unknown>;
};

/** Identify traits -> contact fields (Segment's reserved traits), the rest as custom fields, and what was refused. */
export function contactFromIdentify(userId: string, traits: Record<string, unknown> = {}, context: Record<string, unknown> = {}): ContactTraits & { issues: TraitIssue[] } {
  const r = new Reader('traits');
  const first = r.text('firstName', traits.firstName) ?? r.text('first_name', traits.first_name);
  const last = r.text('lastName', traits.lastName) ?? r.text('last_name', traits.last_name);
  const company = traits.company && typeof traits.company === 'object' ? (traits.company as Record<string, unknown>) : {};
  const ctx = new Reader('context');
  const contact: ContactTraits = {
    externalId: userId,
    email: r.text('email', traits.email),
    name: r.text('name', traits.name) ?? ([first, last].filter(Boolean).join(' ') || null),
    title: r.text('title', traits.title),
    phone: r.text('phone', traits.phone),
    role: r.choice('role', traits.role, CONTACT_ROLES),
    groupId: ctx.text('groupId', context.groupId) ?? r.text('groupId', traits.groupId) ?? r.text('company.id', company.id),
    custom: rest(traits, ['email', 'name', 'firstName', 'first_name', 'lastName', 'last_name', 'title', 'phone', 'role', 'groupId']),
  };
  return { ...contact, issues: [...r.issues, ...ctx.issues] };
}
