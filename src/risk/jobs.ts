import type { JobDefinition } from '../jobs/queue.js';
import { RISK_CALIBRATE_JOB, RISK_FULL_JOB, RISK_REFRESH_JOB, type RiskService } from './service.js';

/**
 * Risk's background work: the refresh of accounts marked dirty (every minute, and debounced soon after
 * health or any other input changes), the full pass and the calibration every night (calibration first,
 * so that the full pass uses the new strengths).
 */
export function riskJobs(risk: RiskService): JobDefinition[] {
  return [
    { name: RISK_REFRESH_JOB, cron: '* * * * *', handler: () => risk.refreshDirty() },
    { name: RISK_CALIBRATE_JOB, cron: '35 2 * * *', retryLimit: 1, handler: () => risk.calibrate() },
    // After health's nightly recompute (02:15), so every account's risk is newer than its health.
    { name: RISK_FULL_JOB, cron: '45 2 * * *', retryLimit: 1, handler: () => risk.refreshAll() },
  ];
}
