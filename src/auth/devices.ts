import { createHmac } from 'node:crypto';
import { safeEqual } from './tokens.js';

/**
 * The "known browser" cookie, set at each successful sign-in, so that the right password from a
 * browser this user signed in with before is not slowed down by someone guessing from elsewhere.
 *
 * `userId.issuedAt.mac`, where mac = HMAC-SHA256 keyed with the user's stored password hash: only
 * the server can make one (the hash never leaves it), no table is needed, and every such cookie
 * stops counting when the password changes (a reset after a compromise forgets the thief's browser).
 */
export const DEVICE_COOKIE = 'canopy_device';
export const DEVICE_MAX_AGE_SECONDS = 365 * 24 * 3600;

const mac = (passwordHash: string, payload: string) => createHmac('sha256', `canopy-device:${passwordHash}`).update(payload).digest('base64url');

export function issueDeviceCookie(userId: string, passwordHash: string, now = Date.now()): string {
  const payload = `${userId}.${Math.floor(now / 1000).toString(36)}`;
  return `${payload}.${mac(passwordHash, payload)}`;
}

/** True when the cookie was issued to this user under their current password and is not too old. */
export function isKnownDevice(cookie: string | undefined, user: { id: string; passwordHash: string | null }, now = Date.now()): boolean {
  if (!cookie || !user.passwordHash) return false;
  const [userId, issued, sig, ...rest] = cookie.split('.');
  if (rest.length > 0 || userId !== user.id || !issued || !sig) return false;
  const age = now / 1000 - parseInt(issued, 36);
  if (!Number.isFinite(age) || age < -60 || age > DEVICE_MAX_AGE_SECONDS) return false;
  return safeEqual(sig, mac(user.passwordHash, `${userId}.${issued}`));
}
