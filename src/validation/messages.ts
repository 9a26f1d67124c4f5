import { z } from 'zod';

/**
 * Plain-language messages for zod's issues, shared by the API (`fields[].message` of a 400) and
 * the web forms, which validate with the same schemas before they send.
 *
 * Installed once with `z.config` (see `installMessages`), so it speaks for every schema in the
 * process, including the ones that never name a message. A message a schema gives itself
 * (`.refine(fn, 'must …')`, `{ error: … }`) still wins: zod consults this map only for issues
 * without one. The machine-readable parts of an issue (`code`, `path`, bounds) are not touched.
 */

type Issue = z.core.$ZodRawIssue;

const number = (n: number | bigint) =>
  typeof n === 'bigint' ? n.toString() : n.toLocaleString('en-US', { maximumFractionDigits: 20 });
/** A date bound as YYYY-MM-DD; a bound no Date can hold is shown as a number rather than thrown on. */
const day = (ms: number | bigint) => {
  const d = new Date(Number(ms));
  return Number.isNaN(d.getTime()) ? number(ms) : d.toISOString().slice(0, 10);
};
const plural = (n: number | bigint, one: string, many = `${one}s`) => `${number(n)} ${Number(n) === 1 ? one : many}`;

const FORMAT: Record<string, string> = {
  date: 'Enter a date as YYYY-MM-DD',
  datetime: 'Enter a date and time such as 2026-03-01T09:30:00Z',
  time: 'Enter a time as HH:MM',
  duration: 'Enter a duration such as P3D',
  email: 'Enter an e-mail address such as ada@example.com',
  url: 'Enter a full URL such as https://example.com',
  uuid: 'Must be an id (a UUID)',
  guid: 'Must be an id (a UUID)',
  ipv4: 'Enter an IPv4 address such as 192.0.2.1',
  ipv6: 'Enter an IPv6 address such as 2001:db8::1',
  cidrv4: 'Enter an IPv4 range such as 10.0.0.0/8',
  cidrv6: 'Enter an IPv6 range such as 2001:db8::/32',
  base64: 'Must be base64 text',
  base64url: 'Must be base64url text',
  jwt: 'Must be a JSON Web Token',
};

const TYPE: Record<string, string> = {
  string: 'Must be text',
  number: 'Must be a number',
  int: 'Must be a whole number',
  bigint: 'Must be a whole number',
  boolean: 'Must be true or false',
  array: 'Must be a list',
  object: 'Must be an object',
  record: 'Must be an object',
  date: 'Must be a date',
  null: 'Must be null',
};

function invalidType(iss: Extract<Issue, { code: 'invalid_type' }>): string {
  if (iss.input === undefined || iss.input === null) return 'Required';
  if (typeof iss.input === 'number' && Number.isNaN(iss.input)) return 'Must be a number';
  if (iss.expected === 'number' && typeof iss.input === 'number') return 'Must be a finite number';
  return (Object.hasOwn(TYPE, iss.expected) ? TYPE[iss.expected] : undefined) ?? `Must be of type ${String(iss.expected)}`;
}

function tooBig(iss: Extract<Issue, { code: 'too_big' }>): string {
  const max = iss.maximum;
  switch (iss.origin) {
    case 'string':
      return `At most ${plural(max, 'character')}`;
    case 'array':
    case 'set':
      return `At most ${plural(max, 'item')}`;
    case 'file':
      return `At most ${plural(max, 'byte')}`;
    case 'date':
      return `Must be on or before ${day(max)}`;
    default:
      return iss.inclusive === false ? `Must be less than ${number(max)}` : `Must be ${number(max)} or less`;
  }
}

function tooSmall(iss: Extract<Issue, { code: 'too_small' }>): string {
  const min = iss.minimum;
  switch (iss.origin) {
    case 'string':
      return Number(min) === 1 ? 'Required' : `At least ${plural(min, 'character')}`;
    case 'array':
    case 'set':
      return Number(min) === 1 ? 'Choose at least one' : `At least ${plural(min, 'item')}`;
    case 'file':
      return `At least ${plural(min, 'byte')}`;
    case 'date':
      return `Must be on or after ${day(min)}`;
    default:
      return iss.inclusive === false ? `Must be more than ${number(min)}` : `Must be ${number(min)} or more`;
  }
}

function invalidFormat(iss: Extract<Issue, { code: 'invalid_format' }>): string {
  if (iss.format === 'starts_with' && 'prefix' in iss) return `Must start with "${String(iss.prefix)}"`;
  if (iss.format === 'ends_with' && 'suffix' in iss) return `Must end with "${String(iss.suffix)}"`;
  if (iss.format === 'includes' && 'includes' in iss) return `Must contain "${String(iss.includes)}"`;
  return (Object.hasOwn(FORMAT, iss.format) ? FORMAT[iss.format] : undefined) ?? 'Not in the expected format';
}

const shown = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v) ?? String(v));

/** The plain message for one issue; never throws, whatever the issue carries. */
export function humanMessage(iss: Issue): string {
  switch (iss.code) {
    case 'invalid_type':
      return invalidType(iss);
    case 'too_big':
      return tooBig(iss);
    case 'too_small':
      return tooSmall(iss);
    case 'invalid_format':
      return invalidFormat(iss);
    case 'not_multiple_of':
      return Number(iss.divisor) === 1 ? 'Must be a whole number' : `Must be a multiple of ${number(iss.divisor)}`;
    case 'unrecognized_keys':
      return `Unknown ${iss.keys.length === 1 ? 'field' : 'fields'}: ${iss.keys.join(', ')}`;
    case 'invalid_value':
      return iss.values.length === 1 ? `Must be ${shown(iss.values[0])}` : `Must be one of: ${iss.values.map(shown).join(', ')}`;
    case 'invalid_union':
      return 'Not one of the accepted forms';
    case 'invalid_key':
      return 'Contains a key that is not allowed';
    case 'invalid_element':
      return 'Contains a value that is not allowed';
    case 'custom':
    default:
      return 'Not valid';
  }
}

/** Make `humanMessage` zod's message for every issue that has none of its own (idempotent). */
export function installMessages(): void {
  z.config({ customError: humanMessage });
}
