import { loadConfig, type Config } from '../../src/config.js';
import type { Database } from '../../src/db/connect.js';
import { buildApp, type CanopyApp } from '../../src/server/app.js';
import { SYSTEM_ACTOR, type Role, type ApiKeyRole } from '../../src/auth/principal.js';
import { createTestDatabase } from './db.js';

export const TEST_PASSWORD = 'correct horse battery staple';

export type TestApp = {
  app: CanopyApp;
  database: Database;
  config: Config;
  close(): Promise<void>;
  /** Creates a user and signs in: returns headers to send (cookie + CSRF token). */
  signIn(role: Role, opts?: { teamId?: string | null; email?: string }): Promise<SignedIn>;
  restKey(role: ApiKeyRole): Promise<string>;
  writeKey(name?: string): Promise<{ key: string; id: string }>;
};
export type SignedIn = { userId: string; email: string; headers: { cookie: string; 'x-csrf-token': string } };

let counter = 0;
export const unique = (prefix: string) => `${prefix}-${process.pid}-${Date.now().toString(36)}-${++counter}`;

export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const { database, drop } = await createTestDatabase();
  const config = loadConfig({ LOG_LEVEL: 'silent', ...env });
  const app = await buildApp({ config, database, logger: false, webDist: '/nonexistent' });
  await app.ready();
  return {
    app,
    database,
    config,
    async close() {
      await app.close();
      await drop();
    },
    async signIn(role, opts = {}) {
      const email = opts.email ?? `${unique(role)}@example.test`;
      const { user } = await app.services.users.create({ email, name: `Test ${role}`, role, teamId: opts.teamId ?? null, password: TEST_PASSWORD }, SYSTEM_ACTOR);
      const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: TEST_PASSWORD } });
      if (res.statusCode !== 200) throw new Error(`sign-in failed: ${res.statusCode} ${res.body}`);
      const cookie = res.cookies.find((c) => c.name === 'canopy_session');
      if (!cookie) throw new Error('no session cookie');
      return { userId: user.id, email, headers: { cookie: `canopy_session=${cookie.value}`, 'x-csrf-token': (res.json() as { csrfToken: string }).csrfToken } };
    },
    async restKey(role) {
      return (await app.services.apiKeys.create({ name: unique('rest'), kind: 'rest', role }, SYSTEM_ACTOR)).key;
    },
    async writeKey(name = unique('write')) {
      const { key, apiKey } = await app.services.apiKeys.create({ name, kind: 'write' }, SYSTEM_ACTOR);
      return { key, id: apiKey.id };
    },
  };
}

export const basic = (writeKey: string) => `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
