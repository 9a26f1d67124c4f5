import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DATE_FORMATS, detectFormat, parseCell, parseDateIn, parseMoney, type CellResult } from './values.js';
import type { FieldSpec, FieldType } from './types.js';

const spec = (type: FieldType, values?: string[]): FieldSpec => ({ key: 'f', label: 'F', type, aliases: [], ...(values ? { values } : {}) });
const cell = (type: FieldType, raw: string, format?: string): CellResult => parseCell(spec(type), raw, { field: 'f', ...(format ? { format } : {}) });
const ok = (r: CellResult) => (r.ok ? r.value : `ERROR: ${r.message}`);

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
/** A day written in a format, for the round trip. */
function write(format: string, y: number, m: number, d: number): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  switch (format) {
    case 'YYYY-MM-DD': return `${y}-${pad(m)}-${pad(d)}`;
    case 'YYYY/MM/DD': return `${y}/${pad(m)}/${pad(d)}`;
    case 'DD/MM/YYYY': return `${pad(d)}/${pad(m)}/${y}`;
    case 'MM/DD/YYYY': return `${pad(m)}/${pad(d)}/${y}`;
    case 'DD.MM.YYYY': return `${pad(d)}.${pad(m)}.${y}`;
    case 'DD-MM-YYYY': return `${pad(d)}-${pad(m)}-${y}`;
    case 'MM-DD-YYYY': return `${pad(m)}-${pad(d)}-${y}`;
    default: return `${d} ${months[m - 1]} ${y}`;
  }
}

describe('dates', () => {
  it('reads every day of every format back to the same day (years 1900–2200)', () => {
    fc.assert(fc.property(fc.constantFrom(...DATE_FORMATS), fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2200-12-31T00:00:00Z'), noInvalidDate: true }), (format, date) => {
      const [y, m, d] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
      expect(parseDateIn(format, write(format, y, m, d))).toBe(`${y}-${pad(m)}-${pad(d)}`);
      expect(ok(cell('date', write(format, y, m, d), format))).toBe(`${y}-${pad(m)}-${pad(d)}`);
    }));
  });

  it('takes Feb 29 of leap years only (2000 and 2024 yes; 1900, 2023 and 2100 no) in each format', () => {
    for (const format of DATE_FORMATS) {
      expect(parseDateIn(format, write(format, 2024, 2, 29)), format).toBe('2024-02-29');
      expect(parseDateIn(format, write(format, 2000, 2, 29)), format).toBe('2000-02-29');
      for (const y of [1900, 2023, 2100]) expect(parseDateIn(format, write(format, y, 2, 29)), `${format} ${y}`).toBeNull();
      expect(cell('date', write(format, 2023, 2, 29), format).ok).toBe(false);
    }
  });

  it('refuses a day/month date without a format, even when only one reading is a real day, and reads it with one', () => {
    for (const raw of ['03/04/2027', '04-03-2027', '13/04/2027', '04/13/2027']) {
      const r = cell('date', raw);
      expect(r.ok, raw).toBe(false);
      expect(r.ok ? '' : r.message).toContain('needs the column\'s date format');
    }
    expect(ok(cell('date', '03/04/2027', 'DD/MM/YYYY'))).toBe('2027-04-03');
    expect(ok(cell('date', '03/04/2027', 'MM/DD/YYYY'))).toBe('2027-03-04');
    expect(cell('date', '13/04/2027', 'MM/DD/YYYY').ok).toBe(false);
    // Unambiguous shapes need no format.
    expect(ok(cell('date', '2027-04-03'))).toBe('2027-04-03');
    expect(ok(cell('date', '03.04.2027'))).toBe('2027-04-03');
    expect(ok(cell('date', '3 Apr 2027'))).toBe('2027-04-03');
  });

  it('detects a format only when the sample tells day from month', () => {
    const date = spec('date');
    expect(detectFormat(date, ['03/04/2027', '05/06/2027'])).toBeUndefined();
    expect(detectFormat(date, ['03/04/2027', '25/06/2027'])).toBe('DD/MM/YYYY');
    expect(detectFormat(date, ['03/04/2027', '06/25/2027'])).toBe('MM/DD/YYYY');
    expect(detectFormat(date, ['2027-04-03'])).toBe('YYYY-MM-DD');
  });

  it('refuses years outside 1900–2200', () => {
    expect(cell('date', '1899-12-31').ok).toBe(false);
    expect(cell('date', '2201-01-01').ok).toBe(false);
  });
});

describe('money', () => {
  it('reads symbols, thousands and parentheses', () => {
    expect(ok(cell('money', '$1,234.50'))).toBe(1234.5);
    expect(ok(cell('money', '€12'))).toBe(12);
    expect(ok(cell('money', '12£'))).toBe(12);
    expect(ok(cell('money', '(1,234.50)'))).toBe(-1234.5);
    expect(ok(cell('money', '-$12'))).toBe(-12);
    expect(ok(cell('money', '$-12'))).toBe(-12);
    expect(cell('money', '(-12)').ok).toBe(false);
    expect(cell('money', '1,23.4').ok).toBe(false);
    expect(cell('money', '12.345').ok).toBe(false);
  });

  it('reads a decimal comma only with its format, and says so without it', () => {
    const r = cell('money', '1.234,50');
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.message).toContain('decimal comma');
    expect(ok(cell('money', '1.234,50', 'decimal_comma'))).toBe(1234.5);
    expect(ok(cell('money', '1.234,50 €', 'decimal_comma'))).toBe(1234.5);
    expect(ok(cell('money', '1,50', 'decimal_comma'))).toBe(1.5);
    // 1,234 is one thousand two hundred and thirty-four by default: never silently 1.234.
    expect(ok(cell('money', '1,234'))).toBe(1234);
    expect(parseMoney('1', 'euro').ok).toBe(false);
  });

  it('round-trips any amount in cents written with thousands separators', () => {
    fc.assert(fc.property(fc.integer({ min: -99_999_999_999, max: 99_999_999_999 }), (cents) => {
      const abs = Math.abs(cents);
      const text = `${Math.floor(abs / 100).toLocaleString('en-US')}.${pad(abs % 100)}`;
      expect(ok(cell('money', cents < 0 ? `(${text})` : `$${text}`))).toBeCloseTo(cents / 100, 2);
    }));
  });
});

describe('other types', () => {
  it('reads booleans in their usual spellings and refuses the rest', () => {
    for (const t of ['true', 'YES', 'y', '1']) expect(ok(cell('boolean', t))).toBe(true);
    for (const f of ['false', 'No', 'n', '0']) expect(ok(cell('boolean', f))).toBe(false);
    for (const x of ['maybe', '2', 'oui']) expect(cell('boolean', x).ok).toBe(false);
  });

  it('keeps whole numbers in range and refuses out-of-range amounts', () => {
    expect(ok(cell('int', '2,147,483,647'))).toBe(2147483647);
    expect(cell('int', '2147483648').ok).toBe(false);
    expect(cell('int', '1.5').ok).toBe(false);
    expect(cell('money', '1,000,000,000,000.00').ok).toBe(false);
  });

  it('maps enum values through the column\'s value map, case-insensitively', () => {
    const s = spec('enum', ['active', 'churned']);
    expect(ok(parseCell(s, 'Closed Lost', { field: 'f', valueMap: { 'closed lost': 'churned' } }))).toBe('churned');
    expect(ok(parseCell(s, 'ACTIVE', { field: 'f' }))).toBe('active');
    expect(parseCell(s, 'paused', { field: 'f' }).ok).toBe(false);
  });

  it('treats an empty or blank cell as absent', () => {
    expect(cell('money', '   ')).toEqual({ ok: true, value: undefined });
  });

  it('refuses NUL and lone surrogates in every type', () => {
    for (const type of ['text', 'email', 'money', 'date', 'boolean', 'json'] as FieldType[]) {
      expect(cell(type, 'a\u0000b').ok, type).toBe(false);
      expect(cell(type, 'a\uD800b').ok, type).toBe(false);
      expect(cell(type, '\uDC00').ok, type).toBe(false);
    }
  });

  it('refuses a JSON cell nested thousands of levels deep (it crashed the embedded database on import)', () => {
    expect(cell('json', `{"x":${'['.repeat(3000)}1${']'.repeat(3000)}}`)).toMatchObject({ ok: false, message: 'Nested deeper than 32 levels' });
    expect(cell('json', '{"a":{"b":[1,{"c":2}]}}')).toEqual({ ok: true, value: { a: { b: [1, { c: 2 }] } } });
  });

  it('reads an enum cell named like an Object.prototype member as the text it is (CI found "valueOf")', () => {
    for (const raw of ['valueOf', 'constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const r = parseCell(spec('enum', ['a']), raw, { field: 'f' });
      expect(r.ok, raw).toBe(false);
      const mapped = parseCell(spec('enum', ['a']), raw, { field: 'f', valueMap: { x: 'a' } });
      expect(mapped.ok, raw).toBe(false);
    }
    expect(parseCell(spec('enum', ['a']), 'valueOf', { field: 'f', valueMap: JSON.parse('{"valueOf":"a"}') }).ok).toBe(true);
  });

  it('never throws on any string, for any type and format', () => {
    const types: FieldType[] = ['text', 'email', 'url', 'int', 'decimal', 'money', 'date', 'datetime', 'boolean', 'enum', 'json'];
    const formats = [undefined, 'iso', 'decimal_comma', 'nonsense', ...DATE_FORMATS];
    fc.assert(fc.property(fc.constantFrom(...types), fc.constantFrom(...formats), fc.oneof(fc.string({ unit: 'binary' }), fc.string(), fc.constantFrom(...Object.getOwnPropertyNames(Object.prototype))), (type, format, raw) => {
      const r = parseCell(spec(type, ['a']), raw, { field: 'f', ...(format ? { format } : {}) });
      expect(typeof r.ok).toBe('boolean');
    }), { numRuns: 2000 });
  });
});
