import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform, pipeline } from 'node:stream';
import { parse } from 'csv-parse';
import type { Database, Queryable } from '../db/connect.js';
import { recordAuditRaw } from '../audit/record.js';
import { DECODER_LABEL, type Encoding } from './detect.js';
import { bindMapping, validateChunk, type BoundColumn } from './engine-rows.js';
import { mappingProblems } from './mapping.js';
import { createImportStore, KEPT_ROWS, type ImportRecord, type RecordedRow } from './store.js';
import type { ImportKind, ImportKindName, PlanContext, RowPlan, WriteContext, WriteResult } from './types.js';

/**
 * The import engine (issue 13): streams a stored file (never whole in memory: each chunk is awaited
 * before the next is read), types and validates its rows, has the kind plan them, and writes each
 * chunk in one transaction with the import's checkpoint. A crash or a cancel leaves whole chunks;
 * a restart resumes after the checkpoint. onError = stop runs a check pass (a dry run) first.
 */

/** A running import whose heartbeat is older than this is taken over (resumed). */
export const STALE_SECONDS = 120;
/** A record over this is a broken file (an unclosed quote swallowing the rest), not a long cell. */
export const MAX_RECORD_BYTES = 16 * 1024 * 1024;
/** Attempts (start + resumes) before the engine gives up on an import. */
export const MAX_ATTEMPTS = 5;

export type Progress = { rows: number; bytes: number; totalBytes: number; created: number; updated: number; skipped: number; errors: number; phase: 'check' | 'write' };

export type EngineDeps = {
  database: Database;
  kinds: Partial<Record<ImportKindName, ImportKind<unknown>>>;
  dataDir: string;
  /** Tests: runs inside each chunk's transaction after its writes (throw to simulate a crash). */
  afterChunk?: (tx: Queryable, info: { importId: string; rowsDone: number }) => Promise<void>;
};

/** A file fault that no retry fixes: the import fails with this message. */
class FileFault extends Error {}
class LostClaim extends Error {}

export function importFilePath(dataDir: string, rec: Pick<ImportRecord, 'id' | 'fileId' | 'filePath'>): string {
  return rec.filePath ?? path.join(dataDir, 'imports', `${rec.fileId ?? rec.id}.csv`);
}

const isDataError = (err: unknown) => {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && /^2[23]/.test(code);
};

export function createImportEngine(deps: EngineDeps) {
  const { database } = deps;
  const store = createImportStore(database);

  async function audit(rec: ImportRecord, action: string, changes: Record<string, unknown>) {
    const a = rec.actor;
    await recordAuditRaw(database, { type: a.type, id: a.id, label: a.label }, [{ action, objectType: 'import', objectId: rec.id, objectLabel: rec.fileName, changes }]);
  }

  /** One pass over the file: the check (dry) or the write (dry when the import is a dry run). */
  async function pass(rec: ImportRecord, kind: ImportKind<unknown>, runner: string, write: boolean, onProgress?: (p: Progress) => void) {
    const header = rec.header ?? [];
    const columns: BoundColumn[] = bindMapping(header, rec.mapping, kind.fields);
    const ctx: PlanContext = { mode: rec.mode, options: rec.mapping.options ?? {}, seen: new Map(), importId: rec.id };
    const actor: WriteContext['actor'] = { type: rec.actor.type, id: rec.actor.id ?? rec.actor.label, label: rec.actor.label };
    const size = Math.max(1, Math.min(kind.chunkSize ?? 500, 10_000));
    const counts = { created: rec.created, updated: rec.updated, skipped: rec.skipped, errors: rec.errors, kept: rec.keptRows };
    const accountIds = new Set<string>();
    let bytesRead = 0;

    const file = importFilePath(deps.dataDir, rec);
    if (!fs.existsSync(file)) throw new FileFault('The stored file is gone: upload it again.');
    const encoding = (rec.encoding ?? 'utf-8') as Encoding;
    const decoder = new TextDecoder(DECODER_LABEL[encoding], { fatal: encoding === 'utf-8' || encoding === 'utf-8-bom' });
    const decode = new Transform({
      transform(chunk: Buffer, _e, cb) {
        bytesRead += chunk.length;
        try { cb(null, decoder.decode(chunk, { stream: true })); } catch { cb(new FileFault(`The file is not valid ${encoding} near byte ${bytesRead}: save it again as UTF-8.`)); }
      },
      flush(cb) {
        try { cb(null, decoder.decode()); } catch { cb(new FileFault(`The file ends in the middle of a ${encoding} character.`)); }
      },
    });
    const parser = parse({ delimiter: rec.delimiter ?? ',', bom: true, relax_column_count: true, skip_empty_lines: true, max_record_size: MAX_RECORD_BYTES });
    const records = pipeline(fs.createReadStream(file, { highWaterMark: 256 * 1024 }), decode, parser, () => undefined);

    /** Plans (and writes) one chunk; false when the run was lost to another runner. */
    async function chunk(items: { row: number; record: string[] }[], last: boolean, tryWrite = write): Promise<void> {
      const lastRow = items.at(-1)?.row ?? rec.rowsDone;
      const { good, bad } = validateChunk(kind, items, header.length, columns, ctx.options);
      const seenBefore = ctx.seen.size;
      const doChunk = async (q: Queryable) => {
        const plans: RowPlan<unknown>[] = good.length > 0 ? await kind.plan(q, good, ctx) : [];
        const todo = plans.filter((p): p is Extract<RowPlan<unknown>, { action: 'create' | 'update' }> => p.action === 'create' || p.action === 'update');
        let results: WriteResult[] = [];
        if (tryWrite && todo.length > 0) results = await kind.write(todo, { ...ctx, actor, tx: q });
        const done = new Map(results.map((r) => [r.row, r]));
        const recorded: RecordedRow[] = [];
        const delta = { created: 0, updated: 0, skipped: 0, errors: 0, kept: 0 };
        const raw = new Map(items.map((i) => [i.row, i.record]));
        for (const b of bad) {
          delta.errors += 1;
          b.issues.forEach((i, n) => recorded.push({ row: b.row, action: 'error', column: i.column, message: i.message, raw: n === 0 ? raw.get(b.row) ?? null : null }));
        }
        for (const p of plans) {
          if (p.action === 'error') {
            delta.errors += 1;
            p.issues.forEach((i, n) => recorded.push({ row: p.row, action: 'error', column: i.column, message: i.message, raw: n === 0 ? raw.get(p.row) ?? null : null }));
            continue;
          }
          const r = done.get(p.row);
          const action = r?.action ?? p.action;
          if (action === 'create') delta.created += 1;
          else if (action === 'update') delta.updated += 1;
          else delta.skipped += 1;
          if (tryWrite && action !== 'skip' && 'value' in p) {
            const acc = (p.value as { accountId?: unknown } | null)?.accountId;
            if (typeof acc === 'string') accountIds.add(acc);
            if (kind.name === 'accounts' && r?.id) accountIds.add(r.id);
          }
          if (counts.kept + delta.kept < KEPT_ROWS) {
            delta.kept += 1;
            recorded.push({ row: p.row, action, column: p.action === 'skip' ? p.column ?? null : null, message: p.action === 'skip' ? p.reason : p.reason ?? null });
          }
        }
        recorded.sort((a, b) => a.row - b.row);
        await store.recordRows(q, rec.id, recorded);
        const rowsDone = lastRow;
        const ok = await store.checkpoint(q, rec.id, runner, { rowsDone, bytesDone: last ? rec.totalBytes : Math.min(bytesRead, rec.totalBytes), ...delta });
        if (!ok) throw new LostClaim('Another process took this import over.');
        if (deps.afterChunk) await deps.afterChunk(q, { importId: rec.id, rowsDone });
        return delta;
      };
      try {
        const delta = await database.transaction(doChunk);
        for (const k of ['created', 'updated', 'skipped', 'errors', 'kept'] as const) counts[k] += delta[k];
      } catch (err) {
        // The database refused a value of some row: that chunk again one row at a time, so the row is the error.
        if (!(tryWrite && isDataError(err))) throw err;
        for (const [k] of [...ctx.seen].slice(seenBefore)) ctx.seen.delete(k);
        const [only] = items;
        if (items.length === 1 && only) {
          await chunkError(only, (err as Error).message, last);
          return;
        }
        for (const [i, item] of items.entries()) await chunk([item], last && i === items.length - 1);
      }
      onProgress?.({ rows: lastRow, bytes: Math.min(bytesRead, rec.totalBytes), totalBytes: rec.totalBytes, ...counts, phase: rec.phase });
    }

    async function chunkError(item: { row: number; record: string[] }, message: string, last: boolean) {
      await database.transaction(async (q) => {
        await store.recordRows(q, rec.id, [{ row: item.row, action: 'error', column: null, message: `The database refused the row: ${message}`, raw: item.record }]);
        const ok = await store.checkpoint(q, rec.id, runner, { rowsDone: item.row, bytesDone: last ? rec.totalBytes : Math.min(bytesRead, rec.totalBytes), created: 0, updated: 0, skipped: 0, errors: 1, kept: 0 });
        if (!ok) throw new LostClaim('Another process took this import over.');
      });
      counts.errors += 1;
    }

    let seenHeader = false;
    let row = 0;
    let items: { row: number; record: string[] }[] = [];
    try {
      for await (const record of records as AsyncIterable<string[]>) {
        if (!seenHeader) {
          seenHeader = true;
          if (record.map((h) => h.trim()).join('\u0000') !== header.join('\u0000')) throw new FileFault('The stored file\u2019s header differs from the one the import was made for.');
          continue;
        }
        row += 1;
        if (row <= rec.rowsDone) continue;
        items.push({ row, record });
        if (items.length >= size) {
          await chunk(items, false);
          items = [];
          if (await store.cancelRequested(rec.id)) return { cancelled: true, accountIds };
        }
      }
    } catch (err) {
      if (err instanceof FileFault || err instanceof LostClaim) throw err;
      const code = (err as { code?: string }).code ?? '';
      if (code.startsWith('CSV_')) throw new FileFault(`The file stops reading as CSV after row ${row}: ${(err as Error).message}${code === 'CSV_MAX_RECORD_SIZE' ? ' (an unclosed quote?)' : ''}`);
      throw err;
    } finally {
      parser.destroy();
    }
    if (items.length > 0) await chunk(items, true);
    else if (row >= rec.rowsDone) {
      await database.transaction(async (q) => {
        if (!(await store.checkpoint(q, rec.id, runner, { rowsDone: row, bytesDone: rec.totalBytes, created: 0, updated: 0, skipped: 0, errors: 0, kept: 0 }))) throw new LostClaim('Another process took this import over.');
      });
    }
    return { cancelled: false, accountIds };
  }

  const summary = (r: ImportRecord) => `${r.rowsDone} rows: ${r.created} created, ${r.updated} updated, ${r.skipped} skipped, ${r.errors} with errors`;

  /**
   * Runs (or resumes) an import to its end. Returns the final record, or null when another process
   * holds it or it had already ended. Errors a retry may get past (the database away) are thrown
   * after letting the run go, so that the job's retry resumes it from the checkpoint.
   */
  async function run(id: string, opts: { onProgress?: (p: Progress) => void } = {}): Promise<ImportRecord | null> {
    const runner = randomUUID();
    const claimed = await store.claim(id, runner, STALE_SECONDS);
    if (!claimed) return null;
    let rec: ImportRecord = claimed;
    /** The import as stored now (deleted meanwhile: the run is lost, like a claim taken over). */
    const reload = async (): Promise<ImportRecord> => {
      const r = await store.get(id);
      if (!r) throw new LostClaim('The import was deleted.');
      return r;
    };
    const end = async (status: 'succeeded' | 'failed' | 'cancelled', message: string) => {
      await store.finish(id, runner, status, message);
      const after = await reload();
      await audit(after, 'import.finished', { status, rows: after.rowsDone, created: after.created, updated: after.updated, skipped: after.skipped, errors: after.errors, dryRun: after.dryRun });
      return after;
    };
    if (claimed.attempts === 1) await audit(rec, 'import.started', { kind: rec.kind, dryRun: rec.dryRun, mode: rec.mode, onError: rec.onError, fileName: rec.fileName, totalBytes: rec.totalBytes });
    if (claimed.attempts > MAX_ATTEMPTS) return end('failed', `Gave up after ${MAX_ATTEMPTS} attempts${rec.message ? `: ${rec.message}` : ''}.`);
    if (rec.cancelRequestedAt) return end('cancelled', `Cancelled: ${summary(rec)}.`);
    const kind = deps.kinds[rec.kind];
    if (!kind) return end('failed', `The import kind ${rec.kind} is not available in this version.`);
    const problems = mappingProblems(rec.mapping, rec.header ?? [], kind.fields, kind.allowsCustom);
    if (problems.length > 0) return end('failed', `The mapping cannot run: ${problems.join('; ')}.`);
    try {
      if (rec.phase === 'check') {
        if (rec.rowsDone > 0 || rec.errors > 0) { await store.restartCheck(id, runner); rec = await reload(); }
        const checked = await pass(rec, kind, runner, false, opts.onProgress);
        if (checked.cancelled) return end('cancelled', 'Cancelled during the check: nothing was written.');
        rec = await reload();
        if (rec.errors > 0) return end('failed', `${rec.errors} row${rec.errors === 1 ? ' has' : 's have'} errors: nothing was written (on error: stop). Download them as errors.csv, fix them and import again.`);
        if (!(await store.startWritePass(id, runner))) throw new LostClaim('Another process took this import over.');
        rec = await reload();
      }
      const r = await pass(rec, kind, runner, !rec.dryRun, opts.onProgress);
      rec = await reload();
      if (r.cancelled) return end('cancelled', `Cancelled after ${summary(rec)}${rec.dryRun ? ' (dry run: nothing written)' : ''}.`);
      if (!rec.dryRun && kind.finish) {
        await kind.finish({ importId: id, created: rec.created, updated: rec.updated, accountIds: [...r.accountIds] });
      }
      if (!rec.dryRun && rec.onError === 'stop' && rec.errors > 0) {
        return end('failed', `${rec.errors} row${rec.errors === 1 ? '' : 's'} failed while writing although the check passed (the data changed meanwhile); the other rows were written. ${summary(rec)}.`);
      }
      return end('succeeded', `${rec.dryRun ? 'Dry run (nothing written)' : 'Imported'}: ${summary(rec)}.`);
    } catch (err) {
      if (err instanceof FileFault) return end('failed', err.message);
      if (err instanceof LostClaim) return null;
      await store.release(id, runner, `Interrupted (${(err as Error).message}); it resumes from row ${(await store.get(id))?.rowsDone ?? 0}.`).catch(() => undefined);
      throw err;
    }
  }

  return { run, store };
}
export type ImportEngine = ReturnType<typeof createImportEngine>;
