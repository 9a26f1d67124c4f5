import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { bootstrapAdmin } from '../../src/users/bootstrap.js';
import { createTestDatabase } from '../support/db.js';

describe('first admin', () => {
  it('two processes starting together on a new database create one admin, and neither fails', async () => {
    const { database, drop } = await createTestDatabase();
    try {
      const config = loadConfig({ LOG_LEVEL: 'silent' });
      const results = await Promise.all([bootstrapAdmin(database, config), bootstrapAdmin(database, config), bootstrapAdmin(database, config)]);
      expect(results.filter((r) => r !== null)).toHaveLength(1);
      const { rows } = await database.query<{ n: number }>("SELECT count(*)::int AS n FROM users WHERE role = 'admin'");
      expect(rows[0]?.n).toBe(1);
      expect(await bootstrapAdmin(database, config)).toBeNull();
    } finally {
      await drop();
    }
  });
});
