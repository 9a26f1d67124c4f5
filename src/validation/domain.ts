/**
 * Is this a domain name such as `acme.com`? Used by the account schema (API and web form alike)
 * and by the account page, which renders a domain as a link only when it passes.
 *
 * Strict on purpose, and never a silent reinterpretation: `https://acme.com/` is refused with a
 * message that says to leave the scheme out, not quietly trimmed. Rules: at most 253 characters;
 * two or more dot-separated labels of 1–63 letters, digits or hyphens, no hyphen at either end of
 * a label; the last label (the top-level domain) letters only, or a punycode `xn--` label. Letters
 * may be any script (`münchen.de`), so internationalised names need not be typed as punycode.
 * Case does not matter (the schema stores it in lower case).
 */

export const DOMAIN_MESSAGE = 'Enter a domain such as acme.com';

const LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u;
const TLD = /^(?:\p{L}{2,63}|xn--[a-z0-9-]{1,59})$/iu;

/** Why `value` is not a domain name, in words for a person, or null when it is one. */
export function domainProblem(value: string): string | null {
  const s = value.trim();
  if (s === '') return DOMAIN_MESSAGE;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) return 'Leave out the http:// or https:// part: enter just the domain, such as acme.com';
  if (s.includes('@')) return 'Enter the domain only, without a name and @ (acme.com rather than ada@acme.com)';
  if (/[/?#]/.test(s)) return 'Leave out the path after the domain: enter just the domain, such as acme.com';
  if (s.length > 253) return 'At most 253 characters';
  const labels = s.split('.');
  if (labels.length < 2) return DOMAIN_MESSAGE;
  const tld = labels[labels.length - 1] ?? '';
  if (!labels.every((l) => LABEL.test(l)) || !TLD.test(tld)) return DOMAIN_MESSAGE;
  return null;
}

export const isDomain = (value: string): boolean => domainProblem(value) === null;
