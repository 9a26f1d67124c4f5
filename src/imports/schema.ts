import { z } from 'zod';
import { text } from '../http/zod.js';
import { IMPORT_KINDS, IMPORT_MODES } from './types.js';

/** The imports API's zod shapes (they make the OpenAPI document). */

export const columnMapping = z.object({
  field: text().min(1).max(200).describe("A field key of the kind, custom:<name>, or 'ignore'"),
  format: text().max(40).optional().describe('Dates: YYYY-MM-DD, DD/MM/YYYY, MM/DD/YYYY, DD.MM.YYYY, YYYY/MM/DD, DD-MM-YYYY, MM-DD-YYYY, D MMM YYYY, iso; amounts: decimal_point, decimal_comma'),
  valueMap: z.record(text().max(200), text().max(200)).optional().describe('Enums: file value → Canopy value'),
});
export const mappingSchema = z.object({
  columns: z.record(text().max(500), columnMapping).refine((c) => Object.keys(c).length <= 500, 'At most 500 columns'),
  options: z.record(text().max(100), z.union([z.boolean(), z.number(), text().max(200), z.null()])).optional(),
});

const fieldSpec = z.object({
  key: z.string(), label: z.string(), type: z.string(), required: z.boolean().optional(), aliases: z.array(z.string()),
  values: z.array(z.string()).readonly().optional(), description: z.string().optional(),
});
export const kindInfo = z.object({ name: z.enum(IMPORT_KINDS), label: z.string(), fields: z.array(fieldSpec), allowsCustom: z.boolean(), matchBy: z.array(z.string()), modes: z.array(z.enum(IMPORT_MODES)) });

export const previewResult = z.object({
  columns: z.array(z.object({ name: z.string(), sample: z.array(z.string()), suggested: z.object({ field: z.string(), format: z.string().optional(), confidence: z.number() }) })),
  suggestedMapping: z.unknown(),
  sample: z.array(z.array(z.string())),
  header: z.array(z.string()),
  encoding: z.string(),
  delimiter: z.string(),
  fields: z.array(fieldSpec),
  modes: z.array(z.enum(IMPORT_MODES)),
  allowsCustom: z.boolean(),
  matchBy: z.array(z.string()),
  notes: z.array(z.string()).describe('What the user must decide or know (a date format to choose, times read as UTC)'),
});

export const importListItem = z.object({
  id: z.uuid(), status: z.enum(['queued', 'running', 'succeeded', 'failed', 'cancelled']), kind: z.enum(IMPORT_KINDS), dryRun: z.boolean(),
  mode: z.enum(IMPORT_MODES), onError: z.enum(['stop', 'skip']), fileName: z.string(), encoding: z.string().nullable(), phase: z.enum(['check', 'write']),
  header: z.array(z.string()), mapping: z.unknown(),
  progress: z.object({ rows: z.number().int(), bytes: z.number(), totalBytes: z.number(), rate: z.number().nullable().describe('Rows per second'), etaSeconds: z.number().nullable() }),
  counts: z.object({ created: z.number().int(), updated: z.number().int(), skipped: z.number().int(), errors: z.number().int() }),
  message: z.string().nullable(), createdBy: z.string(), sourceImportId: z.uuid().nullable(),
  createdAt: z.string(), startedAt: z.string().nullable(), finishedAt: z.string().nullable(), cancelRequested: z.boolean(),
});
export const importView = importListItem.extend({
  errors: z.array(z.object({ row: z.number().int(), column: z.string().nullable(), message: z.string() })).describe('The first 100 issues'),
  rows: z.array(z.object({ row: z.number().int(), action: z.enum(['create', 'update', 'skip', 'error']), reason: z.string().nullable(), column: z.string().nullable() })).describe('The first 200 rows recorded (the dry-run screen)'),
});

export const savedMapping = z.object({ id: z.uuid(), name: z.string(), kind: z.string(), mapping: z.unknown(), createdAt: z.string(), updatedAt: z.string() });
export const savedMappingInput = z.object({ name: text().trim().min(1).max(200), kind: z.enum(IMPORT_KINDS), mapping: mappingSchema, replace: z.boolean().optional() });
