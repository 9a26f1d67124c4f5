// Portfolio list latency on a 10k-account book: keyset pages for each sort and common filters,
// on PGlite and on PostgreSQL (BENCH_PG_URL, default the local `test` database; its public schema is reset).
import { connect } from '../../src/db/connect.js';
import { migrate } from '../../src/db/migrate.js';
import { listAccounts } from '../../src/accounts/list.js';
import { accountListQuery } from '../../src/accounts/schema.js';

const N = Number(process.env.BENCH_ACCOUNTS ?? 10_000);
const engines = (process.env.BENCH_ENGINES ?? 'pglite,postgres').split(',');
const pgUrl = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

for (const engine of engines) {
  const d = await connect({ databaseUrl: engine === 'postgres' ? pgUrl : undefined });
  if (engine === 'postgres') await d.query('DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public; DROP SCHEMA IF EXISTS pgboss CASCADE;');
  await migrate(d);
  const rows: unknown[][] = [];
  for (let i = 0; i < N; i++) {
    rows.push([crypto.randomUUID(), `Account ${i}`, ['SMB', 'Mid-Market', 'Enterprise'][i % 3], ['onboarding', 'adoption', 'renewal'][i % 3],
      (i * 37) % 500_000, i % 11 === 0 ? null : `2027-${String((i % 12) + 1).padStart(2, '0')}-10`]);
  }
  await d.copyRows('accounts', ['id', 'name', 'segment', 'stage', 'arr', 'renewal_date'], rows);
  const usage: unknown[][] = [];
  for (const r of rows) for (let k = 0; k < 30; k++) usage.push([r[0], 'Logged In', new Date(Date.now() - k * 86_400_000).toISOString().slice(0, 10), k + 1, 1]);
  await d.copyRows('usage_daily', ['account_id', 'event', 'day', 'count', 'users'], usage);
  await d.query('ANALYZE');
  for (const q of ['sort=name', 'sort=-arr', 'sort=renewalDate', 'sort=-lastActivityAt', 'segment=SMB&sort=-arr', 'search=Account 99', 'stage=renewal']) {
    const parsed = accountListQuery.parse(Object.fromEntries(new URLSearchParams(q)));
    const times: number[] = [];
    let cursor: string | undefined;
    for (let p = 0; p < 11; p++) {
      const t0 = performance.now();
      const page = await listAccounts(d, { ...parsed, ...(cursor ? { cursor } : {}) }, { userId: null });
      if (p > 0) times.push(performance.now() - t0); // the first page warms caches
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)];
    console.log(`${engine} ${N} accounts, ${q.padEnd(24)} page of 50: median ${median?.toFixed(1) ?? '-'} ms, max ${times.at(-1)?.toFixed(1) ?? '-'} ms (${times.length} pages)`);
  }
  await d.close();
}
