import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { stringify } from 'csv-stringify';
import { z } from 'zod';
import type { RouteDeps } from '../http/context.js';
import { actor, principalOf } from '../http/context.js';
import { AppError } from '../http/errors.js';
import { errorBody } from '../auth/schema.js';
import { safeCell } from '../exports/csv.js';
import { queryInt } from '../http/zod.js';
import { IMPORT_KINDS, IMPORT_MODES, type ImportKindName, type ImportMode, type Mapping, type OnError } from './types.js';
import { mappingSchema, importView, importListItem, previewResult, kindInfo, savedMapping, savedMappingInput } from './schema.js';
import type { ImportService, StoredFile } from './service.js';

const tags = ['imports'];
const idParams = z.object({ id: z.uuid() });
/** Non-file parts: kind, mode, onError, dryRun, mapping (a JSON string up to 256 KB). */
const MAX_FIELD_BYTES = 256 * 1024;


type Parts = { file: StoredFile; fileName: string; fields: Record<string, string> };

/** A file name without control characters (U+0000–U+001F). */
const withoutControls = (s: string) => Array.from(s).filter((c) => c >= ' ').join('');

/** Reads a multipart upload: one file part (streamed to disk), a few short fields. */
async function readParts(req: FastifyRequest, imports: ImportService): Promise<Parts> {
  if (!req.isMultipart()) throw new AppError('import.not_multipart');
  const out: Omit<Parts, 'file'> & { file: StoredFile | null } = { file: null, fileName: 'upload.csv', fields: {} };
  try {
    for await (const part of req.parts({ limits: { fileSize: imports.maxBytes, files: 2, fields: 10, fieldSize: MAX_FIELD_BYTES, parts: 12 } })) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file') throw new AppError('import.invalid', `Unexpected file part "${part.fieldname}": send the CSV as the part named file.`);
        if (out.file) throw new AppError('import.invalid', 'Send one file per import.');
        out.file = await imports.receive(part.file);
        out.fileName = withoutControls(part.filename || 'upload.csv').slice(0, 255) || 'upload.csv';
      } else {
        if (typeof part.value !== 'string') throw new AppError('import.invalid', `The field ${part.fieldname} must be text.`);
        if (part.valueTruncated) throw new AppError('import.invalid', `The field ${part.fieldname} is longer than ${MAX_FIELD_BYTES} bytes.`);
        out.fields[part.fieldname] = part.value;
      }
    }
  } catch (err) {
    if (out.file) await imports.discard(out.file);
    if (err instanceof AppError) throw err;
    const e = err as { code?: string; message?: string; statusCode?: number };
    if (e.code === 'FST_REQ_FILE_TOO_LARGE') throw new AppError('import.too_large', `The file is larger than ${imports.maxBytes} bytes.`);
    if (typeof e.statusCode === 'number' && e.statusCode < 500) throw new AppError('import.invalid', `The upload is not valid multipart: ${e.message ?? ''}`.trim());
    if (e.code === 'ECONNRESET' || req.raw.aborted) throw new AppError('request.invalid', 'The connection was closed before the file arrived.');
    throw err;
  }
  const { file } = out;
  if (!file) throw new AppError('import.not_multipart', 'The upload has no part named file.');
  return { ...out, file };
}

const fieldsSchema = z.object({
  kind: z.enum(IMPORT_KINDS),
  mode: z.enum(IMPORT_MODES).default('upsert'),
  onError: z.enum(['stop', 'skip']).default('stop'),
  dryRun: z.enum(['true', 'false', '1', '0']).default('true').transform((v) => v === 'true' || v === '1'),
  mapping: z.string().optional(),
  custom: z.enum(['true', 'false', '1', '0']).optional().transform((v) => v === 'true' || v === '1'),
});

function parseFields(fields: Record<string, string>) {
  const r = fieldsSchema.safeParse(fields);
  if (!r.success) throw new AppError('import.invalid', 'The upload\u2019s fields are not valid.', r.error.issues.map((i) => ({ path: i.path.join('.') || '(fields)', message: i.message })));
  let mapping: Mapping | undefined;
  if (r.data.mapping !== undefined && r.data.mapping.trim() !== '') {
    let json: unknown;
    try { json = JSON.parse(r.data.mapping); } catch { throw new AppError('import.invalid', 'The mapping field is not valid JSON.'); }
    const m = mappingSchema.safeParse(json);
    if (!m.success) throw new AppError('import.invalid', 'The mapping is not valid.', m.error.issues.map((i) => ({ path: `mapping.${i.path.join('.')}`, message: i.message })));
    mapping = m.data as Mapping;
  }
  return { ...r.data, mapping };
}

/** Imports: admins and managers only (they see every import). */
function allow(req: FastifyRequest) {
  const role = principalOf(req).role;
  if (role !== 'admin' && role !== 'manager') throw new AppError('auth.forbidden');
}

export function importRoutes(app: FastifyInstance, { services }: RouteDeps) {
  const imports = services.imports;
  return app.register(async (scope) => {
    // Multipart only here: the rest of the API keeps its JSON body parser alone.
    await scope.register(multipart, { throwFileSizeLimit: true, limits: { fileSize: imports.maxBytes, files: 2, fields: 10, fieldSize: MAX_FIELD_BYTES, parts: 12 } });
    const r = scope.withTypeProvider<ZodTypeProvider>();
    const upload = { consumes: ['multipart/form-data'] };

    r.get('/api/imports/kinds', { schema: { tags, summary: 'What each import kind takes: fields, modes, natural keys (admin, manager)', response: { 200: z.object({ items: z.array(kindInfo) }), 403: errorBody } } },
      async (req) => { allow(req); return { items: imports.kinds() }; });

    r.post('/api/imports/preview', {
      schema: { tags, ...upload, summary: 'Preview a CSV for a kind (multipart: file, kind, custom?): columns with samples and suggested fields and formats, the sample rows (reads the first 64 KB)', response: { 200: previewResult, 400: errorBody, 403: errorBody, 413: errorBody } },
    }, async (req) => {
      allow(req);
      const parts = await readParts(req, imports);
      try {
        const kind = z.enum(IMPORT_KINDS).safeParse(parts.fields.kind);
        if (!kind.success) throw new AppError('import.invalid', `Say which kind the file holds: one of ${IMPORT_KINDS.join(', ')}.`);
        const custom = parts.fields.custom === 'true' || parts.fields.custom === '1';
        return imports.preview(kind.data, parts.file, { custom });
      } finally {
        await imports.discard(parts.file);
      }
    });

    r.post('/api/imports', {
      schema: { tags, ...upload, summary: 'Start an import (multipart: file, kind, mapping? as JSON, mode, onError, dryRun); follow it at /api/imports/{id}', response: { 202: z.object({ id: z.uuid() }), 400: errorBody, 403: errorBody, 413: errorBody } },
    }, async (req, reply) => {
      allow(req);
      const parts = await readParts(req, imports);
      let f: ReturnType<typeof parseFields>;
      try {
        f = parseFields(parts.fields);
      } catch (err) {
        await imports.discard(parts.file);
        throw err;
      }
      const id = await imports.startUpload({ kind: f.kind as ImportKindName, mode: f.mode as ImportMode, onError: f.onError as OnError, dryRun: f.dryRun, mapping: f.mapping, fileName: parts.fileName, actor: actor(req) }, parts.file);
      return reply.status(202).send({ id });
    });

    r.get('/api/imports', { schema: { tags, summary: 'Imports, newest first (admin, manager)', querystring: z.object({ limit: queryInt(1, 200).default(50), offset: queryInt(0, 1_000_000).default(0) }), response: { 200: z.object({ items: z.array(importListItem), total: z.number().int() }), 403: errorBody } } },
      async (req) => { allow(req); return imports.list(req.query.limit, req.query.offset); });

    r.get('/api/imports/:id', { schema: { tags, summary: 'An import: status, progress (rows, bytes, rate, time left), counts, the first errors and rows', params: idParams, response: { 200: importView, 403: errorBody, 404: errorBody } } },
      async (req) => { allow(req); return imports.view(req.params.id); });

    r.get('/api/imports/:id/errors.csv', { schema: { tags, summary: 'The rejected rows as CSV: the original columns and an error column (cells made safe for spreadsheets)', params: idParams, response: { 403: errorBody, 404: errorBody } } },
      async (req, reply) => {
        allow(req);
        const rec = await imports.store.get(req.params.id);
        if (!rec) throw new AppError('import.not_found');
        const lines = imports.errorLines(rec.id);
        const csv = stringify({ bom: true });
        void (async () => {
          try {
            for await (const line of lines) {
              if (!csv.write(line.map(safeCell))) await new Promise((resolve) => csv.once('drain', resolve));
            }
            csv.end();
          } catch (err) {
            csv.destroy(err as Error);
          }
        })();
        const name = rec.fileName.replace(/\.csv$/i, '').replace(/[^\w.-]+/g, '_').slice(0, 100) || 'import';
        return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}-errors.csv"`).send(csv as never);
      });

    r.post('/api/imports/:id/cancel', { schema: { tags, summary: 'Cancel an import: it stops before its next chunk (what was written stays; a dry run wrote nothing)', params: idParams, response: { 200: z.object({ status: z.string() }), 403: errorBody, 404: errorBody } } },
      async (req) => { allow(req); return { status: await imports.cancel(req.params.id) }; });

    r.post('/api/imports/:id/run', { schema: { tags, summary: 'Run a finished dry run for real: a new import of the same stored file and mapping', params: idParams, response: { 202: z.object({ id: z.uuid() }), 403: errorBody, 404: errorBody, 409: errorBody } } },
      async (req, reply) => { allow(req); return reply.status(202).send({ id: await imports.runForReal(req.params.id, actor(req)) }); });

    r.get('/api/import-mappings', { schema: { tags, summary: 'Saved column mappings', querystring: z.object({ kind: z.enum(IMPORT_KINDS).optional() }), response: { 200: z.object({ items: z.array(savedMapping) }), 403: errorBody } } },
      async (req) => { allow(req); return { items: (await imports.mappings.list(req.query.kind)).map(presentMapping) }; });

    r.post('/api/import-mappings', { schema: { tags, summary: 'Save a column mapping under a name (replace: true overwrites the same name)', body: savedMappingInput, response: { 201: savedMapping, 400: errorBody, 403: errorBody, 409: errorBody } } },
      async (req, reply) => {
        allow(req);
        const p = principalOf(req);
        const saved = await imports.mappings.save({ name: req.body.name, kind: req.body.kind, mapping: req.body.mapping as Mapping, createdBy: p.kind === 'user' ? p.userId : null }, req.body.replace ?? false);
        if (!saved) throw new AppError('import_mapping.name_taken');
        return reply.status(201).send(presentMapping(saved));
      });

    r.delete('/api/import-mappings/:id', { schema: { tags, summary: 'Delete a saved mapping', params: idParams, response: { 204: z.null(), 403: errorBody, 404: errorBody } } },
      async (req, reply) => {
        allow(req);
        if (!(await imports.mappings.remove(req.params.id))) throw new AppError('import_mapping.not_found');
        return reply.status(204).send(null);
      });
  });
}

const presentMapping = (m: { id: string; name: string; kind: string; mapping: Mapping; createdAt: Date; updatedAt: Date }) => ({
  id: m.id, name: m.name, kind: m.kind, mapping: m.mapping, createdAt: m.createdAt.toISOString(), updatedAt: m.updatedAt.toISOString(),
});
