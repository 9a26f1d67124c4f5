import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { esc, PUBLIC_PAGE_CSP, PUBLIC_STYLE, renderPublicMessage, renderPublicPage } from './page.js';

describe('public page shell', () => {
  it('escapes the five HTML characters', () => {
    expect(esc(`<script>alert("x" & 'y')</script>`)).toBe('&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;');
  });

  it('allows exactly its own inline style by hash, no script, nothing loaded, forms only to itself', () => {
    const hash = createHash('sha256').update(PUBLIC_STYLE).digest('base64');
    expect(PUBLIC_PAGE_CSP).toContain(`style-src 'sha256-${hash}'`);
    expect(PUBLIC_PAGE_CSP).toContain("default-src 'none'");
    expect(PUBLIC_PAGE_CSP).toContain("form-action 'self'");
    expect(PUBLIC_PAGE_CSP).not.toContain('script-src');
    const html = renderPublicPage('T <1>', '<p>body</p>');
    expect(html).toContain(`<style>${PUBLIC_STYLE}</style>`);
    expect(html).toContain('<meta name="robots" content="noindex, nofollow">');
    expect(html).toContain('<title>T &lt;1&gt;</title>');
    expect(html).not.toMatch(/<script/i);
  });

  it('a message page escapes its words', () => {
    expect(renderPublicMessage('<b>', '"quoted"')).toContain('<h1>&lt;b&gt;</h1><p>&quot;quoted&quot;</p>');
  });
});
