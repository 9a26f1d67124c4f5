import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { createTestApp, type TestApp } from '../support/app.js';

/**
 * Resource limits over a real listening server and raw sockets: what a slow or stalled client
 * gets, and how many bodies may arrive at once. The limits are short here (config), the same
 * code paths as the defaults.
 */
const HEADERS_MS = 500;
const REQUEST_MS = 1500;
const MAX_UPLOADS = 4;

let t: TestApp;
let port: number;

beforeAll(async () => {
  t = await createTestApp({
    CANOPY_HEADERS_TIMEOUT_MS: String(HEADERS_MS),
    CANOPY_REQUEST_TIMEOUT_MS: String(REQUEST_MS),
    // Far above the others: what closes the sockets below is the headers or request limit, not idleness.
    CANOPY_IDLE_TIMEOUT_MS: '20000',
    CANOPY_MAX_CONCURRENT_UPLOADS: String(MAX_UPLOADS),
    // Many failed sign-ins below on purpose: their answer must stay 401, not the brute-force 429.
    CANOPY_LOGIN_MAX_FAILURES_PER_ACCOUNT: '1000',
    CANOPY_LOGIN_MAX_FAILURES_PER_IP: '1000',
  });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  port = (t.app.server.address() as AddressInfo).port;
});
afterAll(async () => {
  await t.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Raw = { socket: net.Socket; received: () => string; closed: Promise<number> };

/** A raw TCP client: everything the server sends is kept; `closed` resolves with how long after connecting the server hung up. */
async function connect(): Promise<Raw> {
  const openedAt = Date.now();
  const socket = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let data = '';
  socket.on('data', (c: Buffer) => (data += c.toString('latin1')));
  // A reset from the server is also a hang-up; the test only cares when it happened.
  socket.on('error', () => undefined);
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now() - openedAt)));
  return { socket, received: () => data, closed };
}

const uploadHead = (length: number) =>
  `POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;

/** An upload to a public route that reads its body: headers, the first bytes, then nothing. */
async function stalledUpload(length = 490 * 1024): Promise<Raw> {
  const c = await connect();
  c.socket.write(uploadHead(length));
  c.socket.write('{"email":"');
  return c;
}

describe('connection timeouts', () => {
  it('closes a slow-loris connection that sends its headers byte by byte, with 408', async () => {
    const c = await connect();
    const head = 'GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: ' + 'a'.repeat(10_000);
    let i = 0;
    let open = true;
    void c.closed.then(() => (open = false));
    // One byte every 20 ms: the socket is never idle, but the headers never end.
    while (open && i < head.length) {
      c.socket.write(head[i++] ?? '');
      await sleep(20);
    }
    const took = await c.closed;
    expect(took).toBeGreaterThanOrEqual(HEADERS_MS - 50);
    expect(took).toBeLessThan(HEADERS_MS + 1000);
    expect(c.received()).toMatch(/^HTTP\/1\.1 408/);
    expect(c.received()).toContain(`{"code":"request.timeout"`);
    expect(i).toBeLessThan(head.length);
  });

  it('cuts off a body that stalls after its first bytes, with 408', async () => {
    const c = await stalledUpload(1000);
    const took = await c.closed;
    expect(took).toBeGreaterThanOrEqual(REQUEST_MS - 50);
    expect(took).toBeLessThan(REQUEST_MS + 1000);
    expect(c.received()).toMatch(/^HTTP\/1\.1 408/);
  });

  it('still serves a client that sends its request at a normal pace', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'nobody@example.test', password: 'wrong password here' }) });
    expect(res.status).toBe(401);
  });
});

describe('concurrent uploads', () => {
  it(`answers 503 with Retry-After at once beyond ${MAX_UPLOADS} bodies in flight, without reading the extra body`, async () => {
    const held = await Promise.all(Array.from({ length: MAX_UPLOADS }, () => stalledUpload()));
    // Let the server parse their headers (take their slots) before the next one arrives.
    await sleep(200);

    const extra = await stalledUpload();
    expect(await extra.closed).toBeLessThan(300);
    const reply = extra.received();
    expect(reply).toMatch(/^HTTP\/1\.1 503/);
    expect(reply).toMatch(/\r\nretry-after: 2\r\n/i);
    expect(reply).toMatch(/\r\nconnection: close\r\n/i);
    expect(reply).toContain('"code":"server.busy"');

    // A request without a body takes no slot.
    expect((await fetch(`http://127.0.0.1:${port}/api/health`)).status).toBe(200);
    // The held uploads had not been answered: they were still waiting for their bodies.
    for (const h of held) expect(h.received()).toBe('');

    // The stalled uploads are cut off by the request timeout and give their slots back.
    for (const took of await Promise.all(held.map((h) => h.closed))) expect(took).toBeLessThan(REQUEST_MS + 1000);
    const after = await fetch(`http://127.0.0.1:${port}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":"nobody@example.test","password":"wrong password here"}' });
    expect(after.status).toBe(401);
  });

  it('gives a slot back when the response ends, whether the body was parsed or refused before it was read', async () => {
    const post = (url: string) => fetch(`http://127.0.0.1:${port}${url}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":"nobody@example.test","password":"wrong password here"}' });
    for (let i = 0; i < MAX_UPLOADS * 3; i++) {
      // Parsed, then refused by the handler.
      expect((await post('/api/auth/login')).status).toBe(401);
      // Refused by authentication in onRequest, body never parsed.
      expect((await post('/api/accounts')).status).toBe(401);
    }
  });

  it('holds at most the limit of bodies under a flood: every extra upload is refused and hung up on, every held one is cut off', async () => {
    // 60 clients each announcing 490 KB (the shape of the incident: ~29 MB if all were kept).
    const flood = await Promise.all(Array.from({ length: 60 }, () => stalledUpload()));
    const lifetimes = await Promise.all(flood.map((c) => c.closed));
    const busy = flood.filter((c) => c.received().startsWith('HTTP/1.1 503'));
    const timedOut = flood.filter((c) => c.received().startsWith('HTTP/1.1 408'));
    expect(busy.length + timedOut.length).toBe(flood.length);
    expect(timedOut.length).toBeLessThanOrEqual(MAX_UPLOADS);
    expect(busy.length).toBeGreaterThanOrEqual(flood.length - MAX_UPLOADS);
    // Nobody outlives the request timeout (plus Node's check interval and some slack).
    for (const took of lifetimes) expect(took).toBeLessThan(REQUEST_MS + 1000);
  });
});

describe('configuration', () => {
  it('refuses a headers timeout longer than the request timeout (Node would throw at start)', () => {
    expect(() => loadConfig({ CANOPY_HEADERS_TIMEOUT_MS: '20000', CANOPY_REQUEST_TIMEOUT_MS: '10000' })).toThrow(ConfigError);
    expect(loadConfig({}).http).toEqual({ headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, idleTimeoutMs: 120_000, keepAliveTimeoutMs: 65_000, maxConcurrentUploads: 64 });
  });
});
