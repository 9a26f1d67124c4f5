import type { Config } from '../config.js';
import type { Database } from '../db/connect.js';
import { createAccountQueries } from '../accounts/queries.js';
import { createApiKeyQueries } from '../apikeys/queries.js';
import { createAuditQueries } from '../audit/queries.js';
import { createSessionQueries } from '../auth/sessions.js';
import { createLoginThrottle } from '../auth/throttle.js';
import { createContactQueries } from '../contacts/queries.js';
import { createIngestService } from '../ingest/service.js';
import { createTeamQueries } from '../teams/queries.js';
import { createUserQueries } from '../users/queries.js';
import type { JobQueue } from '../jobs/queue.js';
import { createHealthService } from '../health/service.js';

/** Every capability's queries and services over one database, built once per process. */
export function createServices(config: Config, database: Database, jobs: JobQueue | null) {
  const health = createHealthService(database, jobs);
  return {
    health,
    accounts: createAccountQueries(database),
    apiKeys: createApiKeyQueries(database),
    audit: createAuditQueries(database.db),
    contacts: createContactQueries(database),
    ingest: createIngestService(database, jobs, { usageChanged: () => health.scheduleRefresh() }),
    sessions: createSessionQueries(database, { idleMs: config.sessionIdleMs, maxMs: config.sessionMaxMs }),
    teams: createTeamQueries(database),
    throttle: createLoginThrottle(database, config.login),
    users: createUserQueries(database),
    jobs,
  };
}
export type Services = ReturnType<typeof createServices>;
