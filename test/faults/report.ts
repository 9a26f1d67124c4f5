import type { IngestStats } from './ingest-load.js';
import type { CanopyProcess } from './proc.js';

/** What a scenario measured and which invariants it found broken. */
export type Report = {
  scenario: string;
  figures: Record<string, number | string>;
  violations: string[];
  notes: string[];
  seconds: number;
};

export function newReport(scenario: string): Report {
  return { scenario, figures: {}, violations: [], notes: [], seconds: 0 };
}

/**
 * Holds the events table to what the clients saw: every acknowledged messageId stored, none
 * stored twice, nothing stored that was never sent, no 500 (a database that went away is a 503),
 * and no batch left unacknowledged. `stored` is (message_id, row count) for this scenario's prefix.
 */
export function checkIngest(report: Report, stats: IngestStats, stored: { message_id: string; n: number }[]) {
  const storedIds = new Map(stored.map((r) => [r.message_id, r.n]));
  const missing = [...stats.ackedIds].filter((id) => !storedIds.has(id));
  const dupes = stored.filter((r) => r.n > 1);
  const unsent = stored.filter((r) => !stats.sentIds.has(r.message_id));
  const storedRejected = stored.filter((r) => stats.rejectedIds.has(r.message_id));
  const abandonedIds = stats.abandoned.reduce((n, a) => n + a.ids.length, 0);
  Object.assign(report.figures, {
    requests: stats.requests,
    batches: stats.batches,
    'answered 200': stats.ok,
    'answered 503': stats.status503,
    'answered 500': stats.status500,
    'other statuses': [...stats.otherStatus].map(([s, n]) => `${s}×${n}`).join(' ') || 0,
    'connection errors': stats.connErrors,
    timeouts: stats.timeouts,
    'messageIds sent': stats.sentIds.size,
    acknowledged: stats.ackedIds.size,
    'rejected in a 200': stats.rejectedIds.size,
    stored: storedIds.size,
    'stored twice or more': dupes.length,
    'acknowledged but missing': missing.length,
  });
  if (missing.length) report.violations.push(`${missing.length} acknowledged messageIds are not stored (e.g. ${missing.slice(0, 3).join(', ')})`);
  if (dupes.length) report.violations.push(`${dupes.length} messageIds are stored more than once (e.g. ${dupes.slice(0, 3).map((d) => `${d.message_id}×${d.n}`).join(', ')})`);
  if (storedRejected.length) report.violations.push(`${storedRejected.length} events answered as rejected were stored anyway (e.g. ${storedRejected[0]?.message_id})`);
  if (unsent.length) report.violations.push(`${unsent.length} stored messageIds were never sent (e.g. ${unsent[0]?.message_id})`);
  if (stats.rejectedIds.size) report.violations.push(`${stats.rejectedIds.size} valid events were rejected in 200 answers: ${stats.samples.filter((x) => x.startsWith('200')).slice(0, 1).join('')}`);
  if (stats.status500) report.violations.push(`${stats.status500} answers were 500 (a database fault must answer 503): ${stats.samples.filter((s) => s.startsWith('500')).slice(0, 2).join(' | ')}`);
  if (stats.otherStatus.size) report.violations.push(`unexpected statuses ${report.figures['other statuses']}: ${stats.samples.filter((s) => !/^(500|200) /.test(s)).slice(0, 2).join(' | ')}`);
  if (abandonedIds) report.violations.push(`${stats.abandoned.length} batches (${abandonedIds} messages) were never acknowledged: ${[...new Set(stats.abandoned.map((a) => a.reason))].join('; ')}`);
  if (stats.ackedIds.size === 0) report.violations.push('no batch was acknowledged at all: the scenario measured nothing');
}

/** A process that died without the harness killing it is a violation; its last error lines go in the report. */
export function checkProcesses(report: Report, procs: CanopyProcess[]) {
  for (const p of procs) {
    report.figures[`${p.name} kill -9 / starts`] = `${p.kills} / ${p.starts}`;
    if (p.unexpectedExits) {
      report.violations.push(`${p.name} exited ${p.unexpectedExits}× on its own while serving (log ${p.logFile}):\n      ${p.exitNotes.join('\n      ')}`);
    }
  }
}

export function printReport(r: Report) {
  const status = r.violations.length ? `FAILED (${r.violations.length} violation${r.violations.length === 1 ? '' : 's'})` : 'ok';
  console.log(`\n=== ${r.scenario}: ${status} in ${r.seconds.toFixed(0)} s`);
  for (const [k, v] of Object.entries(r.figures)) console.log(`  ${k.padEnd(34)} ${v}`);
  for (const n of r.notes) console.log(`  note: ${n}`);
  for (const v of r.violations) console.log(`  VIOLATION: ${v}`);
}
