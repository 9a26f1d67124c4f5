import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { REDACTED_LINK, hasRedactedLinks, newToken, redactPublicLinks } from './token.js';

const TOKEN_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-'.split('');
/** A working link anywhere in a text: a public path whose segment starts with 43 token characters. */
const WORKING_LINK = /\/(?:s|c|shared\/plans)\/[A-Za-z0-9_-]{43}/;

const arbToken = fc.oneof(fc.constant(null).map(() => newToken()), fc.array(fc.constantFrom(...TOKEN_CHARS), { minLength: 43, maxLength: 43 }).map((c) => c.join('')));
const arbPrefix = fc.constantFrom('/s/', '/c/', '/shared/plans/', 'https://cs.example.test/s/', 'http://h/app/c/', '/api/shared/plans/', 'x/s/');
const arbSuffix = fc.oneof(fc.constantFrom('', '?score=7', '/confirm', '?notice=thanks', ' ', '.', '\n', ')', '#x'), fc.constantFrom(...TOKEN_CHARS));
const arbLink = fc.record({ prefix: arbPrefix, token: arbToken, suffix: arbSuffix });
const arbText = fc.string({ unit: 'binary', maxLength: 60 });

describe('redactPublicLinks', () => {
  it('leaves no working link in any text with links embedded anywhere, and keeps what surrounds them', () => {
    fc.assert(fc.property(fc.array(fc.tuple(arbText, arbLink), { minLength: 1, maxLength: 5 }), arbText, (parts, tail) => {
      const text = parts.map(([before, l]) => `${before}${l.prefix}${l.token}${l.suffix}`).join('') + tail;
      const out = redactPublicLinks(text);
      expect(WORKING_LINK.test(out)).toBe(false);
      for (const [, l] of parts) expect(out).not.toContain(`${l.prefix}${l.token}`);
      expect(hasRedactedLinks(out)).toBe(true);
      expect(out.endsWith(tail.replace(/^[A-Za-z0-9_-]+/, ''))).toBe(true); // the text after the last link stays (but for token characters glued to it)
      expect(redactPublicLinks(out)).toBe(out);
    }));
  });

  it('leaves any text without a link unchanged (short segments, other paths, bare words)', () => {
    const nearMiss = fc.record({ prefix: fc.constantFrom('/s/', '/c/', '/shared/plans/', '/plans/', '/x/', 's/', '/S/'), n: fc.integer({ min: 0, max: 42 }) })
      .map(({ prefix, n }) => `${prefix}${'a'.repeat(n)}`);
    fc.assert(fc.property(fc.array(fc.oneof(arbText, nearMiss), { maxLength: 6 }), (parts) => {
      const text = parts.join(' ');
      fc.pre(!WORKING_LINK.test(text));
      expect(redactPublicLinks(text)).toBe(text);
    }));
  });

  it('names the kind of link it removed and keeps the harmless rest', () => {
    const t = newToken();
    expect(redactPublicLinks(`Answer: https://cs.example.test/s/${t}?score=9 or /c/${t} and /shared/plans/${t}/comments`))
      .toBe(`Answer: https://cs.example.test/s/${REDACTED_LINK}?score=9 or /c/${REDACTED_LINK} and /shared/plans/${REDACTED_LINK}/comments`);
    expect(hasRedactedLinks('/s/[personal link]')).toBe(true);
    expect(hasRedactedLinks('nothing here')).toBe(false);
  });
});
