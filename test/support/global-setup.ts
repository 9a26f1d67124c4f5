import { ensureTemplate, templatesEnabled } from './pglite-template.js';

/** Builds the migrated PGlite template once, before the test files start (they would race to build it). */
export default async function setup(): Promise<void> {
  if (!process.env.TEST_DATABASE_URL && templatesEnabled()) await ensureTemplate();
}
