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

/**
 * Public links in text people read: every `/s/<token>`, `/c/<token>` and `/shared/plans/<token>`
 * segment (a run of 43 or more token characters, so a token glued to more text is caught too)
 * becomes `/s/[personal link]`; what follows it (`?score=9`, `/confirm`) stays and is harmless.
 *
 * A customer e-mail holds its recipient's links until it leaves: every API that shows a customer
 * e-mail applies this, and the outbox redacts the stored body in the statement that marks it sent,
 * failed or cancelled (`REDACT_PUBLIC_LINKS_SQL`, the same pattern in PostgreSQL's regex syntax).
 */
export const REDACTED_LINK = '[personal link]';
const LINK_SOURCE = '/(s|c|shared/plans)/[A-Za-z0-9_-]{43,}';
const LINK_RE = new RegExp(LINK_SOURCE.replaceAll('/', '\\/'), 'g');
const REDACTED_RE = /\/(?:s|c|shared\/plans)\/\[personal link\]/;

export const redactPublicLinks = (text: string): string => text.replace(LINK_RE, (_m, kind: string) => `/${kind}/${REDACTED_LINK}`);

/** Whether a text had its public links redacted (a message that can no longer be sent as it was). */
export const hasRedactedLinks = (text: string): boolean => REDACTED_RE.test(text);

/** The same redaction as SQL over a column expression (a constant pattern; no input reaches it). */
export const redactPublicLinksSql = (expr: string): string => `regexp_replace(${expr}, '${LINK_SOURCE}', '/\\1/${REDACTED_LINK}', 'g')`;
