import fs from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
import type { Config } from '../config.js';
import type { Database } from '../db/connect.js';
import type { Actor } from '../auth/principal.js';
import { createServices } from '../services.js';
import { mappingSchema } from './schema.js';
import type { Progress } from './engine.js';
import { IMPORT_KINDS, IMPORT_MODES, type ImportKindName, type ImportMode, type Mapping, type OnError } from './types.js';

/**
 * `canopy import` (issue 13): the API's import, in this process. The file is copied into the data
 * folder's imports directory (streamed, hashed) as an upload is, the import is recorded (actor
 * system, label cli) and the engine runs here, printing progress to stderr. Exit codes: 0 when
 * every row went through, 1 when rows were rejected or the import failed or was cancelled, 2 when
 * the import was refused before it started (no usable mapping, not a CSV file, a bad option).
 */

export const CLI_ACTOR: Actor = { type: 'system', id: null, label: 'cli' };

export type ImportCliOptions = { kind: string; mapping?: string; mode?: string; dryRun?: boolean; onError: string };

/** A refusal before the import starts: printed as is, exit 2. */
export class ImportRefused extends Error {}

type Out = { write(s: string): unknown; isTTY?: boolean };

const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

export function formatSeconds(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '?';
  if (s < 60) return `${Math.round(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** One progress line: phase, rows, bytes, rate and time left (by bytes). */
export function progressLine(p: Progress, elapsedSeconds: number): string {
  const rate = elapsedSeconds > 0 ? Math.round(p.rows / elapsedSeconds) : 0;
  const pct = p.totalBytes > 0 ? Math.min(100, Math.floor((p.bytes * 100) / p.totalBytes)) : 100;
  const left = p.bytes > 0 ? ((p.totalBytes - p.bytes) * elapsedSeconds) / p.bytes : NaN;
  return `${p.phase === 'check' ? 'Checking' : 'Importing'}: ${p.rows} rows, ${formatBytes(p.bytes)}/${formatBytes(p.totalBytes)} (${pct}%), ${rate} rows/s, ${formatSeconds(left)} left`;
}

/**
 * On a terminal one line rewritten in place; otherwise a line every few seconds at most, plus the
 * first line of each phase (checking, importing) and the last one, so a short run still shows both.
 */
function progressOut(err: Out, everyMs = 3000) {
  const tty = err.isTTY === true;
  let lastAt = 0;
  let shown = false;
  let lastPhase = '';
  let pending: string | null = null;
  return {
    update(line: string) {
      const now = Date.now();
      if (tty) { err.write(`\r\x1b[2K${line}`); shown = true; return; }
      const phase = line.slice(0, line.indexOf(':'));
      if (phase === lastPhase && now - lastAt < everyMs) { pending = line; return; }
      lastAt = now;
      lastPhase = phase;
      pending = null;
      err.write(`${line}\n`);
    },
    end() {
      if (tty && shown) err.write('\n');
      if (!tty && pending !== null) err.write(`${pending}\n`);
    },
  };
}

async function readMappingFile(file: string): Promise<Mapping> {
  let text: string;
  try { text = await fs.promises.readFile(file, 'utf8'); } catch (e) { throw new ImportRefused(`Cannot read the mapping file ${file}: ${(e as Error).message}`); }
  let json: unknown;
  try { json = JSON.parse(text); } catch (e) { throw new ImportRefused(`The mapping file ${file} is not JSON: ${(e as Error).message}`); }
  const parsed = mappingSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ImportRefused(`The mapping file ${file} is not a mapping ({ "columns": { "<header>": { "field": "<field>", "format"?: … } } }):\n  ${issues.join('\n  ')}`);
  }
  return parsed.data as Mapping;
}

/** Runs one import; returns the exit code. */
export async function runImportCommand(config: Config, database: Database, file: string, o: ImportCliOptions, io: { out: Out; err: Out } = { out: process.stdout, err: process.stderr }): Promise<number> {
  if (!(IMPORT_KINDS as readonly string[]).includes(o.kind)) throw new ImportRefused(`--kind must be one of ${IMPORT_KINDS.join(', ')}.`);
  const onError = o.onError as OnError;
  const mapping = o.mapping ? await readMappingFile(o.mapping) : undefined;
  try {
    const st = await fs.promises.stat(file);
    if (!st.isFile()) throw new ImportRefused(`${file} is not a file.`);
  } catch (e) {
    if (e instanceof ImportRefused) throw e;
    throw new ImportRefused(`Cannot read ${file}: ${(e as Error).message}`);
  }
  const imports = createServices(config, database, null).imports;
  const kind = imports.kindOf(o.kind);
  const kindName = o.kind as ImportKindName;
  const mode: ImportMode = (o.mode as ImportMode | undefined) ?? (kind.modes.includes('upsert') ? 'upsert' : (kind.modes[0] ?? 'create'));

  // Copied into the imports folder as an upload is (streamed, hashed, sniffed).
  let stored;
  try {
    stored = await imports.receive(fs.createReadStream(file));
  } catch (e) {
    throw new ImportRefused(`${codeOf(e)}${(e as Error).message}`);
  }
  let id: string;
  try {
    if (!mapping) {
      const p = imports.preview(kindName, stored);
      const problems: string[] = [];
      const unmapped = p.columns.filter((c) => c.suggested.field === 'ignore').map((c) => `"${c.name}"`);
      if (unmapped.length > 0) problems.push(`Columns it cannot map to a ${kind.label} field: ${unmapped.join(', ')} (map them, or set them to "ignore", in a mapping file)`);
      const mapped = new Set(Object.values(p.suggestedMapping.columns).map((c) => c.field));
      const missing = kind.fields.filter((f) => f.required && !mapped.has(f.key)).map((f) => `${f.key} (${f.label})`);
      if (missing.length > 0) problems.push(`Required fields with no column: ${missing.join(', ')}`);
      for (const c of p.columns) {
        const spec = kind.fields.find((f) => f.key === c.suggested.field);
        if (spec && (spec.type === 'date' || spec.type === 'datetime') && !c.suggested.format && c.sample.length > 0) {
          problems.push(`Column "${c.name}": its date format is ambiguous or unknown (${c.sample.slice(0, 3).join(', ')}): give it a "format" (e.g. DD/MM/YYYY or MM/DD/YYYY) in a mapping file`);
        }
      }
      if (problems.length > 0) {
        throw new ImportRefused(
          `The suggested mapping cannot be used as is:\n  - ${problems.join('\n  - ')}\nWrite a mapping file (JSON) and pass it with --mapping FILE. The suggested one:\n${JSON.stringify(p.suggestedMapping, null, 2)}`,
        );
      }
      for (const note of p.notes) io.err.write(`Note: ${note}\n`);
    }
    id = await imports.createFromPath({ kind: kindName, mode, onError, dryRun: o.dryRun === true, mapping, fileName: path.basename(file), actor: CLI_ACTOR }, stored.path, stored);
  } catch (e) {
    await imports.discard(stored);
    if (e instanceof ImportRefused) throw e;
    throw new ImportRefused(`${codeOf(e)}${(e as Error).message}`);
  }

  io.err.write(`Import ${id}: ${kind.label.toLowerCase()} from ${file} (${formatBytes(stored.bytes)}, ${stored.encoding}), mode ${mode}, on error ${onError}${o.dryRun ? ', dry run (nothing is written)' : ''}. Ctrl-C cancels.\n`);
  const progress = progressOut(io.err);
  const started = Date.now();
  let cancelling = false;
  const onSigint = () => {
    if (cancelling) { io.err.write('\nStopping now (the import is left to resume or be cancelled).\n'); process.exit(130); }
    cancelling = true;
    io.err.write('\nCancelling after the current chunk (Ctrl-C again to stop at once)…\n');
    void imports.cancel(id).catch(() => undefined);
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  let rec;
  try {
    rec = await imports.run(id, { onProgress: (p) => progress.update(progressLine(p, (Date.now() - started) / 1000)) });
  } finally {
    progress.end();
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
  const view = await imports.view(id);
  const c = view.counts;
  const took = formatSeconds((Date.now() - started) / 1000);
  io.out.write(`Import ${id} ${view.status}${view.dryRun ? ' (dry run: nothing written)' : ''} in ${took}: ${view.progress.rows} rows; ${c.created} created, ${c.updated} updated, ${c.skipped} skipped, ${plural(c.errors, 'error')}.\n`);
  if (view.message) io.out.write(`${view.message}\n`);
  if (!rec && view.status !== 'succeeded') io.out.write('Another process holds this import.\n');
  if (view.errors.length > 0) {
    io.out.write(`First errors:\n`);
    for (const e of view.errors.slice(0, 10)) io.out.write(`  row ${e.row}${e.column ? `, column "${e.column}"` : ''}: ${e.message}\n`);
    io.out.write(`All rejected rows, with an error column: GET /api/imports/${id}/errors.csv (or the import's page in the web app).\n`);
  }
  return view.status === 'succeeded' && c.errors === 0 ? 0 : 1;
}

const codeOf = (e: unknown) => {
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('import.') ? `${code}: ` : '';
};

/** Registers `canopy import` on the program; `withDatabase` opens the configured database (main.ts). */
export function registerImportCommand(program: Command, withDatabase: <T>(fn: (config: Config, database: Database) => Promise<T>) => Promise<T>): void {
  program
    .command('import')
    .description('Import a CSV file (accounts, contacts, usage…) into the configured database, with progress; exit 0 when every row went through, 1 on rejected rows or a failed import, 2 when refused before starting')
    .argument('<file>', 'the CSV file')
    .addOption(new Option('--kind <kind>', 'what the file holds').choices(IMPORT_KINDS).makeOptionMandatory())
    .option('--mapping <file>', 'a JSON mapping ({ "columns": { "<header>": { "field": "<field>", "format"?: "DD/MM/YYYY" } } }); without it the suggested mapping is used when it is unambiguous')
    .addOption(new Option('--mode <mode>', 'create new records, update existing ones, or both (default: upsert where the kind allows it, else create)').choices(IMPORT_MODES))
    .option('--dry-run', 'check every row and count what would happen; write nothing')
    .addOption(new Option('--on-error <what>', 'stop: write nothing when any row is rejected; skip: import the good rows').choices(['stop', 'skip']).default('stop'))
    .action(async (file: string, o: ImportCliOptions) => {
      try {
        process.exitCode = await withDatabase((config, database) => runImportCommand(config, database, file, o));
      } catch (e) {
        if (!(e instanceof ImportRefused)) throw e;
        process.stderr.write(`${e.message}\n`);
        process.exitCode = 2;
      }
    });
}
