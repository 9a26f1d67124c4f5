import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { csvFilename, csvStream, keysetRows, safeCell } from './csv.js';

const EVALUATED = /^[=+\-@\t\r]/;

async function text(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

async function* from<T>(items: T[]) { for (const i of items) yield i; }

describe('safeCell', () => {
  it('prefixes text that a spreadsheet would evaluate', () => {
    for (const v of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx', '=HYPERLINK("http://x")']) expect(safeCell(v)).toBe(`'${v}`);
    for (const v of ['plain', ' =1', "'=1", '1-2', '']) expect(safeCell(v)).toBe(v);
  });
  it('keeps numbers as numbers (negative too), dates ISO, null empty, booleans words', () => {
    expect(safeCell(-12.5)).toBe(-12.5);
    expect(safeCell(0)).toBe(0);
    expect(safeCell(Number.NaN)).toBe('');
    expect(safeCell(-12n)).toBe(-12);
    expect(safeCell(-(2n ** 70n))).toBe('-1180591620717411303424');
    expect(safeCell(new Date('2026-03-04T05:06:07Z'))).toBe('2026-03-04T05:06:07.000Z');
    expect(safeCell(new Date('x'))).toBe('');
    expect(safeCell(null)).toBe('');
    expect(safeCell(undefined)).toBe('');
    expect(safeCell(true)).toBe('true');
    expect(safeCell(['=a'])).toBe('["=a"]');
    expect(safeCell({ a: 1 })).toBe('{"a":1}');
  });
  it('fast-check: no text cell ever starts with a character a spreadsheet evaluates, and only a prefix is added', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.constantFrom('=', '+', '-', '@', '\t', '\r').chain((c) => fc.string().map((s) => c + s))), (s) => {
      const out = safeCell(s);
      expect(typeof out).toBe('string');
      expect(EVALUATED.test(out as string)).toBe(false);
      expect([s, `'${s}`]).toContain(out);
    }), { numRuns: 2000 });
  });
  it('fast-check: any value gives a number or a safe text', () => {
    fc.assert(fc.property(fc.anything({ withDate: true, withBigInt: true }), (v) => {
      const out = safeCell(v);
      if (typeof v === 'bigint') expect(String(out)).toBe(v.toString());
      else if (typeof out === 'string') expect(EVALUATED.test(out)).toBe(false);
      else expect(Number.isFinite(out)).toBe(true);
    }), { numRuns: 1000 });
  });
});

describe('csvStream', () => {
  it('writes a BOM, CRLF records, the header and safe cells that parse back', async () => {
    const out = await text(csvStream(['name', 'arr', 'when'], from([['=cmd|"/c calc"', -5, new Date('2026-01-01T00:00:00Z')], ['a,"b"\nc', 1.5, null]])));
    expect(out.startsWith('\uFEFF')).toBe(true);
    expect(out).toContain('\r\n');
    const rows = parse(out, { bom: true }) as string[][];
    expect(rows).toEqual([['name', 'arr', 'when'], ['\'=cmd|"/c calc"', '-5', '2026-01-01T00:00:00.000Z'], ['a,"b"\nc', '1.5', '']]);
  });
  it('an error in the rows ends the stream with that error', async () => {
    async function* bad() { yield ['a']; throw new Error('boom'); }
    await expect(text(csvStream(['x'], bad()))).rejects.toThrow('boom');
  });
  it('closing early returns the row generator (its query stops)', async () => {
    let finished = false;
    async function* many() { try { for (let i = 0; ; i++) yield [i]; } finally { finished = true; } }
    const s = csvStream(['i'], many());
    for await (const _ of s) break;
    await new Promise((r) => setTimeout(r, 20));
    expect(finished).toBe(true);
  });
});

describe('keysetRows and csvFilename', () => {
  it('pages until a short page, passing the last cursor', async () => {
    const data = Array.from({ length: 7 }, (_, i) => i);
    const seen: Array<number | undefined> = [];
    const rows: unknown[] = [];
    for await (const r of keysetRows(async (after: number | undefined, limit) => { seen.push(after); return data.filter((d) => after === undefined || d > after).slice(0, limit); }, (x) => x, (x) => [x], 3)) rows.push(r[0]);
    expect(rows).toEqual(data);
    expect(seen).toEqual([undefined, 2, 5]);
  });
  it('file names keep letters, digits, dot, dash, underscore', () => {
    expect(csvFilename('accounts 2026/"x"')).toBe('accounts-2026-x.csv');
    expect(csvFilename('')).toBe('export.csv');
    expect(csvFilename('a.csv')).toBe('a.csv');
  });
});
