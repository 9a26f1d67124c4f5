import { describe, expect, it } from 'vitest';
import { evaluateFormula, formulaOrder, isFormulaError, parseFormula, type Formula } from './formula.js';

const parse = (s: string): Formula => {
  const f = parseFormula(s);
  if (isFormulaError(f)) throw new Error(f.message);
  return f;
};

describe('formulas', () => {
  it('evaluates arithmetic over driver keys and lists the keys used', () => {
    const f = parse('active_users / seats * 100');
    expect(f.refs.sort()).toEqual(['active_users', 'seats']);
    expect(evaluateFormula(f.ast, new Map([['active_users', 12], ['seats', 48]]))).toBe(25);
    expect(evaluateFormula(parse('max(a, b) - abs(-c)').ast, new Map([['a', 1], ['b', 5], ['c', 2]]))).toBe(3);
  });
  it('has no value when a driver has none or when it divides by zero', () => {
    const f = parse('a / b');
    expect(evaluateFormula(f.ast, new Map([['a', 3], ['b', 0]]))).toBeNull();
    expect(evaluateFormula(f.ast, new Map([['a', 3], ['b', null]]))).toBeNull();
    expect(evaluateFormula(f.ast, new Map([['a', 3]]))).toBeNull();
  });
  it('refuses anything but arithmetic', () => {
    for (const bad of ['a && b', 'process.exit()', 'a ? b : c', '"text"', 'eval(a)', 'a[0]', 'a +']) {
      expect(isFormulaError(parseFormula(bad)), bad).toBe(true);
    }
  });
  it('orders formulas by dependency and finds cycles', () => {
    const ok = formulaOrder(new Map([['ratio', ['users', 'seats']], ['users', []], ['seats', []], ['score', ['ratio']]]));
    expect('order' in ok && ok.order.indexOf('ratio') > ok.order.indexOf('users')).toBe(true);
    expect('order' in ok && ok.order.indexOf('score') > ok.order.indexOf('ratio')).toBe(true);
    const bad = formulaOrder(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']]]));
    expect(bad).toEqual({ cycle: ['a', 'b', 'c', 'a'] });
    expect(formulaOrder(new Map([['a', ['a']]]))).toEqual({ cycle: ['a', 'a'] });
  });
});
