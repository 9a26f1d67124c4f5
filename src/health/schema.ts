import { z } from 'zod';
import { STAGES } from '../accounts/schema.js';
import { CONTACT_ROLES } from '../contacts/schema.js';
import { BANDS } from './score.js';
import { dateTime, isoDate, money, text } from '../http/zod.js';
import { SURVEY_KINDS } from '../surveys/scores.js';

const eventNames = z.array(text().min(1).max(200)).max(50);
/** Name patterns (`*` = any characters, e.g. `Feature *`) and exclusions (names or patterns). */
const eventPatterns = z.array(text().min(1).max(200)).max(50).optional()
  .describe('Event name patterns counted besides the named events: * matches any characters (e.g. "Feature *")');
const eventExclusions = z.array(text().min(1).max(200)).max(50).optional()
  .describe('Event names or * patterns never counted, even when named or matched');
/** A property value compared: a string, a finite number or a boolean (no null, no object). */
const propertyScalar = z.union([text().max(1000), z.number().finite(), z.boolean()]);
const propertyKey = text().min(1).max(200).describe('A top-level key of the event properties');
/** Filters on event properties, ANDed: equals a value, is one of values, or exists (any value). */
const propertyFilters = z.array(z.discriminatedUnion('op', [
  z.strictObject({ property: propertyKey, op: z.literal('equals'), value: propertyScalar }),
  z.strictObject({ property: propertyKey, op: z.literal('in'), value: z.array(propertyScalar).min(1).max(100) }),
  z.strictObject({ property: propertyKey, op: z.literal('exists') }),
])).max(20).optional()
  .describe('Only events whose properties pass every filter (read from the stored events, not the daily rollups)');
/** Activity kinds a days_since_activity driver may count (escalation thread entries are not a choice). */
export const ACTIVITY_SOURCE_KINDS = ['call', 'meeting', 'email', 'qbr', 'note'] as const;
export const SURVEY_METRICS = ['nps', 'csat', 'response_rate', 'detractor_share'] as const;

export const driverSource = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('event_metric'),
    events: eventNames.describe('Event names counted; empty (and no patterns) means every event'),
    patterns: eventPatterns,
    exclude: eventExclusions,
    filters: propertyFilters,
    measure: z.enum(['count', 'avg_daily_users', 'active_days', 'distinct_events']),
    windowDays: z.number().int().min(1).max(90),
    perSeat: z.boolean().default(false),
  }),
  z.object({
    type: z.literal('account_field'),
    field: text().regex(/^(arr|seats|days_to_renewal|account_age_days|custom\.[\w.-]{1,100})$/, 'arr, seats, days_to_renewal, account_age_days or custom.<key>'),
  }),
  z.object({ type: z.literal('days_since_event'), events: eventNames, patterns: eventPatterns, exclude: eventExclusions, maxDays: z.number().int().min(1).max(365).default(90) }),
  z.object({ type: z.literal('days_since_contact_seen'), role: z.enum(CONTACT_ROLES), maxDays: z.number().int().min(1).max(365).default(180) }),
  z.object({ type: z.literal('formula'), expression: text().trim().min(1).max(500) }),
  z.object({
    type: z.literal('days_since_activity'),
    kinds: z.array(z.enum(ACTIVITY_SOURCE_KINDS)).max(ACTIVITY_SOURCE_KINDS.length).optional().describe('Activity kinds counted; absent or empty means any activity'),
    contactRole: z.enum(CONTACT_ROLES).optional().describe('Only activities with a participant contact of this role'),
    maxDays: z.number().int().min(1).max(365).default(90),
  }),
  z.object({ type: z.literal('autopilot') }).describe('1 when the account is on autopilot (its last N touchpoints routine), 0 otherwise'),
  z.object({
    type: z.literal('survey_metric'),
    metric: z.enum(SURVEY_METRICS).describe('nps: NPS (−100–100) of NPS answers; csat: % of CSAT answers 4–5; response_rate: % of recipients sent in the window who answered; detractor_share: % of unhappy answers (NPS 0–6, CSAT 1–2, CES 1–3)'),
    windowDays: z.number().int().min(1).max(730).default(180).describe('Answers (or, for the response rate, sends) within this many days up to the day measured'),
    surveyKind: z.enum(SURVEY_KINDS).optional().describe('For response_rate and detractor_share: only surveys of this kind (detractor_share: default nps)'),
  }).describe("From people's survey answers (bots never count); no answer in the window is no data"),
]);
export type DriverSource = z.infer<typeof driverSource>;

export const scoring = z.object({
  type: z.enum(['bands', 'trend']),
  direction: z.enum(['higher_is_better', 'lower_is_better']),
  thresholds: z.array(z.object({ value: z.number().finite(), score: z.number().min(0).max(100) })).min(1).max(10),
});

const stageWeights = z.partialRecord(z.enum(STAGES), z.number().min(0).max(1000));

export const driverInput = z.object({
  key: text().regex(/^[a-z][a-z0-9_]{0,62}$/, 'lower-case letters, digits and _, starting with a letter'),
  name: text().trim().min(1).max(120),
  description: text().max(1000).default(''),
  source: driverSource,
  scoring,
  stageWeights,
  enabled: z.boolean().default(true),
});
export type DriverInput = z.infer<typeof driverInput>;
export const driverPatch = driverInput.omit({ key: true }).partial().refine((v) => Object.keys(v).length > 0, 'send at least one field');
export type DriverPatch = z.infer<typeof driverPatch>;

export const driver = driverInput.extend({ id: z.uuid(), createdAt: z.string(), updatedAt: z.string() });
export type Driver = z.infer<typeof driver>;

export const previewInput = z.object({ key: text().max(63).optional(), source: driverSource, scoring, stageWeights: stageWeights.default({}) });
export const previewResult = z.object({
  asOf: z.string().describe('The day measured (YYYY-MM-DD): today, or the asOf asked'),
  accounts: z.number().int(),
  withValue: z.number().int(),
  noData: z.number().int(),
  values: z.object({ min: z.number(), p25: z.number(), median: z.number(), p75: z.number(), max: z.number() }).nullable(),
  histogram: z.array(z.object({ from: z.number(), to: z.number(), count: z.number().int() })),
  scores: z.array(z.object({ score: z.number(), count: z.number().int() })),
  bands: z.object({ good: z.number().int(), watch: z.number().int(), poor: z.number().int() }),
  sample: z.array(z.object({ accountId: z.uuid(), name: z.string(), value: z.number().nullable(), score: z.number().nullable() })),
});
export type PreviewResult = z.infer<typeof previewResult>;

const band = z.enum(BANDS);
export const healthExplanation = z.object({
  accountId: z.uuid(),
  asOf: z.string().optional().describe('Present when asked for a past day: the health as of the end of that day, computed now, not stored'),
  state: z.enum(['scored', 'no_data']),
  score: z.number().int().nullable(),
  band: band.nullable(),
  stage: z.enum(STAGES),
  computedAt: z.string().nullable(),
  reason: z.enum(['no_drivers', 'no_values', 'not_computed']).optional(),
  drivers: z.array(z.object({
    id: z.string(), key: z.string(), name: z.string(), value: z.number().nullable(), score: z.number().nullable(),
    weight: z.number(), pointsLost: z.number().int(), noData: z.boolean(),
  })),
  override: z.object({ score: z.number().int(), band, reason: z.string(), expiresAt: z.string(), createdByName: z.string().nullable(), createdAt: z.string() }).nullable(),
});
export type HealthExplanation = z.infer<typeof healthExplanation>;

export const overrideInput = z.object({
  score: z.number().int().min(0).max(100),
  reason: text().trim().min(3).max(1000),
  expiresAt: dateTime().or(isoDate()).refine((v) => Date.parse(v) > Date.now(), 'must be in the future'),
});

export const OUTCOME_KINDS = ['renewed', 'expanded', 'churned', 'downgraded', 'retained'] as const;
export const outcomeInput = z.object({
  accountId: z.uuid(),
  kind: z.enum(OUTCOME_KINDS),
  occurredOn: isoDate(),
  arrBefore: money().nullish(),
  arrAfter: money().nullish(),
  note: text().max(2000).nullish(),
});
export const outcome = outcomeInput.extend({ id: z.uuid(), accountName: z.string(), occurredOn: z.string(), createdAt: z.string(), arrBefore: z.number().nullable(), arrAfter: z.number().nullable(), note: z.string().nullable() });

const impactRow = z.object({
  auc: z.number().nullable(), aucLow: z.number().nullable().describe('95% interval of the AUC, low end (Hanley–McNeil)'),
  aucHigh: z.number().nullable().describe('95% interval of the AUC, high end'),
  chance: z.boolean().describe('The interval holds 0.5 (or there is no figure): indistinguishable from chance, not ranked'),
  n: z.number().int(), retained: z.number().int(), lost: z.number().int(), warning: z.string().nullable() });
export const impactResult = z.object({
  leadDays: z.number().int(),
  retained: z.number().int(),
  lost: z.number().int(),
  health: impactRow,
  drivers: z.array(impactRow.extend({ id: z.string(), key: z.string(), name: z.string() })),
});

export const run = z.object({
  id: z.uuid(), status: z.enum(['queued', 'running', 'done', 'failed']), total: z.number().int(), done: z.number().int(), trigger: z.string(),
  createdAt: z.string(), startedAt: z.string().nullable(), finishedAt: z.string().nullable(), error: z.string().nullable(),
});
export type Run = z.infer<typeof run>;

export const backfillInput = z.object({
  days: z.number().int().min(1).max(365).default(90).describe('Days of history to rebuild, ending yesterday (1–365)'),
});
