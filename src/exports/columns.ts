import type { AccountListItem } from '../accounts/schema.js';
import type { Task } from '../tasks/schema.js';

/** A column of an export (and of a saved view's `columns`): its key, its CSV header, its cell. */
export type Column<T> = { header: string; value: (item: T) => unknown };

export const ACCOUNT_COLUMNS = {
  name: { header: 'name', value: (a) => a.name },
  domain: { header: 'domain', value: (a) => a.domain },
  externalId: { header: 'external id', value: (a) => a.externalId },
  owner: { header: 'owner', value: (a) => a.ownerName },
  segment: { header: 'segment', value: (a) => a.segment },
  stage: { header: 'stage', value: (a) => a.stage },
  arr: { header: 'ARR', value: (a) => a.arr },
  seats: { header: 'seats', value: (a) => a.seats },
  renewalDate: { header: 'renewal date', value: (a) => a.renewalDate },
  health: { header: 'health', value: (a) => a.health },
  healthBand: { header: 'health band', value: (a) => a.healthBand },
  healthSource: { header: 'health source', value: (a) => a.healthSource },
  computedHealth: { header: 'computed health', value: (a) => a.computedHealth },
  healthChange30d: { header: 'health change 30d', value: (a) => a.healthChange30d },
  risk: { header: 'risk score', value: (a) => a.riskScore },
  riskLevel: { header: 'risk level', value: (a) => a.riskLevel },
  usageChange: { header: 'usage change %', value: (a) => a.usageChange },
  lastActivityAt: { header: 'last product use', value: (a) => a.lastActivityAt },
  lastTouchAt: { header: 'last touch', value: (a) => a.lastTouchAt },
  onAutopilot: { header: 'on autopilot', value: (a) => a.onAutopilot },
} satisfies Record<string, Column<AccountListItem>>;
export type AccountColumn = keyof typeof ACCOUNT_COLUMNS;
/** The portfolio's visible columns: the export's default. */
export const ACCOUNT_DEFAULT_COLUMNS: AccountColumn[] = ['name', 'owner', 'segment', 'stage', 'arr', 'renewalDate', 'health', 'healthBand', 'healthChange30d', 'risk', 'riskLevel', 'lastTouchAt'];

export const TASK_COLUMNS = {
  account: { header: 'account', value: (t) => t.accountName },
  title: { header: 'title', value: (t) => t.title },
  reason: { header: 'reason', value: (t) => t.reason },
  kind: { header: 'kind', value: (t) => t.kind },
  priority: { header: 'priority', value: (t) => t.priority },
  status: { header: 'status', value: (t) => t.status },
  dueAt: { header: 'due', value: (t) => t.dueAt },
  snoozedUntil: { header: 'snoozed until', value: (t) => t.snoozedUntil },
} satisfies Record<string, Column<Task>>;
export type TaskColumn = keyof typeof TASK_COLUMNS;
export const TASK_DEFAULT_COLUMNS: TaskColumn[] = ['account', 'title', 'reason', 'kind', 'priority', 'status', 'dueAt'];

/**
 * Parses `columns=a,b,c` against the known columns: an unknown or repeated name is refused with
 * its name (never dropped silently); absent gives the defaults.
 */
export function pickColumns<K extends string>(raw: string | undefined, known: Record<K, unknown>, defaults: readonly K[]): { ok: true; columns: K[] } | { ok: false; message: string } {
  if (raw === undefined) return { ok: true, columns: [...defaults] };
  const names = raw.split(',').map((s) => s.trim());
  if (names.some((n) => n === '')) return { ok: false, message: 'columns is a comma-separated list of column names, none empty' };
  const unknown = names.filter((n) => !Object.hasOwn(known, n));
  if (unknown.length) return { ok: false, message: `unknown column${unknown.length > 1 ? 's' : ''} ${unknown.slice(0, 5).map((n) => JSON.stringify(n.slice(0, 40))).join(', ')}; known: ${Object.keys(known).join(', ')}` };
  if (new Set(names).size !== names.length) return { ok: false, message: 'a column is named twice' };
  return { ok: true, columns: names as K[] };
}
