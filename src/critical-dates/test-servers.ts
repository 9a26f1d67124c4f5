import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import { generate } from 'selfsigned';

/**
 * Local servers for the critical-date tests (not a test file itself): TLS servers presenting
 * generated self-signed certificates, a server that accepts and never answers, and an RDAP server
 * with its own bootstrap file. Everything listens on 127.0.0.1; nothing leaves the machine.
 */

export type Running = { port: number; close(): Promise<void> };
const DAY = 86_400_000;

const closeServer = (s: net.Server, sockets: Set<net.Socket>) => () => new Promise<void>((resolve) => {
  for (const c of sockets) c.destroy();
  s.close(() => resolve());
});

function track(s: net.Server): Set<net.Socket> {
  const sockets = new Set<net.Socket>();
  s.on('connection', (c: net.Socket) => { sockets.add(c); c.on('close', () => sockets.delete(c)); });
  return sockets;
}

async function listen(s: net.Server): Promise<number> {
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return (s.address() as net.AddressInfo).port;
}

/**
 * A TLS server whose certificate (CN and DNS name `cn`) is valid from `notBefore` to `notAfter`. With
 * `forLoopback` (the default) it also names IP 127.0.0.1, so a check of 127.0.0.1:<port> matches it;
 * without, it is a certificate for another host.
 */
export async function startTls(cn: string, notBefore: Date, notAfter: Date, forLoopback = true): Promise<Running & { notAfter: Date }> {
  const altNames = [{ type: 2 as const, value: cn }, ...(forLoopback ? [{ type: 7 as const, ip: '127.0.0.1' }] : [])];
  const pems = await generate([{ name: 'commonName', value: cn }], {
    notBeforeDate: notBefore, notAfterDate: notAfter, keySize: 2048, algorithm: 'sha256', extensions: [{ name: 'subjectAltName', altNames }],
  });
  const server = tls.createServer({ key: pems.private, cert: pems.cert }, (socket) => socket.end());
  server.on('tlsClientError', () => undefined);
  const sockets = track(server);
  return { port: await listen(server), close: closeServer(server, sockets), notAfter };
}

/** Certificates for 127.0.0.1: expired ten days ago, expiring in ten days, valid for a year; and `other`, valid for a year but only for other.example. */
export async function startTlsTrio(now = new Date()) {
  const at = (d: number) => new Date(Math.floor((now.getTime() + d * DAY) / 1000) * 1000);
  const [expired, soon, year, other] = await Promise.all([
    startTls('expired.example', at(-400), at(-10)),
    startTls('soon.example', at(-80), at(10)),
    startTls('year.example', at(-1), at(365)),
    startTls('other.example', at(-1), at(200), false),
  ]);
  return { expired, soon, year, other, close: async () => { await Promise.all([expired.close(), soon.close(), year.close(), other.close()]); } };
}

/** Accepts connections and never says a word. */
export async function startSilent(): Promise<Running> {
  const server = net.createServer(() => undefined);
  const sockets = track(server);
  return { port: await listen(server), close: closeServer(server, sockets) };
}

export type RdapDomains = Record<string, { status?: number; body?: string; json?: unknown; hang?: boolean }>;

/** An RDAP domain object as registries send it. */
export const rdapDomain = (name: string, expiration: string, registrar = 'Example Registrar, Inc.') => ({
  objectClassName: 'domain', ldhName: name.toUpperCase(), status: ['client transfer prohibited'],
  events: [
    { eventAction: 'registration', eventDate: '2015-03-01T10:00:00Z' },
    { eventAction: 'expiration', eventDate: expiration },
    { eventAction: 'last changed', eventDate: '2026-01-10T08:00:00Z' },
  ],
  entities: [{ objectClassName: 'entity', roles: ['registrar'], vcardArray: ['vcard', [['version', {}, 'text', '4.0'], ['fn', {}, 'text', registrar]]] }],
});

/**
 * An RDAP server: GET /dns.json is an IANA-format bootstrap naming this server for the TLDs given,
 * GET /rdap/domain/<name> answers from `domains` (404 when unknown). `requests` counts each path.
 */
export async function startRdap(tlds: string[], domains: RdapDomains) {
  const requests = new Map<string, number>();
  let port = 0;
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    requests.set(url, (requests.get(url) ?? 0) + 1);
    if (url === '/dns.json') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ version: '1.0', publication: '2026-11-01T00:00:00Z', services: [[tlds, [`http://127.0.0.1:${port}/rdap/`]]] }));
      return;
    }
    const name = /^\/rdap\/domain\/([^/?]+)$/.exec(url)?.[1];
    const d = name ? domains[decodeURIComponent(name)] : undefined;
    if (!d) {
      res.statusCode = 404;
      res.setHeader('content-type', 'application/rdap+json');
      res.end(JSON.stringify({ errorCode: 404, title: 'Not Found' }));
      return;
    }
    if (d.hang) return;
    res.statusCode = d.status ?? 200;
    res.setHeader('content-type', 'application/rdap+json');
    res.end(d.body ?? JSON.stringify(d.json));
  });
  const sockets = track(server);
  port = await listen(server);
  return { port, requests, bootstrapUrl: `http://127.0.0.1:${port}/dns.json`, close: closeServer(server, sockets) };
}
