import { recordAuditRaw } from '../../audit/record.js';
import { isoDate, money } from '../../http/zod.js';
import { accountRefFields, readAccountRef, resolveAccountRefs } from '../refs.js';
import type { AccountRef, FieldSpec, ImportDeps, ImportKind, RowIssue, RowPlan, TypedRow, WriteContext, WriteResult } from '../types.js';
import { existingOutcomes, insertOutcome, markRetained } from './outcomes-store.js';
import { str } from './kit.js';

export const IMPORTED_OUTCOME_KINDS = ['renewed', 'expanded', 'downgraded', 'churned', 'retained'] as const;
export type OutcomeRow = {
  ref: AccountRef; kind: (typeof IMPORTED_OUTCOME_KINDS)[number]; occurredOn: string;
  arrBefore?: number; arrAfter?: number; reason?: string; note?: string;
};
type Resolved = OutcomeRow & { accountId: string };

export const outcomeFields: FieldSpec[] = [
  ...accountRefFields,
  { key: 'kind', label: 'Outcome', type: 'enum', required: true, values: IMPORTED_OUTCOME_KINDS, aliases: ['kind', 'outcome', 'type', 'event', 'event type', 'result', 'status'], description: "Map your values, e.g. churn → churned, 'Closed Lost' → churned" },
  { key: 'occurredOn', label: 'Date', type: 'date', required: true, aliases: ['date', 'occurred on', 'event date', 'churn date', 'close date', 'renewal date', 'effective date'] },
  { key: 'arrBefore', label: 'ARR before', type: 'money', aliases: ['arr before', 'previous arr', 'old arr', 'arr from'] },
  { key: 'arrAfter', label: 'ARR after', type: 'money', aliases: ['arr after', 'new arr', 'arr to'] },
  { key: 'mrrBefore', label: 'MRR before', type: 'money', aliases: ['mrr before', 'previous mrr', 'old mrr'], description: 'Stored as ARR = 12 × MRR' },
  { key: 'mrrAfter', label: 'MRR after', type: 'money', aliases: ['mrr after', 'new mrr'], description: 'Stored as ARR = 12 × MRR' },
  { key: 'reason', label: 'Reason', type: 'text', aliases: ['reason', 'churn reason', 'loss reason', 'cause'] },
  { key: 'note', label: 'Note', type: 'text', aliases: ['note', 'notes', 'comment', 'details'] },
];

const cents = (n: number) => Math.round(n * 100) / 100;

function amount(v: Record<string, unknown>, arrKey: string, mrrKey: string, mrrOption: boolean, issues: RowIssue[]): number | undefined {
  const arr = typeof v[arrKey] === 'number' ? (mrrOption ? cents((v[arrKey] as number) * 12) : (v[arrKey] as number)) : undefined;
  const fromMrr = typeof v[mrrKey] === 'number' ? cents((v[mrrKey] as number) * 12) : undefined;
  if (arr !== undefined && fromMrr !== undefined && Math.abs(arr - fromMrr) > 0.01) {
    issues.push({ column: mrrKey, message: `${arrKey} ${arr} and ${mrrKey} (ARR ${fromMrr}) disagree: map only one of them` });
    return undefined;
  }
  const a = arr ?? fromMrr;
  if (a === undefined) return undefined;
  const m = money().safeParse(a);
  if (!m.success) { issues.push({ column: arr !== undefined ? arrKey : mrrKey, message: m.error.issues[0]?.message ?? 'Not an amount' }); return undefined; }
  return m.data;
}

export function validateOutcome(row: TypedRow, options: Record<string, unknown>): { ok: true; value: OutcomeRow } | { ok: false; issues: RowIssue[] } {
  const v = row.values;
  const ref = readAccountRef(row);
  const issues: RowIssue[] = ref.ok ? [] : [...ref.issues];
  const kind = str(v.kind);
  if (kind === undefined) issues.push({ column: 'kind', message: `Each row needs an outcome: ${IMPORTED_OUTCOME_KINDS.join(', ')}` });
  else if (!(IMPORTED_OUTCOME_KINDS as readonly string[]).includes(kind)) issues.push({ column: 'kind', message: `"${kind}" is not an outcome Canopy knows: map it to one of ${IMPORTED_OUTCOME_KINDS.join(', ')}` });
  const day = isoDate().safeParse(v.occurredOn);
  if (!day.success) issues.push({ column: 'occurredOn', message: v.occurredOn === undefined ? 'Each row needs the date it happened' : (day.error.issues[0]?.message ?? 'Not a date') });
  const mrr = options.mrr === true;
  const arrBefore = amount(v, 'arrBefore', 'mrrBefore', mrr, issues);
  const arrAfter = amount(v, 'arrAfter', 'mrrAfter', mrr, issues);
  const reason = str(v.reason);
  const note = str(v.note);
  if (reason !== undefined && reason.length > 2000) issues.push({ column: 'reason', message: 'At most 2000 characters' });
  if (note !== undefined && note.length > 2000) issues.push({ column: 'note', message: 'At most 2000 characters' });
  if (issues.length || !ref.ok || !day.success) return { ok: false, issues };
  const value: OutcomeRow = { ref: ref.ref, kind: kind as OutcomeRow['kind'], occurredOn: day.data };
  if (arrBefore !== undefined) value.arrBefore = arrBefore;
  if (arrAfter !== undefined) value.arrAfter = arrAfter;
  if (reason) value.reason = reason;
  if (note) value.note = note;
  return { ok: true, value };
}

export function outcomesKind(deps: ImportDeps): ImportKind<OutcomeRow> {
  /** Per import: the accounts with an outcome in the file and the earliest outcome day. */
  const seenAccounts = new Map<string, { ids: Set<string>; from: string | null; retainedAsOf: string | null; actor: WriteContext['actor'] | null }>();
  const state = (importId: string) => {
    const s = seenAccounts.get(importId) ?? { ids: new Set<string>(), from: null, retainedAsOf: null, actor: null };
    seenAccounts.set(importId, s);
    return s;
  };
  return {
    name: 'outcomes',
    label: 'Outcomes (renewals, churn)',
    fields: outcomeFields,
    allowsCustom: false,
    matchBy: ['account, outcome and date'],
    modes: ['create'],
    validate: validateOutcome,

    async plan(q, rows, ctx) {
      const refs = await resolveAccountRefs(q, rows.map((r) => r.value.ref));
      const keyed = rows.map((r, i) => ({ ...r, ref: refs[i] }));
      const existing = await existingOutcomes(q, keyed.flatMap((r) => (r.ref && 'id' in r.ref ? [{ accountId: r.ref.id, kind: r.value.kind, day: r.value.occurredOn }] : [])));
      const s = state(ctx.importId);
      const asOf = isoDate().safeParse(ctx.options.retainedAsOf);
      if (asOf.success) s.retainedAsOf = asOf.data;
      return keyed.map(({ row, value, ref }): RowPlan<OutcomeRow> => {
        if (!ref || 'error' in ref) return { row, action: 'error', issues: [{ column: ref?.column ?? null, message: ref && 'error' in ref ? ref.error : 'No account' }] };
        s.ids.add(ref.id);
        const key = `outcome:${ref.id}|${value.kind}|${value.occurredOn}`;
        if (existing.has(`${ref.id}|${value.kind}|${value.occurredOn}`)) return { row, action: 'skip', reason: 'Already recorded' };
        const earlier = ctx.seen.get(key);
        if (earlier) return { row, action: 'skip', reason: `Already in row ${earlier}` };
        ctx.seen.set(key, String(row));
        return { row, action: 'create', value: { ...value, accountId: ref.id } as Resolved };
      });
    },

    async write(rows, ctx) {
      const out: WriteResult[] = [];
      const actor = { type: ctx.actor.type, id: ctx.actor.id, label: ctx.actor.label };
      const s = state(ctx.importId);
      s.actor = ctx.actor;
      for (const p of rows) {
        const v = p.value as Resolved;
        const id = await insertOutcome(ctx.tx, { ...v, createdBy: ctx.actor.type === 'user' ? ctx.actor.id : null, source: 'import' });
        if (!id) { out.push({ row: p.row, action: 'skip' }); continue; }
        if (!s.from || v.occurredOn < s.from) s.from = v.occurredOn;
        await recordAuditRaw(ctx.tx, actor, [{ action: 'outcome.create', objectType: 'outcome', objectId: id,
          changes: { accountId: v.accountId, kind: v.kind, occurredOn: v.occurredOn, arrBefore: v.arrBefore ?? null, arrAfter: v.arrAfter ?? null, reason: v.reason ?? null, note: v.note ?? null, importId: ctx.importId } }]);
        out.push({ row: p.row, action: 'create', id });
      }
      return out;
    },

    /**
     * retainedAsOf (YYYY-MM-DD): every active account with no outcome in the file is marked
     * `retained` on that day (skipped where it is already recorded). Then health history is
     * rebuilt from the earliest outcome, so driver impact sees the history.
     */
    async finish(summary) {
      const s = state(summary.importId);
      seenAccounts.delete(summary.importId);
      const touched = new Set(summary.accountIds);
      let from = s.from;
      if (s.retainedAsOf) {
        const day = s.retainedAsOf;
        const actor = s.actor ?? { type: 'user' as const, id: '', label: 'import' };
        const marked = await deps.database.transaction(async (tx) => {
          const ids = await markRetained(tx, day, [...s.ids], actor.type === 'user' && actor.id ? actor.id : null);
          if (ids.length) {
            await recordAuditRaw(tx, { type: actor.type, id: actor.id || null, label: actor.label }, [{ action: 'outcome.import', objectType: 'outcome', objectId: '*',
              changes: { importId: summary.importId, retainedAsOf: day, created: ids.length } }]);
          }
          return ids;
        });
        for (const id of marked) touched.add(id);
        if (marked.length && (!from || day < from)) from = day;
      }
      if (from && touched.size) await deps.rebuildHealth([...touched], from);
    },
  };
}
