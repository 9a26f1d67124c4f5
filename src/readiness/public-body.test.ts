import { describe, expect, it } from 'vitest';
import { formFields, repeatedJsonKeys } from './public-body.js';

describe('formFields', () => {
  it('keeps a field sent once as its value and a field sent twice as both values', () => {
    expect(formFields('importance=5&confidence=7&website=')).toEqual({ importance: '5', confidence: '7', website: '' });
    expect(formFields('importance=5&importance=9&confidence=7')).toEqual({ importance: ['5', '9'], confidence: '7' });
    expect(formFields('a=1&a=2&a=3')).toEqual({ a: ['1', '2', '3'] });
    expect(Object.getPrototypeOf(formFields('__proto__=x'))).toBe(Object.prototype);
  });
});

describe('repeatedJsonKeys', () => {
  it('finds a key repeated in one object, at any depth, and nothing else', () => {
    expect(repeatedJsonKeys('{"importance":5,"confidence":7}')).toEqual([]);
    expect(repeatedJsonKeys('{"importance":5,"importance":9}')).toEqual(['importance']);
    expect(repeatedJsonKeys('{"importance":5, "\\u0069mportance" : 9}')).toEqual(['importance']);
    expect(repeatedJsonKeys('{"a":{"b":1,"b":2},"c":[{"d":1},{"d":2}]}')).toEqual(['a.b']);
    expect(repeatedJsonKeys('{"why":"a \\"quoted\\": word","whyNot":"{\\"x\\":1,\\"x\\":2}"}')).toEqual([]);
    expect(repeatedJsonKeys('[1,2,"x"]')).toEqual([]);
  });
});
