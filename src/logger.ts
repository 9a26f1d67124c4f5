import { pino, type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { Config } from './config.js';

export type { Logger };

const REDACT = ['req.headers.cookie', 'req.headers.authorization', 'req.headers["x-csrf-token"]', 'res.headers["set-cookie"]', '*.password', '*.key', '*.writeKey', '*.token'];

/**
 * One logger for the server and the jobs: JSON lines (for a collector) unless the output is a
 * terminal, where it is a readable line per entry. LOG_LEVEL sets the level (info by default;
 * request lines are at debug). Credentials never reach it (see redact, and requestLogging).
 */
export function createLogger(config: Pick<Config, 'logLevel'>, opts: { destination?: DestinationStream; pretty?: boolean } = {}): Logger {
  const options = { level: config.logLevel, redact: REDACT };
  const readable = opts.pretty ?? (opts.destination === undefined && process.stdout.isTTY === true);
  if (readable) {
    // Synchronous, in this thread: a crash still prints its last lines.
    return pino(options, pretty({ colorize: opts.destination === undefined, sync: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname', singleLine: true, destination: opts.destination ?? 1 }));
  }
  return opts.destination ? pino(options, opts.destination) : pino(options);
}

/** Query parameters whose values are secrets (a reset token, a key in a link) show as [redacted]. */
const SECRET_PARAM = /token|key|secret|password|code|signature|auth|session/i;

export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  for (const k of new Set(params.keys())) if (SECRET_PARAM.test(k)) params.set(k, '[redacted]');
  return `${url.slice(0, q)}?${params.toString().replace(/%5Bredacted%5D/g, '[redacted]')}`;
}
