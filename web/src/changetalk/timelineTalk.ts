import { type ShownTalk, shownTalk } from '../api/changeTalk';
import type { CorrectionSource } from '../api/changeTalk';

/** The customer's words in a timeline item, each with what change talk says of it. */
export interface TalkPiece {
  key: string;
  label: string | null;
  text: string;
  talk: ShownTalk;
  source: { kind: CorrectionSource; id?: string };
}

interface ItemLike {
  id: string;
  kind: string;
  summary: string | null;
  data: Record<string, unknown>;
  refs?: Record<string, string | undefined>;
  changeTalk?: unknown;
}

const str = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : null);
const talkOf = (v: unknown): ShownTalk | null => {
  const parsed = shownTalk.safeParse(v);
  return parsed.success ? parsed.data : null;
};
const obj = (v: unknown): Record<string, unknown> | null => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : null);

/**
 * What to highlight in a timeline item: an activity's notes, a check-in's two answers, a survey
 * comment — wherever the item carries `changeTalk` (on the item or in its data). The text is the
 * full one when the item has it, else its summary (a prefix of it: spans past its end are dropped).
 */
export function talkPieces(item: ItemLike): TalkPiece[] {
  const raw = item.changeTalk ?? item.data.changeTalk ?? item.data.talk;
  const sourceId = (k: string) => item.refs?.[k] ?? (item.id.includes(':') ? item.id.split(':')[1] : undefined);
  if (item.kind === 'check_in') {
    const pair = obj(raw);
    if (!pair) return [];
    const out: TalkPiece[] = [];
    for (const [field, label] of [
      ['whyNotLower', 'Why not lower'],
      ['whatWouldMoveHigher', 'What would move it higher'],
    ] as const) {
      const text = str(item.data[field]);
      const talk = talkOf(pair[field]);
      if (text && talk) out.push({ key: field, label, text, talk, source: { kind: 'check_in', id: sourceId('checkInId') } });
    }
    return out;
  }
  const talk = talkOf(raw);
  if (!talk) return [];
  const text = str(item.data.body) ?? str(item.data.comment) ?? item.summary;
  if (!text) return [];
  const kind: CorrectionSource = item.kind === 'activity' ? 'activity' : item.kind === 'survey_response' ? 'survey_response' : 'manual';
  return [{ key: 'text', label: null, text, talk, source: { kind, id: kind === 'manual' ? undefined : sourceId(kind === 'activity' ? 'activityId' : 'responseId') } }];
}
