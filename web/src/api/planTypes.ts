/** Success plans as the API returns them (docs/design/issue-10-contract.md). */

export const PLAN_STATUSES = ['achieved', 'on_track', 'at_risk', 'off_track'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];
export const CRITERION_KINDS = ['driver', 'metric', 'manual', 'rating'] as const;
export type CriterionKind = (typeof CRITERION_KINDS)[number];
export const METRIC_MEASURES = ['count', 'active_users', 'active_days'] as const;
export type MetricMeasure = (typeof METRIC_MEASURES)[number];
export type Direction = 'up' | 'down';
export type Side = 'vendor' | 'customer';

export interface Progress {
  /** 0–100, null when nothing is measured yet ("no data" is not 0%). */
  percent: number | null;
  criteriaMet: number;
  criteriaTotal: number;
  milestonesDone: number;
  milestonesTotal: number;
}

export interface Metric {
  event: string;
  measure: MetricMeasure;
  windowDays: number;
}

export interface Criterion {
  id: string;
  goalId: string;
  name: string;
  kind: CriterionKind;
  driverId: string | null;
  driverName: string | null;
  metric: Metric | null;
  direction: Direction;
  baseline: number | null;
  target: number | null;
  current: number | null;
  measuredAt: string | null;
  /** 0–100, null = no data. */
  progress: number | null;
  state: 'measured' | 'no_data' | 'no_target' | 'no_baseline';
  met: boolean;
  ratings: { vendor: number | null; customer: number | null } | null;
}

export interface PlanTask {
  id: string;
  title: string;
  status: 'open' | 'done' | 'cancelled';
  dueAt: string | null;
  side: Side;
  assigneeUserId: string | null;
  assigneeContactId: string | null;
  assigneeName: string | null;
  customerEffort: number | null;
  hiddenFromCustomer: boolean;
}

export type MilestoneOwner = { side: 'vendor'; userId: string; name: string } | { side: 'customer'; contactId: string; name: string };

export interface Milestone {
  id: string;
  goalId: string;
  title: string;
  dueAt: string | null;
  completedAt: string | null;
  overdueDays: number;
  hiddenFromCustomer: boolean;
  owner: MilestoneOwner | null;
  tasks: PlanTask[];
}

export interface Goal {
  id: string;
  planId: string;
  statement: string;
  why: string;
  targetDate: string | null;
  startDate: string;
  status: PlanStatus;
  statusReasons: string[];
  progress: Progress;
  hiddenFromCustomer: boolean;
  criteria: Criterion[];
  milestones: Milestone[];
  harvestedFromSeedId: string | null;
}

export interface SuccessPlan {
  id: string;
  accountId: string;
  accountName: string;
  title: string;
  status: PlanStatus;
  statusReasons: string[];
  progress: Progress;
  createdAt: string;
  updatedAt: string;
  canEdit: boolean;
  goals: Goal[];
}

/** A row of GET /api/success-plans (the dashboard). `progress` and `nextMilestone` when the API sends them. */
export interface PlanListItem {
  id: string;
  accountId: string;
  accountName: string;
  title: string;
  status: PlanStatus;
  statusReasons: string[];
  owner: { id: string; name: string } | null;
  arr: number;
  goals: number;
  statusChangedAt: string;
  createdAt: string;
  updatedAt: string;
  /** The plan's roll-up, the same numbers as the plan page. */
  progress: Progress;
  /** The earliest open milestone across the goals (undated last); null when none is open. */
  nextMilestone: { title: string; dueAt: string | null; overdueDays: number; owner: { side: Side; name: string } | null } | null;
}

export interface PlanSummary {
  byStatus: { status: PlanStatus; plans: number; arr: number }[];
  total: number;
}

export interface CriterionValue {
  at: string;
  value: number;
  side: Side | null;
  source: 'measured' | 'manual' | 'rating' | 'customer';
}

export interface GoalInput {
  statement: string;
  why?: string;
  targetDate?: string | null;
  startDate?: string | null;
  hiddenFromCustomer?: boolean;
}

export interface CriterionInput {
  name: string;
  kind: CriterionKind;
  driverId?: string;
  metric?: Metric;
  target?: number | null;
  direction?: Direction;
  baseline?: number | null;
}

export interface MilestoneInput {
  title: string;
  dueAt: string | null;
  ownerUserId?: string | null;
  ownerContactId?: string | null;
  hiddenFromCustomer?: boolean;
}
export type MilestonePatch = Partial<MilestoneInput> & { completed?: boolean };

export interface PlanTaskInput {
  title: string;
  dueAt?: string | null;
  assigneeUserId?: string;
  assigneeContactId?: string;
  customerEffort?: number | null;
  hiddenFromCustomer?: boolean;
  /** Over the customer's capacity (409 capacity.exceeded): ask anyway, recorded as an overload. */
  confirmOverload?: boolean;
  /** Over capacity: do it for them instead (our task, the customer's effort 0). */
  giveSpoon?: boolean;
}

/** 'csm' | 'customer:<contact role>' | null. */
export type TemplateOwner = string | null;

export interface TemplateCriterion {
  name: string;
  kind: CriterionKind;
  driverId?: string | null;
  metric?: Metric | null;
  direction?: Direction;
  target?: number | null;
}
export interface TemplateTask {
  title: string;
  offsetDays: number;
  owner: TemplateOwner;
}
export interface TemplateMilestone {
  title: string;
  offsetDays: number;
  owner: TemplateOwner;
  tasks: TemplateTask[];
}
export interface TemplateGoal {
  statement: string;
  why: string;
  targetOffsetDays: number | null;
  criteria: TemplateCriterion[];
  milestones: TemplateMilestone[];
}
export interface PlanTemplate {
  id: string;
  name: string;
  description: string;
  segment: string | null;
  stage: string | null;
  goals: TemplateGoal[];
  createdAt: string;
  updatedAt: string;
  canEdit: boolean;
}
export type PlanTemplateInput = Omit<PlanTemplate, 'id' | 'createdAt' | 'updatedAt' | 'canEdit'>;

export interface ShareLink {
  url: string;
  token: string;
  expiresAt: string | null;
  allowCustomerUpdates: boolean;
  createdAt: string;
}

export interface ShareState {
  link: { createdAt: string; expiresAt: string | null; allowCustomerUpdates: boolean; revokedAt: string | null } | null;
  views: { at: string; userAgent: string | null; linkCreatedAt: string }[];
  viewCount: number;
  lastViewedAt: string | null;
  comments: { id: string; contactName: string; body: string; goalId: string | null; createdAt: string }[];
}
