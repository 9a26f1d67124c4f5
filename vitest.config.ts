import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // *.pg.test.ts need concurrent sessions (lock order, blocking): PostgreSQL only, in `npm run test:pg`.
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'web/src/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**', ...(process.env.TEST_DATABASE_URL ? [] : ['**/*.pg.test.ts'])],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One migrated PGlite template per run (test/support/pglite-template.ts); each file opens a copy.
    globalSetup: ['test/support/global-setup.ts'],
  },
});
