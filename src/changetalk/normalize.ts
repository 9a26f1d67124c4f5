import { createHash } from 'node:crypto';

/** The text a correction is keyed by: trimmed, whitespace collapsed to one space, lowercased. */
export function normaliseText(text: string): string {
  return text.replace(/\s+/gu, ' ').trim().toLowerCase();
}

/** change_talk_corrections.text_hash: sha256 (hex) of the normalised text's UTF-8 bytes. */
export function textHash(text: string): string {
  return createHash('sha256').update(normaliseText(text), 'utf8').digest('hex');
}
