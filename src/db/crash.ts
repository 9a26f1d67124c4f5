/**
 * Fault injection for tests and the fault harness only (never reachable from a request): a real crash of the embedded engine: a jsonb value nested 10,000 arrays deep overflows the
 * WebAssembly stack in Postgres's jsonb parser ("RuntimeError: memory access out of bounds"), and
 * the engine answers "unreachable" to everything after. Sent as text and cast in SQL, so the depth
 * reaches the parser whatever the JavaScript side would do with it. (A nested JS object sent as a
 * jsonb parameter crashes too, but not always: at 1,000–3,000 levels a migrated or reopened engine
 * sometimes answers "out of memory" (53200) or parses it; 3,000 and 10,000 nested arrays crashed
 * every time we tried: fresh, migrated, in memory, and in a reopened data folder.)
 */
export function crashEngine(q: { query(text: string, values?: unknown[]): Promise<unknown> }): Promise<unknown> {
  const depth = 10_000;
  return q.query('SELECT $1::text::jsonb AS j', ['['.repeat(depth) + ']'.repeat(depth)]);
}
