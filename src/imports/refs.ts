import type { Queryable } from '../db/connect.js';
import { domainProblem } from '../validation/domain.js';
import type { AccountRef, FieldSpec, RowIssue, TypedRow } from './types.js';

/**
 * How a row of every kind but accounts names its account (issue 13): Canopy's id, the external id,
 * the domain, or the name (only when exactly one account has it). Tried in that order.
 */
export const accountRefFields: FieldSpec[] = [
  { key: 'accountId', label: 'Account id (Canopy)', type: 'text', aliases: ['canopy account id', 'canopy id', 'canopy account uuid'], description: "Canopy's own id of the account (a UUID)" },
  {
    key: 'accountExternalId', label: 'Account external id', type: 'text',
    aliases: ['account id', 'account_id', 'account external id', 'account_external_id', 'external account id', 'crm id', 'crm account id', 'company id', 'customer id', 'salesforce id', 'hubspot id'],
    description: 'The id of the account in your CRM (the accounts import matched it as external id)',
  },
  {
    key: 'accountDomain', label: 'Account domain', type: 'text',
    aliases: ['domain', 'account domain', 'company domain', 'website', 'company website', 'customer domain', 'url'],
    description: 'acme.com; a website such as https://www.acme.com/ is read as its domain (acme.com)',
  },
  {
    key: 'accountName', label: 'Account name', type: 'text',
    aliases: ['account', 'account name', 'company', 'company name', 'customer', 'customer name', 'organization', 'organisation', 'org'],
    description: 'Used only when exactly one account has this name (ignoring case)',
  },
];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A domain as the accounts API stores it (lower case), read from a domain or a website cell: a
 * leading http(s):// and a trailing slash are a website's wrapping around its domain. Anything
 * else the API refuses (a path, an e-mail address, no dot) is refused here with its message.
 */
/** A stored domain compared as normaliseDomain reads a cell (lower case, without a leading www.). */
export const BARE_DOMAIN = "regexp_replace(lower(domain), '^www\\.', '')";

export function normaliseDomain(raw: string): { ok: true; value: string } | { ok: false; message: string } {
  let s = raw.trim();
  const m = /^https?:\/\/([^/?#]+)\/?$/i.exec(s);
  if (m?.[1]) s = m[1];
  const problem = domainProblem(s);
  // www. is a web server's name at the company's domain, not another company: www.acme.com is acme.com.
  return problem ? { ok: false, message: problem } : { ok: true, value: s.toLowerCase().replace(/^www\./, '') };
}

/** The account reference of a typed row (the engine already trimmed the cells), or the row's issues. */
export function readAccountRef(row: TypedRow): { ok: true; ref: AccountRef } | { ok: false; issues: RowIssue[] } {
  const v = row.values;
  const ref: AccountRef = {};
  const issues: RowIssue[] = [];
  const str = (k: string) => (typeof v[k] === 'string' && (v[k] as string).trim() !== '' ? (v[k] as string).trim() : undefined);
  const id = str('accountId');
  if (id !== undefined) {
    if (UUID.test(id)) ref.id = id.toLowerCase();
    else issues.push({ column: 'accountId', message: 'Not a Canopy account id (a UUID such as 3f1c…); use the external id column for your own ids' });
  }
  const ext = str('accountExternalId');
  if (ext !== undefined) {
    if (ext.length > 200) issues.push({ column: 'accountExternalId', message: 'At most 200 characters' });
    else ref.externalId = ext;
  }
  const dom = str('accountDomain');
  if (dom !== undefined) {
    const d = normaliseDomain(dom);
    if (d.ok) ref.domain = d.value;
    else issues.push({ column: 'accountDomain', message: d.message });
  }
  const name = str('accountName');
  if (name !== undefined) {
    if (name.length > 200) issues.push({ column: 'accountName', message: 'At most 200 characters' });
    else ref.name = name;
  }
  if (issues.length) return { ok: false, issues };
  if (!ref.id && !ref.externalId && !ref.domain && !ref.name) {
    return { ok: false, issues: [{ column: null, message: 'No account: map a column to the account id, external id, domain or name' }] };
  }
  return { ok: true, ref };
}

export type RefResolution = { id: string } | { error: string; column: string };

/**
 * Resolves account references, in the order given, with one query per kind of key for the whole
 * list. The first key a ref has decides (id, then external id, then domain, then name); a key that
 * matches nothing is that ref's error, not a fall-through to a weaker key (a wrong id must not
 * quietly land on another account with the same name).
 */
export async function resolveAccountRefs(q: Queryable, refs: AccountRef[]): Promise<RefResolution[]> {
  const ids = new Set<string>();
  const exts = new Set<string>();
  const domains = new Set<string>();
  const names = new Set<string>();
  for (const r of refs) {
    if (r.id) ids.add(r.id.toLowerCase());
    else if (r.externalId) exts.add(r.externalId);
    else if (r.domain) domains.add(r.domain.toLowerCase());
    else if (r.name) names.add(r.name.toLowerCase());
  }
  const byId = new Set<string>();
  const byExt = new Map<string, string>();
  const byDomain = new Map<string, string[]>();
  const byName = new Map<string, string[]>();
  if (ids.size) {
    const { rows } = await q.query<{ id: string }>('SELECT id FROM accounts WHERE id = ANY($1::uuid[])', [[...ids]]);
    for (const r of rows) byId.add(r.id);
  }
  if (exts.size) {
    const { rows } = await q.query<{ id: string; external_id: string }>('SELECT id, external_id FROM accounts WHERE external_id = ANY($1::text[])', [[...exts]]);
    for (const r of rows) byExt.set(r.external_id, r.id);
  }
  if (domains.size) {
    const { rows } = await q.query<{ id: string; d: string }>(`SELECT id, ${BARE_DOMAIN} AS d FROM accounts WHERE ${BARE_DOMAIN} = ANY($1::text[]) ORDER BY id`, [[...domains]]);
    for (const r of rows) byDomain.set(r.d, [...(byDomain.get(r.d) ?? []), r.id]);
  }
  if (names.size) {
    const { rows } = await q.query<{ id: string; n: string }>('SELECT id, lower(name) AS n FROM accounts WHERE lower(name) = ANY($1::text[]) ORDER BY id', [[...names]]);
    for (const r of rows) byName.set(r.n, [...(byName.get(r.n) ?? []), r.id]);
  }
  return refs.map((r): RefResolution => {
    if (r.id) {
      const id = r.id.toLowerCase();
      return byId.has(id) ? { id } : { error: `No account has the id ${r.id}`, column: 'accountId' };
    }
    if (r.externalId) {
      const id = byExt.get(r.externalId);
      return id ? { id } : { error: `No account has the external id "${r.externalId}"`, column: 'accountExternalId' };
    }
    if (r.domain) {
      const found = byDomain.get(r.domain.toLowerCase()) ?? [];
      if (found.length === 1 && found[0]) return { id: found[0] };
      return found.length === 0
        ? { error: `No account has the domain ${r.domain}`, column: 'accountDomain' }
        : { error: `${found.length} accounts have the domain ${r.domain}: use the external id`, column: 'accountDomain' };
    }
    if (r.name) {
      const found = byName.get(r.name.toLowerCase()) ?? [];
      if (found.length === 1 && found[0]) return { id: found[0] };
      return found.length === 0
        ? { error: `No account is named "${r.name}"`, column: 'accountName' }
        : { error: `${found.length} accounts are named "${r.name}": use the external id or domain`, column: 'accountName' };
    }
    return { error: 'No account: map a column to the account id, external id, domain or name', column: 'accountId' };
  });
}
