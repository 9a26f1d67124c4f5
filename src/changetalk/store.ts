import type { Actor } from '../auth/principal.js';
import type { Queryable } from '../db/connect.js';
import { encodeCursor } from '../http/cursor.js';
import { phraseKey } from './classifier.js';
import type { Correction, Phrase, PhraseCreate } from './schema.js';
import type { TalkCategory, TalkLabel, TalkPolarity } from './types.js';

/** SQL of change talk: admins' phrases and people's corrections (tables of migration 0016). */

type Stamp = Date | string;
const iso = (v: Stamp) => (v instanceof Date ? v : new Date(v)).toISOString();
const userId = (a: Actor) => (a.type === 'user' ? a.id : null);

type PhraseRow = { id: string; phrase: string; polarity: TalkPolarity; category: TalkCategory; created_at: Stamp; created_by: string | null; by_name: string | null };

const toPhrase = (r: PhraseRow): Phrase => ({
  id: r.id, phrase: r.phrase, polarity: r.polarity, category: r.category, createdAt: iso(r.created_at),
  createdBy: r.created_by ? { id: r.created_by, name: r.by_name ?? '' } : null,
});

export async function listPhrases(q: Queryable): Promise<Phrase[]> {
  const { rows } = await q.query<PhraseRow>(
    `SELECT p.id, p.phrase, p.polarity, p.category, p.created_at, p.created_by, coalesce(nullif(u.name, ''), u.email) AS by_name
       FROM change_talk_phrases p LEFT JOIN users u ON u.id = p.created_by ORDER BY lower(p.phrase), p.polarity`);
  return rows.map(toPhrase);
}

/**
 * The phrase with the same words as `phrase` as the matcher reads them (phraseKey: any case, whitespace run or apostrophe
 * form) and this polarity, if any. Locks the table against other writers until the transaction ends, so two admins cannot
 * add the same words at once (the unique index on lower(phrase) does not see spacing or apostrophes).
 */
export async function samePhrase(q: Queryable, phrase: string, polarity: TalkPolarity): Promise<Phrase | null> {
  await q.query('LOCK TABLE change_talk_phrases IN SHARE ROW EXCLUSIVE MODE');
  const key = phraseKey(phrase);
  const same = (await listPhrases(q)).find((p) => p.polarity === polarity && phraseKey(p.phrase) === key);
  return same ?? null;
}

/** The new phrase, or null when the same words (any case) already have this polarity. */
export async function insertPhrase(q: Queryable, input: PhraseCreate, by: Actor): Promise<Phrase | null> {
  const { rows } = await q.query<PhraseRow>(
    `INSERT INTO change_talk_phrases (phrase, polarity, category, created_by) VALUES ($1, $2, $3, $4)
     ON CONFLICT (lower(phrase), polarity) DO NOTHING
     RETURNING id, phrase, polarity, category, created_at, created_by, (SELECT coalesce(nullif(name, ''), email) FROM users WHERE id = $4) AS by_name`,
    [input.phrase, input.polarity, input.category, userId(by)]);
  return rows[0] ? toPhrase(rows[0]) : null;
}

export async function deletePhrase(q: Queryable, id: string): Promise<Phrase | null> {
  const { rows } = await q.query<PhraseRow>(
    `DELETE FROM change_talk_phrases WHERE id = $1
     RETURNING id, phrase, polarity, category, created_at, created_by, NULL::text AS by_name`, [id]);
  return rows[0] ? toPhrase(rows[0]) : null;
}

type CorrectionRow = {
  id: string; text: string; label: TalkLabel; predicted: TalkLabel; classifier_version: string; source_kind: Correction['sourceKind'];
  source_id: string | null; account_id: string | null; note: string | null; created_at: Stamp; created_by: string | null; by_name: string | null;
  cursor_at: string;
};

const toCorrection = (r: CorrectionRow): Correction => ({
  id: r.id, text: r.text, label: r.label, predicted: r.predicted, classifierVersion: r.classifier_version, sourceKind: r.source_kind,
  sourceId: r.source_id, accountId: r.account_id, note: r.note, createdAt: iso(r.created_at),
  createdBy: r.created_by ? { id: r.created_by, name: r.by_name ?? '' } : null,
});

const CORRECTION_SELECT = `
  SELECT c.id, c.text, c.label, c.predicted, c.classifier_version, c.source_kind, c.source_id, c.account_id, c.note, c.created_at,
         c.created_by, coalesce(nullif(u.name, ''), u.email) AS by_name, c.created_at::text AS cursor_at
    FROM change_talk_corrections c LEFT JOIN users u ON u.id = c.created_by`;

export type NewCorrection = {
  text: string; textHash: string; label: TalkLabel; predicted: TalkLabel; classifierVersion: string;
  sourceKind: Correction['sourceKind']; sourceId: string | null; accountId: string | null; note: string | null;
};

export async function insertCorrection(q: Queryable, c: NewCorrection, by: Actor): Promise<Correction> {
  const { rows } = await q.query<{ id: string }>(
    `INSERT INTO change_talk_corrections (text, text_hash, label, predicted, classifier_version, source_kind, source_id, account_id, note, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
    [c.text, c.textHash, c.label, c.predicted, c.classifierVersion, c.sourceKind, c.sourceId, c.accountId, c.note, userId(by)]);
  const id = rows[0]?.id;
  const { rows: out } = await q.query<CorrectionRow>(`${CORRECTION_SELECT} WHERE c.id = $1`, [id]);
  const row = out[0];
  if (!row) throw new Error('change talk: the correction just written is gone');
  return toCorrection(row);
}

/** Newest first, by keyset (created_at, id). */
export async function listCorrections(
  q: Queryable, opts: { limit: number; after: [string, string] | null; accountId: string | null },
): Promise<{ items: Correction[]; nextCursor: string | null }> {
  const where: string[] = [];
  const values: unknown[] = [];
  if (opts.accountId) {
    values.push(opts.accountId);
    where.push(`c.account_id = $${values.length}`);
  }
  if (opts.after) {
    values.push(opts.after[0], opts.after[1]);
    where.push(`(c.created_at, c.id) < ($${values.length - 1}::timestamptz, $${values.length}::uuid)`);
  }
  values.push(opts.limit + 1);
  const { rows } = await q.query<CorrectionRow>(
    `${CORRECTION_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY c.created_at DESC, c.id DESC LIMIT $${values.length}`, values);
  const page = rows.slice(0, opts.limit);
  const last = page[page.length - 1];
  return { items: page.map(toCorrection), nextCursor: rows.length > opts.limit && last ? encodeCursor([last.cursor_at, last.id]) : null };
}

/** The newest correction of each corrected text, oldest first (what the labelled set gains from people). */
export async function latestCorrectionPerText(q: Queryable, accountId: string | null): Promise<Correction[]> {
  const { rows } = await q.query<CorrectionRow>(
    `SELECT * FROM (
       SELECT DISTINCT ON (c.text_hash) c.id, c.text, c.label, c.predicted, c.classifier_version, c.source_kind, c.source_id, c.account_id,
              c.note, c.created_at, c.created_by, coalesce(nullif(u.name, ''), u.email) AS by_name, c.created_at::text AS cursor_at
         FROM change_talk_corrections c LEFT JOIN users u ON u.id = c.created_by
        WHERE $1::uuid IS NULL OR c.account_id = $1::uuid
        ORDER BY c.text_hash, c.created_at DESC, c.id DESC) newest
     ORDER BY created_at, id`, [accountId]);
  return rows.map(toCorrection);
}

export async function accountExists(q: Queryable, id: string): Promise<boolean> {
  const { rows } = await q.query('SELECT 1 FROM accounts WHERE id = $1', [id]);
  return rows.length > 0;
}

/** The tables a correction's source points into (sourceKind → table); 'manual' has no source row. */
const SOURCE_TABLES = { activity: 'activities', check_in: 'check_ins', survey_response: 'survey_responses' } as const;
export type SourceKindWithRow = keyof typeof SOURCE_TABLES;

/** The account of the activity, check-in or survey response `id`; undefined when there is no such row. */
export async function sourceAccountId(q: Queryable, kind: SourceKindWithRow, id: string): Promise<string | undefined> {
  const { rows } = await q.query<{ account_id: string }>(`SELECT account_id FROM ${SOURCE_TABLES[kind]} WHERE id = $1`, [id]);
  return rows[0]?.account_id;
}
