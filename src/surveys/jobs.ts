import type { JobDefinition } from '../jobs/queue.js';
import type { SurveyService } from './service.js';

export const REMIND_JOB = 'surveys.remind';

/** Survey reminders, hourly (delays are in days; idempotent: a recipient is reminded once, marked in the same transaction). */
export function surveyJobs(work: { surveys: SurveyService }): JobDefinition[] {
  return [{ name: REMIND_JOB, cron: '17 * * * *', retryLimit: 1, handler: () => work.surveys.remind() }];
}
