import type { Database } from '../../db/connect.js';
import type { ImportDeps, ImportKind, ImportMode, PlanContext, RowPlan, TypedRow, WriteResult } from '../types.js';

/** Test helpers for the import kinds: run validate → plan → write as the engine will, without it. */
export const row = (n: number, values: Record<string, unknown>, custom: Record<string, string> = {}): TypedRow => ({ row: n, values, custom });

export const fakeDeps = (database: Database, rebuilt: { ids: string[]; from: string }[] = []): ImportDeps => ({
  database, config: {} as ImportDeps['config'], jobs: null, outbox: { wake: async () => {} } as unknown as ImportDeps['outbox'],
  rebuildHealth: async (ids, from) => { rebuilt.push({ ids, from }); },
});

export const ACTOR = { type: 'user' as const, id: '00000000-0000-4000-8000-000000000000', label: 'importer@test' };

/** validate + plan (+ write in one transaction unless dryRun); returns the plans and the write results. */
export async function run<R>(database: Database, kind: ImportKind<R>, rows: TypedRow[], opts: { mode?: ImportMode; options?: Record<string, unknown>; dryRun?: boolean; ctx?: PlanContext } = {}) {
  const ctx: PlanContext = opts.ctx ?? { mode: opts.mode ?? 'upsert', options: opts.options ?? {}, seen: new Map(), importId: 'imp-1' };
  const valid: { row: number; value: R }[] = [];
  const invalid: RowPlan<R>[] = [];
  for (const r of rows) {
    const v = kind.validate(r, ctx.options);
    if (v.ok) valid.push({ row: r.row, value: v.value });
    else invalid.push({ row: r.row, action: 'error', issues: v.issues });
  }
  const plans = [...invalid, ...(await kind.plan(database, valid, ctx))].sort((a, b) => a.row - b.row);
  let written: WriteResult[] = [];
  if (!opts.dryRun) {
    const todo = plans.filter((p): p is Extract<RowPlan<R>, { action: 'create' | 'update' }> => p.action === 'create' || p.action === 'update');
    written = await database.transaction((tx) => kind.write(todo, { ...ctx, actor: ACTOR, tx }));
  }
  return { plans, written, ctx };
}

/** The value, or a failed test naming what was missing. */
export function must<T>(v: T | null | undefined, what = 'value'): T {
  if (v === null || v === undefined) throw new Error(`missing ${what}`);
  return v;
}
