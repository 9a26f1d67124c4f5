/** Types of the drivers, health, outcomes and impact endpoints (see the API contract). */
import type { ContactRole, Stage } from './types';

export type Band = 'good' | 'watch' | 'poor';
export const BANDS: readonly Band[] = ['good', 'watch', 'poor'];

export type Measure = 'count' | 'avg_daily_users' | 'active_days' | 'distinct_events';
export const MEASURES: readonly Measure[] = ['count', 'avg_daily_users', 'active_days', 'distinct_events'];

export type DriverSource =
  | { type: 'event_metric'; events: string[]; measure: Measure; windowDays: number; perSeat: boolean }
  | { type: 'account_field'; field: string }
  | { type: 'days_since_event'; events: string[]; maxDays: number }
  | { type: 'days_since_contact_seen'; role: ContactRole; maxDays: number }
  | { type: 'formula'; expression: string }
  | { type: 'days_since_activity'; kinds?: ActivitySourceKind[]; contactRole?: ContactRole; maxDays: number }
  | { type: 'autopilot' }
  | { type: 'survey_metric'; metric: SurveyMetric; windowDays: number; surveyKind?: 'nps' | 'csat' | 'ces' };
export type SourceType = DriverSource['type'];
export const SOURCE_TYPES: readonly SourceType[] = [
  'event_metric',
  'account_field',
  'days_since_event',
  'days_since_contact_seen',
  'formula',
  'days_since_activity',
  'autopilot',
  'survey_metric',
];
/** Survey driver source: the account's NPS or CSAT, response rate or share of detractors over a window (non-bot answers). */
export type SurveyMetric = 'nps' | 'csat' | 'response_rate' | 'detractor_share';
export const SURVEY_METRICS: readonly SurveyMetric[] = ['nps', 'csat', 'response_rate', 'detractor_share'];
export type ActivitySourceKind = 'call' | 'meeting' | 'email' | 'qbr' | 'note';
export const ACTIVITY_SOURCE_KINDS: readonly ActivitySourceKind[] = ['call', 'meeting', 'email', 'qbr', 'note'];

export type Direction = 'higher_is_better' | 'lower_is_better';
export interface Threshold {
  value: number;
  score: number;
}
export interface Scoring {
  type: 'bands' | 'trend';
  direction: Direction;
  thresholds: Threshold[];
}

export type StageWeights = Partial<Record<Stage, number>>;

export interface Driver {
  id: string;
  key: string;
  name: string;
  description: string;
  source: DriverSource;
  scoring: Scoring;
  stageWeights: StageWeights;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export type DriverInput = Omit<Driver, 'id' | 'createdAt' | 'updatedAt'>;

export interface DriverCatalog {
  sources: { type: SourceType; label: string; description: string; available: boolean }[];
  events: string[];
  fields: string[];
  stages: Stage[];
}

export interface PreviewBody {
  key?: string;
  source: DriverSource;
  scoring: Scoring;
  stageWeights: StageWeights;
}

export interface Preview {
  /** The day measured (YYYY-MM-DD). */
  asOf: string;
  accounts: number;
  withValue: number;
  noData: number;
  values: { min: number; p25: number; median: number; p75: number; max: number } | null;
  histogram: { from: number; to: number; count: number }[];
  scores: { score: number; count: number }[];
  bands: Record<Band, number>;
  sample: { accountId: string; name: string; value: number | null; score: number | null }[];
}

export interface DriverExplanation {
  id: string;
  key: string;
  name: string;
  value: number | null;
  score: number | null;
  weight: number;
  pointsLost: number;
  noData: boolean;
}

export interface HealthOverride {
  score: number;
  band: Band;
  reason: string;
  expiresAt: string;
  createdByName: string | null;
  createdAt: string;
}

export interface AccountHealth {
  accountId: string;
  state: 'scored' | 'no_data';
  score: number | null;
  band: Band | null;
  stage: Stage;
  computedAt: string | null;
  reason?: 'no_drivers' | 'no_values' | 'not_computed';
  drivers: DriverExplanation[];
  override: HealthOverride | null;
}

export interface HealthPoint {
  day: string;
  score: number | null;
  band: Band | null;
}

export interface HealthSummary {
  /** The book as every screen counts it: accounts (churned included), active, ARR of active, churned ARR apart. */
  book?: { accounts: number; active: number; churned: number; activeArr: number; churnedArr: number; overridden: number };
  bands: { band: Band | 'none'; accounts: number; arr: number; overridden?: number }[];
  trend: { day: string; good: number; watch: number; poor: number; averageScore: number | null }[];
}

export interface HealthRun {
  id: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  total: number;
  done: number;
  trigger: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
}

export type OutcomeKind = 'renewed' | 'expanded' | 'churned' | 'downgraded' | 'retained';
export const OUTCOME_KINDS: readonly OutcomeKind[] = ['renewed', 'expanded', 'churned', 'downgraded', 'retained'];

export interface Outcome {
  id: string;
  accountId: string;
  accountName: string;
  kind: OutcomeKind;
  occurredOn: string;
  arrBefore: number | null;
  arrAfter: number | null;
  note: string | null;
  createdAt: string;
}

export interface OutcomeInput {
  accountId: string;
  kind: OutcomeKind;
  occurredOn: string;
  arrBefore?: number;
  arrAfter?: number;
  note?: string;
}

export interface Impact {
  auc: number | null;
  /** 95% interval of the AUC (Hanley–McNeil). */
  aucLow: number | null;
  aucHigh: number | null;
  /** The interval holds 0.5: indistinguishable from chance, not part of the ranking. */
  chance: boolean;
  n: number;
  retained: number;
  lost: number;
  warning: string | null;
}

export interface DriverImpact {
  leadDays: number;
  retained: number;
  lost: number;
  health: Impact;
  drivers: ({ id: string; key: string; name: string } & Impact)[];
}
