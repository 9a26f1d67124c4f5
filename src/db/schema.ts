// Drizzle table definitions mirroring migrations/*.sql (the SQL files are the source of truth
// for the database; these give typed queries). Keep both in step: test/db/schema.test.ts checks.
import { bigserial, boolean, date, integer, jsonb, numeric, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

import type { DriverSource } from '../health/schema.js';
import type { Scoring } from '../health/score.js';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const teams = pgTable('teams', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
});

export const users = pgTable('users', {
  id: uuid('id').primaryKey().defaultRandom(),
  email: text('email').notNull(),
  name: text('name').notNull(),
  role: text('role', { enum: ['admin', 'manager', 'csm', 'viewer'] }).notNull(),
  teamId: uuid('team_id'),
  passwordHash: text('password_hash'),
  active: boolean('active').notNull().default(true),
  mustChangePassword: boolean('must_change_password').notNull().default(false),
  lastLoginAt: ts('last_login_at'),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const sessions = pgTable('sessions', {
  tokenHash: text('token_hash').primaryKey(),
  userId: uuid('user_id').notNull(),
  csrfToken: text('csrf_token').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
  lastSeenAt: ts('last_seen_at').notNull().defaultNow(),
  expiresAt: ts('expires_at').notNull(),
  ip: text('ip'),
  userAgent: text('user_agent'),
});

export const apiKeys = pgTable('api_keys', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  kind: text('kind', { enum: ['write', 'rest'] }).notNull(),
  role: text('role', { enum: ['admin', 'manager', 'viewer'] }),
  keyHash: text('key_hash').notNull(),
  prefix: text('prefix').notNull(),
  createdBy: uuid('created_by'),
  createdAt: ts('created_at').notNull().defaultNow(),
  lastUsedAt: ts('last_used_at'),
  revokedAt: ts('revoked_at'),
});

export const accounts = pgTable('accounts', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  domain: text('domain'),
  externalId: text('external_id'),
  externalIds: jsonb('external_ids').$type<Record<string, string>>().notNull().default({}),
  ownerId: uuid('owner_id'),
  teamId: uuid('team_id'),
  segment: text('segment'),
  stage: text('stage', { enum: ['onboarding', 'adoption', 'renewal', 'churned'] }).notNull().default('onboarding'),
  arr: numeric('arr', { precision: 14, scale: 2, mode: 'number' }).notNull().default(0),
  seats: integer('seats'),
  contractStart: date('contract_start', { mode: 'string' }),
  renewalDate: date('renewal_date', { mode: 'string' }),
  custom: jsonb('custom').$type<Record<string, unknown>>().notNull().default({}),
  lastActivityAt: ts('last_activity_at'),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const contacts = pgTable('contacts', {
  id: uuid('id').primaryKey().defaultRandom(),
  accountId: uuid('account_id'),
  externalId: text('external_id'),
  email: text('email'),
  name: text('name'),
  title: text('title'),
  role: text('role', { enum: ['champion', 'executive_sponsor', 'admin', 'user'] }),
  phone: text('phone'),
  custom: jsonb('custom').$type<Record<string, unknown>>().notNull().default({}),
  lastSeenAt: ts('last_seen_at'),
  /** Set when the person left (PATCH /api/contacts/:id {active: false}); a champion or sponsor who left is a risk signal. */
  deactivatedAt: ts('deactivated_at'),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const drivers = pgTable('drivers', {
  id: uuid('id').primaryKey().defaultRandom(),
  key: text('key').notNull(),
  name: text('name').notNull(),
  description: text('description').notNull().default(''),
  source: jsonb('source').$type<DriverSource>().notNull(),
  scoring: jsonb('scoring').$type<Scoring>().notNull(),
  stageWeights: jsonb('stage_weights').$type<Partial<Record<'onboarding' | 'adoption' | 'renewal' | 'churned', number>>>().notNull().default({}),
  enabled: boolean('enabled').notNull().default(true),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const auditLog = pgTable('audit_log', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  at: ts('at').notNull().defaultNow(),
  actorType: text('actor_type', { enum: ['user', 'api_key', 'system'] }).notNull(),
  actorId: text('actor_id'),
  actorLabel: text('actor_label'),
  action: text('action').notNull(),
  objectType: text('object_type').notNull(),
  objectId: text('object_id'),
  /** The object's name when the change was made (migration 0008): set by audit_object_label() on insert. */
  objectLabel: text('object_label'),
  changes: jsonb('changes').$type<Record<string, unknown>>(),
  ip: text('ip'),
});
