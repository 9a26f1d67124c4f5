import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('has defaults that run Canopy with no configuration', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 3000, databaseUrl: undefined, dataDir: path.resolve('.canopy'), cookieSecure: false });
  });
  it('reports one line per mistake, naming the variable and the value', () => {
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', CANOPY_ADMIN_PASSWORD: 'short' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems;
      expect(problems).toHaveLength(3);
      expect(problems.find((p) => p.startsWith('PORT:'))).toContain('"eighty"');
      expect(problems.find((p) => p.startsWith('DATABASE_URL:'))).toContain('postgres://');
      expect(problems.find((p) => p.startsWith('CANOPY_ADMIN_PASSWORD:'))).toContain('12');
    }
  });
  it('trusts only the reverse proxies it is given, and refuses anything else by name', () => {
    expect(loadConfig({}).trustProxy).toEqual([]);
    expect(loadConfig({ CANOPY_TRUST_PROXY: '10.0.0.0/8, 192.168.1.5,loopback, ::1' }).trustProxy).toEqual(['10.0.0.0/8', '192.168.1.5', 'loopback', '::1']);
    for (const bad of ['true', '*', '10.0.0.0/33', 'proxy.example.com', '10.0.0.0/8,yes']) {
      expect(() => loadConfig({ CANOPY_TRUST_PROXY: bad }), bad).toThrow(/CANOPY_TRUST_PROXY: must be a comma-separated list/);
    }
  });
  it('refuses an ingest group-commit setting that is not 0-16 by name, instead of running with the default', () => {
    for (const bad of ['x', '-1', '17', '1.5']) expect(() => loadConfig({ CANOPY_INGEST_GROUP_COMMIT: bad }), bad).toThrow(/CANOPY_INGEST_GROUP_COMMIT/);
    expect(() => loadConfig({ CANOPY_INGEST_GROUP_COMMIT: '0' })).not.toThrow();
  });

  it('treats empty variables as unset and secures cookies behind an https public URL', () => {
    expect(loadConfig({ DATABASE_URL: '', CANOPY_PUBLIC_URL: 'https://cs.example.com' })).toMatchObject({ databaseUrl: undefined, cookieSecure: true });
  });
  it('reads SMTP and outbound settings, and never prints an SMTP password', () => {
    expect(loadConfig({})).toMatchObject({ smtp: { url: undefined, from: 'Canopy <canopy@localhost>' }, outbound: { timeoutMs: 10_000, allow: [] } });
    const c = loadConfig({
      CANOPY_SMTP_URL: 'smtp://mailer:s3cret@smtp.example.com:587', CANOPY_PUBLIC_URL: 'https://cs.example.com',
      CANOPY_OUTBOUND_TIMEOUT_MS: '5000', CANOPY_OUTBOUND_ALLOW: '10.1.2.3/16, hooks.internal 127.0.0.1',
    });
    expect(c.smtp).toEqual({ url: 'smtp://mailer:s3cret@smtp.example.com:587', from: 'Canopy <canopy@cs.example.com>' });
    expect(c.outbound).toEqual({ timeoutMs: 5000, allow: ['10.1.0.0/16', 'hooks.internal', '127.0.0.1'] });
    try {
      loadConfig({ CANOPY_SMTP_URL: 'http://mailer:s3cret@smtp.example.com', CANOPY_OUTBOUND_ALLOW: 'http://x', CANOPY_OUTBOUND_TIMEOUT_MS: '0' });
      expect.unreachable();
    } catch (err) {
      const problems = (err as ConfigError).problems;
      expect(problems).toHaveLength(3);
      expect(problems.join('\n')).not.toContain('s3cret');
      expect(problems.find((p) => p.startsWith('CANOPY_SMTP_URL:'))).toContain('mailer:***@');
      expect(problems.find((p) => p.startsWith('CANOPY_OUTBOUND_ALLOW:'))).toContain('"http://x"');
    }
  });
});
