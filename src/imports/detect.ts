import { parse } from 'csv-parse/sync';
import { normaliseHeader } from './mapping.js';

/**
 * What kind of file an upload is (pure over bytes): its encoding, its delimiter, its header. The
 * file is refused with a clear code when it is empty, binary, has no header or duplicate headers.
 */

export type Encoding = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | 'latin1';
/** The TextDecoder label of each (Latin-1 is read as windows-1252, its superset, as browsers do). */
export const DECODER_LABEL: Record<Encoding, string> = { 'utf-8': 'utf-8', 'utf-8-bom': 'utf-8', 'utf-16le': 'utf-16le', 'utf-16be': 'utf-16be', latin1: 'windows-1252' };

export type FileProblemCode = 'import.empty_file' | 'import.binary_file' | 'import.no_header' | 'import.duplicate_headers' | 'import.not_csv';

export class ImportFileError extends Error {
  constructor(readonly code: FileProblemCode, message: string) {
    super(message);
  }
}

/**
 * Follows the bytes of a whole file as they stream by: a BOM decides; otherwise the file is UTF-8
 * if every byte decodes strictly, else Latin-1. A NUL byte outside UTF-16 means a binary file.
 */
export class EncodingSniffer {
  private head = Buffer.alloc(0);
  private decided: Encoding | null = null;
  private utf8 = new TextDecoder('utf-8', { fatal: true });
  private utf8Ok = true;
  bytes = 0;
  nul = false;

  push(chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.decided === null && this.head.length < 3) {
      this.head = Buffer.concat([this.head, chunk.subarray(0, 3)]);
      if (this.head.length >= 2 && this.head[0] === 0xff && this.head[1] === 0xfe) this.decided = 'utf-16le';
      else if (this.head.length >= 2 && this.head[0] === 0xfe && this.head[1] === 0xff) this.decided = 'utf-16be';
      else if (this.head.length >= 3 && this.head[0] === 0xef && this.head[1] === 0xbb && this.head[2] === 0xbf) this.decided = 'utf-8-bom';
    }
    if (this.decided === 'utf-16le' || this.decided === 'utf-16be') return;
    if (!this.nul && chunk.includes(0)) this.nul = true;
    if (this.utf8Ok) {
      try { this.utf8.decode(chunk, { stream: true }); } catch { this.utf8Ok = false; }
    }
  }

  /** The encoding, once every byte went by (a cut multi-byte character at the end is not UTF-8). */
  result(): Encoding {
    if (this.decided === 'utf-16le' || this.decided === 'utf-16be') return this.decided;
    if (this.utf8Ok) {
      try { this.utf8.decode(); } catch { this.utf8Ok = false; }
    }
    if (this.decided === 'utf-8-bom') return this.utf8Ok ? 'utf-8-bom' : 'latin1';
    return this.utf8Ok ? 'utf-8' : 'latin1';
  }
}

/** The encoding of a file whose first bytes only are known (preview): strict UTF-8 on them, a cut character at the end allowed. */
export function sniffHead(head: Buffer): Encoding {
  const s = new EncodingSniffer();
  s.push(head);
  const e = s.result();
  if (e !== 'latin1') return e;
  // A multi-byte character cut at the end of the head is still UTF-8.
  for (let cut = 1; cut <= 3 && cut < head.length; cut += 1) {
    const t = new EncodingSniffer();
    t.push(head.subarray(0, head.length - cut));
    if (t.result() !== 'latin1') return t.result();
  }
  return 'latin1';
}

export function decodeHead(head: Buffer, encoding: Encoding): string {
  return new TextDecoder(DECODER_LABEL[encoding]).decode(head, { stream: true });
}

export const DELIMITERS = [',', ';', '\t', '|'] as const;
export type Delimiter = (typeof DELIMITERS)[number];

/** The delimiter of the header line: the candidate that occurs most often outside quotes (comma when none). */
export function sniffDelimiter(text: string): Delimiter {
  const counts = new Map<Delimiter, number>(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && counts.has(ch as Delimiter)) counts.set(ch as Delimiter, (counts.get(ch as Delimiter) ?? 0) + 1);
  }
  let best: Delimiter = ',';
  for (const d of DELIMITERS) if ((counts.get(d) ?? 0) > (counts.get(best) ?? 0)) best = d;
  return best;
}

/** Refuses a header that is missing, looks like data, or names a column twice. */
export function checkHeader(header: string[]): void {
  const names = header.map((h) => h.trim());
  if (names.every((n) => n === '')) throw new ImportFileError('import.no_header', 'The first line is empty: the file needs a header line naming its columns.');
  const looksLikeData = names.filter((n) => /^[-+]?[\d.,/: -]+$/.test(n) || /^[^@\s]+@[^@\s]+\.[a-z]+$/i.test(n));
  if (looksLikeData.length > 0 && looksLikeData.length >= Math.ceil(names.length / 2)) {
    throw new ImportFileError('import.no_header', `The first line looks like data (${looksLikeData.slice(0, 3).join(', ')}), not column names: add a header line.`);
  }
  const empty = names.findIndex((n) => n === '');
  if (empty >= 0) throw new ImportFileError('import.no_header', `Column ${empty + 1} of the header has no name.`);
  const seen = new Map<string, string>();
  const dups: string[] = [];
  for (const n of names) {
    const k = normaliseHeader(n) || n;
    if (seen.has(k)) dups.push(`"${seen.get(k)}" and "${n}"`);
    else seen.set(k, n);
  }
  if (dups.length > 0) throw new ImportFileError('import.duplicate_headers', `The header names a column twice: ${dups.slice(0, 5).join(', ')}. Rename one of them.`);
}

export type Head = { encoding: Encoding; delimiter: Delimiter; header: string[]; sample: string[][] };

/**
 * Reads the start of a file (about 64 KB): encoding, delimiter, header (checked) and up to
 * `rows` sample rows (a last row cut by the 64 KB is left out).
 */
export function readHead(head: Buffer, opts: { rows?: number; complete?: boolean; encoding?: Encoding } = {}): Head {
  if (head.length === 0) throw new ImportFileError('import.empty_file', 'The file is empty.');
  const encoding = opts.encoding ?? sniffHead(head);
  if (encoding !== 'utf-16le' && encoding !== 'utf-16be' && head.includes(0)) {
    throw new ImportFileError('import.binary_file', 'The file holds NUL bytes: it is not a CSV text file (a spreadsheet or a zip?). Save it as CSV.');
  }
  let text = decodeHead(head, encoding).replace(/^\uFEFF/, '');
  if (text.trim() === '') throw new ImportFileError('import.empty_file', 'The file holds no data (only blank lines).');
  if (!opts.complete) {
    const lastBreak = Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r'));
    if (lastBreak > 0) text = text.slice(0, lastBreak + 1);
  }
  const delimiter = sniffDelimiter(text);
  let records: string[][];
  try {
    records = parse(text, { delimiter, relax_column_count: true, skip_empty_lines: true, to_line: (opts.rows ?? 50) + 1, relax_quotes: false }) as string[][];
  } catch (err) {
    // A quoted cell still open at the end of the 64 KB is a long cell, not a broken file.
    if (!/quote/i.test((err as Error).message)) throw new ImportFileError('import.not_csv', `The file does not read as CSV: ${(err as Error).message}`);
    try {
      records = parse(text, { delimiter, relax_column_count: true, skip_empty_lines: true, to_line: 1 }) as string[][];
    } catch {
      records = [];
    }
  }
  const header = records[0];
  if (!header) throw new ImportFileError('import.no_header', 'The file has no complete header line in its first 64 KB.');
  checkHeader(header);
  return { encoding, delimiter, header: header.map((h) => h.trim()), sample: records.slice(1) };
}
