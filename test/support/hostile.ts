import { randomUUID } from 'node:crypto';
import fc from 'fast-check';

/**
 * Generators for hostile-input tests, driven by the app's own OpenAPI document: every operation
 * with a body, query string or path parameter gets a request template built from its schema (so
 * a new route is covered without touching the test), and one field at a time is replaced by a
 * hostile value.
 */

export type JsonSchema = {
  type?: string | string[]; format?: string; enum?: unknown[]; const?: unknown; pattern?: string;
  minLength?: number; maxLength?: number; minimum?: number; maximum?: number; exclusiveMinimum?: number | boolean;
  minItems?: number; items?: JsonSchema; properties?: Record<string, JsonSchema>; required?: string[];
  additionalProperties?: boolean | JsonSchema; anyOf?: JsonSchema[]; oneOf?: JsonSchema[]; allOf?: JsonSchema[];
  nullable?: boolean; default?: unknown; $ref?: string;
};
type Parameter = { in: 'query' | 'path' | 'header' | 'cookie'; name: string; required?: boolean; schema: JsonSchema };
type Operation = { parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema: JsonSchema }> } };
export type OpenApiDoc = { paths: Record<string, Record<string, Operation>> };

export type Where = 'body' | 'query' | 'path';
/** One field a request carries: its place, its dotted path inside that place, and its schema. */
export type Field = { where: Where; path: string[]; schema: JsonSchema };
export type Route = {
  method: string; path: string;
  body?: JsonSchema; query: Parameter[]; params: Parameter[];
  fields: Field[];
};

/** Every operation of the document that takes some client input, with the fields it reads. */
export function routesOf(doc: OpenApiDoc): Route[] {
  const out: Route[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const params = (op.parameters ?? []).filter((p) => p.in === 'path');
      const query = (op.parameters ?? []).filter((p) => p.in === 'query');
      const body = op.requestBody?.content?.['application/json']?.schema;
      const fields: Field[] = [
        ...params.map((p): Field => ({ where: 'path', path: [p.name], schema: p.schema })),
        ...query.map((p): Field => ({ where: 'query', path: [p.name], schema: p.schema })),
        ...(body ? [{ where: 'body' as const, path: [], schema: body }, ...bodyFields(body, [])] : []),
      ];
      if (fields.length > 0) out.push({ method: method.toUpperCase(), path, body, query, params, fields });
    }
  }
  return out;
}

/** The properties of a body, two levels deep, through unions (the first branch). */
function bodyFields(s: JsonSchema, path: string[], depth = 0): Field[] {
  const one = branch(s);
  if (depth > 2 || !one.properties) return [];
  return Object.entries(one.properties).flatMap(([k, v]) => [{ where: 'body' as const, path: [...path, k], schema: v }, ...bodyFields(v, [...path, k], depth + 1)]);
}

const branch = (s: JsonSchema): JsonSchema => s.oneOf?.[0] ?? s.anyOf?.find((x) => x.type !== 'null') ?? s.allOf?.[0] ?? s;

let n = 0;
/** Names that must be unique (teams, playbooks, webhooks) stay unique across runs. */
const fresh = (prefix: string) => `${prefix}-${process.pid}-${++n}`;

/**
 * A plausible valid value for a schema. `ids` maps a property name (accountId, userId, …) to an
 * existing row, so templates reach the handlers and the database rather than stop at a 404.
 */
export function sample(s: JsonSchema, ids: Record<string, string>, name = ''): unknown {
  if (s.default !== undefined) return s.default;
  const one = branch(s);
  if (one.const !== undefined) return one.const;
  if (one.enum?.length) return one.enum.find((e) => e !== 'me' && e !== 'team') ?? one.enum[0];
  const type = Array.isArray(one.type) ? one.type.find((t) => t !== 'null') : one.type;
  switch (type) {
    case 'object': {
      const obj: Record<string, unknown> = {};
      for (const k of one.required ?? []) {
        const v = one.properties?.[k];
        if (v) obj[k] = sample(v, ids, k);
      }
      return obj;
    }
    case 'array': {
      const count = Math.max(one.minItems ?? 0, name === 'members' ? 2 : 0);
      return Array.from({ length: count }, (_, i) => {
        const item = sample(one.items ?? {}, ids, name);
        // Escalations need two people in two roles: the second member is someone else.
        if (name === 'members' && i === 1 && item && typeof item === 'object') return { ...item, userId: ids.otherUserId, role: 'support' };
        return item;
      });
    }
    case 'integer':
    case 'number':
      return Math.max(typeof one.minimum === 'number' ? one.minimum : 1, Math.min(1, one.maximum ?? 1));
    case 'boolean':
      // false: a true flag often asks for more (Slack on needs its URL).
      return false;
    case 'string':
      return sampleString(one, ids, name);
    default:
      return {};
  }
}

function sampleString(s: JsonSchema, ids: Record<string, string>, name: string): string {
  if (s.format === 'uuid') return ids[name] ?? ids[name.replace(/s$/, '')] ?? randomUUID();
  if (s.format === 'date') return '2026-03-01';
  // In the future: an override must expire later than now, and nothing else minds.
  if (s.format === 'date-time') return new Date(Date.now() + 30 * 86_400_000).toISOString();
  if (s.format === 'email' || name === 'email') return `${fresh('fuzz')}@example.test`;
  if (name === 'url' || name === 'slackWebhookUrl') return ids.webhookUrl ?? 'https://hooks.example.test/canopy';
  if (name === 'key' || s.pattern?.startsWith('^[a-z]')) return `k${n++}`;
  if (name === 'entry') return '10.9.8.7';
  const max = s.maxLength ?? 60;
  return fresh(name || 'fuzz').slice(0, max).padEnd(s.minLength ?? 0, 'x');
}

/** Strings that PostgreSQL or the schemas must refuse or store as given, never crash on. */
export const hostileString = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ maxLength: 20 }).map((s) => `${s}\u0000${s}`),
    fc.constantFrom('\ud800', '\udfff', 'a\ud83d', '\ude00b', 'x\udbff\u0000'),
    fc.string({ maxLength: 20 }).map((s) => `${s}\ud800`),
    fc.string({ unit: fc.integer({ min: 0, max: 31 }).map((c) => String.fromCharCode(c)), maxLength: 20 }),
    fc.string({ unit: 'binary', maxLength: 30 }),
    fc.constantFrom('', ' ', '%', '_', "'; DROP TABLE accounts; --", '\\', '$1', '::uuid', 'x'.repeat(5000)),
    hostileDate(),
    hostileNumber().map(String),
    wrongCursor(),
  );

export const hostileDate = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom(
      '0000-01-01', '0000-01-01T00:00:00Z', '275760-09-13T00:00:00Z', '+275760-09-13T00:00:00.000Z', '-000001-01-01T00:00:00Z',
      '9999-12-31', '9999-12-31T23:59:59Z', '1899-12-31', '2201-01-01T00:00:00Z', '2026-02-30', '2026-13-01', '2026-01-01T25:00:00Z',
      '2026-01-01T00:00:00+99:00', 'infinity', '-infinity', 'epoch', 'now', 'today', '1e308',
    ),
    fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
    fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
  );

export const hostileNumber = (): fc.Arbitrary<number> =>
  fc.oneof(
    fc.constantFrom(1e308, -1e308, 2 ** 63, -(2 ** 63), -0, 2 ** 31, -(2 ** 31) - 1, 2 ** 53 + 1, 1e-308, 0.1, 999_999_999_999.995, 1e12),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
  );

/** Wrong types in JSON: each is wrong somewhere. */
export const wrongType = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.constantFrom(null, true, false, [], {}, [[[]]], { a: { b: {} } }, ['\u0000'], { '\u0000': 1 }, { '\ud800': 'x' }, { x: '\ud800' }),
    fc.array(fc.oneof(fc.string(), fc.integer(), fc.constant(null)), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 5 }), fc.oneof(fc.string(), hostileNumber(), fc.constant('\u0000')), { maxKeys: 3 }),
  );

/** Nested deeper than the body parser's limit (32). */
export const deep = (depth = 40): unknown => Array.from({ length: depth }).reduce<unknown>((inner) => ({ a: inner }), 1);

export const encodeCursor = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** Well-formed base64 cursors holding the wrong things, and some that are not base64 JSON at all. */
export const wrongCursor = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom(
      encodeCursor(['a', 'b']), encodeCursor([]), encodeCursor([1, 2]), encodeCursor([null, null]), encodeCursor({ a: 1 }),
      encodeCursor(['0000-01-01 00:00:00+00', randomUUID()]), encodeCursor(['2026-01-01 00:00:00+00', 'not-a-uuid']),
      encodeCursor(['275760-09-13T00:00:00Z', randomUUID()]), encodeCursor(['2026-02-30 00:00:00+00', randomUUID()]),
      encodeCursor(['\u0000', randomUUID()]), encodeCursor([1e308, randomUUID()]), encodeCursor(['1e308', randomUUID()]),
      encodeCursor(['2026-01-01', randomUUID(), 'extra']), 'WyJhIiwiYiJd', '!!!', '%00', 'e30',
    ),
    fc.array(fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: true }), fc.constant(null), fc.boolean()), { maxLength: 3 }).map(encodeCursor),
    fc.string({ maxLength: 40 }).map((s) => Buffer.from(s).toString('base64url')),
  );

/** A value for one field: strings only in a URL, anything in a body. */
export function hostileFor(where: Where): fc.Arbitrary<unknown> {
  if (where !== 'body') return hostileString();
  return fc.oneof(hostileString(), hostileNumber(), wrongType(), fc.constant(deep()));
}

/**
 * encodeURIComponent refuses lone surrogates; a client can still send their (invalid) UTF-8 bytes,
 * so each code unit that cannot be encoded goes out as the three bytes it would have in CESU-8.
 */
export function encodeLoose(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return [...s].map((ch) => {
      try {
        return encodeURIComponent(ch);
      } catch {
        const c = ch.charCodeAt(0);
        return [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
      }
    }).join('');
  }
}

/** Sets `value` at `path` inside a copy of `obj` (the empty path replaces the whole body). */
export function setAt(obj: unknown, path: string[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path as [string, ...string[]];
  const base = obj && typeof obj === 'object' && !Array.isArray(obj) ? { ...(obj as Record<string, unknown>) } : {};
  base[head] = setAt(base[head], rest, value);
  return base;
}
