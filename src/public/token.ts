import { createHash, randomBytes } from 'node:crypto';

/**
 * The secret in a public link (a shared plan, a survey, a check-in request).
 *
 * A token is 256 random bits in base64url (43 characters). Only its SHA-256 (hex) is stored: the
 * database never holds a working link, and the unique index on the hash is the lookup. A string
 * that cannot be a token is simply not found, without a lookup.
 */

export const TOKEN_BYTES = 32;
/** 32 bytes in base64url without padding. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export const newToken = (): string => randomBytes(TOKEN_BYTES).toString('base64url');

export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/** Whether a string can be a token at all: anything else is simply not found (never a lookup). */
export const isTokenShaped = (s: string): boolean => TOKEN_PATTERN.test(s);
