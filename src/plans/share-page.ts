import { createHash } from 'node:crypto';
import { esc, renderPublicPage } from '../public/page.js';
import type { PublicGoal, PublicPlan, PublicTask } from './share-schema.js';

/**
 * The shared plan as one HTML page: a pure function of the public view (share-view.ts). No
 * script at all; the customer's two writes (tick a task done, leave a comment) are plain HTML
 * forms that post to /shared/plans/:token/... and come back here with a 303, so the page works
 * without JavaScript. The one stylesheet is inline and allowed by its hash in the page's own CSP.
 */

const STYLE = `
*,*::before,*::after{box-sizing:border-box}
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;background:#f6f7f5;color:#1d2420}
main{max-width:860px;min-width:0;margin:0 auto;padding:24px 16px 48px;overflow-wrap:anywhere}
header p{margin:0;color:#56605a}
h1{margin:4px 0 8px;font-size:1.7em}
h2{font-size:1.25em;margin:0 0 4px}
h3{font-size:1em;margin:16px 0 6px}
section.goal,section.comments,.notice{max-width:100%;min-width:0;background:#fff;border:1px solid #dde2dc;border-radius:8px;padding:16px 20px;margin:16px 0}
.notice{border-color:#8fb89a;background:#eef7f0}
.notice.warn{border-color:#d8b26a;background:#fcf6ea}
.status{display:inline-block;font-size:.85em;font-weight:600;padding:2px 8px;border-radius:10px;background:#e8ece8}
.status.achieved,.status.on_track{background:#dcefe0;color:#1f5e31}
.status.at_risk{background:#fbedd0;color:#7a4f00}
.status.off_track{background:#f8dcdc;color:#8a1f1f}
.muted{color:#66706a;font-size:.92em}
progress{width:160px;max-width:100%;vertical-align:middle}
ul{padding-left:20px;margin:4px 0}
li{margin:4px 0}
table{border-collapse:collapse;width:100%;margin:4px 0}
th,td{text-align:left;padding:4px 8px 4px 0;border-bottom:1px solid #eef0ee;vertical-align:top;font-size:.95em}
form.inline{display:inline}
select,textarea,button{font:inherit;max-width:100%;min-width:0}
select{width:100%;text-overflow:ellipsis}
textarea{width:100%;min-height:80px}
@media (max-width:600px){
table,tbody,tr,td{display:block;width:100%}
thead{display:none}
tr{border-bottom:1px solid #eef0ee;padding:6px 0}
td{border:0;padding:2px 0}
td:empty{display:none}
}
button{padding:3px 10px;border:1px solid #2f6b44;background:#2f6b44;color:#fff;border-radius:5px;cursor:pointer}
footer{margin-top:32px;color:#7a837d;font-size:.85em}
`.trim();

const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');

/** The page's own policy: no script, nothing loaded from anywhere, forms post only here. */
export const PAGE_CSP = [
  "default-src 'none'", `style-src 'sha256-${STYLE_HASH}'`, "img-src 'none'", "form-action 'self'",
  "frame-ancestors 'none'", "base-uri 'none'",
].join('; ');

/** Messages the page shows after a form posted back (?notice=...). Only these keys are read. */
export const NOTICES = {
  task_done: { text: 'Thank you: the task is marked done.', warn: false },
  comment_added: { text: 'Thank you: your comment was sent to the team.', warn: false },
  invalid: { text: 'Please choose who you are, and write a comment before sending it.', warn: true },
  closed: { text: 'That task was already done or cancelled.', warn: true },
  not_yours: { text: "Only your side's tasks can be ticked done here.", warn: true },
  gone: { text: 'That item is no longer on this plan.', warn: true },
  busy: { text: 'Too many requests through this link; wait a minute and try again.', warn: true },
} as const;
export type NoticeKey = keyof typeof NOTICES;
export const isNoticeKey = (s: unknown): s is NoticeKey => typeof s === 'string' && Object.hasOwn(NOTICES, s);


const DATE = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
function date(s: string | null): string {
  if (!s) return '';
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00Z` : s);
  return Number.isNaN(d.getTime()) ? '' : DATE.format(d);
}
const num = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 2 });
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function progressBar(percent: number | null): string {
  if (percent === null) return '<span class="muted">no data yet</span>';
  return `<progress max="100" value="${percent}">${percent}%</progress> ${percent}%`;
}

const statusBadge = (status: string, label: string) => `<span class="status ${esc(status)}">${esc(label)}</span>`;

function contactSelect(view: PublicPlan, id: string): string {
  const options = view.contacts.map((c) => `<option value="${esc(c.id)}">${esc(c.name)}</option>`).join('');
  return `<label for="${esc(id)}">I am</label> <select id="${esc(id)}" name="contactId" required><option value="">choose…</option>${options}</select>`;
}

function taskRow(view: PublicPlan, token: string, t: PublicTask): string {
  const side = t.side === 'customer' ? 'your team' : 'our team';
  const owner = t.ownerName ? `${esc(t.ownerName)} <span class="muted">(${side})</span>` : `<span class="muted">${side}</span>`;
  const status = t.status === 'open' ? 'Open' : t.status === 'done' ? 'Done' : 'Cancelled';
  const action = t.canComplete && view.contacts.length > 0
    ? `<form class="inline" method="post" action="/shared/plans/${esc(token)}/tasks/${esc(t.id)}/complete">${contactSelect(view, `who-${t.id}`)} <button type="submit">Mark done</button></form>`
    : '';
  return `<tr><td>${esc(t.title)}</td><td>${owner}</td><td>${status}</td><td>${t.dueAt ? date(t.dueAt) : ''}</td><td>${action}</td></tr>`;
}

function criterionItem(c: PublicGoal['criteria'][number]): string {
  const head = `<strong>${esc(c.name)}</strong>`;
  if (c.current === null) return `<li>${head}: no data yet${c.target !== null ? ` <span class="muted">(target ${num(c.target)})</span>` : ''}</li>`;
  const vs = c.target !== null ? `${num(c.current)} of a target of ${num(c.target)}${c.direction === 'down' ? ' (lower is better)' : ''}` : `${num(c.current)} (no target yet)`;
  const ratings = c.ratings ? ` <span class="muted">ratings: ours ${c.ratings.vendor ?? '–'}/5, yours ${c.ratings.customer ?? '–'}/5</span>` : '';
  const asOf = c.measuredAt ? ` <span class="muted">as of ${date(c.measuredAt)}</span>` : '';
  return `<li>${head}: ${vs} ${progressBar(c.progress)}${c.met ? ' <span class="status achieved">met</span>' : ''}${asOf}${ratings}</li>`;
}

function goalSection(view: PublicPlan, token: string, g: PublicGoal): string {
  const criteria = g.criteria.length ? `<ul>${g.criteria.map(criterionItem).join('')}</ul>` : '<p class="muted">No success criteria yet.</p>';
  const milestones = g.milestones.map((m) => {
    const state = m.done ? `done ${date(m.completedAt)}` : m.overdueDays > 0 ? `${plural(m.overdueDays, 'day')} overdue` : m.dueAt ? `due ${date(m.dueAt)}` : 'no due date';
    const owner = m.owner ? ` · ${esc(m.owner.name)} <span class="muted">(${m.owner.side === 'customer' ? 'your team' : 'our team'})</span>` : '';
    const tasks = m.tasks.length
      ? `<table><thead><tr><th>Task</th><th>Owner</th><th>Status</th><th>Due</th><th></th></tr></thead><tbody>${m.tasks.map((t) => taskRow(view, token, t)).join('')}</tbody></table>`
      : '';
    return `<h3>${m.done ? '✓ ' : ''}${esc(m.title)} <span class="muted">${state}</span>${owner}</h3>${tasks}`;
  }).join('');
  return `<section class="goal">
<h2>${esc(g.statement)}</h2>
<p>${statusBadge(g.status, g.statusLabel)} ${progressBar(g.progress.percent)}${g.targetDate ? ` <span class="muted">target ${date(g.targetDate)}</span>` : ''}</p>
${g.why ? `<p><em>Why it matters:</em> ${esc(g.why)}</p>` : ''}
${g.statusReasons.length ? `<ul class="muted">${g.statusReasons.map((r) => `<li>${esc(r)}</li>`).join('')}</ul>` : ''}
<h3>Success criteria</h3>${criteria}
${milestones ? `<h3>Milestones</h3>${milestones}` : ''}
</section>`;
}

function commentsSection(view: PublicPlan, token: string): string {
  const goalName = new Map(view.goals.map((g) => [g.id, g.statement]));
  const list = view.comments.length
    ? `<ul>${view.comments.map((c) => {
      const about = c.goalId && goalName.has(c.goalId) ? ` <span class="muted">on “${esc(goalName.get(c.goalId) ?? '')}”</span>` : '';
      return `<li><strong>${esc(c.contactName)}</strong>, ${date(c.createdAt)}${about}: ${esc(c.body)}</li>`;
    }).join('')}</ul>`
    : '';
  if (!view.allowCustomerUpdates) return list ? `<section class="comments"><h2>Comments</h2>${list}</section>` : '';
  const form = view.contacts.length === 0
    ? '<p class="muted">Comments are open, but nobody on your team is listed yet: ask your contact to add you.</p>'
    : `<form method="post" action="/shared/plans/${esc(token)}/comments">
<p>${contactSelect(view, 'who-comment')}
<label for="about">about</label> <select id="about" name="goalId"><option value="">the whole plan</option>${view.goals.map((g) => `<option value="${esc(g.id)}">${esc(g.statement)}</option>`).join('')}</select></p>
<p><label for="body">Your comment</label><br><textarea id="body" name="body" maxlength="5000" required></textarea></p>
<p><button type="submit">Send comment</button></p>
</form>`;
  return `<section class="comments"><h2>Comments</h2>${list}${form}</section>`;
}

/** The public shell (src/public/page.ts) with this page's own stylesheet, allowed by PAGE_CSP. */
const page = (title: string, body: string): string => renderPublicPage(title, body, STYLE);

export function renderPlanPage(view: PublicPlan, token: string, notice: NoticeKey | null = null): string {
  const n = notice ? NOTICES[notice] : null;
  const p = view.progress;
  const body = `<header>
<p>Success plan · ${esc(view.accountName)}</p>
<h1>${esc(view.title)}</h1>
<p>${statusBadge(view.status, view.statusLabel)} ${progressBar(p.percent)} <span class="muted">${p.criteriaMet} of ${p.criteriaTotal} ${p.criteriaTotal === 1 ? 'criterion' : 'criteria'} met · ${p.milestonesDone} of ${plural(p.milestonesTotal, 'milestone')} done</span></p>
</header>
${n ? `<p class="notice${n.warn ? ' warn' : ''}" role="status">${esc(n.text)}</p>` : ''}
${view.goals.length ? view.goals.map((g) => goalSection(view, token, g)).join('\n') : '<section class="goal"><p>No goals are shared yet.</p></section>'}
${commentsSection(view, token)}
<footer>This page is shared with you by your customer success team${view.expiresAt ? `; the link works until ${date(view.expiresAt)}` : ''}. Please do not forward it.</footer>`;
  return page(`${view.title} · ${view.accountName}`, body);
}

/** The one answer for a link that is unknown, revoked or expired (and for other refusals, with their words). */
export function renderMessagePage(title: string, text: string): string {
  return page(title, `<section class="goal"><h1>${esc(title)}</h1><p>${esc(text)}</p></section>`);
}
