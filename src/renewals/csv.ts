import { stringify } from 'csv-stringify/sync';
import { safeCell } from '../exports/csv.js';
import type { RenewalItem } from './schema.js';

/**
 * The renewals of a range as CSV (one row per renewal, the list's order). A spreadsheet runs a cell
 * that starts with = + - @ (or a tab or carriage return) as a formula: such cells are prefixed with
 * an apostrophe, so an account named "=HYPERLINK(…)" stays text (src/exports/csv.ts safeCell). Numbers are written as numbers.
 */

export { safeCell };

export const CSV_COLUMNS = ['account', 'owner', 'renewal date', 'ARR', 'renewal probability', 'forecast', 'category', 'overridden', 'reason', 'top risks'] as const;

export function renewalsCsv(items: readonly RenewalItem[]): string {
  return stringify([
    [...CSV_COLUMNS],
    ...items.map((i) => [
      safeCell(i.account.name), safeCell(i.account.owner?.name), i.renewalDate, i.arr, i.probability, i.forecast, i.category,
      i.override ? 'yes' : 'no', safeCell(i.override?.reason), safeCell(i.risks.map((r) => r.label).join('; ')),
    ]),
  ]);
}
