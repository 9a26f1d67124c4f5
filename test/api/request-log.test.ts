import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger, redactUrl } from '../../src/logger.js';
import { buildApp, type CanopyApp } from '../../src/server/app.js';
import { createTestDatabase } from '../support/db.js';

/**
 * Issue 9 §8: a request is not an info line (7,000 of them in 45 minutes); at debug it is one line
 * with method, path, status and time, and never a credential: no cookie, no authorization header,
 * no secret query value.
 */
type Db = Awaited<ReturnType<typeof createTestDatabase>>;
let db: Db;
const apps: CanopyApp[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  for (const a of apps) await a.close();
  await db.drop();
});

async function appLoggingAt(level: 'info' | 'debug', opts: { pretty?: boolean } = {}) {
  const lines: string[] = [];
  const config = loadConfig({ LOG_LEVEL: level });
  const destination = new Writable({ write(chunk: Buffer, _enc, done) { lines.push(...String(chunk).split('\n').filter(Boolean)); done(); } });
  const logger = createLogger(config, { destination, ...opts });
  const app = await buildApp({ config, database: db.database, logger, webDist: '/nonexistent' });
  await app.ready();
  apps.push(app);
  return { app, lines };
}

const SECRET_COOKIE = 'canopy_session=s3cr3t-session-value';
const SECRET_BEARER = 'Bearer ck_live_s3cr3t';
const request = (app: CanopyApp) =>
  app.inject({ method: 'GET', url: '/api/auth/me?token=s3cr3t-reset-token&view=full', headers: { cookie: SECRET_COOKIE, authorization: SECRET_BEARER } });

describe('request logs', () => {
  it('are not written at info', async () => {
    const { app, lines } = await appLoggingAt('info');
    expect((await request(app)).statusCode).toBe(401);
    expect(lines.filter((l) => l.includes('/api/auth/me'))).toEqual([]);
  });

  it('are one JSON line at debug, with method, path, status and time, and no credential', async () => {
    const { app, lines } = await appLoggingAt('debug');
    await request(app);
    const ours = lines.filter((l) => l.includes('/api/auth/me')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(ours).toHaveLength(1);
    expect(ours[0]).toMatchObject({ level: 20, msg: 'request', method: 'GET', url: '/api/auth/me?token=[redacted]&view=full', status: 401 });
    expect(typeof ours[0]?.ms).toBe('number');
    const all = lines.join('\n');
    for (const secret of ['s3cr3t-session-value', 'ck_live_s3cr3t', 's3cr3t-reset-token']) expect(all).not.toContain(secret);
  });

  it('are a readable line, not JSON, when the output is a terminal', async () => {
    const { app, lines } = await appLoggingAt('debug', { pretty: true });
    await request(app);
    const ours = lines.filter((l) => l.includes('/api/auth/me'));
    expect(ours.length).toBeGreaterThan(0);
    expect(() => JSON.parse(ours[0] ?? '')).toThrow();
    expect(ours.join('')).toMatch(/DEBUG.*request/);
    expect(lines.join('\n')).not.toContain('s3cr3t');
  });
});

describe('redactUrl', () => {
  it('hides the values of secret-looking query parameters and keeps the rest', () => {
    expect(redactUrl('/api/accounts')).toBe('/api/accounts');
    expect(redactUrl('/reset?token=abc&x=1')).toBe('/reset?token=[redacted]&x=1');
    expect(redactUrl('/v1/x?writeKey=abc&apiKey=d&q=acme')).toBe('/v1/x?writeKey=[redacted]&apiKey=[redacted]&q=acme');
  });
});
