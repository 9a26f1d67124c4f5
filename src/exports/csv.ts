import { Readable, pipeline } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { FastifyReply } from 'fastify';

/**
 * CSV exports. A spreadsheet evaluates a cell that starts with = + - @ (or a tab or a carriage
 * return) as a formula: such TEXT cells get a leading apostrophe, so an account named
 * "=HYPERLINK(…)" stays text. Numbers stay numbers (a negative number is written as a number),
 * dates are ISO 8601, null and undefined are empty, booleans are true/false, other objects JSON.
 */

const FORMULA_START = /^[=+\-@\t\r]/;

export type CsvCell = string | number;

export function safeCell(v: unknown): CsvCell {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? v : '';
  // a bigint is a number: as a number when exact, else its digits (a spreadsheet reads them as a number, never a formula)
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof Date && Number.isNaN(v.getTime())) return '';
  // a date outside years 0–9999 is written "+010000-…" or "-000001-…": it is text like any other
  const text = typeof v === 'string' ? v : v instanceof Date ? v.toISOString() : toJson(v);
  return FORMULA_START.test(text) ? `'${text}` : text;
}

function toJson(v: unknown): string {
  try {
    return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x)) ?? '';
  } catch {
    return String(v);
  }
}

/** A file name safe inside a quoted Content-Disposition (letters, digits, . _ -), ending in .csv. */
export function csvFilename(name: string): string {
  const base = name.replace(/\.csv$/i, '').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 120) || 'export';
  return `${base}.csv`;
}

/** The CSV text stream (UTF-8 with a BOM, so Excel reads the encoding) of a header and rows; every cell goes through safeCell. */
export function csvStream(header: readonly string[], rows: AsyncIterable<readonly unknown[]>): Readable {
  const stringifier = stringify({ bom: true, record_delimiter: 'windows' });
  async function* records() {
    yield header.map(safeCell);
    for await (const row of rows) yield row.map(safeCell);
  }
  const source = Readable.from(records(), { objectMode: true, highWaterMark: 64 });
  // pipeline: an error or an early close on either side destroys both (the row generator is returned, its query stops)
  return pipeline(source, stringifier, () => undefined);
}

/**
 * Sends rows as a streamed CSV attachment (text/csv; charset=utf-8, BOM). Rows are read as the
 * client takes them (back-pressure), so memory stays flat however many rows: produce them with
 * keyset pages (see `keysetRows`), never a whole table. An error after the first bytes ends the
 * response early (the status has been sent); the client sees a truncated download.
 */
export function streamCsv(reply: FastifyReply, filename: string, header: readonly string[], rows: AsyncIterable<readonly unknown[]>): FastifyReply {
  const stream = csvStream(header, rows);
  stream.on('error', (err) => reply.log.error({ err: { message: err.message } }, 'csv export failed while streaming'));
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${csvFilename(filename)}"`)
    .header('cache-control', 'no-store')
    .send(stream);
}

/**
 * Rows of a keyset-paged query: `page(after, limit)` returns up to `limit` items after the cursor
 * (undefined: from the start), `cursor(last)` gives the next page's cursor, `row(item)` the CSV cells.
 */
export async function* keysetRows<T, C>(
  page: (after: C | undefined, limit: number) => Promise<readonly T[]>,
  cursor: (last: T) => C,
  row: (item: T) => readonly unknown[],
  chunk = 2000,
): AsyncGenerator<readonly unknown[]> {
  let after: C | undefined;
  for (;;) {
    const items = await page(after, chunk);
    for (const item of items) yield row(item);
    if (items.length < chunk) return;
    after = cursor(items[items.length - 1] as T);
  }
}
