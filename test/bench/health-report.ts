// The health benchmark's printed report: per engine, then the target lines.
import type { Engine } from './harness.js';
import { quantile, slope } from './harness.js';
import type { Book } from './health-book.js';
import type { FreshnessResult, Probe } from './health-freshness.js';
import { BATCH, DURATION_S, median, mib, PROBE_TIMEOUT_S, RATE, REPEATS, s1, WARMUP_S } from './health-options.js';
import { cpuText, type RecomputeResult, type RecomputeRun } from './health-recompute.js';
import type { ChunkTiming } from './health-timing.js';

export type EngineResult = { engine: Engine; book: Book; recompute: RecomputeResult; freshness: FreshnessResult | null; peakRss: number };

// ---------------------------------------------------------------------------------------------
// Report

export function phaseLine(run: RecomputeRun): string {
  const sum = (k: keyof ChunkTiming) => run.chunks.reduce((a, c) => a + c[k], 0);
  const total = run.ms;
  const parts: [string, number][] = [
    ['measure (SQL)', sum('measure')], ['JS: rows -> scores -> explanations -> JSON', sum('jsMs')], ['save (SQL)', sum('save')],
    ['BEGIN/COMMIT', sum('beginMs') + sum('commitMs')], ['other statements', sum('other') + run.outsideMs],
  ];
  const rest = total - parts.reduce((a, [, ms]) => a + ms, 0);
  parts.push(['unaccounted', rest]);
  return parts.map(([k, ms]) => `${k} ${s1(ms)} s (${((100 * ms) / total).toFixed(0)}%)`).join(', ');
}

/** Least-squares slope of the dirty backlog over the measured window (after the warm-up), per second. */
export function backlogGrowth(fr: FreshnessResult): number | null {
  return slope(fr.backlog, WARMUP_S, WARMUP_S + DURATION_S);
}

export function report(results: EngineResult[]) {
  console.log('\n== results');
  for (const res of results) {
    const { engine, recompute: rc, freshness: fr } = res;
    const scanMs = median(rc.scans.map((s) => s.ms));
    const recMs = median(rc.recomputes.map((x) => x.ms));
    const medianRun = [...rc.recomputes].sort((a, b) => a.ms - b.ms)[Math.floor((rc.recomputes.length - 1) / 2)];
    console.log(`\n-- ${engine}: ${res.book.accounts.length} accounts, usage_daily ${res.book.usageRows} rows, peak RSS of this process ${mib(res.peakRss)} MiB`);
    console.log(`   group-by scan: ${rc.scans.map((s) => s1(s.ms)).join(' / ')} s (median ${s1(scanMs)} s)`);
    if (rc.serialScan) console.log(`   group-by scan without parallel workers (reference, not in the ratio): ${s1(rc.serialScan.wallMs)} s`);
    console.log(`   recompute:     ${rc.recomputes.map((x) => s1(x.ms)).join(' / ')} s (median ${s1(recMs)} s, ${((res.book.accounts.length / recMs) * 1000).toFixed(0)} accounts/s)`);
    if (medianRun) {
      console.log(`   recompute phases (median run): ${phaseLine(medianRun)}`);
      const m = medianRun.chunks.map((c) => c.measure).sort((a, b) => a - b);
      const sv = medianRun.chunks.map((c) => c.save).sort((a, b) => a - b);
      const js = medianRun.chunks.map((c) => c.jsMs).sort((a, b) => a - b);
      console.log(`   per chunk of 2000 (${medianRun.chunks.length} chunks): measure p50 ${quantile(m, 0.5).toFixed(0)} ms / max ${quantile(m, 1).toFixed(0)} ms, ` +
        `JS p50 ${quantile(js, 0.5).toFixed(0)} ms, save p50 ${quantile(sv, 0.5).toFixed(0)} ms / max ${quantile(sv, 1).toFixed(0)} ms; ${cpuText(medianRun.cpu)}`);
    }
    console.log(`   health after recompute: ${Object.entries(rc.bands).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    for (const line of rc.explain) console.log(`   ${line}`);
    if (fr) {
      const lat = fr.latencies;
      console.log(`   load: ${fr.sentEvents} events sent in batches of ${BATCH}, ${fr.acceptedEvents} accepted; offered ${fr.offeredRate.toFixed(0)} events/s, ` +
        `achieved ${fr.achievedRate.toFixed(0)} events/s overall, ${fr.measuredRate.toFixed(0)} events/s in the measured window; ` +
        `batch latency p50 ${quantile(lat, 0.5).toFixed(0)} ms, p99 ${quantile(lat, 0.99).toFixed(0)} ms; max send lag ${fr.maxLagMs.toFixed(0)} ms; ${fr.retries} resent after a 5xx`);
      console.log(`   load spread: median ${fr.distinctPerSecond} distinct accounts per second (of ${res.book.accounts.length}, weighted by activity)`);
      for (const [e, k] of fr.errors) console.log(`   load error: ${k} x ${e}`);
      for (const [e, k] of fr.jobErrors) console.log(`   job error: ${k} x ${e}`);
      const st = fr.settle;
      console.log(`   before the load: ${st.health} health and ${st.risk} risk marks (the recompute marks every account for risk); ` +
        `${st.left === 0 ? 'worked off' : `${st.left} still left`} in ${s1(st.ms)} s`);
      const bl = fr.backlog.map((b) => b.n);
      console.log(`   dirty backlog (health_dirty marks + claims in flight, each second): ${bl.join(' ')}`);
      console.log(`   risk backlog (risk_dirty marks + claims in flight, each second): ${fr.backlog.map((b) => b.risk).join(' ')}`);
      const g = backlogGrowth(fr);
      if (g !== null) console.log(`   backlog trend over the measured window: ${g >= 0 ? '+' : ''}${g.toFixed(0)} accounts/s (${g > 20 ? 'growing: the refresh does not keep up, freshness keeps rising the longer the load lasts' : 'steady'})`);
      const half = (xs: Probe[]) => xs.filter((p) => p.seenAt !== null && p.t200 !== null).map((p) => (p.seenAt ?? 0) - (p.t200 ?? 0)).sort((a, b) => a - b);
      const mid = Math.floor(fr.probes.length / 2);
      const h1 = half(fr.probes.slice(0, mid));
      const h2 = half(fr.probes.slice(mid));
      console.log(`   freshness, first half of the probes: p50 ${s1(quantile(h1, 0.5))} s, p95 ${s1(quantile(h1, 0.95))} s; second half: p50 ${s1(quantile(h2, 0.5))} s, p95 ${s1(quantile(h2, 0.95))} s`);
      const rf = fr.refresh;
      if (rf.length) {
        const acc = rf.reduce((a, c) => a + c.accounts, 0);
        const tot = rf.reduce((a, c) => a + c.totalMs, 0);
        const avg = (k: keyof ChunkTiming) => (rf.reduce((a, c) => a + c[k], 0) / rf.length).toFixed(0);
        console.log(`   refresh under load: ${rf.length} chunks, ${acc} accounts (${(acc / rf.length).toFixed(0)} per chunk, ${((acc / tot) * 1000).toFixed(0)} accounts/s while refreshing); ` +
          `per chunk: claim ${avg('claim')} ms, measure ${avg('measure')} ms, JS ${avg('jsMs')} ms, save ${avg('save')} ms, commit ${avg('commitMs')} ms, total ${avg('totalMs')} ms`);
      }
      const runs = fr.jobRuns.get('health.refresh-dirty') ?? [];
      if (runs.length) console.log(`   refresh job runs: ${runs.length}, ${runs.map((x) => s1(x)).join(' ')} s`);
      const f = fr.fresh;
      console.log(`   probes: ${fr.probes.length}, fresh ${f.length}, not fresh within ${PROBE_TIMEOUT_S} s (or failed) ${fr.timedOut}; ` +
        `${fr.beforeReply} recomputed by a transaction that began before the probe's 200; ` +
        `p50 ${s1(quantile(f, 0.5))} s, p90 ${s1(quantile(f, 0.9))} s, max ${f.length ? s1(quantile(f, 1)) : '-'} s`);
    }
  }
  console.log('');
  for (const res of results) {
    const rc = res.recompute;
    const ratio = median(rc.recomputes.map((x) => x.ms)) / median(rc.scans.map((s) => s.ms));
    console.log(`${res.engine} recompute/groupby ratio: ${ratio.toFixed(1)}`);
    console.log(`${res.engine} recompute: ${s1(median(rc.recomputes.map((x) => x.ms)))} s, groupby scan: ${s1(median(rc.scans.map((s) => s.ms)))} s (medians of ${REPEATS}; ${res.book.accounts.length} accounts, ${res.book.usageRows} rollup rows)`);
    const fr = res.freshness;
    if (fr) {
      const all = [...fr.fresh, ...Array.from({ length: fr.timedOut }, () => Number.POSITIVE_INFINITY)].sort((a, b) => a - b);
      const fmt = (v: number) => (Number.isFinite(v) ? `${s1(v)} s` : `>${PROBE_TIMEOUT_S.toFixed(1)} s`);
      const p50 = quantile(all, 0.5);
      const p95 = quantile(all, 0.95);
      console.log(`${res.engine} freshness p50: ${fmt(p50)}`);
      console.log(`${res.engine} freshness p95: ${fmt(p95)}`);
      console.log(`${res.engine} ingest rate: ${fr.measuredRate.toFixed(0)} events/s (target ${RATE})`);
      const rateOk = fr.measuredRate >= RATE * 0.97;
      const growth = backlogGrowth(fr);
      const caveats = [
        ...(rateOk ? [] : [`the load did not hold ${RATE} events/s`]),
        ...(growth !== null && growth > 20 ? [`the dirty backlog grew ${growth.toFixed(0)} accounts/s, so p95 rises with a longer load`] : []),
      ];
      console.log(`${res.engine} targets: recompute <= 3x scan ${ratio <= 3 ? 'met' : 'NOT met'}; freshness p95 <= 5 s ${p95 <= 5000 ? 'met' : 'NOT met'}` +
        `${caveats.length ? ` (caveat: ${caveats.join('; ')})` : ''}`);
    } else {
      console.log(`${res.engine} targets: recompute <= 3x scan ${ratio <= 3 ? 'met' : 'NOT met'}`);
    }
  }
}
