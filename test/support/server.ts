import { loadConfig } from '../../src/config.js';
import { connect, type Database } from '../../src/db/connect.js';
import { migrate } from '../../src/db/migrate.js';
import { buildApp } from '../../src/server/app.js';
import { bootstrapAdmin } from '../../src/users/bootstrap.js';
import { seedDemo } from '../../src/demo/seed.js';
import { createHealthService } from '../../src/health/service.js';

/**
 * A real Canopy server for browser tests: in-memory PGlite, migrated, the first admin from known
 * credentials, optionally a small demo book, the built web app, on a random loopback port.
 */
export async function startTestServer(opts: {
  demo?: boolean;
  /** Runs on the migrated database after the admin exists, before the server starts: bulk rows by SQL. */
  seed?: (database: Database) => Promise<void>;
} = {}): Promise<{ url: string; adminEmail: string; adminPassword: string; database: Database; close(): Promise<void> }> {
  const adminEmail = 'admin@canopy.test';
  const adminPassword = 'e2e-password-long-enough';
  const config = loadConfig({ LOG_LEVEL: 'silent', CANOPY_ADMIN_EMAIL: adminEmail, CANOPY_ADMIN_PASSWORD: adminPassword });
  const database = await connect({});
  await migrate(database);
  await bootstrapAdmin(database, config);
  if (opts.demo) {
    await seedDemo(database, { accounts: 60, days: 60 });
    await createHealthService(database, null).startRecompute('test');
  }
  if (opts.seed) await opts.seed(database);
  const app = await buildApp({ config, database, logger: false });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url: address,
    adminEmail,
    adminPassword,
    /** The server's own database: what no API shows (a queued e-mail's personal link) and bulk rows mid-journey. */
    database,
    async close() {
      await app.close();
      await database.close();
    },
  };
}
