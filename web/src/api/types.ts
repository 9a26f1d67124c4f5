/** Types of the Canopy HTTP API (see the API contract). Dates are ISO strings, days are YYYY-MM-DD. */
import type { Band } from './healthTypes';

export type Role = 'admin' | 'manager' | 'csm' | 'viewer';
export const ROLES: readonly Role[] = ['admin', 'manager', 'csm', 'viewer'];

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  teamId: string | null;
  teamName: string | null;
  active: boolean;
  lastLoginAt: string | null;
  createdAt: string;
}

export interface Session {
  user: User;
  csrfToken: string;
  /** The password was generated or reset by an admin: the session may only change it. */
  mustChangePassword: boolean;
}

export interface Team {
  id: string;
  name: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface ApiKey {
  id: string;
  name: string;
  kind: 'write' | 'rest';
  role: 'admin' | 'manager' | 'viewer' | null;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  createdByName: string | null;
}

export interface AuditEntry {
  id: string;
  at: string;
  actorType: 'user' | 'api_key' | 'system';
  actorId: string | null;
  actorLabel: string | null;
  action: string;
  objectType: string;
  objectId: string | null;
  changes: Record<string, unknown> | null;
}

export type Stage = 'onboarding' | 'adoption' | 'renewal' | 'churned';
export const STAGES: readonly Stage[] = ['onboarding', 'adoption', 'renewal', 'churned'];

export interface AccountListItem {
  id: string;
  name: string;
  domain: string | null;
  externalId: string | null;
  ownerId: string | null;
  ownerName: string | null;
  segment: string | null;
  stage: Stage;
  arr: number;
  seats: number | null;
  renewalDate: string | null;
  /** Last product use: the latest product event. */
  lastActivityAt: string | null;
  /** Last touch: the latest logged activity (call, meeting, e-mail, …). */
  lastTouchAt: string | null;
  usage: number[];
  usageChange: number | null;
  health: number | null;
  healthBand: Band | null;
  /** Points against the snapshot 30 days ago. */
  healthChange30d: number | null;
  /** 'override' when health is a CSM's valid override (health is then the override), else 'computed'. */
  healthSource?: 'override' | 'computed' | null;
  computedHealth?: number | null;
  computedHealthBand?: Band | null;
}

export interface AccountPage extends Page<AccountListItem> {
  total: number;
  /** Not in the contract yet: shown in the header when the server sends it. */
  totalArr?: number;
  /** Matching accounts not churned; ARR figures: of active ones, churned apart. */
  active?: number;
  activeArr?: number;
  churnedArr?: number;
}

export interface Account extends Omit<AccountListItem, 'usage' | 'usageChange' | 'health' | 'healthBand' | 'healthChange30d' | 'healthSource' | 'computedHealth' | 'computedHealthBand'> {
  teamId: string | null;
  teamName: string | null;
  externalIds: Record<string, string>;
  contractStart: string | null;
  custom: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
  contactCount: number;
  canEdit: boolean;
}

export interface AccountInput {
  name?: string;
  domain?: string | null;
  externalId?: string | null;
  externalIds?: Record<string, string>;
  ownerId?: string | null;
  teamId?: string | null;
  segment?: string | null;
  stage?: Stage;
  arr?: number;
  seats?: number | null;
  contractStart?: string | null;
  renewalDate?: string | null;
  custom?: Record<string, unknown>;
}

export interface Facets {
  segments: string[];
  stages: string[];
  owners: { id: string; name: string }[];
}

export interface UsagePoint {
  day: string;
  count: number;
  users: number;
}

export interface UsageResponse {
  from: string;
  to: string;
  events: { event: string; total: number; series: UsagePoint[] }[];
}

export type ContactRole = 'champion' | 'executive_sponsor' | 'admin' | 'user';
export const CONTACT_ROLES: readonly ContactRole[] = ['champion', 'executive_sponsor', 'admin', 'user'];

export interface Contact {
  id: string;
  accountId: string;
  externalId: string | null;
  email: string | null;
  name: string | null;
  title: string | null;
  role: ContactRole | null;
  phone: string | null;
  custom: Record<string, unknown> | null;
  lastSeenAt: string | null;
  /** false once the person left (PATCH /api/contacts/:id {active: false}); kept for history. */
  active: boolean;
  deactivatedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ContactInput {
  accountId?: string;
  name?: string | null;
  email?: string | null;
  title?: string | null;
  role?: ContactRole | null;
  phone?: string | null;
}

export interface FieldError {
  path: string;
  message: string;
}

export interface ErrorBody {
  code: string;
  message: string;
  fields?: FieldError[];
  details?: unknown;
}
