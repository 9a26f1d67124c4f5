import { recordAuditRaw } from '../../audit/record.js';
import { contactInput, CONTACT_ROLES } from '../../contacts/schema.js';
import { accountRefFields, readAccountRef, resolveAccountRefs } from '../refs.js';
import type { AccountRef, FieldSpec, ImportDeps, ImportKind, RowIssue, RowPlan, TypedRow, WriteResult } from '../types.js';
import { contactForUpdate, contactsByKeys, insertContact, updateContact, type ContactColumns, type StoredContact } from './contacts-store.js';
import { customObject, decide, str, zodIssues } from './kit.js';

export type ContactRow = {
  ref: AccountRef;
  fields: { externalId?: string; email?: string; name?: string; title?: string; role?: (typeof CONTACT_ROLES)[number]; phone?: string };
  active?: boolean;
  custom: Record<string, string | number>;
};
type Resolved = ContactRow & { accountId: string };

export const contactFields: FieldSpec[] = [
  ...accountRefFields,
  { key: 'externalId', label: 'External id', type: 'text', aliases: ['external id', 'contact id', 'user id', 'person id', 'crm contact id', 'id'], description: 'Your id for the person (the Segment userId): the first key a row is matched by' },
  { key: 'email', label: 'E-mail', type: 'email', aliases: ['email', 'e-mail', 'email address', 'contact email', 'work email'], description: 'The second key, within the account' },
  { key: 'name', label: 'Name', type: 'text', aliases: ['name', 'full name', 'contact name', 'contact'] },
  { key: 'firstName', label: 'First name', type: 'text', aliases: ['first name', 'firstname', 'given name', 'first'] },
  { key: 'lastName', label: 'Last name', type: 'text', aliases: ['last name', 'lastname', 'surname', 'family name', 'last'] },
  { key: 'title', label: 'Title', type: 'text', aliases: ['title', 'job title', 'position'] },
  { key: 'role', label: 'Role', type: 'enum', values: CONTACT_ROLES, aliases: ['role', 'contact role', 'persona'], description: 'champion, executive_sponsor, admin or user (map your values)' },
  { key: 'phone', label: 'Phone', type: 'text', aliases: ['phone', 'phone number', 'mobile', 'telephone'] },
  { key: 'active', label: 'Active', type: 'boolean', aliases: ['active', 'is active', 'enabled'], description: 'false: the person left (deactivated, kept in history)' },
];

const schema = contactInput.pick({ email: true, name: true, title: true, role: true, phone: true, externalId: true });

export function validateContact(row: TypedRow): { ok: true; value: ContactRow } | { ok: false; issues: RowIssue[] } {
  const v = row.values;
  const ref = readAccountRef(row);
  const issues: RowIssue[] = ref.ok ? [] : [...ref.issues];
  let name = str(v.name);
  const first = str(v.firstName);
  const last = str(v.lastName);
  if (name === undefined && (first || last)) name = [first, last].filter(Boolean).join(' ');
  const fields: Record<string, unknown> = {};
  for (const k of ['email', 'title', 'role', 'phone', 'externalId'] as const) if (v[k] !== undefined) fields[k] = v[k];
  if (name !== undefined) fields.name = name;
  const parsed = schema.partial().safeParse(fields);
  if (!parsed.success) issues.push(...zodIssues(parsed.error, name !== undefined && str(v.name) === undefined ? { name: 'firstName' } : {}));
  if (v.active !== undefined && typeof v.active !== 'boolean') issues.push({ column: 'active', message: 'Write true or false' });
  if (issues.length || !parsed.success || !ref.ok) return { ok: false, issues };
  const f = Object.fromEntries(Object.entries(parsed.data).filter(([, x]) => x !== null && x !== undefined)) as ContactRow['fields'];
  if (!f.name && !f.email && !f.externalId) return { ok: false, issues: [{ column: 'name', message: 'Give a name or an e-mail address' }] };
  const value: ContactRow = { ref: ref.ref, fields: f, custom: customObject(row.custom) };
  if (typeof v.active === 'boolean') value.active = v.active;
  return { ok: true, value };
}

const keysOf = (c: Resolved) => [c.fields.externalId ? `contact:ext:${c.fields.externalId}` : null, c.fields.email ? `contact:email:${c.accountId}|${c.fields.email.toLowerCase()}` : null]
  .filter((k): k is string => k !== null);

/** By external id; else by e-mail within the account, among contacts with no other external id. */
function matchContact(found: Awaited<ReturnType<typeof contactsByKeys>>, c: Resolved): StoredContact | { error: string } | undefined {
  const ext = c.fields.externalId;
  const byExt = ext ? found.byExt.get(ext) : undefined;
  if (byExt) return byExt;
  if (!c.fields.email) return undefined;
  const same = (found.byEmail.get(`${c.accountId}|${c.fields.email.toLowerCase()}`) ?? []).filter((x) => !ext || x.external_id === null);
  if (same.length > 1) return { error: `${same.length} contacts of this account have the e-mail ${c.fields.email}: add the external id column` };
  return same[0];
}

const lookup = (q: Parameters<typeof contactsByKeys>[0], rows: Resolved[]) => contactsByKeys(q,
  [...new Set(rows.flatMap((r) => (r.fields.externalId ? [r.fields.externalId] : [])))],
  rows.flatMap((r) => (r.fields.email ? [{ accountId: r.accountId, email: r.fields.email }] : [])));

export function contactsKind(_deps: ImportDeps): ImportKind<ContactRow> {
  return {
    name: 'contacts',
    label: 'Contacts',
    fields: contactFields,
    allowsCustom: true,
    matchBy: ['external id', 'e-mail (within the account)'],
    modes: ['create', 'update', 'upsert'],
    validate: (row) => validateContact(row),

    async plan(q, rows, ctx) {
      const refs = await resolveAccountRefs(q, rows.map((r) => r.value.ref));
      const ok: { row: number; value: Resolved }[] = [];
      const out = new Map<number, RowPlan<ContactRow>>();
      rows.forEach((r, i) => {
        const ref = refs[i];
        if (ref && 'id' in ref) ok.push({ row: r.row, value: { ...r.value, accountId: ref.id } });
        else out.set(r.row, { row: r.row, action: 'error', issues: [{ column: ref?.column ?? null, message: ref && 'error' in ref ? ref.error : 'No account' }] });
      });
      const found = await lookup(q, ok.map((r) => r.value));
      for (const { row, value } of ok) {
        const m = matchContact(found, value);
        if (m && 'error' in m) { out.set(row, { row, action: 'error', issues: [{ column: 'email', message: m.error }] }); continue; }
        if (m && m.account_id !== value.accountId) {
          out.set(row, { row, action: 'error', issues: [{ column: 'externalId', message: 'This external id belongs to a contact of another account' }] });
          continue;
        }
        const seenRow = keysOf(value).map((k) => ctx.seen.get(k)).find((x) => x !== undefined);
        const plan = decide<ContactRow>(row, value, ctx.mode, m?.id, seenRow, 'Contact');
        if (plan.action === 'create') for (const k of keysOf(value)) ctx.seen.set(k, String(row));
        out.set(row, plan);
      }
      return rows.map((r) => out.get(r.row) as RowPlan<ContactRow>);
    },

    async write(rows, ctx) {
      const results: WriteResult[] = [];
      const actor = { type: ctx.actor.type, id: ctx.actor.id, label: ctx.actor.label };
      for (const p of rows) {
        const value = p.value as Resolved;
        let targetId = p.targetId;
        if (!targetId) {
          const m = matchContact(await lookup(ctx.tx, [value]), value);
          if (m && !('error' in m)) targetId = m.id;
        }
        const cols = toColumns(value);
        if (!targetId) {
          const id = await insertContact(ctx.tx, cols, value.custom, value.active);
          await recordAuditRaw(ctx.tx, actor, [{ action: 'contact.create', objectType: 'contact', objectId: id,
            changes: { accountId: value.accountId, ...value.fields, ...(value.active !== undefined ? { active: value.active } : {}), custom: value.custom, importId: ctx.importId } }]);
          results.push({ row: p.row, action: 'create', id });
          continue;
        }
        const before = await contactForUpdate(ctx.tx, targetId);
        if (!before) throw new Error(`contact ${targetId} vanished during the import`);
        await updateContact(ctx.tx, targetId, cols, value.custom, value.active);
        await recordAuditRaw(ctx.tx, actor, [{ action: 'contact.update', objectType: 'contact', objectId: targetId, changes: { ...changesOf(before, value), importId: ctx.importId } }]);
        results.push({ row: p.row, action: 'update', id: targetId });
      }
      return results;
    },
  };
}

function toColumns(c: Resolved): ContactColumns {
  const cols: ContactColumns = { account_id: c.accountId };
  const f = c.fields;
  if (f.externalId !== undefined) cols.external_id = f.externalId;
  if (f.email !== undefined) cols.email = f.email;
  if (f.name !== undefined) cols.name = f.name;
  if (f.title !== undefined) cols.title = f.title;
  if (f.role !== undefined) cols.role = f.role;
  if (f.phone !== undefined) cols.phone = f.phone;
  return cols;
}

function changesOf(before: StoredContact, c: Resolved): Record<string, unknown> {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  for (const [col, to] of Object.entries(toColumns(c))) {
    const from = (before as unknown as Record<string, unknown>)[col] ?? null;
    if (JSON.stringify(from) !== JSON.stringify(to)) out[col.replace(/_([a-z])/g, (_, ch: string) => ch.toUpperCase())] = { from, to };
  }
  if (c.active !== undefined && before.active !== c.active) out.active = { from: before.active, to: c.active };
  const stored = before.custom ?? {};
  const custom = Object.fromEntries(Object.entries(c.custom).filter(([k, v]) => JSON.stringify(stored[k]) !== JSON.stringify(v)));
  if (Object.keys(custom).length) out.custom = { from: Object.fromEntries(Object.keys(custom).map((k) => [k, Object.hasOwn(stored, k) ? (stored[k] ?? null) : null])), to: custom };
  return out;
}
