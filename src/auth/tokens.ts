import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A random, URL-safe token of `bytes` bytes of entropy. */
export const randomToken = (bytes = 32): string => randomBytes(bytes).toString('base64url');

/**
 * Session tokens and API keys carry 256 random bits, so a fast hash is enough at rest
 * (no dictionary to attack); argon2 is for human passwords.
 */
export const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
