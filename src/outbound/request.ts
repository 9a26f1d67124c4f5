import dns from 'node:dns';
import type { LookupFunction } from 'node:net';
import { Agent, request } from 'undici';
import { AllowList, OutboundRefusedError, checkAddress, checkUrl } from './address.js';

export type SafeRequestOptions = {
  method?: 'GET' | 'POST' | 'PUT';
  headers?: Record<string, string>;
  body?: string;
  /** Connect, response headers and body each get at most this long, and the whole request too. */
  timeoutMs: number;
  allow: AllowList;
  /** How much of the response body to keep (for the delivery log); the rest is discarded. */
  maxResponseBytes?: number;
};

export type SafeResponse = {
  status: number;
  /** 2xx only: a redirect is a failure, never followed. */
  ok: boolean;
  location: string | null;
  body: string;
};

/**
 * A DNS lookup that checks every address the name resolves to before the socket connects, so the
 * address that is checked is the address that is used (no DNS rebinding between check and use).
 */
export function guardedLookup(allow: AllowList): LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { all: true, family: options.family ?? 0, hints: options.hints ?? 0 }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      if (addresses.length === 0) return callback(new OutboundRefusedError('not_resolved', hostname), '', 0);
      if (!allow.allowsHost(hostname)) {
        for (const a of addresses) {
          const reason = checkAddress(a.address, allow);
          if (reason) return callback(new OutboundRefusedError(reason, `${hostname} (${a.address})`), '', 0);
        }
      }
      const first = addresses[0];
      if (options.all) return callback(null, addresses);
      return callback(null, first?.address ?? '', first?.family ?? 4);
    });
  };
}

/** The OutboundRefusedError behind an error from undici or the socket, if there is one. */
export function refusalOf(err: unknown): OutboundRefusedError | null {
  let e: unknown = err;
  for (let depth = 0; e && depth < 5; depth++) {
    if (e instanceof OutboundRefusedError) return e;
    if (e instanceof AggregateError) {
      const inner = e.errors.map(refusalOf).find((x) => x !== null);
      if (inner) return inner;
    }
    e = (e as { cause?: unknown }).cause;
  }
  return null;
}

/** One line for a delivery log: why an outbound request failed. Never includes headers or secrets. */
export function describeOutboundError(err: unknown, timeoutMs: number): string {
  const refused = refusalOf(err);
  if (refused) return refused.message;
  const e = err as { name?: string; code?: string; message?: string };
  if (e.name === 'TimeoutError' || e.name === 'AbortError' || /Timeout/.test(e.name ?? '') || /TIMEOUT/.test(e.code ?? '')) {
    return `timed out after ${timeoutMs} ms`;
  }
  const text = [e.code, e.message].filter(Boolean).join(': ');
  return (text || String(err)).slice(0, 500);
}

async function readLimited(body: AsyncIterable<Buffer>, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    if (size < limit) chunks.push(chunk.subarray(0, limit - size));
    size += chunk.length;
    if (size >= limit) break;
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * An outbound HTTP request that cannot be pointed at Canopy's own network: http(s) only, no user
 * info, every resolved address checked (unless allow-listed), no redirects, bounded time and
 * response size. Throws OutboundRefusedError when refused; other failures (timeouts, connection
 * errors) throw as they are (see describeOutboundError).
 */
export async function safeRequest(rawUrl: string, opts: SafeRequestOptions): Promise<SafeResponse> {
  const { url } = checkUrl(rawUrl, opts.allow);
  const t = opts.timeoutMs;
  const agent = new Agent({ connect: { lookup: guardedLookup(opts.allow), timeout: t }, headersTimeout: t, bodyTimeout: t });
  try {
    const res = await request(url, {
      dispatcher: agent,
      method: opts.method ?? 'GET',
      headers: opts.headers ?? {},
      body: opts.body ?? null,
      maxRedirections: 0,
      headersTimeout: t,
      bodyTimeout: t,
      signal: AbortSignal.timeout(t),
    });
    const body = await readLimited(res.body, opts.maxResponseBytes ?? 4096);
    const location = res.headers.location;
    return {
      status: res.statusCode,
      ok: res.statusCode >= 200 && res.statusCode < 300,
      location: typeof location === 'string' ? location : null,
      body,
    };
  } catch (err) {
    throw refusalOf(err) ?? err;
  } finally {
    await agent.destroy().catch(() => undefined);
  }
}

/** The failure text for a response that was not 2xx (status, redirect target, start of the body). */
export function describeFailedResponse(res: SafeResponse): string {
  if (res.status >= 300 && res.status < 400) return `HTTP ${res.status}: redirect${res.location ? ` to ${res.location.slice(0, 200)}` : ''} not followed`;
  const snippet = res.body.replace(/\s+/g, ' ').trim().slice(0, 200);
  return `HTTP ${res.status}${snippet ? `: ${snippet}` : ''}`;
}
