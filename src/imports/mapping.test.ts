import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accountFields } from './kinds/accounts.js';
import { editDistance, mappingProblems, matchHeader, normaliseHeader, suggestMapping } from './mapping.js';

describe('header matching', () => {
  it('maps account_name and Company to name, mrr_amount to mrr, and usual spellings to their fields', () => {
    expect(matchHeader('account_name', accountFields)?.field).toBe('name');
    expect(matchHeader('Company', accountFields)?.field).toBe('name');
    expect(matchHeader('mrr_amount', accountFields)?.field).toBe('mrr');
    expect(matchHeader('MRR Amount', accountFields)?.field).toBe('mrr');
    expect(matchHeader('Renewal Date', accountFields)?.field).toBe('renewalDate');
    expect(matchHeader('renewl_date', accountFields)?.field).toBe('renewalDate');
    expect(matchHeader('Salesforce ID', accountFields)?.field).toBe('externalId');
  });

  it('ignores headers it does not know', () => {
    for (const h of ['favourite colour', 'zzz', '', '   ', 'notes_internal_2']) expect(matchHeader(h, accountFields), h).toBeNull();
    const { mapping } = suggestMapping(['name', 'favourite colour'], [['Acme', 'blue']], accountFields);
    expect(mapping.columns['favourite colour']).toEqual({ field: 'ignore' });
    const custom = suggestMapping(['name', 'favourite colour'], [['Acme', 'blue']], accountFields, { custom: true });
    expect(custom.mapping.columns['favourite colour']).toEqual({ field: 'custom:favourite colour' });
  });

  it('never maps two columns to one field: the more confident one wins, the other is ignored', () => {
    const { mapping } = suggestMapping(['Company', 'account_name', 'domain'], [['Acme', 'Acme Inc', 'acme.test']], accountFields);
    const toName = Object.entries(mapping.columns).filter(([, c]) => c.field === 'name').map(([h]) => h);
    expect(toName).toEqual(['Company']);
    expect(mapping.columns.account_name).toEqual({ field: 'ignore' });
  });

  it('suggests at most one column per field for any header (fast-check)', () => {
    const names = accountFields.flatMap((f) => [f.key, f.label, ...f.aliases]);
    const header = fc.uniqueArray(fc.oneof(fc.constantFrom(...names), fc.string({ maxLength: 12 })), { maxLength: 12, selector: (h) => h });
    fc.assert(fc.property(header, (h) => {
      const { mapping } = suggestMapping(h, [], accountFields);
      const used = Object.values(mapping.columns).map((c) => c.field).filter((f) => f !== 'ignore');
      expect(new Set(used).size).toBe(used.length);
      expect(mappingProblems(mapping, h, accountFields, false).filter((p) => p.includes('several columns'))).toEqual([]);
    }));
  });

  it('gives the detected date format with the suggestion, and none when the sample is ambiguous', () => {
    expect(suggestMapping(['renewal_date'], [['25/12/2027']], accountFields).mapping.columns.renewal_date).toEqual({ field: 'renewalDate', format: 'DD/MM/YYYY' });
    expect(suggestMapping(['renewal_date'], [['03/04/2027']], accountFields).mapping.columns.renewal_date).toEqual({ field: 'renewalDate' });
  });
});

describe('mapping problems', () => {
  it('refuses a field mapped from two columns, unknown fields and columns, and nameless custom fields', () => {
    const header = ['a', 'b', 'c'];
    const problems = mappingProblems({ columns: { a: { field: 'name' }, b: { field: 'name' }, c: { field: 'nope' }, d: { field: 'domain' } } }, header, accountFields, true);
    expect(problems).toContain('Field name is mapped from several columns: a, b');
    expect(problems).toContain('Column "c": unknown field "nope"');
    expect(problems).toContain('The mapping names a column "d" that the file does not have');
    expect(mappingProblems({ columns: { a: { field: 'custom:' } } }, header, accountFields, true)).toEqual(['Column "a": a custom field needs a name (custom:<name>)']);
    expect(mappingProblems({ columns: { a: { field: 'custom:x' } } }, header, accountFields, false)).toEqual(['Column "a": this kind has no custom fields']);
  });

  it('names a required field that has no column', () => {
    const fields = [{ key: 'email', label: 'E-mail', type: 'email' as const, required: true, aliases: [] }];
    expect(mappingProblems({ columns: { a: { field: 'ignore' } } }, ['a'], fields, false)).toEqual(['Required field email (E-mail) has no column']);
  });
});

describe('helpers', () => {
  it('normalises headers and measures spelling distance', () => {
    expect(normaliseHeader(' Account-Name ')).toBe('accountname');
    expect(normaliseHeader('Société')).toBe('societe');
    expect(editDistance('renewal', 'renewl')).toBe(1);
    expect(editDistance('abc', 'abcdefgh', 2)).toBe(3);
  });
});
