import { createHash } from 'node:crypto';

/**
 * The HTML shell of a public page (a survey, a check-in request): no script at all, nothing loaded
 * from anywhere, one inline stylesheet allowed by its hash in the page's own CSP, noindex and
 * no-referrer. Forms are plain HTML that post back to the same origin and answer with a 303, so
 * the page works without JavaScript. Every value put in the page goes through esc().
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

export const PUBLIC_STYLE = `
*,*::before,*::after{box-sizing:border-box}
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;background:#f6f7f5;color:#1d2420}
main{max-width:720px;min-width:0;margin:0 auto;padding:24px 16px 48px;overflow-wrap:anywhere}
h1{margin:4px 0 12px;font-size:1.5em}
section.card,.notice{max-width:100%;min-width:0;background:#fff;border:1px solid #dde2dc;border-radius:8px;padding:16px 20px;margin:16px 0}
.notice{border-color:#8fb89a;background:#eef7f0}
.notice.warn{border-color:#d8b26a;background:#fcf6ea}
.muted{color:#66706a;font-size:.92em}
fieldset{border:0;padding:0;margin:0 0 12px}
legend{font-weight:600;margin-bottom:8px}
.scale{display:flex;flex-wrap:wrap;gap:6px}
.scale label{display:inline-flex;flex-direction:column;align-items:center;min-width:40px;padding:6px 4px;border:1px solid #c9d1cb;border-radius:6px;background:#fff;cursor:pointer}
.scale input{margin:0 0 2px}
.ends{display:flex;justify-content:space-between;color:#66706a;font-size:.85em;margin-top:4px}
label.field{display:block;font-weight:600;margin:12px 0 4px}
input[type=range],select,textarea,button{font:inherit;max-width:100%;min-width:0}
textarea{width:100%;min-height:96px}
.hp{position:absolute;left:-10000px;top:auto;width:1px;height:1px;overflow:hidden}
button{padding:6px 16px;border:1px solid #2f6b44;background:#2f6b44;color:#fff;border-radius:5px;cursor:pointer}
footer{margin-top:32px;color:#7a837d;font-size:.85em}
`.trim();

const STYLE_HASH = createHash('sha256').update(PUBLIC_STYLE).digest('base64');

/** The page's own policy: no script, nothing loaded from anywhere, forms post only here. */
export const PUBLIC_PAGE_CSP = [
  "default-src 'none'", `style-src 'sha256-${STYLE_HASH}'`, "img-src 'none'", "form-action 'self'",
  "frame-ancestors 'none'", "base-uri 'none'",
].join('; ');

/** Headers for every public answer (pages and their JSON): never indexed, never cached, no referrer. */
export const PUBLIC_HEADERS = { 'x-robots-tag': 'noindex, nofollow', 'referrer-policy': 'no-referrer', 'cache-control': 'no-store' } as const;

/** A whole page; `body` is HTML the caller built with esc(). `style` must be allowed by the page's CSP (its hash). */
export function renderPublicPage(title: string, body: string, style: string = PUBLIC_STYLE): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<title>${esc(title)}</title>
<style>${style}</style>
</head>
<body><main>
${body}
</main></body>
</html>`;
}

/** A page with one message (an unknown link, a thank-you). */
export function renderPublicMessage(title: string, text: string): string {
  return renderPublicPage(title, `<section class="card"><h1>${esc(title)}</h1><p>${esc(text)}</p></section>`);
}

/** A notice box shown above a form after a 303 back. */
export const noticeBox = (text: string, warn: boolean): string => `<p class="notice${warn ? ' warn' : ''}" role="status">${esc(text)}</p>`;
