// Turns the elements of a request into messages ready to store, one element at a time: repair
// strings (sanitize.ts), check the size, validate. An element that fails is reported with its
// index and never touches the others.
import type { z } from 'zod';
import { sanitizeJson } from './sanitize.js';
import { batchItem, MAX_EVENT_BYTES, type SegmentMessage } from './segment.js';

export type Rejected = { index: number; messageId?: string; code: string; message: string; fields?: { path: string; message: string }[] };
/** A repair or a refused field of a stored event; `index` is absent for the batch envelope. */
export type Warning = { index?: number; field: string; message: string };
export type Indexed = { index: number; message: SegmentMessage };

const messageIdOf = (v: unknown): string | undefined => {
  const id = v && typeof v === 'object' ? (v as { messageId?: unknown }).messageId : undefined;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
};

export function zodFields(error: z.ZodError, prefix = ''): { path: string; message: string }[] {
  return error.issues.map((i) => {
    const p = i.path.map(String).join('.');
    return { path: prefix ? (p ? `${prefix}.${p}` : prefix) : p || '(event)', message: i.message };
  });
}

/** Repairs the strings of one element; the warnings it produced, under `index`. */
export function sanitizeElement(raw: unknown, index: number): { value: unknown; warnings: Warning[] } {
  const { value, notes } = sanitizeJson(raw);
  return { value, warnings: notes.map((n) => ({ index, ...n })) };
}

/** Bytes of an element as JSON, which is what Segment's 32 KB limit counts. */
export const jsonBytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v) ?? '');

/**
 * Each element of a batch: repaired, size-checked and validated on its own. Returns the good
 * messages with their index, the rejected ones with index, code and fields, and every warning.
 */
export function prepareBatch(items: unknown[], schema: z.ZodType<unknown> = batchItem): { ready: Indexed[]; rejected: Rejected[]; warnings: Warning[] } {
  const ready: Indexed[] = [];
  const rejected: Rejected[] = [];
  const warnings: Warning[] = [];
  items.forEach((raw, index) => {
    const messageId = messageIdOf(raw);
    const base = messageId === undefined ? { index } : { index, messageId };
    const bytes = jsonBytes(raw);
    if (bytes > MAX_EVENT_BYTES) {
      rejected.push({ ...base, code: 'ingest.event_too_large', message: `The event is ${bytes} bytes; the limit is ${MAX_EVENT_BYTES / 1024} KB.` });
      return;
    }
    const clean = sanitizeElement(raw, index);
    const parsed = schema.safeParse(clean.value);
    if (!parsed.success) {
      rejected.push({ ...base, code: 'ingest.invalid_event', message: 'The event is missing a required field or has a wrong one.', fields: zodFields(parsed.error) });
      return;
    }
    warnings.push(...clean.warnings);
    ready.push({ index, message: parsed.data as SegmentMessage });
  });
  return { ready, rejected, warnings };
}
