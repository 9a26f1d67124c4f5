// The demo's last step (issue 12): with every other part's data loaded (signals, critical dates,
// register, reviews, renewals), calibrate the model on the demo's outcomes and compute every
// account's compound risk once, so the radar and the forecast are meaningful on first start; then
// the risk of the last 90 days from the signals' own history (history-backfill.ts), so the account's
// "Risk over time" chart starts with history, not a single point.
import type { Config } from '../config.js';
import type { Database } from '../db/connect.js';
import { createRiskService } from './service.js';
import { backfillRiskHistory } from './history-backfill.js';

export const DEMO_HISTORY_DAYS = 90;

export async function refreshDemoRisk(_config: Config, database: Database, now = new Date()) {
  const started = Date.now();
  const risk = createRiskService({ database, jobs: null });
  const calibration = await risk.calibrate();
  const { accounts, levels } = await risk.refreshAll(() => now);
  const history = await backfillRiskHistory(database, { days: DEMO_HISTORY_DAYS, now });
  return { accounts, levels, calibratedKinds: calibration.kinds.filter((k) => k.calibrated !== null).length, outcomes: calibration.outcomes, history, ms: Date.now() - started };
}

export function demoRiskLine(r: Awaited<ReturnType<typeof refreshDemoRisk>>): string {
  const l = r.levels;
  return `Demo risk computed: ${r.accounts} accounts (${l.critical ?? 0} critical, ${l.high ?? 0} high, ${l.medium ?? 0} medium, ${l.low ?? 0} low); ${r.calibratedKinds} signal kinds calibrated on ${r.outcomes} outcomes; ${r.history.changes} past risk changes over ${DEMO_HISTORY_DAYS} days for ${r.history.accounts} accounts (${r.ms} ms).`;
}
