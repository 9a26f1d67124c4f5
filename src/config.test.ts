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
  it('treats empty variables as unset and secures cookies behind an https public URL', () => {
    expect(loadConfig({ DATABASE_URL: '', CANOPY_PUBLIC_URL: 'https://cs.example.com' })).toMatchObject({ databaseUrl: undefined, cookieSecure: true });
  });
});
