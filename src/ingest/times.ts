// Event times, following Segment: the client's timestamp corrected for its clock skew with
// sentAt, and receivedAt (the server's clock) when the client gave no usable time. A time that
// is not an ISO 8601 string, or lands outside the window below, is not guessed at: the event
// keeps receivedAt and carries a flag saying what the client sent and why it was not used.
import { z } from 'zod';

/** How far before receivedAt an event may lie: historical imports of a few years are normal. */
export const MAX_PAST_MS = 5 * 366 * 86_400_000;
/** How far after receivedAt: a client clock may run ahead, but not by more than a day. */
export const MAX_FUTURE_MS = 24 * 3_600_000;

const isoDateTime = z.iso.datetime({ offset: true, local: true });
const isoDate = z.iso.date();

/**
 * Milliseconds since the epoch of an ISO 8601 date or date-time, or null for anything else
 * (other formats, impossible dates such as 2023-02-29, numbers). A date-time without an offset
 * and a bare date are read as UTC, never in the server's own time zone.
 */
export function parseIsoTime(v: unknown): number | null {
  if (typeof v !== 'string') return null;
  let text: string;
  if (isoDate.safeParse(v).success) text = `${v}T00:00:00Z`;
  else if (isoDateTime.safeParse(v).success) text = /(?:Z|[+-]\d{2}(?::?\d{2})?)$/i.test(v) ? v : `${v}Z`;
  else return null;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : null;
}

export type TimeFallback = { reason: string; timestamp?: unknown; originalTimestamp?: unknown; sentAt?: unknown };
export type EventTime = { ts: Date; sentAt: string | null; fallback: TimeFallback | null; notes: { field: string; message: string }[] };

type TimeFields = { timestamp?: unknown; originalTimestamp?: unknown; sentAt?: unknown };

/**
 * Segment's clock-skew correction, timestamp = receivedAt − (sentAt − originalTimestamp), with
 * its guards: an unreadable sentAt is ignored (the timestamp is then taken as is), and an
 * unreadable or out-of-window result falls back to receivedAt with a fallback record.
 */
export function resolveEventTime(m: TimeFields, receivedAt: Date, batchSentAt?: unknown): EventTime {
  const notes: { field: string; message: string }[] = [];
  const now = receivedAt.getTime();
  const inWindow = (ms: number) => ms >= now - MAX_PAST_MS && ms <= now + MAX_FUTURE_MS;
  const originalField = m.originalTimestamp !== undefined && m.originalTimestamp !== null ? 'originalTimestamp' : 'timestamp';
  const original = originalField === 'originalTimestamp' ? m.originalTimestamp : m.timestamp;
  const sentField = m.sentAt !== undefined && m.sentAt !== null ? 'sentAt' : 'batch.sentAt';
  const sentRaw = sentField === 'sentAt' ? m.sentAt : batchSentAt;

  // sentAt only matters as the client's clock at send time; stored only when it is a sane instant.
  let sentMs: number | null = null;
  if (sentRaw !== undefined && sentRaw !== null) {
    sentMs = parseIsoTime(sentRaw);
    if (sentMs === null) notes.push({ field: sentField, message: 'not an ISO 8601 time; ignored, no clock-skew correction' });
  }
  // A device clock far off still corrects the timestamp (that is the point of sentAt), but such
  // a sentAt is not kept as a time of its own.
  const sentAt = sentMs !== null && inWindow(sentMs) ? new Date(sentMs).toISOString() : null;
  if (sentMs !== null && sentAt === null) notes.push({ field: sentField, message: 'far from receivedAt; used for clock-skew correction only, not stored' });

  if (original === undefined || original === null) return { ts: receivedAt, sentAt, fallback: null, notes };
  const fallback = (reason: string): EventTime => {
    notes.push({ field: originalField, message: `${reason}; the event is stored at receivedAt` });
    const record: TimeFallback = { reason };
    if (m.timestamp !== undefined) record.timestamp = m.timestamp;
    if (m.originalTimestamp !== undefined) record.originalTimestamp = m.originalTimestamp;
    if (sentRaw !== undefined) record.sentAt = sentRaw;
    return { ts: receivedAt, sentAt, fallback: record, notes };
  };
  const originalMs = parseIsoTime(original);
  if (originalMs === null) return fallback('not an ISO 8601 time');
  const corrected = sentMs === null ? originalMs : now - (sentMs - originalMs);
  if (!Number.isFinite(corrected) || !inWindow(corrected)) {
    const skew = sentMs === null ? '' : ' after clock-skew correction with sentAt';
    return fallback(`more than ${MAX_PAST_MS / 86_400_000} days before or ${MAX_FUTURE_MS / 3_600_000} hours after receivedAt${skew}`);
  }
  return { ts: new Date(corrected), sentAt, fallback: null, notes };
}
