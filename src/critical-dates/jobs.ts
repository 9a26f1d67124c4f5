import type { JobDefinition } from '../jobs/queue.js';
import type { CriticalDateService } from './service.js';

export const CHECK_JOB = 'critical-dates.check';
export const ALERT_JOB = 'critical-dates.alert';

/**
 * Every 15 minutes the due auto-check dates are checked (a bounded batch, a few at a time; a date is
 * claimed by pushing its next check on, so a second worker skips it). Once a day (and at 06:00 UTC,
 * before the working day) the alert pass: idempotent through critical_date_alerts.
 */
export function criticalDateJobs(work: { criticalDates: CriticalDateService }): JobDefinition[] {
  return [
    { name: CHECK_JOB, cron: '*/15 * * * *', retryLimit: 0, handler: () => work.criticalDates.checkDue() },
    { name: ALERT_JOB, cron: '7 6 * * *', retryLimit: 2, handler: () => work.criticalDates.alertPass() },
  ];
}
