import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { AppError } from '../http/errors.js';

/**
 * Which addresses an outbound request (webhook, Slack) may reach. Pure: no I/O.
 *
 * Only public unicast addresses pass. Everything else is refused with a stable reason, unless the
 * allow-list names the host or a range holding the address. IPv4-mapped IPv6 (::ffff:a.b.c.d) is
 * unwrapped and judged as IPv4; other IPv6 forms that embed IPv4 (NAT64, 6to4, Teredo,
 * IPv4-compatible ::a.b.c.d) are refused outright. Numeric IPv4 forms (2130706433, 0x7f000001,
 * 0177.0.0.1, 127.1) reach us already normalised by the WHATWG URL parser.
 */
export const REFUSAL_REASONS = [
  'invalid_url', 'scheme', 'userinfo', 'loopback', 'private', 'link_local', 'cgnat', 'unspecified',
  'broadcast', 'multicast', 'reserved', 'unique_local', 'not_resolved',
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

const REASON_TEXT: Record<RefusalReason, string> = {
  invalid_url: 'not a valid URL',
  scheme: 'only http and https are allowed',
  userinfo: 'a user name or password in the URL is not allowed',
  loopback: 'loopback address',
  private: 'private network address',
  link_local: 'link-local address (includes cloud metadata)',
  cgnat: 'carrier-grade NAT address',
  unspecified: 'unspecified address',
  broadcast: 'broadcast address',
  multicast: 'multicast address',
  reserved: 'reserved or special-purpose address',
  unique_local: 'IPv6 unique-local address',
  not_resolved: 'the host name does not resolve',
};

/** A refused outbound request. As an AppError it answers 400 `outbound.refused` when a route throws it. */
export class OutboundRefusedError extends AppError {
  constructor(
    readonly reason: RefusalReason,
    readonly target: string,
    path?: string,
  ) {
    const text = `Outbound request to ${target} refused: ${REASON_TEXT[reason]} (${reason}).`;
    super('outbound.refused', text, path ? [{ path, message: `${REASON_TEXT[reason]} (${reason})` }] : undefined);
  }
}

const IPV4_REASON: Record<string, RefusalReason> = {
  unspecified: 'unspecified', broadcast: 'broadcast', multicast: 'multicast', linkLocal: 'link_local',
  loopback: 'loopback', carrierGradeNat: 'cgnat', private: 'private',
};
const IPV6_REASON: Record<string, RefusalReason> = {
  unspecified: 'unspecified', linkLocal: 'link_local', multicast: 'multicast', loopback: 'loopback', uniqueLocal: 'unique_local',
};
/** ::/8 is reserved by IANA; ipaddr.js calls IPv4-compatible addresses (::7f00:1) "unicast". */
const IPV6_RESERVED_LOW = ipaddr.parseCIDR('::/8');

/** null when the address is public unicast; otherwise why it is refused. */
export function classifyAddress(address: string): RefusalReason | null {
  const plain = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (!isIP(plain)) return 'reserved';
  const parsed = ipaddr.parse(plain);
  if (parsed.kind() === 'ipv4') {
    const range = parsed.range();
    return range === 'unicast' ? null : (IPV4_REASON[range] ?? 'reserved');
  }
  const v6 = parsed as ipaddr.IPv6;
  const range = v6.range();
  if (range === 'ipv4Mapped') return classifyAddress(v6.toIPv4Address().toString());
  if (range !== 'unicast') return IPV6_REASON[range] ?? 'reserved';
  return v6.match(IPV6_RESERVED_LOW) ? 'reserved' : null;
}

export type AllowEntry = { kind: 'host'; host: string } | { kind: 'range'; range: [ipaddr.IPv4 | ipaddr.IPv6, number] };

const HOSTNAME = /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?)*$/;

/** Normalises an allow-list entry (host name, IP or CIDR); null when it is none of them. */
export function parseAllowEntry(raw: string): { entry: string; parsed: AllowEntry } | null {
  const s = raw.trim().toLowerCase().replace(/\.$/, '');
  if (s.includes('/')) {
    const [base = '', bits = ''] = s.split('/');
    if (!isIP(base) || !/^\d{1,3}$/.test(bits)) return null;
    try {
      const [addr, prefix] = ipaddr.parseCIDR(s);
      const network = addr.kind() === 'ipv4' ? ipaddr.IPv4.networkAddressFromCIDR(s) : ipaddr.IPv6.networkAddressFromCIDR(s);
      return { entry: `${network.toString()}/${prefix}`, parsed: { kind: 'range', range: [network, prefix] } };
    } catch {
      return null;
    }
  }
  const bare = s.replace(/^\[|\]$/g, '');
  if (isIP(bare)) {
    const addr = ipaddr.parse(bare);
    return { entry: addr.toString(), parsed: { kind: 'range', range: [addr, addr.kind() === 'ipv4' ? 32 : 128] } };
  }
  return HOSTNAME.test(s) && !/^[\d.]+$/.test(s) ? { entry: s, parsed: { kind: 'host', host: s } } : null;
}

/** The admin allow-list plus CANOPY_OUTBOUND_ALLOW, compiled. */
export class AllowList {
  private readonly hosts = new Set<string>();
  private readonly ranges: [ipaddr.IPv4 | ipaddr.IPv6, number][] = [];

  constructor(entries: Iterable<string> = []) {
    for (const e of entries) {
      const p = parseAllowEntry(e);
      if (!p) continue;
      if (p.parsed.kind === 'host') this.hosts.add(p.parsed.host);
      else this.ranges.push(p.parsed.range);
    }
  }

  static readonly empty = new AllowList();

  allowsHost(host: string): boolean {
    return this.hosts.has(host.toLowerCase().replace(/\.$/, ''));
  }

  allowsAddress(address: string): boolean {
    const plain = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
    if (!isIP(plain)) return false;
    let addr = ipaddr.parse(plain);
    if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) addr = (addr as ipaddr.IPv6).toIPv4Address();
    return this.ranges.some(([base, bits]) => base.kind() === addr.kind() && addr.match([base, bits]));
  }
}

/** null when the resolved address may be reached; the reason otherwise. */
export function checkAddress(address: string, allow: AllowList): RefusalReason | null {
  if (allow.allowsAddress(address)) return null;
  return classifyAddress(address);
}

/**
 * Checks what can be checked without DNS: a valid http(s) URL, no user info, and, when the host is
 * an IP literal, the address. Returns the parsed URL and its bare host; throws OutboundRefusedError.
 */
export function checkUrl(raw: string, allow: AllowList, path?: string): { url: URL; host: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OutboundRefusedError('invalid_url', 'the URL', path);
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new OutboundRefusedError('scheme', url.protocol, path);
  if (url.username || url.password) throw new OutboundRefusedError('userinfo', host, path);
  if (allow.allowsHost(host)) return { url, host };
  if (isIP(host)) {
    const reason = checkAddress(host, allow);
    if (reason) throw new OutboundRefusedError(reason, host, path);
  }
  return { url, host };
}

/**
 * The check made when an admin saves a URL (a webhook, a Slack incoming webhook): checkUrl, plus
 * names that always mean this machine. DNS is checked again at every send.
 */
export function checkUrlAtSave(raw: string, allow: AllowList, path: string): URL {
  const { url, host } = checkUrl(raw, allow, path);
  const name = host.toLowerCase().replace(/\.$/, '');
  if (!allow.allowsHost(name) && (name === 'localhost' || name.endsWith('.localhost'))) throw new OutboundRefusedError('loopback', name, path);
  return url;
}
