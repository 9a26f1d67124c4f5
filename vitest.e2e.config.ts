import { defineConfig } from 'vitest/config';

/** Browser journeys: `npx vite build --config web/vite.config.ts && npx vitest run --config vitest.e2e.config.ts`. */
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
