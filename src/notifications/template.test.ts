import { describe, expect, it } from 'vitest';
import { TEMPLATE_VARIABLES, renderTemplate, validateTemplate } from './template.js';

describe('renderTemplate', () => {
  const vars = {
    account: { name: 'Acme & Sons <Ltd>', arr: '120,000', renewalDate: '2025-06-30', healthBand: 'poor', healthScore: 31 },
    contact: { name: 'Ada Lovelace', firstName: 'Ada', email: 'ada@acme.io' },
    owner: { name: 'Sam CSM', email: 'sam@canopy.test' },
  };
  it('fills variables without HTML escaping', () => {
    expect(renderTemplate('Hi {{contact.firstName}}, {{account.name}} renews on {{account.renewalDate}} (ARR {{account.arr}}).', vars))
      .toBe('Hi Ada, Acme & Sons <Ltd> renews on 2025-06-30 (ARR 120,000).');
    expect(renderTemplate('Score {{account.healthScore}} ({{account.healthBand}}) — {{owner.name}}', vars)).toBe('Score 31 (poor) — Sam CSM');
  });
  it('renders missing values as nothing and supports sections', () => {
    expect(renderTemplate('[{{account.segment}}]', vars)).toBe('[]');
    expect(renderTemplate('{{#contact.firstName}}Hi {{contact.firstName}}{{/contact.firstName}}{{^contact.firstName}}Hello{{/contact.firstName}}', {})).toBe('Hello');
    expect(renderTemplate('{{#contact.firstName}}Hi {{contact.firstName}}{{/contact.firstName}}', vars)).toBe('Hi Ada');
  });
});

describe('validateTemplate', () => {
  it('accepts every documented variable', () => {
    expect(validateTemplate(TEMPLATE_VARIABLES.map((v) => `{{${v}}}`).join(' '), 'body')).toEqual([]);
    expect(validateTemplate('plain text', 'body')).toEqual([]);
  });
  it('names unknown variables once, under the given path', () => {
    const problems = validateTemplate('{{account.nmae}} {{account.nmae}} {{{contact.phone}}} {{#foo}}x{{/foo}}', 'steps.2.body');
    expect(problems.map((p) => p.path)).toEqual(['steps.2.body', 'steps.2.body', 'steps.2.body']);
    expect(problems[0]?.message).toContain('{{account.nmae}}');
    expect(problems[1]?.message).toContain('contact.phone');
    expect(problems[2]?.message).toContain('foo');
  });
  it('reports a template that cannot be parsed, and partials', () => {
    expect(validateTemplate('Hi {{contact.name', 'subject')[0]?.message).toMatch(/cannot be read/);
    expect(validateTemplate('{{#account.name}}open', 'subject')[0]?.message).toMatch(/cannot be read/);
    expect(validateTemplate('{{> footer}}', 'body')[0]?.message).toMatch(/partials/);
  });
});
