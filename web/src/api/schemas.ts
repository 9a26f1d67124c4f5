/**
 * The API's own request schemas, for the forms to validate with before they send: one set of
 * rules and one set of messages for the server and the browser. The modules re-exported here
 * import nothing but zod and src/http/zod.ts (pure; it also installs the plain-language
 * messages of src/validation/messages.ts), so no server code reaches the bundle. Keep it so:
 * import only schema modules whose imports are schema modules too.
 */
export { accountCreate, accountDateProblems, accountPatch, MAX_SEATS } from '../../../src/accounts/schema';
export { contactCreate, contactPatch } from '../../../src/contacts/schema';
export { escalationCreate } from '../../../src/escalations/schema';
export { domainProblem, isDomain } from '../../../src/validation/domain';
export { webhookCreate, webhookPatch } from '../../../src/webhooks/input';
export { driverInput, overrideInput } from '../../../src/health/schema';
export { taskCreate } from '../../../src/tasks/schema';
export { seedQuestionCreate, seedQuestionPatch } from '../../../src/seeds/schema';
export { criterionCreate, goalCreate, milestoneCreate, milestoneTaskCreate, planCreate, templateCreate, valueCreate } from '../../../src/plans/schema';
export { surveyCreate, surveyPatch } from '../../../src/surveys/schema';
