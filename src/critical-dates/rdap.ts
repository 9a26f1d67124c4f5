import { z } from 'zod';
import type { AllowList } from '../outbound/address.js';
import { describeFailedResponse, describeOutboundError, safeRequest, type SafeResponse } from '../outbound/request.js';
import type { CheckOutcome } from './tls-check.js';
import { tldOf } from './target.js';

/**
 * Domain registration expiry by RDAP (RFC 9224 bootstrap, RFC 9083 responses), through the safe
 * outbound module: every request (the bootstrap file, the registry) is checked against the outbound
 * rules, time-bounded and size-capped; redirects are followed at most twice, each hop checked again.
 * The bootstrap file is cached in memory for a day (a failed read is not cached).
 */

export const BOOTSTRAP_TTL_MS = 24 * 3_600_000;
export const MAX_BOOTSTRAP_BYTES = 2 * 1024 * 1024;
export const MAX_RDAP_BYTES = 512 * 1024;
const MAX_REDIRECTS = 2;

const bootstrapSchema = z.object({
  services: z.array(z.tuple([z.array(z.string()), z.array(z.string())]).rest(z.unknown())).max(5000),
});

const vcard = z.array(z.unknown());
const entity = z.object({ roles: z.array(z.string()).optional(), vcardArray: z.tuple([z.string(), z.array(vcard)]).optional() }).passthrough();
const domainSchema = z.object({
  ldhName: z.string().optional(),
  events: z.array(z.object({ eventAction: z.string(), eventDate: z.string().optional() }).passthrough()).optional(),
  entities: z.array(entity).optional(),
  status: z.array(z.string()).optional(),
}).passthrough();

class CheckFailed extends Error {}

function parseJson(body: string, what: string, cap: number): unknown {
  if (Buffer.byteLength(body) > cap) throw new CheckFailed(`${what} is larger than ${Math.round(cap / 1024)} KB: not read`);
  try {
    return JSON.parse(body);
  } catch {
    throw new CheckFailed(`${what} is not valid JSON`);
  }
}

/** The registrar's name from the entity with role "registrar" (its vCard "fn"). */
export function registrarOf(entities: z.infer<typeof entity>[] | undefined): string | null {
  const r = entities?.find((e) => e.roles?.includes('registrar'));
  const fn = r?.vcardArray?.[1].find((p) => Array.isArray(p) && p[0] === 'fn');
  return Array.isArray(fn) && typeof fn[3] === 'string' ? fn[3].slice(0, 200) : null;
}

export function createRdapClient(opts: { bootstrapUrl: string; now?: () => number }) {
  const now = opts.now ?? Date.now;
  let cache: { at: number; services: Map<string, string> } | null = null;

  async function get(url: string, o: { allow: AllowList; timeoutMs: number }, cap: number): Promise<SafeResponse & { url: string }> {
    let current = url;
    for (let hop = 0; ; hop++) {
      const res = await safeRequest(current, { timeoutMs: o.timeoutMs, allow: o.allow, maxResponseBytes: cap + 1, headers: { accept: 'application/rdap+json, application/json' } });
      if (res.status >= 300 && res.status < 400 && res.location && hop < MAX_REDIRECTS) {
        current = new URL(res.location, current).toString();
        continue;
      }
      return { ...res, url: current };
    }
  }

  async function services(o: { allow: AllowList; timeoutMs: number }): Promise<Map<string, string>> {
    if (cache && now() - cache.at < BOOTSTRAP_TTL_MS) return cache.services;
    const res = await get(opts.bootstrapUrl, o, MAX_BOOTSTRAP_BYTES);
    if (!res.ok) throw new CheckFailed(`the RDAP bootstrap file (${opts.bootstrapUrl}) could not be read: ${describeFailedResponse(res)}`);
    const parsed = bootstrapSchema.safeParse(parseJson(res.body, 'the RDAP bootstrap file', MAX_BOOTSTRAP_BYTES));
    if (!parsed.success) throw new CheckFailed('the RDAP bootstrap file is not in the IANA format (no "services" list)');
    const map = new Map<string, string>();
    for (const [tlds, urls] of parsed.data.services) {
      const base = urls.find((u) => u.startsWith('https://')) ?? urls.find((u) => u.startsWith('http://'));
      if (!base) continue;
      for (const t of tlds) map.set(t.toLowerCase(), base.endsWith('/') ? base : `${base}/`);
    }
    cache = { at: now(), services: map };
    return map;
  }

  return {
    /** Forgets the bootstrap file (tests; an admin who changed the mirror restarts anyway). */
    clearCache() { cache = null; },

    /** The expiry of a registered domain (ASCII, valid), or why it could not be read. */
    async lookup(domain: string, o: { allow: AllowList; timeoutMs: number }): Promise<CheckOutcome> {
      const started = now();
      const result: Record<string, unknown> = { domain };
      const fail = (error: string): CheckOutcome => ({ ok: false, expiresAt: null, result, error, durationMs: now() - started });
      try {
        const tld = tldOf(domain);
        const base = (await services(o)).get(tld);
        if (!base) return fail(`no RDAP service is known for .${tld} (IANA bootstrap): enter the expiry by hand`);
        const res = await get(`${base}domain/${encodeURIComponent(domain)}`, o, MAX_RDAP_BYTES);
        result.rdapUrl = res.url;
        if (res.status === 404) return fail(`the registry has no record of ${domain} (RDAP 404): is it the registered domain (example.com, not www.example.com)?`);
        if (!res.ok) return fail(`RDAP ${describeFailedResponse(res)}`);
        const parsed = domainSchema.safeParse(parseJson(res.body, 'the RDAP response', MAX_RDAP_BYTES));
        if (!parsed.success) return fail('the RDAP response is not an RDAP domain object');
        const d = parsed.data;
        const event = (action: string) => d.events?.find((e) => e.eventAction === action)?.eventDate ?? null;
        result.registrar = registrarOf(d.entities);
        result.registered = event('registration');
        result.lastChanged = event('last changed');
        result.status = (d.status ?? []).slice(0, 20);
        const raw = event('expiration');
        if (!raw) return fail('the RDAP response has no expiration event (some registries do not publish it)');
        const expiresAt = new Date(raw);
        if (Number.isNaN(expiresAt.getTime())) return fail(`the RDAP expiration date could not be read (${raw.slice(0, 60)})`);
        result.expiration = expiresAt.toISOString();
        return { ok: true, expiresAt, result, error: null, durationMs: now() - started };
      } catch (err) {
        if (err instanceof CheckFailed) return fail(err.message);
        return fail(describeOutboundError(err, o.timeoutMs));
      }
    },
  };
}
export type RdapClient = ReturnType<typeof createRdapClient>;
