import Mustache from 'mustache';
import type { TemplateSpans } from 'mustache';
import type { Queryable } from '../db/connect.js';

/**
 * Text templates for e-mails, tasks and notifications: Mustache ({{account.name}}), without HTML
 * escaping (the output is plain text), limited to the variables below.
 */
export const TEMPLATE_VARIABLES = [
  'account.name', 'account.arr', 'account.renewalDate', 'account.stage', 'account.segment', 'account.healthScore', 'account.healthBand',
  'contact.name', 'contact.firstName', 'contact.email',
  'owner.name', 'owner.email',
] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];

/** One line per variable, for builders' help text. */
export const TEMPLATE_VARIABLE_HELP: Record<TemplateVariable, string> = {
  'account.name': 'the account name',
  'account.arr': 'annual recurring revenue, e.g. 120,000',
  'account.renewalDate': 'renewal date, YYYY-MM-DD',
  'account.stage': 'lifecycle stage (onboarding, adoption, renewal, churned)',
  'account.segment': 'segment',
  'account.healthScore': 'health score 0–100',
  'account.healthBand': 'health band (good, watch, poor)',
  'contact.name': "the contact's full name",
  'contact.firstName': "the contact's first name",
  'contact.email': "the contact's e-mail",
  'owner.name': "the account owner's name",
  'owner.email': "the account owner's e-mail",
};

type Value = string | number | null | undefined;
export type TemplateVars = {
  account?: Partial<Record<'name' | 'arr' | 'renewalDate' | 'stage' | 'segment' | 'healthScore' | 'healthBand', Value>>;
  contact?: Partial<Record<'name' | 'firstName' | 'email', Value>>;
  owner?: Partial<Record<'name' | 'email', Value>>;
};

const KNOWN = new Set<string>(TEMPLATE_VARIABLES);
const identity = (v: unknown) => (v === null || v === undefined ? '' : String(v));

/** Renders a template; unknown or missing values render as nothing. Throws on an unparseable template (validate first). */
export function renderTemplate(text: string, vars: TemplateVars): string {
  return Mustache.render(text, vars, {}, { escape: identity });
}

type Span = TemplateSpans[number];

/** Problems with a template, as field errors under `path`: unparseable, unknown variables, partials. */
export function validateTemplate(text: string, path: string): { path: string; message: string }[] {
  let spans: TemplateSpans;
  try {
    spans = Mustache.parse(text);
  } catch (err) {
    return [{ path, message: `the template cannot be read: ${(err as Error).message}` }];
  }
  const problems: { path: string; message: string }[] = [];
  const seen = new Set<string>();
  const walk = (list: readonly Span[]) => {
    for (const s of list) {
      const [type, value] = s;
      if (type === '>') problems.push({ path, message: `partials ({{> ${value}}}) are not supported` });
      if ((type === 'name' || type === '&' || type === '#' || type === '^') && !KNOWN.has(value) && !seen.has(value)) {
        seen.add(value);
        problems.push({ path, message: `unknown variable {{${value}}}; use one of ${TEMPLATE_VARIABLES.join(', ')}` });
      }
      const children = s[4];
      if (Array.isArray(children)) walk(children);
    }
  };
  walk(spans);
  return problems;
}

const NUMBER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** The variables for one account (and optionally one contact), read in the caller's transaction. */
export async function loadTemplateVars(tx: Queryable, ids: { accountId: string; contactId?: string | null }): Promise<TemplateVars> {
  const { rows } = await tx.query<{
    name: string; arr: string | number; renewal_date: string | null; stage: string; segment: string | null;
    score: number | null; band: string | null; owner_name: string | null; owner_email: string | null;
  }>(
    `SELECT a.name, a.arr, a.renewal_date::text AS renewal_date, a.stage, a.segment, h.score, h.band, u.name AS owner_name, u.email AS owner_email
       FROM accounts a LEFT JOIN account_health_effective h ON h.account_id = a.id LEFT JOIN users u ON u.id = a.owner_id
      WHERE a.id = $1`,
    [ids.accountId],
  );
  const a = rows[0];
  const vars: TemplateVars = {};
  if (a) {
    vars.account = {
      name: a.name, arr: NUMBER.format(Number(a.arr)), renewalDate: a.renewal_date, stage: a.stage, segment: a.segment,
      healthScore: a.score, healthBand: a.band,
    };
    vars.owner = { name: a.owner_name, email: a.owner_email };
  }
  if (ids.contactId) {
    const { rows: cs } = await tx.query<{ name: string | null; email: string | null }>('SELECT name, email FROM contacts WHERE id = $1', [ids.contactId]);
    const c = cs[0];
    if (c) vars.contact = { name: c.name, firstName: c.name?.trim().split(/\s+/)[0] ?? null, email: c.email };
  }
  return vars;
}

/**
 * Renders a stored text for display: a text without `{{` is returned as it is, and one that no
 * longer parses (it was never validated) is shown raw rather than failing the page.
 */
export function renderText(text: string, vars: TemplateVars): string {
  if (!text.includes('{{')) return text;
  try {
    return renderTemplate(text, vars);
  } catch {
    return text;
  }
}

/**
 * The variables for many accounts at once, each with its most relevant contact (the champion, else
 * the contact seen most recently): what task and step titles render with. One query.
 */
export async function loadAccountTemplateVars(q: Queryable, accountIds: string[]): Promise<Map<string, TemplateVars>> {
  const out = new Map<string, TemplateVars>();
  const ids = [...new Set(accountIds)];
  if (ids.length === 0) return out;
  const { rows } = await q.query<{
    id: string; name: string; arr: string | number; renewal_date: string | null; stage: string; segment: string | null;
    score: number | null; band: string | null; owner_name: string | null; owner_email: string | null; contact_name: string | null; contact_email: string | null;
  }>(
    `SELECT a.id, a.name, a.arr, a.renewal_date::text AS renewal_date, a.stage, a.segment, h.score, h.band, u.name AS owner_name, u.email AS owner_email,
            c.name AS contact_name, c.email AS contact_email
       FROM accounts a LEFT JOIN account_health_effective h ON h.account_id = a.id LEFT JOIN users u ON u.id = a.owner_id
       LEFT JOIN LATERAL (SELECT name, email FROM contacts WHERE account_id = a.id
                           ORDER BY (role = 'champion') DESC, last_seen_at DESC NULLS LAST, created_at LIMIT 1) c ON true
      WHERE a.id = ANY ($1::uuid[])`,
    [ids],
  );
  for (const a of rows) {
    out.set(a.id, {
      account: { name: a.name, arr: NUMBER.format(Number(a.arr)), renewalDate: a.renewal_date, stage: a.stage, segment: a.segment, healthScore: a.score, healthBand: a.band },
      owner: { name: a.owner_name, email: a.owner_email },
      contact: { name: a.contact_name, firstName: a.contact_name?.trim().split(/\s+/)[0] ?? null, email: a.contact_email },
    });
  }
  return out;
}

/** Renders the templated texts of many rows for display, loading each account's variables once. */
export async function renderRows<T>(q: Queryable, rows: T[], accountOf: (row: T) => string, texts: (row: T) => string[], apply: (row: T, rendered: string[]) => void): Promise<void> {
  const pending = rows.filter((r) => texts(r).some((s) => s.includes('{{')));
  if (pending.length === 0) return;
  const vars = await loadAccountTemplateVars(q, pending.map(accountOf));
  for (const r of pending) {
    const v = vars.get(accountOf(r)) ?? {};
    apply(r, texts(r).map((s) => renderText(s, v)));
  }
}
