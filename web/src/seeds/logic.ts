/** The pure part of the seed screens: what the plant form sends, field errors under a prefix, the library's client-side sort. */
import { ApiError } from '../api/client';
import type { SeedPlantInput, SeedQuestion } from '../api/seeds';

/** The seed part of a form: a question from the library or a new one, and optionally the contact asked. */
export interface PlantDraft {
  mode: 'library' | 'new';
  questionId: string | null;
  text: string;
  theme: string;
  contactId: string | null;
}

export const EMPTY_PLANT: PlantDraft = { mode: 'library', questionId: null, text: '', theme: '', contactId: null };

/** What to send, or null when no question is chosen or written yet. */
export function plantInput(d: PlantDraft): SeedPlantInput | null {
  const contact = d.contactId ? { contactId: d.contactId } : {};
  if (d.mode === 'library') return d.questionId ? { questionId: d.questionId, ...contact } : null;
  const text = d.text.trim();
  if (!text) return null;
  return { text, ...(d.theme.trim() ? { theme: d.theme.trim() } : {}), ...contact };
}

/**
 * Field messages of an API error under `prefix` (the activity form sends the seed as `seed`):
 * `seed.questionId` → `questionId`. Without a prefix, the top-level fields.
 */
export function nestedFieldErrors(error: unknown, prefix?: string): Record<string, string> {
  if (!(error instanceof ApiError)) return {};
  const out: Record<string, string> = {};
  for (const f of error.fields) {
    const parts = f.path.replace(/^\/?(body[./])?/, '').split(/[./[\]]+/).filter(Boolean);
    const rest = prefix ? (parts[0] === prefix ? parts.slice(1) : null) : parts;
    if (!rest) continue;
    const key = rest[0] ?? '(seed)';
    if (!(key in out)) out[key] = f.message;
  }
  return out;
}

type SortKey = 'text' | 'theme' | 'variants' | 'reask' | 'planted' | 'strong' | 'sprouted' | 'harvested' | 'median';
const sortValue: Record<SortKey, (q: SeedQuestion) => string | number | null> = {
  text: (q) => q.text.toLowerCase(),
  theme: (q) => q.theme.toLowerCase(),
  variants: (q) => q.variants.length,
  reask: (q) => q.reaskIntervalDays,
  planted: (q) => q.record.planted,
  strong: (q) => q.record.strongReactionShare,
  sprouted: (q) => q.record.sproutedShare,
  harvested: (q) => q.record.harvestedShare,
  median: (q) => q.record.medianDaysToHarvest,
};

/** Sorts by `key` or `-key`; questions without a value (never planted) always last. */
export function sortQuestions(rows: SeedQuestion[], sort: string): SeedQuestion[] {
  const desc = sort.startsWith('-');
  const key = (desc ? sort.slice(1) : sort) as SortKey;
  const get = sortValue[key] ?? sortValue.text;
  return [...rows].sort((a, b) => {
    const x = get(a);
    const y = get(b);
    if (x === null && y === null) return a.text.localeCompare(b.text);
    if (x === null) return 1;
    if (y === null) return -1;
    const c = typeof x === 'string' && typeof y === 'string' ? x.localeCompare(y) : Number(x) - Number(y);
    return (desc ? -c : c) || a.text.localeCompare(b.text);
  });
}


/** "Re-ask after" as typed: whole days, 1 to 365, as the API accepts; out of range is the field's message, never clamped (issue 9 §7). */
export const reaskIntervalError = (v: number | string): string | undefined =>
  typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 365 ? undefined : 'Whole days, 1 to 365';
