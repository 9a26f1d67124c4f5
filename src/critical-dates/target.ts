import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';

/**
 * What a domain or TLS critical date points at, parsed and normalised. Pure: no I/O.
 *
 * - domain: a registered domain name (`example.com`), no port, never an IP address.
 * - tls: a host name, or `host:port` (port 1–65535, default 443); an IP literal (`203.0.113.7`,
 *   `[2001:db8::1]:8443`) is accepted here and then judged by the outbound rules (src/outbound).
 * A URL (scheme, path, query, user info) is refused with a message saying what to type instead:
 * never trimmed into something else.
 */
export type Target = { host: string; port: number; isIp: boolean; text: string };

const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?$/;
const TLD = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

function hostProblem(ascii: string): string | null {
  if (ascii.length > 253) return 'At most 253 characters';
  const labels = ascii.split('.');
  if (labels.length < 2) return 'Enter a full host name such as example.com';
  if (!labels.every((l) => LABEL.test(l))) return 'Enter a host name such as example.com (letters, digits and hyphens between dots)';
  if (!TLD.test(labels[labels.length - 1] ?? '')) return 'The last part of the name (the top-level domain) must be letters, such as .com';
  return null;
}

/** The target parsed, or why it is refused (in words for a person). */
export function parseTarget(kind: 'domain' | 'tls', raw: string): { ok: true; target: Target } | { ok: false; problem: string } {
  const s = raw.trim().toLowerCase().replace(/\.$/, '');
  if (s === '') return { ok: false, problem: 'Enter a host name such as example.com' };
  if (/^[a-z][a-z0-9+.-]*:\/\//.test(s)) return { ok: false, problem: 'Leave out the https:// part: enter just the host name, such as example.com' };
  if (s.includes('@')) return { ok: false, problem: 'Enter a host name, without a user name and @' };
  if (/[/?#\\]/.test(s)) return { ok: false, problem: 'Leave out the path: enter just the host name, such as example.com' };
  if (/\s/.test(s)) return { ok: false, problem: 'A host name has no spaces' };

  let host = s;
  let port = 443;
  let portText: string | null = null;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (bracketed) {
    host = bracketed[1] ?? '';
    portText = bracketed[2] ?? null;
    if (isIP(host) !== 6) return { ok: false, problem: 'Only an IPv6 address goes in brackets' };
  } else if (isIP(s) === 6) {
    host = s;
  } else if (s.includes(':')) {
    const i = s.lastIndexOf(':');
    host = s.slice(0, i);
    portText = s.slice(i + 1);
  }
  if (portText !== null) {
    if (kind === 'domain') return { ok: false, problem: 'A domain has no port: enter just the name, such as example.com' };
    if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) return { ok: false, problem: 'The port must be a number from 1 to 65535' };
    port = Number(portText);
  }

  const ip = isIP(host);
  if (ip) {
    if (kind === 'domain') return { ok: false, problem: 'A domain is a name such as example.com, not an IP address' };
    const text = ip === 6 ? `[${host}]${port === 443 ? '' : `:${port}`}` : `${host}${port === 443 ? '' : `:${port}`}`;
    return { ok: true, target: { host, port, isIp: true, text } };
  }
  if (/^[\d.]+$/.test(host)) return { ok: false, problem: 'Not a valid IP address or host name' };
  const ascii = domainToASCII(host);
  if (!ascii) return { ok: false, problem: 'Enter a host name such as example.com' };
  const problem = hostProblem(ascii);
  if (problem) return { ok: false, problem };
  return { ok: true, target: { host: ascii, port, isIp: false, text: port === 443 ? ascii : `${ascii}:${port}` } };
}

/** The top-level domain of a (valid, ASCII) domain name: where RDAP's bootstrap looks. */
export const tldOf = (domain: string): string => domain.slice(domain.lastIndexOf('.') + 1);
