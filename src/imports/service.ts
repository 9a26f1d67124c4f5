import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Database } from '../db/connect.js';
import type { Actor } from '../auth/principal.js';
import type { JobSender } from '../jobs/queue.js';
import { AppError } from '../http/errors.js';
import { EncodingSniffer, ImportFileError, readHead, type Encoding, type Head } from './detect.js';
import { createImportEngine, importFilePath, STALE_SECONDS, type EngineDeps, type Progress } from './engine.js';
import { mappingProblems, suggestMapping } from './mapping.js';
import { assumesUtc } from './values.js';
import { createImportStore, createMappingStore, type ImportRecord } from './store.js';
import type { ImportKinds } from './kinds/index.js';
import type { ImportKindName, ImportMode, Mapping, OnError } from './types.js';

export const RUN_JOB = 'imports.run';
/** Bytes of a file the preview (and the header check) reads. */
export const HEAD_BYTES = 64 * 1024;
export const DEFAULT_MAX_BYTES = 2 * 1024 ** 3;

export type StoredFile = { fileId: string; path: string; sha256: string; bytes: number; encoding: Encoding; head: Buffer; nul: boolean };

/** Streams bytes to a file, hashing and sniffing them; over maxBytes it stops and removes the file. */
export async function streamToFile(source: Readable, file: string, maxBytes: number): Promise<Omit<StoredFile, 'fileId' | 'path'>> {
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  const hash = createHash('sha256');
  const sniffer = new EncodingSniffer();
  const heads: Buffer[] = [];
  let headLength = 0;
  const out = fs.createWriteStream(file, { flags: 'wx' });
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      if (sniffer.bytes + chunk.length > maxBytes) throw new AppError('import.too_large', `The file is larger than ${maxBytes} bytes.`);
      hash.update(chunk);
      sniffer.push(chunk);
      if (headLength < HEAD_BYTES) { heads.push(chunk.subarray(0, HEAD_BYTES - headLength)); headLength += Math.min(chunk.length, HEAD_BYTES - headLength); }
      if (!out.write(chunk)) await new Promise<void>((resolve, reject) => { out.once('drain', resolve); out.once('error', reject); });
    }
    // A multipart file cut at the size limit ends without an error of its own.
    if ((source as { truncated?: boolean }).truncated) throw new AppError('import.too_large', `The file is larger than ${maxBytes} bytes.`);
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  } catch (err) {
    out.destroy();
    await fs.promises.rm(file, { force: true });
    throw err;
  }
  return { sha256: hash.digest('hex'), bytes: sniffer.bytes, encoding: sniffer.result(), head: Buffer.concat(heads), nul: sniffer.nul };
}

/** Reads a file where it lies (the CLI): hash, size, encoding and head, without copying it. */
export async function scanFile(file: string): Promise<Omit<StoredFile, 'fileId' | 'path'>> {
  const hash = createHash('sha256');
  const sniffer = new EncodingSniffer();
  const heads: Buffer[] = [];
  let headLength = 0;
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    sniffer.push(chunk);
    if (headLength < HEAD_BYTES) { heads.push(chunk.subarray(0, HEAD_BYTES - headLength)); headLength += Math.min(chunk.length, HEAD_BYTES - headLength); }
  }
  return { sha256: hash.digest('hex'), bytes: sniffer.bytes, encoding: sniffer.result(), head: Buffer.concat(heads), nul: sniffer.nul };
}

const fileError = (err: unknown): never => {
  if (err instanceof ImportFileError) throw new AppError(err.code, err.message);
  throw err;
};

/** The header and sample of a stored (or scanned) file, refused with a 400 code when it is no CSV. */
export function headOf(f: Pick<StoredFile, 'head' | 'bytes' | 'encoding' | 'nul'>, rows = 50): Head {
  try {
    if (f.nul && f.encoding !== 'utf-16le' && f.encoding !== 'utf-16be') throw new ImportFileError('import.binary_file', 'The file holds NUL bytes: it is not a CSV text file (a spreadsheet or a zip?). Save it as CSV.');
    return readHead(f.head, { rows, complete: f.bytes <= f.head.length, encoding: f.encoding });
  } catch (err) {
    return fileError(err);
  }
}

export type ImportServiceDeps = { database: Database; dataDir: string; jobs: JobSender | null; kinds: ImportKinds; maxBytes?: number; afterChunk?: EngineDeps['afterChunk'] };

export type StartInput = { kind: ImportKindName; mode: ImportMode; onError: OnError; dryRun: boolean; mapping?: Mapping | undefined; fileName: string; actor: Actor };

export function createImportService(deps: ImportServiceDeps) {
  const store = createImportStore(deps.database);
  const mappings = createMappingStore(deps.database);
  const engine = createImportEngine({ database: deps.database, kinds: deps.kinds, dataDir: deps.dataDir, afterChunk: deps.afterChunk });
  const maxBytes = deps.maxBytes ?? DEFAULT_MAX_BYTES;
  const uploadDir = path.join(deps.dataDir, 'imports');

  const kindOf = (name: string) => {
    const k = deps.kinds[name as ImportKindName];
    if (!k) throw new AppError('import.invalid', `The import kind ${name} is not available; use one of ${Object.keys(deps.kinds).join(', ')}.`);
    return k;
  };

  /** Runs the import in the worker (a job) or, with no queue (tests, the CLI), here in the background. */
  async function schedule(id: string) {
    if (deps.jobs) return deps.jobs.send(RUN_JOB, { importId: id }, { singletonKey: id });
    setImmediate(() => { engine.run(id).catch(() => undefined); });
  }

  function suggest(kindName: ImportKindName, head: Head, custom = false) {
    const kind = kindOf(kindName);
    return suggestMapping(head.header, head.sample, kind.fields, { custom: custom && kind.allowsCustom });
  }

  async function start(input: StartInput, file: { fileId: string | null; filePath: string | null; sha256: string; bytes: number; encoding: Encoding; head: Head; sourceImportId?: string | null }) {
    const kind = kindOf(input.kind);
    if (!kind.modes.includes(input.mode)) throw new AppError('import.invalid', `${kind.label} imports take the mode${kind.modes.length === 1 ? '' : 's'} ${kind.modes.join(', ')}, not ${input.mode}.`);
    const mapping = input.mapping ?? suggest(input.kind, file.head).mapping;
    const problems = mappingProblems(mapping, file.head.header, kind.fields, kind.allowsCustom);
    if (problems.length > 0) throw new AppError('import.invalid', `The mapping cannot run: ${problems.join('; ')}.`, problems.map((message) => ({ path: 'mapping', message })));
    const id = await store.create({
      kind: input.kind, dryRun: input.dryRun, mode: input.mode, onError: input.onError, fileName: input.fileName, fileSha256: file.sha256, totalBytes: file.bytes,
      fileId: file.fileId, filePath: file.filePath, encoding: file.encoding, delimiter: file.head.delimiter, header: file.head.header, mapping, actor: input.actor,
      sourceImportId: file.sourceImportId ?? null,
    });
    return id;
  }

  return {
    engine,
    store,
    mappings,
    maxBytes,
    kinds: () => Object.values(deps.kinds).map((k) => ({ name: k.name, label: k.label, fields: k.fields, allowsCustom: k.allowsCustom, matchBy: k.matchBy, modes: [...k.modes] })),
    kindOf,

    /** Stores an upload under the data folder (streamed, hashed, sniffed). */
    async receive(source: Readable): Promise<StoredFile> {
      const fileId = randomUUID();
      const file = path.join(uploadDir, `${fileId}.csv`);
      return { fileId, path: file, ...(await streamToFile(source, file, maxBytes)) };
    },
    async discard(f: Pick<StoredFile, 'path'>) {
      await fs.promises.rm(f.path, { force: true });
    },

    /** What the mapping screen shows: columns with samples and suggestions, the sample rows, the kind's fields. */
    preview(kindName: ImportKindName, f: Pick<StoredFile, 'head' | 'bytes' | 'encoding' | 'nul'>, opts: { custom?: boolean } = {}) {
      const kind = kindOf(kindName);
      const head = headOf(f);
      const { columns, mapping } = suggest(kindName, head, opts.custom);
      const notes: string[] = [];
      if (head.encoding === 'latin1') {
        notes.push('The file is not valid UTF-8, so it is read as Latin-1 (Windows-1252). If accented names look wrong in the sample, the file is UTF-8 with a broken byte: fix it or save it again as UTF-8 before importing.');
      }
      for (const c of columns) {
        const spec = kind.fields.find((x) => x.key === c.suggested.field);
        if (spec && (spec.type === 'date' || spec.type === 'datetime') && !c.suggested.format && c.sample.length > 0) notes.push(`Column "${c.name}": choose its date format (the sample cannot tell day from month, or fits no known format).`);
        if (spec?.type === 'datetime' && assumesUtc(c.sample)) notes.push(`Column "${c.name}": times without a zone are read as UTC.`);
      }
      return {
        columns, suggestedMapping: mapping, sample: head.sample.slice(0, 50), header: head.header, encoding: head.encoding, delimiter: head.delimiter,
        fields: kind.fields, modes: [...kind.modes], allowsCustom: kind.allowsCustom, matchBy: kind.matchBy, notes,
      };
    },

    /** A new import of an uploaded file (queued); the file is refused (and removed) when it is no CSV or the mapping cannot run. */
    async startUpload(input: StartInput, f: StoredFile): Promise<string> {
      try {
        const head = headOf(f);
        const id = await start(input, { fileId: f.fileId, filePath: null, sha256: f.sha256, bytes: f.bytes, encoding: f.encoding, head });
        await schedule(id);
        return id;
      } catch (err) {
        await fs.promises.rm(f.path, { force: true });
        throw err;
      }
    },

    /** A new import of a file where it lies (the CLI): not copied, not scheduled (the caller runs it). */
    async createFromPath(input: StartInput, file: string, scanned: Omit<StoredFile, 'fileId' | 'path'>): Promise<string> {
      return start(input, { fileId: null, filePath: path.resolve(file), sha256: scanned.sha256, bytes: scanned.bytes, encoding: scanned.encoding, head: headOf(scanned) });
    },

    /** A dry run run for real: a new import of the same stored file and mapping. */
    async runForReal(id: string, actor: Actor): Promise<string> {
      const src = await store.get(id);
      if (!src) throw new AppError('import.not_found');
      if (!src.dryRun) throw new AppError('import.state', 'Only a dry run can be run for real.');
      if (src.status !== 'succeeded') throw new AppError('import.state', 'The dry run has not finished (or failed): wait for it, or upload the file again.');
      if (!fs.existsSync(importFilePath(deps.dataDir, src))) throw new AppError('import.state', 'The stored file of this dry run is gone: upload it again.');
      const already = () => new AppError('import.state', 'This dry run has already been run for real: see the import made from it (GET /api/imports).');
      if ((await deps.database.query('SELECT 1 FROM imports WHERE source_import_id = $1', [src.id])).rows.length > 0) throw already();
      const newId = await store.create({
        kind: src.kind, dryRun: false, mode: src.mode, onError: src.onError, fileName: src.fileName, fileSha256: src.fileSha256, totalBytes: src.totalBytes,
        fileId: src.fileId ?? (src.filePath ? null : src.id), filePath: src.filePath, encoding: src.encoding ?? 'utf-8', delimiter: src.delimiter ?? ',',
        header: src.header ?? [], mapping: src.mapping, actor, sourceImportId: src.id,
      }).catch((err: unknown) => {
        // Two clicks at once: the unique index lets one through.
        if ((err as { code?: string }).code === '23505') throw already();
        throw err;
      });
      await schedule(newId);
      return newId;
    },

    async cancel(id: string) {
      const status = await store.requestCancel(id);
      if (status === null) throw new AppError('import.not_found');
      return status;
    },

    /** The API's view of an import. */
    async view(id: string) {
      const r = await store.get(id);
      if (!r) throw new AppError('import.not_found');
      return { ...present(r), errors: await store.issues(id, 100), rows: await store.rows(id, 200) };
    },

    async list(limit: number, offset: number) {
      const { items, total } = await store.list(limit, offset);
      return { items: items.map(present), total };
    },

    /** errors.csv: the original header plus `error`, one line per rejected row, read in pages. */
    async *errorLines(id: string): AsyncGenerator<string[]> {
      const r = await store.get(id);
      if (!r) throw new AppError('import.not_found');
      yield [...(r.header ?? []), 'error'];
      let after = 0;
      for (;;) {
        const page = await store.errorRecords(id, after, 1000);
        for (const e of page) yield [...e.raw, `row ${e.row}: ${e.error}`];
        if (page.length < 1000) return;
        after = page.at(-1)?.row ?? after;
      }
    },

    /** Imports left running by a stopped process (or queued and never picked up): queued again; the engine resumes them. */
    async requeueStale(): Promise<number> {
      const ids = await store.stale(STALE_SECONDS);
      for (const id of ids) await schedule(id);
      return ids.length;
    },

    run: (id: string, opts: { onProgress?: (p: Progress) => void } = {}) => engine.run(id, opts),
  };
}
export type ImportService = ReturnType<typeof createImportService>;

/** Progress figures: rows and bytes done, the rate since the run started, the time left by bytes. */
export function present(r: ImportRecord, now = Date.now()) {
  const elapsed = r.startedAt ? Math.max(0.001, ((r.finishedAt?.getTime() ?? now) - r.startedAt.getTime()) / 1000) : null;
  const rate = elapsed && r.rowsDone > 0 ? Math.round(r.rowsDone / elapsed) : null;
  const running = r.status === 'running';
  const eta = running && elapsed && r.bytesDone > 0 ? Math.max(0, Math.round(((r.totalBytes - r.bytesDone) * elapsed) / r.bytesDone)) : null;
  return {
    id: r.id, status: r.status, kind: r.kind, dryRun: r.dryRun, mode: r.mode, onError: r.onError, fileName: r.fileName, encoding: r.encoding,
    phase: r.phase, header: r.header ?? [], mapping: r.mapping,
    progress: { rows: r.rowsDone, bytes: r.bytesDone, totalBytes: r.totalBytes, rate, etaSeconds: eta },
    counts: { created: r.created, updated: r.updated, skipped: r.skipped, errors: r.errors },
    message: r.message, createdBy: r.actor.label, sourceImportId: r.sourceImportId,
    createdAt: r.createdAt.toISOString(), startedAt: r.startedAt?.toISOString() ?? null, finishedAt: r.finishedAt?.toISOString() ?? null,
    cancelRequested: r.cancelRequestedAt !== null,
  };
}
