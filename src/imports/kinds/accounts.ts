import { z } from 'zod';
import { recordAuditRaw } from '../../audit/record.js';
import { accountInput, RENEWAL_BEFORE_START, STAGES } from '../../accounts/schema.js';
import { markDirty } from '../../health/store.js';
import { isoDate, MONEY_MAX } from '../../http/zod.js';
import { normaliseDomain } from '../refs.js';
import type { FieldSpec, ImportDeps, ImportKind, RowIssue, RowPlan, TypedRow, WriteResult } from '../types.js';
import { accountById, accountsByKeys, insertAccount, teamsByName, updateAccount, type AccountColumns } from './accounts-store.js';
import { customObject, decide, str, usersByEmail, zodIssues } from './kit.js';

export type AccountRow = {
  fields: {
    name?: string; domain?: string; externalId?: string; segment?: string; stage?: (typeof STAGES)[number];
    arr?: number; seats?: number; contractStart?: string; renewalDate?: string; customerSince?: string;
  };
  ownerEmail?: string;
  teamName?: string;
  custom: Record<string, string | number>;
};

export const accountFields: FieldSpec[] = [
  { key: 'name', label: 'Name', type: 'text', aliases: ['name', 'account name', 'company', 'company name', 'customer', 'customer name', 'organization', 'organisation'], description: 'Required for new accounts' },
  { key: 'externalId', label: 'External id', type: 'text', aliases: ['external id', 'id', 'account id', 'crm id', 'salesforce id', 'hubspot id', 'company id', 'customer id'], description: 'Your id for it: the first key a row is matched by' },
  { key: 'domain', label: 'Domain', type: 'text', aliases: ['domain', 'website', 'company domain', 'url', 'web'], description: 'acme.com (a website https://acme.com/ is read as its domain): the second key' },
  { key: 'owner', label: 'Owner (e-mail)', type: 'email', aliases: ['owner', 'owner email', 'csm', 'csm email', 'account owner', 'account manager'], description: 'The e-mail of a Canopy user' },
  { key: 'team', label: 'Team', type: 'text', aliases: ['team', 'team name', 'pod'], description: 'The name of a Canopy team' },
  { key: 'segment', label: 'Segment', type: 'text', aliases: ['segment', 'tier', 'plan tier', 'customer segment'] },
  { key: 'stage', label: 'Stage', type: 'enum', values: STAGES, aliases: ['stage', 'lifecycle stage', 'lifecycle', 'status'] },
  { key: 'arr', label: 'ARR', type: 'money', aliases: ['arr', 'annual revenue', 'annual recurring revenue', 'arr amount', 'acv'] },
  { key: 'mrr', label: 'MRR', type: 'money', aliases: ['mrr', 'mrr amount', 'monthly revenue', 'monthly recurring revenue'], description: 'Stored as ARR = 12 × MRR' },
  { key: 'seats', label: 'Seats', type: 'int', aliases: ['seats', 'licenses', 'licences', 'seat count', 'users purchased'] },
  { key: 'contractStart', label: 'Contract start', type: 'date', aliases: ['contract start', 'contract start date', 'start date', 'subscription start'] },
  { key: 'renewalDate', label: 'Renewal date', type: 'date', aliases: ['renewal date', 'renewal', 'contract end', 'contract end date', 'end date'] },
  { key: 'customerSince', label: 'Customer since', type: 'date', aliases: ['customer since', 'signup date', 'sign up date', 'signed up', 'created date', 'became customer'], description: 'When they became a customer (account age counts from it)' },
];

const patchSchema = accountInput.pick({ name: true, domain: true, externalId: true, segment: true, stage: true, arr: true, seats: true, contractStart: true, renewalDate: true }).partial();
const cents = (n: number) => Math.round(n * 100) / 100;

export function validateAccount(row: TypedRow, options: Record<string, unknown>): { ok: true; value: AccountRow } | { ok: false; issues: RowIssue[] } {
  const v = row.values;
  const issues: RowIssue[] = [];
  const fields: Record<string, unknown> = {};
  for (const k of ['name', 'externalId', 'segment', 'stage', 'contractStart', 'renewalDate'] as const) if (v[k] !== undefined) fields[k] = v[k];
  if (v.seats !== undefined) fields.seats = v.seats;
  const dom = str(v.domain);
  if (dom !== undefined) {
    const d = normaliseDomain(dom);
    if (d.ok) fields.domain = d.value; else issues.push({ column: 'domain', message: d.message });
  }
  const mrrOption = options.mrr === true;
  const arr = typeof v.arr === 'number' ? (mrrOption ? cents(v.arr * 12) : v.arr) : undefined;
  const fromMrr = typeof v.mrr === 'number' ? cents(v.mrr * 12) : undefined;
  if (arr !== undefined && fromMrr !== undefined && Math.abs(arr - fromMrr) > 0.01) {
    issues.push({ column: 'mrr', message: `ARR ${arr} and MRR ${v.mrr as number} (ARR ${fromMrr}) disagree: map only one of them` });
  } else if (arr !== undefined || fromMrr !== undefined) {
    const a = arr ?? fromMrr ?? 0;
    if (a > MONEY_MAX) issues.push({ column: fromMrr !== undefined ? 'mrr' : 'arr', message: `ARR would be ${a}: at most ${MONEY_MAX}` });
    else fields.arr = a;
  }
  const parsed = patchSchema.safeParse(fields);
  if (!parsed.success) issues.push(...zodIssues(parsed.error));
  let customerSince: string | undefined;
  if (v.customerSince !== undefined) {
    const c = isoDate().safeParse(v.customerSince);
    if (c.success) customerSince = c.data; else issues.push({ column: 'customerSince', message: c.error.issues[0]?.message ?? 'Not a date' });
  }
  const ownerEmail = str(v.owner);
  const teamName = str(v.team);
  if (teamName !== undefined && teamName.length > 200) issues.push({ column: 'team', message: 'At most 200 characters' });
  if (issues.length || !parsed.success) return { ok: false, issues };
  const f = parsed.data;
  if (f.contractStart && f.renewalDate && f.contractStart > f.renewalDate) return { ok: false, issues: [{ column: 'renewalDate', message: RENEWAL_BEFORE_START }] };
  const value: AccountRow = { fields: { ...stripNull(f), ...(customerSince ? { customerSince } : {}) }, custom: customObject(row.custom) };
  if (ownerEmail) value.ownerEmail = ownerEmail;
  if (teamName) value.teamName = teamName;
  return { ok: true, value };
}

function stripNull<T extends Record<string, unknown>>(o: T): { [K in keyof T]: Exclude<T[K], null> } {
  return Object.fromEntries(Object.entries(o).filter(([, x]) => x !== null && x !== undefined)) as { [K in keyof T]: Exclude<T[K], null> };
}

const keysOf = (a: AccountRow) => [a.fields.externalId ? `account:ext:${a.fields.externalId}` : null, a.fields.domain ? `account:domain:${a.fields.domain}` : null].filter((k): k is string => k !== null);

type Resolved = AccountRow & { ownerId?: string; teamId?: string };

export function accountsKind(deps: ImportDeps): ImportKind<Resolved> {
  return {
    name: 'accounts',
    label: 'Accounts',
    fields: accountFields,
    allowsCustom: true,
    matchBy: ['external id', 'domain'],
    modes: ['create', 'update', 'upsert'],
    validate: validateAccount,

    async plan(q, rows, ctx) {
      const [owners, teams, found] = await Promise.all([
        usersByEmail(q, rows.flatMap((r) => (r.value.ownerEmail ? [r.value.ownerEmail] : []))),
        teamsByName(q, rows.flatMap((r) => (r.value.teamName ? [r.value.teamName] : []))),
        accountsByKeys(q, [...new Set(rows.flatMap((r) => (r.value.fields.externalId ? [r.value.fields.externalId] : [])))],
          [...new Set(rows.flatMap((r) => (r.value.fields.domain ? [r.value.fields.domain] : [])))]),
      ]);
      return rows.map(({ row, value }): RowPlan<Resolved> => {
        const issues: RowIssue[] = [];
        const resolved: Resolved = { ...value };
        if (value.ownerEmail) {
          const id = owners.get(value.ownerEmail.toLowerCase());
          if (id) resolved.ownerId = id; else issues.push({ column: 'owner', message: `No Canopy user has the e-mail ${value.ownerEmail}` });
        }
        if (value.teamName) {
          const ids = teams.get(value.teamName.toLowerCase()) ?? [];
          if (ids.length === 1 && ids[0]) resolved.teamId = ids[0];
          else issues.push({ column: 'team', message: ids.length ? `${ids.length} teams are named "${value.teamName}"` : `No team is named "${value.teamName}"` });
        }
        const m = matchAccount(found, value);
        if ('error' in m) issues.push({ column: 'domain', message: m.error });
        const target = 'id' in m ? m : undefined;
        if (issues.length) return { row, action: 'error', issues };
        const seenRow = keysOf(value).map((k) => ctx.seen.get(k)).find((x) => x !== undefined);
        const plan = decide(row, resolved, ctx.mode, target?.id, seenRow, 'Account');
        if (plan.action === 'create' && !value.fields.name) return { row, action: 'error', issues: [{ column: 'name', message: 'A new account needs a name' }] };
        if (plan.action === 'update' && target) {
          const start = value.fields.contractStart ?? target.contract_start;
          const renewal = value.fields.renewalDate ?? target.renewal_date;
          if (start && renewal && start > renewal) return { row, action: 'error', issues: [{ column: value.fields.renewalDate ? 'renewalDate' : 'contractStart', message: RENEWAL_BEFORE_START }] };
        }
        if (plan.action === 'create') for (const k of keysOf(value)) ctx.seen.set(k, String(row));
        return plan;
      });
    },

    async write(rows, ctx) {
      const out: WriteResult[] = [];
      const touched: string[] = [];
      const actor = { type: ctx.actor.type, id: ctx.actor.id, label: ctx.actor.label };
      for (const p of rows) {
        const cols = toColumns(p.value);
        let targetId = p.targetId;
        if (!targetId) {
          // A key an earlier row of this file created (in this chunk or a committed one).
          const m = matchAccount(await accountsByKeys(ctx.tx, p.value.fields.externalId ? [p.value.fields.externalId] : [], p.value.fields.domain ? [p.value.fields.domain] : []), p.value);
          if ('id' in m) targetId = m.id;
        }
        if (!targetId) {
          const id = await insertAccount(ctx.tx, cols, p.value.custom);
          await recordAuditRaw(ctx.tx, actor, [{ action: 'account.create', objectType: 'account', objectId: id, changes: { ...p.value.fields, ...ownerTeam(p.value), custom: p.value.custom, importId: ctx.importId } }]);
          touched.push(id);
          out.push({ row: p.row, action: 'create', id });
          continue;
        }
        const before = await accountById(ctx.tx, targetId);
        if (!before) throw new Error(`account ${targetId} vanished during the import`);
        await updateAccount(ctx.tx, targetId, cols, p.value.custom);
        await recordAuditRaw(ctx.tx, actor, [{ action: 'account.update', objectType: 'account', objectId: targetId, changes: { ...changesOf(before, p.value), importId: ctx.importId } }]);
        touched.push(targetId);
        out.push({ row: p.row, action: 'update', id: targetId });
      }
      if (touched.length) await markDirty(ctx.tx, { ids: [...new Set(touched)] }, 'import');
      return out;
    },

    async finish(summary) {
      if (summary.accountIds.length) await deps.rebuildHealth(summary.accountIds, new Date().toISOString().slice(0, 10));
    },
  };
}

/**
 * The account a row is about: by external id; else by domain, among the accounts that have no
 * other external id (an account with another external id is another customer at that domain).
 */
function matchAccount(found: Awaited<ReturnType<typeof accountsByKeys>>, value: AccountRow): { id: string; contract_start: string | null; renewal_date: string | null } | { error: string } | { none: true } {
  const ext = value.fields.externalId;
  const dom = value.fields.domain;
  const byExt = ext ? found.byExt.get(ext) : undefined;
  if (byExt) return byExt;
  if (!dom) return { none: true };
  const same = (found.byDomain.get(dom) ?? []).filter((a) => !ext || a.external_id === null);
  if (same.length > 1) return { error: `${same.length} accounts have the domain ${dom}: add the external id column` };
  return same[0] ?? { none: true };
}

const ownerTeam = (r: Resolved) => ({ ...(r.ownerId ? { ownerId: r.ownerId } : {}), ...(r.teamId ? { teamId: r.teamId } : {}) });

function toColumns(r: Resolved): AccountColumns {
  const f = r.fields;
  const c: AccountColumns = {};
  if (f.name !== undefined) c.name = f.name;
  if (f.domain !== undefined) c.domain = f.domain;
  if (f.externalId !== undefined) c.external_id = f.externalId;
  if (r.ownerId) c.owner_id = r.ownerId;
  if (r.teamId) c.team_id = r.teamId;
  if (f.segment !== undefined) c.segment = f.segment;
  if (f.stage !== undefined) c.stage = f.stage;
  if (f.arr !== undefined) c.arr = f.arr;
  if (f.seats !== undefined) c.seats = f.seats;
  if (f.contractStart !== undefined) c.contract_start = f.contractStart;
  if (f.renewalDate !== undefined) c.renewal_date = f.renewalDate;
  if (f.customerSince !== undefined) c.customer_since = f.customerSince;
  return c;
}

/** {field: {from, to}} like the API's audit diff, for the fields this row changes. */
function changesOf(before: Record<string, unknown>, r: Resolved): Record<string, unknown> {
  const cols = toColumns(r);
  const out: Record<string, { from: unknown; to: unknown }> = {};
  for (const [col, to] of Object.entries(cols)) {
    const from = before[col];
    if (JSON.stringify(from ?? null) !== JSON.stringify(to)) out[col.replace(/_([a-z])/g, (_, ch: string) => ch.toUpperCase())] = { from: from ?? null, to };
  }
  const stored = (before.custom ?? {}) as Record<string, unknown>;
  const custom = Object.fromEntries(Object.entries(r.custom).filter(([k, v]) => JSON.stringify(stored[k]) !== JSON.stringify(v)));
  if (Object.keys(custom).length) out.custom = { from: Object.fromEntries(Object.keys(custom).map((k) => [k, Object.hasOwn(stored, k) ? (stored[k] ?? null) : null])), to: custom };
  return out;
}

export const accountsKindSchema = z.object({ mrr: z.boolean().optional() });
