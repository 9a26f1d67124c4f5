import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EncodingSniffer, ImportFileError, checkHeader, readHead, sniffDelimiter, sniffHead } from './detect.js';

const utf16le = (s: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]);
const utf16be = (s: string) => {
  const be = Buffer.from(s, 'utf16le').swap16();
  return Buffer.concat([Buffer.from([0xfe, 0xff]), be]);
};
const codeOf = (f: () => unknown): string | null => {
  try { f(); return null; } catch (e) { return e instanceof ImportFileError ? e.code : `not an ImportFileError: ${String(e)}`; }
};

describe('encodings', () => {
  it('reads UTF-8 with and without a BOM (the BOM is not part of the first header)', () => {
    const bom = readHead(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('name,ville\nAcme,Zürich\n')]), { complete: true });
    expect(bom.encoding).toBe('utf-8-bom');
    expect(bom.header).toEqual(['name', 'ville']);
    expect(bom.sample).toEqual([['Acme', 'Zürich']]);
    expect(readHead(Buffer.from('name\nZürich\n'), { complete: true }).encoding).toBe('utf-8');
  });

  it('reads UTF-16 LE and BE by their BOM', () => {
    for (const [make, enc] of [[utf16le, 'utf-16le'], [utf16be, 'utf-16be']] as const) {
      const h = readHead(make('name;ville\r\nAcme;Zürich\r\n'), { complete: true });
      expect(h.encoding).toBe(enc);
      expect(h.delimiter).toBe(';');
      expect(h.header).toEqual(['name', 'ville']);
      expect(h.sample).toEqual([['Acme', 'Zürich']]);
    }
  });

  it('falls back to Latin-1 (windows-1252) when the bytes are not UTF-8', () => {
    const h = readHead(Buffer.from('name,ville\nAcme,Z\xfcrich\n', 'latin1'), { complete: true });
    expect(h.encoding).toBe('latin1');
    expect(h.sample).toEqual([['Acme', 'Zürich']]);
  });

  it('keeps UTF-8 when a character is cut at the end of the head, and decides on the whole stream', () => {
    const bytes = Buffer.from('name\nZürich');
    expect(sniffHead(bytes.subarray(0, bytes.length - 5))).toBe('utf-8');
    const s = new EncodingSniffer();
    s.push(Buffer.from('name\nok\n'));
    s.push(Buffer.from([0x5a, 0xfc, 0x0a])); // a Latin-1 ü far into the file
    expect(s.result()).toBe('latin1');
    expect(s.bytes).toBe(11);
  });
});

describe('delimiters', () => {
  it('finds comma, semicolon, tab and pipe, ignoring those inside quotes', () => {
    expect(sniffDelimiter('a,b,c\n1;2;3;4;5')).toBe(',');
    expect(sniffDelimiter('a;b;c\n')).toBe(';');
    expect(sniffDelimiter('a\tb\tc\n')).toBe('\t');
    expect(sniffDelimiter('a|b|c')).toBe('|');
    expect(sniffDelimiter('"a,b,c";d;e')).toBe(';');
    expect(sniffDelimiter('single')).toBe(',');
  });
});

describe('headers and refused files', () => {
  it('refuses an empty file, blank lines only, and binary files', () => {
    expect(codeOf(() => readHead(Buffer.alloc(0)))).toBe('import.empty_file');
    expect(codeOf(() => readHead(Buffer.from('\n\n  \n'), { complete: true }))).toBe('import.empty_file');
    expect(codeOf(() => readHead(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x08, 0x00])))).toBe('import.binary_file');
  });

  it('refuses an empty header name, duplicate names (also once normalised) and a first line of data', () => {
    expect(codeOf(() => checkHeader(['name', '', 'arr']))).toBe('import.no_header');
    expect(codeOf(() => checkHeader(['', '']))).toBe('import.no_header');
    expect(codeOf(() => checkHeader(['name', 'Name ']))).toBe('import.duplicate_headers');
    expect(codeOf(() => checkHeader(['Account Name', 'account_name']))).toBe('import.duplicate_headers');
    expect(codeOf(() => checkHeader(['a@b.test', '1200', 'Acme']))).toBe('import.no_header');
    expect(codeOf(() => checkHeader(['name', 'arr']))).toBeNull();
  });

  it('leaves out a last row cut by the head unless the file is complete', () => {
    expect(readHead(Buffer.from('name\nAcme\nBet')).sample).toEqual([['Acme']]);
    expect(readHead(Buffer.from('name\nAcme\nBet'), { complete: true }).sample).toEqual([['Acme'], ['Bet']]);
  });

  it('either reads or refuses with an ImportFileError, whatever the bytes (fast-check)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (bytes, complete) => {
      expect(codeOf(() => readHead(Buffer.from(bytes), { complete })) ?? 'read').not.toMatch(/^not an ImportFileError/);
    }), { numRuns: 1000 });
  });
});
