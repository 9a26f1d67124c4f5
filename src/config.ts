import path from 'node:path';
import { z } from 'zod';
import ipaddr from 'ipaddr.js';
import { parseAllowEntry } from './outbound/address.js';

/**
 * Environment -> typed config. Every variable Canopy reads is declared here, once.
 * A mistake produces one clear line per variable (see ConfigError).
 */
const bool = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no'])
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);
function isProxyEntry(v: string): boolean {
  if (PROXY_NAMES.has(v)) return true;
  if (v.includes('/')) {
    try {
      ipaddr.parseCIDR(v);
      return true;
    } catch {
      return false;
    }
  }
  return ipaddr.isValid(v);
}

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  CANOPY_DATA_DIR: z.string().min(1).default('.canopy'),
  CANOPY_ADMIN_EMAIL: z.email().optional(),
  CANOPY_ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').optional(),
  CANOPY_PUBLIC_URL: z.url().optional(),
  CANOPY_SESSION_IDLE_MINUTES: z.coerce.number().int().positive().default(12 * 60),
  CANOPY_SESSION_MAX_HOURS: z.coerce.number().int().positive().default(7 * 24),
  CANOPY_COOKIE_SECURE: bool.optional(),
  CANOPY_LOGIN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().positive().default(5),
  CANOPY_LOGIN_MAX_FAILURES_PER_IP: z.coerce.number().int().positive().default(30),
  CANOPY_LOGIN_WINDOW_MINUTES: z.coerce.number().int().positive().default(15),
  CANOPY_DEDUPE_DAYS: z.coerce.number().int().min(7).default(8),
  CANOPY_AUTOPILOT_TOUCHPOINTS: z.coerce.number().int().min(2, 'must be at least 2 (one touchpoint has no rhythm)').max(50).default(4),
  CANOPY_SMTP_URL: z
    .url()
    .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps:// (smtp://user:password@host:587)')
    .optional(),
  CANOPY_MAIL_FROM: z.string().trim().min(3).max(320).optional(),
  CANOPY_OUTBOUND_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  CANOPY_OUTBOUND_ALLOW: z
    .string()
    .transform((v) => v.split(/[\s,]+/).filter(Boolean))
    .superRefine((entries, ctx) => {
      for (const e of entries) if (!parseAllowEntry(e)) ctx.addIssue({ code: 'custom', message: `"${e}" is not a host name, an IP address or a CIDR range` });
    })
    .transform((entries) => entries.map((e) => parseAllowEntry(e)?.entry ?? e))
    .optional(),
  // Critical dates: where the IANA RDAP bootstrap file is read (a mirror for closed networks).
  CANOPY_RDAP_BOOTSTRAP_URL: z.url().regex(/^https?:\/\//, 'must start with http:// or https://').default('https://data.iana.org/rdap/dns.json'),
  CANOPY_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(10_000),
  CANOPY_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  CANOPY_IDLE_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(120_000),
  CANOPY_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(65_000),
  // The reverse proxies whose X-Forwarded-For names the client (sign-in throttle, public-page rate
  // limits, audit). Addresses or CIDR ranges, or proxy-addr's names; never "trust everyone".
  CANOPY_TRUST_PROXY: z
    .string()
    .transform((v) => v.split(',').map((x) => x.trim()).filter(Boolean))
    .refine((list) => list.every(isProxyEntry), 'must be a comma-separated list of IP addresses, CIDR ranges (10.0.0.0/8), or loopback, linklocal, uniquelocal')
    .optional(),
  CANOPY_MAX_CONCURRENT_UPLOADS: z.coerce.number().int().min(1).max(10_000).default(64),
  // Read by src/ingest/service.ts (groupCommitInFlight); checked here so a bad value stops the start, not silently 2.
  CANOPY_INGEST_GROUP_COMMIT: z.coerce.number().int().min(0).max(16).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  NODE_ENV: z.string().default('development'),
}).refine((e) => e.CANOPY_HEADERS_TIMEOUT_MS <= e.CANOPY_REQUEST_TIMEOUT_MS, {
  // Node refuses a headers timeout longer than the whole-request timeout.
  path: ['CANOPY_HEADERS_TIMEOUT_MS'],
  message: 'must not exceed CANOPY_REQUEST_TIMEOUT_MS',
});

export type Config = {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  adminEmail: string | undefined;
  adminPassword: string | undefined;
  publicUrl: string | undefined;
  sessionIdleMs: number;
  sessionMaxMs: number;
  cookieSecure: boolean;
  login: { maxFailuresPerAccount: number; maxFailuresPerIp: number; windowMs: number };
  dedupeDays: number;
  /** Autopilot: how many of the last touchpoints must be routine (src/activities/autopilot.ts). */
  autopilotTouchpoints: number;
  /** E-mail: without an SMTP URL messages wait in the outbox. */
  smtp: { url: string | undefined; from: string };
  /** Webhooks and Slack: request timeout and allow-list entries added to the admin's. */
  outbound: { timeoutMs: number; allow: string[] };
  /** Critical dates: the RDAP bootstrap file (IANA's, or a mirror). */
  criticalDates: { rdapBootstrapUrl: string };
  /** Inbound HTTP: how long a client may take, and how many request bodies may be arriving at once. */
  http: { headersTimeoutMs: number; requestTimeoutMs: number; idleTimeoutMs: number; keepAliveTimeoutMs: number; maxConcurrentUploads: number };
  /** Reverse proxies trusted for the client address (X-Forwarded-For); empty: the socket's address. */
  trustProxy: string[];
  logLevel: string;
};

/** user:password in a URL -> user:*** (config errors must not print credentials). */
const hidePassword = (v: unknown) => (typeof v === 'string' ? v.replace(/(\/\/[^:/@]*:)[^@/]*@/, '$1***@') : v);

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message} (got ${JSON.stringify(hidePassword(cleaned[String(i.path[0])] ?? null))})`),
    );
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.CANOPY_DATA_DIR),
    adminEmail: e.CANOPY_ADMIN_EMAIL,
    adminPassword: e.CANOPY_ADMIN_PASSWORD,
    publicUrl: e.CANOPY_PUBLIC_URL,
    sessionIdleMs: e.CANOPY_SESSION_IDLE_MINUTES * 60_000,
    sessionMaxMs: e.CANOPY_SESSION_MAX_HOURS * 3_600_000,
    cookieSecure: e.CANOPY_COOKIE_SECURE ?? (e.CANOPY_PUBLIC_URL?.startsWith('https://') ?? false),
    login: {
      maxFailuresPerAccount: e.CANOPY_LOGIN_MAX_FAILURES_PER_ACCOUNT,
      maxFailuresPerIp: e.CANOPY_LOGIN_MAX_FAILURES_PER_IP,
      windowMs: e.CANOPY_LOGIN_WINDOW_MINUTES * 60_000,
    },
    dedupeDays: e.CANOPY_DEDUPE_DAYS,
    autopilotTouchpoints: e.CANOPY_AUTOPILOT_TOUCHPOINTS,
    smtp: { url: e.CANOPY_SMTP_URL, from: e.CANOPY_MAIL_FROM ?? `Canopy <canopy@${mailDomain(e.CANOPY_PUBLIC_URL)}>` },
    outbound: { timeoutMs: e.CANOPY_OUTBOUND_TIMEOUT_MS, allow: e.CANOPY_OUTBOUND_ALLOW ?? [] },
    criticalDates: { rdapBootstrapUrl: e.CANOPY_RDAP_BOOTSTRAP_URL },
    http: {
      headersTimeoutMs: e.CANOPY_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: e.CANOPY_REQUEST_TIMEOUT_MS,
      idleTimeoutMs: e.CANOPY_IDLE_TIMEOUT_MS,
      keepAliveTimeoutMs: e.CANOPY_KEEP_ALIVE_TIMEOUT_MS,
      maxConcurrentUploads: e.CANOPY_MAX_CONCURRENT_UPLOADS,
    },
    trustProxy: e.CANOPY_TRUST_PROXY ?? [],
    logLevel: e.LOG_LEVEL,
  };
}

function mailDomain(publicUrl: string | undefined): string {
  const host = publicUrl ? new URL(publicUrl).hostname : '';
  return host && host.includes('.') ? host : 'localhost';
}
