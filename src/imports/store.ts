import type { Database, Queryable } from '../db/connect.js';
import type { Actor } from '../auth/principal.js';
import type { ImportKindName, ImportMode, Mapping, OnError, PlanAction } from './types.js';

/** The SQL of imports, their recorded rows and saved mappings (src/db/migrations/0025_imports.sql). */

export type ImportStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export type ImportRecord = {
  id: string; kind: ImportKindName; dryRun: boolean; mode: ImportMode; onError: OnError; status: ImportStatus;
  fileName: string; fileSha256: string; totalBytes: number; fileId: string | null; filePath: string | null;
  encoding: string | null; delimiter: string | null; header: string[] | null; mapping: Mapping; options: Record<string, unknown>;
  phase: 'check' | 'write'; runner: string | null; rowsDone: number; bytesDone: number;
  created: number; updated: number; skipped: number; errors: number; keptRows: number;
  message: string | null; cancelRequestedAt: Date | null; createdBy: string | null;
  actor: Actor; sourceImportId: string | null;
  createdAt: Date; startedAt: Date | null; finishedAt: Date | null; heartbeatAt: Date | null;
};

type Row = Record<string, unknown>;
const COLS = `id, kind, dry_run, mode, on_error, status, file_name, file_sha256, total_bytes, file_id, file_path, encoding, delimiter, header, mapping, options,
  phase, runner, rows_done, bytes_done, created_count, updated_count, skipped_count, error_count, kept_rows, message, cancel_requested_at, created_by,
  actor_type, actor_id, actor_label, source_import_id, created_at, started_at, finished_at, heartbeat_at`;

function toRecord(r: Row): ImportRecord {
  return {
    id: r.id as string, kind: r.kind as ImportKindName, dryRun: r.dry_run as boolean, mode: r.mode as ImportMode, onError: r.on_error as OnError,
    status: r.status as ImportStatus, fileName: r.file_name as string, fileSha256: r.file_sha256 as string, totalBytes: Number(r.total_bytes),
    fileId: (r.file_id as string | null) ?? null, filePath: (r.file_path as string | null) ?? null,
    encoding: (r.encoding as string | null) ?? null, delimiter: (r.delimiter as string | null) ?? null, header: (r.header as string[] | null) ?? null,
    mapping: r.mapping as Mapping, options: (r.options as Record<string, unknown>) ?? {},
    phase: r.phase as 'check' | 'write', runner: (r.runner as string | null) ?? null, rowsDone: Number(r.rows_done), bytesDone: Number(r.bytes_done),
    created: Number(r.created_count), updated: Number(r.updated_count), skipped: Number(r.skipped_count), errors: Number(r.error_count), keptRows: Number(r.kept_rows),
    message: (r.message as string | null) ?? null, cancelRequestedAt: (r.cancel_requested_at as Date | null) ?? null, createdBy: (r.created_by as string | null) ?? null,
    actor: { type: r.actor_type as Actor['type'], id: (r.actor_id as string | null) ?? null, label: r.actor_label as string },
    sourceImportId: (r.source_import_id as string | null) ?? null,
    createdAt: r.created_at as Date, startedAt: (r.started_at as Date | null) ?? null, finishedAt: (r.finished_at as Date | null) ?? null, heartbeatAt: (r.heartbeat_at as Date | null) ?? null,
  };
}

export type NewImport = {
  id?: string; kind: ImportKindName; dryRun: boolean; mode: ImportMode; onError: OnError; fileName: string; fileSha256: string; totalBytes: number;
  fileId: string | null; filePath: string | null; encoding: string; delimiter: string; header: string[]; mapping: Mapping; actor: Actor; sourceImportId?: string | null;
};

export type RecordedRow = { row: number; action: PlanAction; column: string | null; message: string | null; raw?: string[] | null };

/** Non-error rows kept per import for the dry-run screen. */
export const KEPT_ROWS = 1000;

export function createImportStore(db: Database) {
  return {
    async create(i: NewImport): Promise<string> {
      const { rows } = await db.query<{ id: string }>(
        `INSERT INTO imports (id, kind, dry_run, mode, on_error, file_name, file_sha256, total_bytes, file_id, file_path, encoding, delimiter, header, mapping, options,
           phase, created_by, actor_type, actor_id, actor_label, source_import_id)
         VALUES (coalesce($1::uuid, gen_random_uuid()), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb, $14::jsonb, $15::jsonb, $16, $17, $18, $19, $20, $21)
         RETURNING id`,
        [i.id ?? null, i.kind, i.dryRun, i.mode, i.onError, i.fileName, i.fileSha256, i.totalBytes, i.fileId, i.filePath, i.encoding, i.delimiter,
          JSON.stringify(i.header), JSON.stringify(i.mapping), JSON.stringify(i.mapping.options ?? {}),
          i.onError === 'stop' && !i.dryRun ? 'check' : 'write',
          i.actor.type === 'user' ? i.actor.id : null, i.actor.type, i.actor.id, i.actor.label, i.sourceImportId ?? null],
      );
      const created = rows[0];
      if (!created) throw new Error('The import row was not inserted.');
      return created.id;
    },

    async get(id: string, q: Queryable = db): Promise<ImportRecord | null> {
      const { rows } = await q.query(`SELECT ${COLS} FROM imports WHERE id = $1`, [id]);
      return rows[0] ? toRecord(rows[0]) : null;
    },

    async list(limit: number, offset: number): Promise<{ items: ImportRecord[]; total: number }> {
      const { rows } = await db.query(`SELECT ${COLS}, count(*) OVER () AS total FROM imports ORDER BY created_at DESC, id DESC LIMIT $1 OFFSET $2`, [limit, offset]);
      const total = rows[0] ? Number(rows[0].total) : Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM imports')).rows[0]?.n ?? 0);
      return { items: rows.map(toRecord), total };
    },

    /** Takes the run for `runner`: a queued import, or a running one whose holder stopped beating. */
    async claim(id: string, runner: string, staleSeconds: number): Promise<(ImportRecord & { attempts: number }) | null> {
      const { rows } = await db.query(
        `UPDATE imports SET status = 'running', runner = $2, started_at = coalesce(started_at, now()), heartbeat_at = now(), attempts = attempts + 1
          WHERE id = $1 AND (status = 'queued' OR (status = 'running' AND (heartbeat_at IS NULL OR heartbeat_at < now() - make_interval(secs => $3))))
          RETURNING ${COLS}, attempts`,
        [id, runner, staleSeconds],
      );
      return rows[0] ? { ...toRecord(rows[0]), attempts: Number(rows[0].attempts) } : null;
    },

    /** Lets the run go (an error the job's retry may get past): the next claim may take it at once. */
    async release(id: string, runner: string, message: string): Promise<void> {
      await db.query(`UPDATE imports SET heartbeat_at = NULL, message = $3 WHERE id = $1 AND runner = $2 AND status = 'running'`, [id, runner, message]);
    },

    /** A chunk's checkpoint, in the chunk's transaction; false when another runner holds the import now. */
    async checkpoint(tx: Queryable, id: string, runner: string, c: { rowsDone: number; bytesDone: number; created: number; updated: number; skipped: number; errors: number; kept: number }): Promise<boolean> {
      const r = await tx.query(
        `UPDATE imports SET rows_done = $3, bytes_done = $4, created_count = created_count + $5, updated_count = updated_count + $6,
           skipped_count = skipped_count + $7, error_count = error_count + $8, kept_rows = kept_rows + $9, heartbeat_at = now()
          WHERE id = $1 AND runner = $2 AND status = 'running'`,
        [id, runner, c.rowsDone, c.bytesDone, c.created, c.updated, c.skipped, c.errors, c.kept],
      );
      return r.rowCount === 1;
    },

    async recordRows(tx: Queryable, id: string, rows: RecordedRow[]): Promise<void> {
      if (rows.length === 0) return;
      const seqs = new Map<number, number>();
      await tx.query(
        `INSERT INTO import_rows (import_id, row, seq, action, column_name, message, raw)
         SELECT $1, r.row, r.seq, r.action, r.column_name, r.message, r.raw FROM jsonb_to_recordset($2::jsonb)
           AS r(row integer, seq integer, action text, column_name text, message text, raw jsonb)
         ON CONFLICT DO NOTHING`,
        [id, JSON.stringify(rows.map((r) => {
          const seq = seqs.get(r.row) ?? 0;
          seqs.set(r.row, seq + 1);
          return { row: r.row, seq, action: r.action, column_name: r.column, message: r.message, raw: r.raw ?? null };
        }))],
      );
    },

    /** onError = stop found no error in its check: the write pass starts from the top. */
    async startWritePass(id: string, runner: string): Promise<boolean> {
      return db.transaction(async (tx) => {
        const r = await tx.query(
          `UPDATE imports SET phase = 'write', rows_done = 0, bytes_done = 0, created_count = 0, updated_count = 0, skipped_count = 0, error_count = 0, kept_rows = 0, heartbeat_at = now()
            WHERE id = $1 AND runner = $2 AND status = 'running' AND phase = 'check'`, [id, runner]);
        if (r.rowCount !== 1) return false;
        await tx.query('DELETE FROM import_rows WHERE import_id = $1', [id]);
        return true;
      });
    },

    /** The check pass starts again from the top (after a restart): what it recorded goes. */
    async restartCheck(id: string, runner: string): Promise<void> {
      await db.transaction(async (tx) => {
        await tx.query(`UPDATE imports SET rows_done = 0, bytes_done = 0, created_count = 0, updated_count = 0, skipped_count = 0, error_count = 0, kept_rows = 0
          WHERE id = $1 AND runner = $2`, [id, runner]);
        await tx.query('DELETE FROM import_rows WHERE import_id = $1', [id]);
      });
    },

    async setFileFacts(id: string, f: { encoding: string; delimiter: string; header: string[] }): Promise<void> {
      await db.query('UPDATE imports SET encoding = $2, delimiter = $3, header = $4::jsonb WHERE id = $1', [id, f.encoding, f.delimiter, JSON.stringify(f.header)]);
    },

    async finish(id: string, runner: string | null, status: ImportStatus, message: string | null): Promise<boolean> {
      const r = await db.query(
        `UPDATE imports SET status = $3, message = $4, finished_at = now(), heartbeat_at = now()
          WHERE id = $1 AND status IN ('queued', 'running') AND ($2::uuid IS NULL OR runner = $2)`,
        [id, runner, status, message],
      );
      return r.rowCount === 1;
    },

    async beat(id: string, runner: string): Promise<void> {
      await db.query(`UPDATE imports SET heartbeat_at = now() WHERE id = $1 AND runner = $2 AND status = 'running'`, [id, runner]);
    },

    async cancelRequested(id: string): Promise<boolean> {
      const { rows } = await db.query<{ c: Date | null }>('SELECT cancel_requested_at AS c FROM imports WHERE id = $1', [id]);
      return rows[0]?.c != null;
    },

    /** Asks a queued or running import to stop; a queued one is cancelled at once. */
    async requestCancel(id: string): Promise<ImportStatus | null> {
      const { rows } = await db.query<{ status: ImportStatus }>(
        `UPDATE imports SET cancel_requested_at = coalesce(cancel_requested_at, now()),
           status = CASE WHEN status = 'queued' THEN 'cancelled' ELSE status END,
           finished_at = CASE WHEN status = 'queued' THEN now() ELSE finished_at END,
           message = CASE WHEN status = 'queued' THEN 'Cancelled before it started: nothing was written.' ELSE message END
          WHERE id = $1 RETURNING status`, [id]);
      return rows[0]?.status ?? null;
    },

    /** Imports left running by a process that stopped beating (or queued and never picked up). */
    async stale(staleSeconds: number): Promise<string[]> {
      const { rows } = await db.query<{ id: string }>(
        `SELECT id FROM imports WHERE (status = 'running' AND (heartbeat_at IS NULL OR heartbeat_at < now() - make_interval(secs => $1)))
            OR (status = 'queued' AND created_at < now() - make_interval(secs => $1)) ORDER BY created_at`, [staleSeconds]);
      return rows.map((r) => r.id);
    },

    async issues(id: string, limit: number): Promise<{ row: number; column: string | null; message: string }[]> {
      const { rows } = await db.query<{ row: number; column_name: string | null; message: string }>(
        `SELECT row, column_name, message FROM import_rows WHERE import_id = $1 AND action = 'error' ORDER BY row, seq LIMIT $2`, [id, limit]);
      return rows.map((r) => ({ row: r.row, column: r.column_name, message: r.message }));
    },

    async rows(id: string, limit: number): Promise<{ row: number; action: PlanAction; reason: string | null; column: string | null }[]> {
      const { rows } = await db.query<{ row: number; action: PlanAction; column_name: string | null; message: string | null }>(
        `SELECT row, action, column_name, message FROM import_rows WHERE import_id = $1 AND seq = 0 ORDER BY row LIMIT $2`, [id, limit]);
      return rows.map((r) => ({ row: r.row, action: r.action, reason: r.message, column: r.column_name }));
    },

    /** Error rows after `afterRow`, with their original record and every message (for errors.csv), in pages. */
    async errorRecords(id: string, afterRow: number, limit: number): Promise<{ row: number; raw: string[]; error: string }[]> {
      const { rows } = await db.query<{ row: number; raw: string[] | null; error: string }>(
        `SELECT row, (array_agg(raw ORDER BY seq))[1] AS raw,
                string_agg(CASE WHEN column_name IS NULL THEN message ELSE column_name || ': ' || message END, '; ' ORDER BY seq) AS error
           FROM import_rows WHERE import_id = $1 AND action = 'error' AND row > $2 GROUP BY row ORDER BY row LIMIT $3`, [id, afterRow, limit]);
      return rows.map((r) => ({ row: r.row, raw: r.raw ?? [], error: r.error }));
    },
  };
}
export type ImportStore = ReturnType<typeof createImportStore>;

export type SavedMapping = { id: string; name: string; kind: ImportKindName; mapping: Mapping; createdBy: string | null; createdAt: Date; updatedAt: Date };

export function createMappingStore(db: Queryable) {
  const to = (r: Row): SavedMapping => ({
    id: r.id as string, name: r.name as string, kind: r.kind as ImportKindName, mapping: r.mapping as Mapping,
    createdBy: (r.created_by as string | null) ?? null, createdAt: r.created_at as Date, updatedAt: r.updated_at as Date,
  });
  return {
    async list(kind?: ImportKindName): Promise<SavedMapping[]> {
      const { rows } = await db.query(`SELECT * FROM import_mappings WHERE ($1::text IS NULL OR kind = $1) ORDER BY kind, lower(name)`, [kind ?? null]);
      return rows.map(to);
    },
    /** Saves a mapping; the same name for the same kind replaces it (null when the name is another's and `replace` is false). */
    async save(m: { name: string; kind: ImportKindName; mapping: Mapping; createdBy: string | null }, replace: boolean): Promise<SavedMapping | null> {
      const { rows } = await db.query(
        `INSERT INTO import_mappings (name, kind, mapping, created_by) VALUES ($1, $2, $3::jsonb, $4)
         ON CONFLICT (kind, lower(name)) DO ${replace ? 'UPDATE SET mapping = EXCLUDED.mapping, name = EXCLUDED.name, updated_at = now()' : 'NOTHING'}
         RETURNING *`, [m.name, m.kind, JSON.stringify(m.mapping), m.createdBy]);
      return rows[0] ? to(rows[0]) : null;
    },
    async remove(id: string): Promise<boolean> {
      return (await db.query('DELETE FROM import_mappings WHERE id = $1', [id])).rowCount === 1;
    },
  };
}
