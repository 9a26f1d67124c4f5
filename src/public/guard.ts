import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Queryable } from '../db/connect.js';

/**
 * Telling a person's answer on a public page from an automated one (link scanners in mail
 * gateways open every link; form bots post to every form).
 *
 * - The page carries a signed stamp: `<issuedAt ms>.<HMAC-SHA256(key, "canopy-form:<issuedAt>:<token hash>")>`,
 *   so a stamp is good for one link only and cannot be made up or moved forward in time.
 * - The key is the app's form key: 32 random bytes kept in app_settings under `public.form_key`,
 *   created on first use (the app has no other secret of its own: sessions are random ids looked
 *   up in the database, webhooks have per-webhook secrets). It never leaves the server.
 * - The honeypot link in the e-mail ("do not click") leads to a page whose form people never see
 *   and whose stamp is a *trap stamp* (signed for "trap:<token hash>"). Scanners follow every link,
 *   so a scanner having followed it says nothing about the person's own answer later: only an
 *   answer carrying the trap stamp (a bot that filled in the trap page's form) is judged by it.
 * - A submission is judged a bot when: the honeypot field (a text input hidden from people) is
 *   filled; it carries the trap stamp; the stamp is forged or older than 24 hours; the form came
 *   back under 3 seconds after the page was rendered; or the page was never viewed. A page's form
 *   without a stamp is a bot too. A JSON answer without a stamp (a client showing its own page: a
 *   portal, an app; mail scanners only follow links) is judged by the honeypot field alone. Bot
 *   answers are kept apart, never counted.
 */

export const FORM_KEY_SETTING = 'public.form_key';
export const MIN_SECONDS_ON_PAGE = 3;
export const STAMP_MAX_AGE_MS = 24 * 3_600_000;
/** A stamp from the future beyond this clock skew is forged. */
const FUTURE_SKEW_MS = 60_000;
const STAMP_PATTERN = /^(\d{13})\.([A-Za-z0-9_-]{43})$/;

export type BotReason = 'honeypot_field' | 'honeypot_link' | 'stamp_missing' | 'stamp_forged' | 'stamp_expired' | 'too_fast' | 'not_viewed';
export type Judgement = { bot: boolean; reason: BotReason | null };

/** The app's form key: read from app_settings, created (once, race-free) when missing. */
export async function formKey(q: Queryable): Promise<string> {
  const read = async () => (await q.query<{ value: unknown }>('SELECT value FROM app_settings WHERE key = $1', [FORM_KEY_SETTING])).rows[0]?.value;
  const found = await read();
  if (typeof found === 'string' && found.length >= 32) return found;
  await q.query(
    'INSERT INTO app_settings (key, value) VALUES ($1, $2::jsonb) ON CONFLICT (key) DO NOTHING',
    [FORM_KEY_SETTING, JSON.stringify(randomBytes(32).toString('base64url'))],
  );
  const made = await read();
  if (typeof made !== 'string' || made.length < 32) throw new Error(`app_settings '${FORM_KEY_SETTING}' holds an invalid value`);
  return made;
}

const mac = (key: string, issuedAt: number, tokenHash: string) =>
  createHmac('sha256', key).update(`canopy-form:${issuedAt}:${tokenHash}`).digest('base64url');

/** The stamp a page puts in its form when rendered at `now`. */
export function issueStamp(key: string, tokenHash: string, now: Date): string {
  const issuedAt = now.getTime();
  return `${issuedAt}.${mac(key, issuedAt, tokenHash)}`;
}

/** The stamp of the honeypot link's page: genuine, and marks whoever sends it back as a bot. */
export const issueTrapStamp = (key: string, tokenHash: string, now: Date): string => issueStamp(key, `trap:${tokenHash}`, now);

/** The stamp's issue time when it is genuine for this link, else null. */
export function verifyStamp(key: string, tokenHash: string, stamp: string): Date | null {
  const m = STAMP_PATTERN.exec(stamp);
  if (!m) return null;
  const issuedAt = Number(m[1]);
  const expected = Buffer.from(mac(key, issuedAt, tokenHash));
  const given = Buffer.from(m[2] ?? '');
  return expected.length === given.length && timingSafeEqual(expected, given) ? new Date(issuedAt) : null;
}

export type SubmissionInput = {
  /** The app's form key (formKey()). */
  key: string;
  stamp: string | null | undefined;
  tokenHash: string;
  /** The hidden honeypot field's value: anything but empty is a bot. */
  honeypot: string | null | undefined;
  now: Date;
  /** What the link's record says: when the page was first viewed. */
  viewed: { firstViewedAt: Date | null };
  /** The page's own form must carry a stamp (true); a JSON answer may come without one (false). */
  stampRequired: boolean;
};

export function judgeSubmission(input: SubmissionInput): Judgement {
  const bot = (reason: BotReason): Judgement => ({ bot: true, reason });
  if (input.honeypot !== null && input.honeypot !== undefined && input.honeypot !== '') return bot('honeypot_field');
  if (input.stamp === null || input.stamp === undefined || input.stamp === '') return input.stampRequired ? bot('stamp_missing') : { bot: false, reason: null };
  if (verifyStamp(input.key, `trap:${input.tokenHash}`, input.stamp)) return bot('honeypot_link');
  const issuedAt = verifyStamp(input.key, input.tokenHash, input.stamp);
  const now = input.now.getTime();
  if (!issuedAt || issuedAt.getTime() > now + FUTURE_SKEW_MS) return bot('stamp_forged');
  if (now - issuedAt.getTime() > STAMP_MAX_AGE_MS) return bot('stamp_expired');
  if (now - issuedAt.getTime() < MIN_SECONDS_ON_PAGE * 1000) return bot('too_fast');
  if (!input.viewed.firstViewedAt) return bot('not_viewed');
  return { bot: false, reason: null };
}
