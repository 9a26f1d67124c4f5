import { z } from 'zod';
import { queryInt, text } from '../http/zod.js';
import { CRITICAL_DATE_KINDS } from './schedule.js';

// ---- requests

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** Why an expiry is refused, or null. ISO 8601 only: 03/04/2027 means a different day in different countries. */
export function expiryProblem(s: string): string | null {
  const m = DATE_ONLY.exec(s) ?? DATE_TIME.exec(s);
  if (!m) return 'Enter an ISO 8601 date (2027-03-04) or date and time with a zone (2027-03-04T09:00:00Z); formats like 03/04/2027 are ambiguous';
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < 1900 || year > 2200) return 'Enter a year between 1900 and 2200';
  const d = new Date(Date.UTC(year, month - 1, day));
  if (month < 1 || month > 12 || d.getUTCDate() !== day) return 'Not a real calendar day';
  const instant = new Date(DATE_ONLY.test(s) ? `${s}T00:00:00Z` : s);
  if (Number.isNaN(instant.getTime())) return 'Not a valid time';
  // The bounds hold for the instant too: an offset must not carry 2200-12-31T23:59-14:00 into 2201.
  const utcYear = instant.getUTCFullYear();
  if (utcYear < 1900 || utcYear > 2200) return 'Enter a time between 1900 and the end of 2200 (UTC)';
  return null;
}

/** A date-only value is 00:00 UTC of that day. */
export const expiryToDate = (s: string): Date => new Date(DATE_ONLY.test(s) ? `${s}T00:00:00Z` : s);

const EXPIRES_AT_DESCRIPTION = 'When it expires: ISO 8601, a date (2027-03-04, read as 00:00 UTC of that day) or a date and time with Z or an offset (2027-03-04T09:00:00+01:00). Ambiguous forms such as 03/04/2027 are refused.';

export const expiresAtInput = () => text().trim().max(40).superRefine((s, ctx) => {
  const problem = expiryProblem(s);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
}).describe(EXPIRES_AT_DESCRIPTION);

export const leadDaysInput = () => z.array(z.number().int().min(1).max(365)).min(1).max(3)
  .refine((l) => new Set(l).size === l.length, 'The lead times must be different')
  .describe('Days before expiry to alert at: 1 to 3 different whole numbers from 1 to 365 (default: the app setting critical_dates.default_lead_days, else 60, 30, 7)');

const label = () => text().trim().min(1).max(200);
const targetInput = () => text().trim().min(1).max(300).describe("domain: the registered domain (example.com); tls: a host name or host:port (example.com, example.com:8443); an IP address only for tls and only where the outbound allow-list lets Canopy reach it. Not a URL.");

export const criticalDateCreate = z.strictObject({
  kind: z.enum(CRITICAL_DATE_KINDS).describe('domain and tls are checked live (RDAP, a TLS handshake); the others carry a date typed by a person'),
  label: label(),
  target: targetInput().optional(),
  expiresAt: expiresAtInput().optional(),
  leadDays: leadDaysInput().optional(),
  autoCheck: z.boolean().optional().describe('domain and tls only: re-check on a schedule (default true)'),
});
export type CriticalDateCreate = z.infer<typeof criticalDateCreate>;

export const criticalDatePatch = z.strictObject({
  label: label().optional(),
  target: targetInput().optional(),
  expiresAt: expiresAtInput().nullable().optional().describe(`${EXPIRES_AT_DESCRIPTION} null clears it (domain and tls only: the next check reads it).`),
  leadDays: leadDaysInput().optional(),
  autoCheck: z.boolean().optional(),
  archived: z.boolean().optional().describe('true archives (no alerts, off the radar); false restores'),
}).refine((v) => Object.keys(v).length > 0, 'send at least one field');
export type CriticalDatePatch = z.infer<typeof criticalDatePatch>;

export const bookQuery = z.strictObject({
  withinDays: queryInt(0, 3650).optional().describe('Only dates expiring within this many days (expired ones included)'),
  kind: z.enum(CRITICAL_DATE_KINDS).optional(),
  cursor: text().max(500).optional().describe("The previous page's nextCursor"),
  limit: queryInt(1, 200).default(50),
});
export type BookQuery = z.infer<typeof bookQuery>;

// ---- responses

export const criticalDateCheck = z.object({
  id: z.string(),
  ok: z.boolean(),
  expiresAt: z.string().nullable(),
  result: z.record(z.string(), z.unknown()).describe('What was read: TLS {issuer, subject, sans, selfSigned, authorized, authorizationError, validFrom, validTo, …}; RDAP {rdapUrl, registrar, registered, expiration, status}'),
  error: z.string().nullable(),
  at: z.string(),
  durationMs: z.number().nullable(),
});
export type CriticalDateCheckDto = z.infer<typeof criticalDateCheck>;

const named = z.object({ id: z.string(), name: z.string() });
export const criticalDate = z.object({
  id: z.string(),
  accountId: z.string(),
  account: named,
  owner: named.nullable(),
  kind: z.enum(CRITICAL_DATE_KINDS),
  label: z.string(),
  target: z.string().nullable(),
  expiresAt: z.string().nullable(),
  daysLeft: z.number().nullable().describe('Whole days until expiry (rounded up); 0 or negative once expired'),
  leadDays: z.array(z.number()),
  autoCheck: z.boolean(),
  lastCheckedAt: z.string().nullable(),
  lastCheckOk: z.boolean().nullable(),
  lastError: z.string().nullable(),
  nextCheckAt: z.string().nullable(),
  archivedAt: z.string().nullable(),
  lastCheck: criticalDateCheck.nullable(),
  checks: z.array(criticalDateCheck).optional().describe('The last five checks, newest first (on the account list)'),
  canEdit: z.boolean(),
});
export type CriticalDateDto = z.infer<typeof criticalDate>;

export const criticalDatePage = z.object({ items: z.array(criticalDate), nextCursor: z.string().nullable() });
export const accountCriticalDates = z.object({ items: z.array(criticalDate) });
