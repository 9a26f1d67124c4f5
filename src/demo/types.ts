// The demo book: plain rows whose field names are the database's column names, so that the
// loader maps them to tables without a translation layer.

export type Segment = 'Enterprise' | 'Mid-Market' | 'SMB';
export type Stage = 'onboarding' | 'adoption' | 'renewal' | 'churned';
export type ContactRole = 'champion' | 'executive_sponsor' | 'admin' | 'user';
export type Region = 'NA' | 'EMEA' | 'APAC';
export type UsagePattern = 'growing' | 'steady' | 'declining' | 'seasonal' | 'silent';

export type OutcomeKind = 'renewed' | 'expanded' | 'churned' | 'downgraded';

export const USAGE_PATTERNS: readonly UsagePattern[] = ['growing', 'steady', 'declining', 'seasonal', 'silent'];
export const OUTCOME_KINDS: readonly OutcomeKind[] = ['renewed', 'expanded', 'churned', 'downgraded'];

export interface DemoTeam {
  id: string;
  name: string;
}

export interface DemoUser {
  id: string;
  email: string;
  name: string;
  role: 'manager' | 'csm';
  team_id: string;
}

export interface DemoAccountCustom {
  plan: string;
  region: Region;
  industry: string;
  /** How the generator shaped this account's usage; tests and demos read it back. */
  demo_pattern: UsagePattern;
  /** For 'silent' accounts: the first UTC day with no usage at all (YYYY-MM-DD). */
  demo_silent_since?: string;
}

export interface DemoAccount {
  id: string;
  name: string;
  domain: string;
  external_id: string;
  external_ids: Record<string, string>;
  owner_id: string | null;
  team_id: string | null;
  segment: Segment;
  stage: Stage;
  /** The current contract's ARR (for a churned account: the contract that was not renewed). */
  arr: number;
  /** Seats bought; the account has about as many product users (contacts are some of them). */
  seats: number;
  /** YYYY-MM-DD: start of the current contract (for an account with a recent outcome, its date). */
  contract_start: string;
  /** YYYY-MM-DD; in the past for churned accounts (the contract that was not renewed). */
  renewal_date: string;
  custom: DemoAccountCustom;
}

export interface DemoContact {
  id: string;
  account_id: string;
  external_id: string;
  email: string;
  name: string;
  title: string;
  role: ContactRole;
  phone: string | null;
}

export type EventProperties = Record<string, string | number | boolean>;

export interface DemoEvent {
  message_id: string;
  type: 'track';
  event: string;
  /**
   * Segment's userId: a contact's external_id (`user_0001_02`), or a product user without a
   * contact row (`user_0001_u037`).
   */
  user_id: string;
  /** The account's external_id, as in a Segment group call. */
  group_id: string;
  account_id: string;
  properties: EventProperties;
  ts: Date;
}

/** What happened at a past renewal: the ground truth that driver impact is measured against. */
export interface DemoOutcome {
  id: string;
  account_id: string;
  kind: OutcomeKind;
  /** YYYY-MM-DD */
  occurred_on: string;
  arr_before: number;
  /** 0 for a churned account. */
  arr_after: number;
  note: string;
}

export interface DemoBook {
  seed: number;
  days: number;
  now: Date;
  teams: DemoTeam[];
  users: DemoUser[];
  accounts: DemoAccount[];
  contacts: DemoContact[];
  events: DemoEvent[];
  outcomes: DemoOutcome[];
}

export interface DemoOptions {
  seed?: number;
  accounts?: number;
  days?: number;
  now: Date;
}
