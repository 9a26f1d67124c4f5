import type { TalkPolarity, TalkSpan } from '../api/changeTalk';

/** A run of the text and the spans that cover all of it (none: plain text). */
export interface TalkSegment {
  start: number;
  end: number;
  text: string;
  spans: TalkSpan[];
}

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/** Moves an index that falls between the two halves of a surrogate pair to the pair's start (or end). */
function snap(text: string, i: number, toEnd: boolean): number {
  if (i <= 0 || i >= text.length) return i;
  if (isHigh(text.charCodeAt(i - 1)) && isLow(text.charCodeAt(i))) return toEnd ? i + 1 : i - 1;
  return i;
}

/**
 * A span made safe for this text: integer indexes clamped into it, not splitting a surrogate pair
 * (an emoji is highlighted whole), or null when nothing of it is left.
 */
export function safeSpan(text: string, span: TalkSpan): TalkSpan | null {
  if (!Number.isFinite(span.start) || !Number.isFinite(span.end)) return null;
  const start = snap(text, Math.max(0, Math.min(text.length, Math.floor(span.start))), false);
  const end = snap(text, Math.max(0, Math.min(text.length, Math.ceil(span.end))), true);
  if (end <= start) return null;
  return { ...span, start, end };
}

/**
 * Cuts the text at every span boundary: each piece carries the spans that cover it, so spans that
 * overlap or touch never drop or repeat a character. Pieces with the same spans stay apart only
 * where a span starts or ends; the pieces joined give back the text exactly.
 */
export function talkSegments(text: string, spans: readonly TalkSpan[]): TalkSegment[] {
  if (text.length === 0) return [];
  const safe = spans.map((s) => safeSpan(text, s)).filter((s): s is TalkSpan => s !== null);
  const cuts = new Set<number>([0, text.length]);
  for (const s of safe) {
    cuts.add(s.start);
    cuts.add(s.end);
  }
  const points = [...cuts].sort((a, b) => a - b);
  const out: TalkSegment[] = [];
  for (let i = 0; i < points.length - 1; i++) {
    const start = points[i] ?? 0;
    const end = points[i + 1] ?? text.length;
    const covering = safe.filter((s) => s.start <= start && s.end >= end);
    const prev = out[out.length - 1];
    if (prev && prev.spans.length === 0 && covering.length === 0) {
      prev.end = end;
      prev.text = text.slice(prev.start, end);
      continue;
    }
    out.push({ start, end, text: text.slice(start, end), spans: covering });
  }
  return out;
}

/** The polarity a piece is drawn with: one polarity, or 'mixed' where change and sustain overlap. */
export function segmentPolarity(spans: readonly TalkSpan[]): TalkPolarity | 'mixed' | null {
  const first = spans[0]?.polarity;
  if (!first) return null;
  return spans.every((s) => s.polarity === first) ? first : 'mixed';
}

const CATEGORY_WORDS: Record<string, string> = { taking_steps: 'taking steps' };

/** "change talk (desire)", "sustain talk (need); change talk (ability)": what a piece means, in words. */
export function describeSpans(spans: readonly TalkSpan[]): string {
  const parts: string[] = [];
  for (const s of spans) {
    const words = `${s.polarity} talk (${CATEGORY_WORDS[s.category] ?? s.category})`;
    if (!parts.includes(words)) parts.push(words);
  }
  return parts.join('; ');
}
