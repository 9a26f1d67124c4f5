// The demo's last step (issue 12): with every other part's data loaded (signals, critical dates,
// register, reviews, renewals), calibrate the model on the demo's outcomes and compute every
// account's compound risk once, so the radar and the forecast are meaningful on first start.
import type { Config } from '../config.js';
import type { Database } from '../db/connect.js';
import { createRiskService } from './service.js';

export async function refreshDemoRisk(_config: Config, database: Database) {
  const started = Date.now();
  const risk = createRiskService({ database, jobs: null });
  const calibration = await risk.calibrate();
  const { accounts, levels } = await risk.refreshAll();
  return { accounts, levels, calibratedKinds: calibration.kinds.filter((k) => k.calibrated !== null).length, outcomes: calibration.outcomes, ms: Date.now() - started };
}

export function demoRiskLine(r: Awaited<ReturnType<typeof refreshDemoRisk>>): string {
  const l = r.levels;
  return `Demo risk computed: ${r.accounts} accounts (${l.critical ?? 0} critical, ${l.high ?? 0} high, ${l.medium ?? 0} medium, ${l.low ?? 0} low); ${r.calibratedKinds} signal kinds calibrated on ${r.outcomes} outcomes (${r.ms} ms).`;
}
