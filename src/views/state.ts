import { z } from 'zod';
import { accountListQuery } from '../accounts/schema.js';
import { taskListQuery } from '../tasks/schema.js';
import { ACCOUNT_COLUMNS, TASK_COLUMNS } from '../exports/columns.js';
import type { FieldError } from '../http/errors.js';
import { text } from '../http/zod.js';

/**
 * A saved view's state: the list's filters (as the list's query string has them), its columns and
 * its sort. Validated against the list it belongs to: a filter the list does not know, or a value
 * the list would refuse, is refused here with a message, never kept.
 */
export const VIEW_SCOPES = ['portfolio', 'inbox'] as const;
export type ViewScope = (typeof VIEW_SCOPES)[number];
export const MAX_STATE_BYTES = 16 * 1024;

export const viewState = z.object({
  filters: z.record(text().max(60), text().max(1000)).default({}).describe("The list's query-string filters, by name (portfolio: GET /api/accounts; inbox: GET /api/tasks)"),
  columns: z.array(text().max(60)).max(60).default([]).describe('Column keys in order (as columns= of the export)'),
  sort: text().max(60).nullable().default(null).describe("The list's sort (portfolio: e.g. -arr); null for the inbox, which has its own order"),
}).strict();
export type ViewState = z.infer<typeof viewState>;

const PAGING = ['cursor', 'limit', 'sort'] as const;
const LISTS = {
  portfolio: { query: accountListQuery.omit({ cursor: true, limit: true, sort: true }), sort: accountListQuery.shape.sort, columns: ACCOUNT_COLUMNS },
  inbox: { query: taskListQuery.omit({ cursor: true, limit: true }), sort: null, columns: TASK_COLUMNS },
} as const;

export function stateBytes(state: unknown): number {
  return Buffer.byteLength(JSON.stringify(state) ?? '', 'utf8');
}

/** The problems of a state for its scope (empty: it is one the list accepts). */
export function stateProblems(scope: ViewScope, state: ViewState): FieldError[] {
  const list = LISTS[scope];
  const problems: FieldError[] = [];
  if (stateBytes(state) > MAX_STATE_BYTES) problems.push({ path: 'state', message: `the state is over ${MAX_STATE_BYTES} bytes` });
  const shape = list.query.shape as Record<string, z.ZodType>;
  for (const [key, value] of Object.entries(state.filters)) {
    const field = Object.hasOwn(shape, key) ? shape[key] : undefined;
    if (!field) {
      const why = (PAGING as readonly string[]).includes(key) ? 'is not a filter (paging and sort are not saved as filters)' : `is not a filter of the ${scope} list; known: ${Object.keys(shape).join(', ')}`;
      problems.push({ path: `state.filters.${key.slice(0, 60)}`, message: `${JSON.stringify(key.slice(0, 60))} ${why}` });
      continue;
    }
    const parsed = field.safeParse(value);
    if (!parsed.success) problems.push({ path: `state.filters.${key}`, message: parsed.error.issues[0]?.message ?? 'the list refuses this value' });
  }
  const seen = new Set<string>();
  state.columns.forEach((c, i) => {
    if (!Object.hasOwn(list.columns, c)) problems.push({ path: `state.columns.${i}`, message: `unknown column ${JSON.stringify(c)}; known: ${Object.keys(list.columns).join(', ')}` });
    else if (seen.has(c)) problems.push({ path: `state.columns.${i}`, message: `column ${JSON.stringify(c)} is named twice` });
    seen.add(c);
  });
  if (state.sort !== null) {
    if (!list.sort) problems.push({ path: 'state.sort', message: `the ${scope} list has its own order: sort must be null` });
    else if (!list.sort.safeParse(state.sort).success) problems.push({ path: 'state.sort', message: `unknown sort ${JSON.stringify(state.sort)} for the ${scope} list` });
  }
  return problems;
}
