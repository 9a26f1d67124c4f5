import { esc, noticeBox, renderPublicPage } from '../public/page.js';
import { SCALE_ENDS } from './email.js';
import { scaleOf, type SurveyKind } from './scores.js';

/**
 * The survey page a contact reaches from an e-mail link: the question, the contact's first name,
 * the scale (the score of the link pre-selected; never an earlier answer: whoever holds a forwarded
 * link must not read it), a comment box, a honeypot field people do not
 * see and the signed stamp, as one plain HTML form (no script) that posts back to /s/:token and
 * returns with a 303 and a notice. Opening it records nothing but the first view.
 */

export const NOTICES = {
  thanks: { text: 'Thank you: your answer was sent to the team.', warn: false },
  invalid: { text: 'Please choose a number on the scale, then send it again.', warn: true },
  busy: { text: 'Too many requests through this link; wait a minute and try again.', warn: true },
} as const;
export type NoticeKey = keyof typeof NOTICES;
/** Shown (never reached through ?notice=) when the form came back under the minimum time: the person presses Send once more. */
export const CONFIRM_NOTICE = { text: 'Almost there: press Send once more to confirm your answer.', warn: true } as const;
export const isNoticeKey = (s: unknown): s is NoticeKey => typeof s === 'string' && Object.hasOwn(NOTICES, s);

export type SurveyPageView = {
  token: string; kind: SurveyKind; question: string; commentPrompt: string | null; firstName: string; stamp: string;
  chosen: number | null; answered: boolean; comment: string | null;
};

/** The form itself: the scale (the link's score pre-selected), the comment, the honeypot field and the stamp. */
function surveyForm(v: SurveyPageView): string {
  const scale = scaleOf(v.kind);
  const ends = SCALE_ENDS[v.kind];
  const options = scale.map((s) =>
    `<label><input type="radio" name="score" value="${s}" required${v.chosen === s ? ' checked' : ''}>${s}</label>`).join('');
  return `<form method="post" action="/s/${esc(v.token)}">
<fieldset><legend><h1>${esc(v.question)}</h1></legend><div class="scale">${options}</div>
<div class="ends"><span>${scale[0]} = ${esc(ends.low)}</span><span>${scale[scale.length - 1]} = ${esc(ends.high)}</span></div></fieldset>
<label class="field" for="comment">${esc(v.commentPrompt ?? 'Anything you would like to add?')}</label>
<textarea id="comment" name="comment" maxlength="5000">${esc(v.comment ?? '')}</textarea>
<div class="hp" aria-hidden="true"><label for="website">Leave this empty</label><input id="website" name="website" type="text" tabindex="-1" autocomplete="off"></div>
<input type="hidden" name="stamp" value="${esc(v.stamp)}">
<p><button type="submit">Send</button></p>
</form>`;
}

export function renderSurveyPage(v: SurveyPageView, notice: NoticeKey | typeof CONFIRM_NOTICE | null): string {
  const n = notice === null ? null : typeof notice === 'string' ? NOTICES[notice] : notice;
  const body = `<section class="card">
<p class="muted">${v.firstName ? `Hi ${esc(v.firstName)},` : 'Hello,'}</p>
${n ? noticeBox(n.text, n.warn) : ''}
${v.answered && !n ? noticeBox('You have answered already; sending again replaces your answer.', false) : ''}
${surveyForm(v)}
</section>
<footer>This page was sent to you by your customer success team. The link is yours alone; please do not forward it.</footer>`;
  return renderPublicPage('Your feedback', body);
}

/**
 * The honeypot link's page. A person reads that there is nothing to do here; the form is hidden
 * from people (never shown, out of the tab order) and carries the trap stamp, so an automated
 * sender that fills it in is recognised as one. Nobody's own answer is affected.
 */
export function renderTrapPage(v: SurveyPageView): string {
  const body = `<section class="card"><h1>Nothing to confirm</h1>
<p>This link is for automated mail scanners. To answer, use one of the numbers in the e-mail.</p></section>
<div class="hp" aria-hidden="true">${surveyForm(v)}</div>`;
  return renderPublicPage('Nothing to confirm', body);
}
