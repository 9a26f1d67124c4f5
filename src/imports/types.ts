import type { Queryable } from '../db/connect.js';
import type { WorkDeps } from '../deps.js';

/**
 * The import engine's contract with the kinds it imports (issue 13; docs/design/issue-13-contract.md).
 *
 * The engine (src/imports/engine.ts) streams the file, decodes it, parses CSV, applies the mapping,
 * turns each mapped cell into a typed value by its field's type (src/imports/values.ts, refusing
 * what it cannot read for sure: an ambiguous date is an error for that cell, never a guess), and
 * hands chunks of typed rows to a kind. A kind validates what is left (cross-field rules, the same
 * zod schemas as the API), decides per row what it would do (plan: no writes), and writes a chunk
 * through the domain functions the API uses, inside the transaction the engine opens for the chunk.
 */

export const IMPORT_KINDS = ['accounts', 'contacts', 'subscriptions', 'activities', 'outcomes', 'usage_events', 'usage_daily'] as const;
export type ImportKindName = (typeof IMPORT_KINDS)[number];

export const IMPORT_MODES = ['create', 'update', 'upsert'] as const;
export type ImportMode = (typeof IMPORT_MODES)[number];
export type OnError = 'stop' | 'skip';

/** How the engine reads a mapped cell before the kind sees it. */
export type FieldType =
  | 'text' | 'email' | 'url'
  | 'int' | 'decimal' | 'money'
  | 'date' | 'datetime'
  | 'boolean'
  | 'enum'
  | 'json';

export type FieldSpec = {
  /** Canopy's name for it, as used in mappings, e.g. 'name', 'arr', 'accountExternalId'. */
  key: string;
  label: string;
  type: FieldType;
  required?: boolean;
  /** Header spellings that map here automatically (compared normalised: lower case, no spaces, _ or -). */
  aliases: string[];
  /** For 'enum': the accepted values (after the mapping's valueMap for this column, if any). */
  values?: readonly string[];
  /** Shown in the mapping screen. */
  description?: string;
};

/** One column of the file: where it goes and how its values read. */
export type ColumnMapping = {
  /** A field key of the kind, `custom:<name>` (custom field, where the kind allows it), or 'ignore'. */
  field: string;
  /**
   * For dates: 'YYYY-MM-DD' | 'DD/MM/YYYY' | 'MM/DD/YYYY' | 'DD.MM.YYYY' | 'YYYY/MM/DD' | 'iso' (datetimes with zone) …
   * as values.ts lists them. Detected from the sample by preview; a column whose sample cannot
   * tell day from month has no format until the user picks one (the import refuses to guess).
   */
  format?: string;
  /** For enums: file value → Canopy value, e.g. { churn: 'churned', 'Closed Lost': 'churned' }. */
  valueMap?: Record<string, string>;
};

export type Mapping = {
  columns: Record<string, ColumnMapping>;
  /** Kind options, e.g. { mrr: true } (amounts are MRR: ARR = 12×), { retainedAsOf: '2026-06-30' } for outcomes. */
  options?: Record<string, unknown>;
};

/** A row's cells after mapping and typing. Missing or empty cells are absent (never ''). */
export type TypedRow = {
  /** 1-based data row number (the header is row 0). */
  row: number;
  values: Record<string, unknown>;
  /** custom:<name> columns, as text (trimmed). */
  custom: Record<string, string>;
};

export type RowIssue = { column: string | null; message: string };

export type PlanAction = 'create' | 'update' | 'skip' | 'error';
export type RowPlan<R> =
  | { row: number; action: 'create' | 'update'; value: R; targetId?: string; reason?: string }
  | { row: number; action: 'skip'; reason: string; column?: string | null }
  | { row: number; action: 'error'; issues: RowIssue[] };

export type PlanContext = {
  mode: ImportMode;
  options: Record<string, unknown>;
  /**
   * Shared across the chunks of one run (dry run or real): a kind records natural keys it has
   * planned to create, so that the second row with the same key updates the first (or is refused
   * in create mode) instead of making a duplicate.
   */
  seen: Map<string, string>;
  importId: string;
};

export type WriteContext = PlanContext & {
  /** 'system' when the CLI imports (id 'cli'). */
  actor: { type: 'user' | 'api_key' | 'system'; id: string; label: string };
  /** The transaction the engine opened for this chunk; its checkpoint commits with it. */
  tx: Queryable;
};

export type WriteResult = { row: number; action: 'create' | 'update' | 'skip'; id?: string };

export interface ImportKind<R = unknown> {
  name: ImportKindName;
  label: string;
  fields: FieldSpec[];
  /** Whether unknown columns may become custom fields (`custom:<name>`). */
  allowsCustom: boolean;
  /** Natural keys in the order they are tried, in words, for the UI (e.g. ['external id', 'domain']). */
  matchBy: string[];
  /** Modes this kind supports (usage and outcomes are create-only: each row is a new fact). */
  modes: readonly ImportMode[];
  /** Pure: cross-field checks and the API's zod schema over the typed values. */
  validate(row: TypedRow, options: Record<string, unknown>): { ok: true; value: R } | { ok: false; issues: RowIssue[] };
  /** Per row, what a write would do, against the database as it is (no writes). */
  plan(q: Queryable, rows: { row: number; value: R }[], ctx: PlanContext): Promise<RowPlan<R>[]>;
  /** Writes the planned creates and updates of one chunk inside ctx.tx. */
  write(rows: Extract<RowPlan<R>, { action: 'create' | 'update' }>[], ctx: WriteContext): Promise<WriteResult[]>;
  /** After the last chunk committed (not on a dry run): e.g. rebuild health history, recompute ARR. */
  finish?(summary: { importId: string; created: number; updated: number; accountIds: string[] }): Promise<void>;
  /** Preferred chunk size (rows); the engine uses 500 when absent. */
  chunkSize?: number;
}

/**
 * What a kind is built from (each kind file exports a factory `xxxKind(deps: ImportDeps)`).
 * rebuildHealth is the health service's history back-fill for these accounts from that day
 * (wired in src/services.ts), so that imported history shows as health history at once.
 */
export type ImportDeps = WorkDeps & {
  rebuildHealth(accountIds: string[], fromDay: string): Promise<void>;
};

/** How a row names its account (every kind but accounts): tried in this order; a name only when unique. */
export type AccountRef = { id?: string; externalId?: string; domain?: string; name?: string };
