import { esc, noticeBox, renderPublicPage } from '../public/page.js';

/**
 * The check-in page a contact reaches from the e-mail: the initiative's title and the contact's
 * first name, the two 0–10 scales and the two follow-up questions, as one plain HTML form (no
 * script) that posts back to /c/:token and returns with a 303 and a notice.
 */

export const NOTICES = {
  thanks: { text: 'Thank you: your answer was sent to the team.', warn: false },
  updated: { text: 'Thank you: your new answer replaces the one you sent before.', warn: false },
  invalid: { text: 'Please choose a number from 0 to 10 on both scales, then send it again.', warn: true },
  suspect: { text: 'Your answer was not recorded: it came back too quickly to be read. Take a moment, then send it again.', warn: true },
  busy: { text: 'Too many requests through this link; wait a minute and try again.', warn: true },
} as const;
export type NoticeKey = keyof typeof NOTICES;
export const isNoticeKey = (s: unknown): s is NoticeKey => typeof s === 'string' && Object.hasOwn(NOTICES, s);

export type CheckInPageView = {
  token: string; title: string; firstName: string; stamp: string; expiresAt?: string | null;
  answer: { importance: number; confidence: number; whyNotLower: string | null; whatWouldMoveHigher: string | null } | null;
};

function scale(name: string, legend: string, low: string, high: string, chosen: number | null): string {
  const options = Array.from({ length: 11 }, (_, n) =>
    `<label><input type="radio" name="${name}" value="${n}" required${chosen === n ? ' checked' : ''}>${n}</label>`).join('');
  return `<fieldset><legend>${esc(legend)}</legend><div class="scale">${options}</div><div class="ends"><span>0 = ${esc(low)}</span><span>10 = ${esc(high)}</span></div></fieldset>`;
}

export function renderCheckInPage(v: CheckInPageView, notice: NoticeKey | null): string {
  const n = notice ? NOTICES[notice] : null;
  const a = v.answer;
  const body = `<section class="card">
<p class="muted">${v.firstName ? `Hi ${esc(v.firstName)},` : 'Hello,'}</p>
<h1>Where do you stand on “${esc(v.title)}”?</h1>
${n ? noticeBox(n.text, n.warn) : ''}
${a && !n ? noticeBox('You have answered already; sending again replaces your answer.', false) : ''}
<form method="post" action="/c/${esc(v.token)}">
${scale('importance', 'How important is it for you to act on this now?', 'not important at all', 'crucially important', a?.importance ?? null)}
${scale('confidence', 'How confident are you that you can do it?', 'no confidence at all', 'completely confident', a?.confidence ?? null)}
<label class="field" for="whyNotLower">Why did you pick those numbers, and not lower ones?</label>
<textarea id="whyNotLower" name="whyNotLower" maxlength="5000">${esc(a?.whyNotLower ?? '')}</textarea>
<label class="field" for="whatWouldMoveHigher">What would it take to move them higher?</label>
<textarea id="whatWouldMoveHigher" name="whatWouldMoveHigher" maxlength="5000">${esc(a?.whatWouldMoveHigher ?? '')}</textarea>
<div class="hp" aria-hidden="true"><label for="website">Leave this empty</label><input id="website" name="website" type="text" tabindex="-1" autocomplete="off"></div>
<input type="hidden" name="stamp" value="${esc(v.stamp)}">
<p><button type="submit">Send my answer</button></p>
</form>
</section>
<footer>This page was sent to you by your customer success team. The link is yours alone${v.expiresAt ? ` and works until ${esc(v.expiresAt.slice(0, 10))}` : ''}; please do not forward it.</footer>`;
  return renderPublicPage(`Check-in: ${v.title}`, body);
}
