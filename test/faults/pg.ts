import pg from 'pg';

/**
 * A throw-away database on the local PostgreSQL server (trust auth, user postgres), named after
 * this process so that parallel runs never share one, and dropped at the end even when canopy
 * processes still hold connections (WITH (FORCE)).
 */
export const PG_BASE = process.env.FAULTS_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export type Scratch = { name: string; url: string; drop(): Promise<void> };

export async function createScratchDatabase(tag: string): Promise<Scratch> {
  const name = `canopy_faults_${process.pid}_${tag}`;
  await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = new URL(PG_BASE);
  url.pathname = `/${name}`;
  return { name, url: url.toString(), drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).then(() => undefined) };
}

async function adminQuery(sql: string, values: unknown[] = []) {
  const c = new pg.Client({ connectionString: PG_BASE });
  await c.connect();
  try {
    return await c.query(sql, values);
  } finally {
    await c.end();
  }
}

/** One query on its own short-lived connection (the harness must not hold sessions a fault would cut). */
export async function query<T extends pg.QueryResultRow>(url: string, sql: string, values: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(sql, values)).rows;
  } finally {
    await c.end();
  }
}

/** Terminates every other session on the database (Canopy's pools and pg-boss's); returns how many. */
export async function terminateBackends(dbName: string): Promise<number> {
  const r = await adminQuery('SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [dbName]);
  return (r.rows[0] as { n: number } | undefined)?.n ?? 0;
}
