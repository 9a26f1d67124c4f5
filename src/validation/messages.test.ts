import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isoDate, text } from '../http/zod.js';
import { humanMessage } from './messages.js';

// Importing src/http/zod.js installs the messages, as it does in the server and the web app.
const msg = (schema: z.ZodType, value: unknown) => schema.safeParse(value).error?.issues[0]?.message;

describe('plain-language messages for zod issues', () => {
  it.each<[string, z.ZodType, unknown, string]>([
    ['missing', z.object({ a: z.string() }), {}, 'Required'],
    ['null', z.number(), null, 'Required'],
    ['not a number', z.number(), 'x', 'Must be a number'],
    ['NaN', z.number(), Number.NaN, 'Must be a number'],
    ['Infinity', z.number(), Infinity, 'Must be a finite number'],
    ['not a whole number', z.number().int(), 1.5, 'Must be a whole number'],
    ['not text', z.string(), 5, 'Must be text'],
    ['not a boolean', z.boolean(), 'yes', 'Must be true or false'],
    ['not a list', z.array(z.string()), 'a', 'Must be a list'],
    ['string too long', text().max(200), 'x'.repeat(201), 'At most 200 characters'],
    ['string too long (1)', z.string().max(1), 'ab', 'At most 1 character'],
    ['empty string', text().trim().min(1), '  ', 'Required'],
    ['string too short', z.string().min(12), 'abc', 'At least 12 characters'],
    ['negative', z.number().min(0), -1, 'Must be 0 or more'],
    ['too large', z.number().max(10), 15, 'Must be 10 or less'],
    ['large bound with separators', z.number().max(999_999_999_999.99), 1e12, 'Must be 999,999,999,999.99 or less'],
    ['exclusive minimum', z.number().gt(0), 0, 'Must be more than 0'],
    ['exclusive maximum', z.number().lt(5), 5, 'Must be less than 5'],
    ['too many items', z.array(z.string()).max(2), ['a', 'b', 'c'], 'At most 2 items'],
    ['no items', z.array(z.string()).min(1), [], 'Choose at least one'],
    ['date format', z.iso.date(), '31/12/2026', 'Enter a date as YYYY-MM-DD'],
    ['date range', isoDate(), '1850-01-01', 'Enter a year between 1900 and 2200'],
    ['date-time format', z.iso.datetime(), 'tomorrow', 'Enter a date and time such as 2026-03-01T09:30:00Z'],
    ['e-mail', z.email(), 'ada', 'Enter an e-mail address such as ada@example.com'],
    ['uuid', z.uuid(), 'x', 'Must be an id (a UUID)'],
    ['url', z.url(), 'nope', 'Enter a full URL such as https://example.com'],
    ['regex', z.string().regex(/^a+$/), 'b', 'Not in the expected format'],
    ['starts with', z.string().startsWith('https://'), 'http://x', 'Must start with "https://"'],
    ['enum', z.enum(['onboarding', 'adoption']), 'won', 'Must be one of: onboarding, adoption'],
    ['literal', z.literal('x'), 'y', 'Must be x'],
    ['unknown key', z.strictObject({}), { b: 1 }, 'Unknown field: b'],
    ['multiple of', z.number().multipleOf(5), 3, 'Must be a multiple of 5'],
    ['union', z.union([z.string(), z.number()]), true, 'Not one of the accepted forms'],
    ['record key', z.record(z.string().max(2), z.string()), { abc: 'x' }, 'Contains a key that is not allowed'],
    ['refine without a message', z.string().refine(() => false), 'a', 'Not valid'],
  ])('%s', (_, schema, value, expected) => {
    expect(msg(schema, value)).toBe(expected);
  });

  it('leaves a message the schema gives itself alone', () => {
    expect(msg(z.string().min(3, 'Give three letters'), 'a')).toBe('Give three letters');
    expect(msg(z.string().refine(() => false, 'Nope'), 'a')).toBe('Nope');
  });

  it('keeps the machine-readable issue untouched', () => {
    const issue = z.number().min(0).safeParse(-1).error?.issues[0];
    expect(issue).toMatchObject({ code: 'too_small', minimum: 0, path: [], message: 'Must be 0 or more' });
  });

  it('never throws and always answers, whatever an issue carries', () => {
    const anyIssue = fc.record({
      code: fc.constantFrom('invalid_type', 'too_big', 'too_small', 'invalid_format', 'not_multiple_of', 'unrecognized_keys', 'invalid_value', 'invalid_union', 'invalid_key', 'invalid_element', 'custom', 'other'),
      expected: fc.oneof(fc.string(), fc.constantFrom('valueOf', 'toString', '__proto__', 'constructor')), origin: fc.constantFrom('string', 'number', 'int', 'array', 'set', 'file', 'date', 'bigint'),
      maximum: fc.oneof(fc.double(), fc.bigInt()), minimum: fc.oneof(fc.double(), fc.bigInt()), inclusive: fc.boolean(),
      format: fc.oneof(fc.string(), fc.constantFrom('valueOf', 'toString', '__proto__', 'constructor')), divisor: fc.double(), keys: fc.array(fc.string()), values: fc.array(fc.anything()), input: fc.anything(),
    });
    fc.assert(fc.property(anyIssue, (iss) => {
      const m = humanMessage(iss as unknown as z.core.$ZodRawIssue);
      expect(typeof m).toBe('string');
      expect(m.length).toBeGreaterThan(0);
    }));
  });
});
