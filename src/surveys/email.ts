import type { SurveyKind } from './scores.js';
import { scaleOf } from './scores.js';

/**
 * The survey e-mail (plain text: the mailer sends text only). One link per point of the scale
 * opens the page with that score chosen; nothing is recorded until the person presses Send there.
 * The last link is the honeypot: people are asked not to follow it, link scanners in mail
 * gateways follow every link, and following it marks the link as scanned (bot-suspect).
 */

/** Where links point and whether e-mail can leave; set once by the surveys service from the config. */
export type SurveyMailEnv = { publicUrl: string | undefined; emailConfigured: boolean };
let mailEnv: SurveyMailEnv = { publicUrl: undefined, emailConfigured: true };
export function configureSurveyMail(env: SurveyMailEnv): void {
  // One process serves one configuration; the playbook step calls sendSurvey without it.
  mailEnv = env;
}
export const surveyMailEnv = (): SurveyMailEnv => mailEnv;

/** The page's address: under CANOPY_PUBLIC_URL when set (keeping any path prefix), else relative. */
export function surveyUrl(publicUrl: string | undefined, token: string, suffix = ''): string {
  const path = `/s/${token}${suffix}`;
  return publicUrl ? `${publicUrl.replace(/\/+$/, '')}${path}` : path;
}

export const SCALE_ENDS: Record<SurveyKind, { low: string; high: string }> = {
  nps: { low: 'not at all likely', high: 'extremely likely' },
  csat: { low: 'very dissatisfied', high: 'very satisfied' },
  ces: { low: 'very difficult', high: 'very easy' },
};

export const firstNameOf = (name: string | null): string => (name ?? '').trim().split(/\s+/)[0] ?? '';

export function surveyEmail(o: {
  kind: SurveyKind; subject: string; intro: string; question: string; contactName: string | null; token: string; publicUrl: string | undefined;
}): { subject: string; body: string } {
  const first = firstNameOf(o.contactName);
  const ends = SCALE_ENDS[o.kind];
  const scale = scaleOf(o.kind);
  const links = scale.map((n) => {
    const end = n === scale[0] ? ` (${ends.low})` : n === scale[scale.length - 1] ? ` (${ends.high})` : '';
    return `  ${n}${end}: ${surveyUrl(o.publicUrl, o.token, `?score=${n}`)}`;
  });
  return {
    subject: o.subject.slice(0, 300),
    body: [
      first ? `Hi ${first},` : 'Hello,', '',
      ...(o.intro.trim() ? [o.intro.trim(), ''] : []),
      o.question, '',
      ...links, '',
      'Choosing a number opens a short page where you can add a comment; your answer counts once you press Send there.',
      'The link is yours alone. If you answer twice, the second answer replaces the first.', '',
      '--',
      `For automated mail scanners only, please do not click: ${surveyUrl(o.publicUrl, o.token, '/confirm')}`,
    ].join('\n'),
  };
}

/**
 * The one reminder: the survey e-mail again, with a line on top, carrying the reminder's own token
 * (the first e-mail's links are not kept once it has left). Both tokens answer the same response.
 */
export function reminderEmail(o: Parameters<typeof surveyEmail>[0]): { subject: string; body: string } {
  const mail = surveyEmail(o);
  return {
    subject: `Reminder: ${mail.subject}`.slice(0, 300),
    body: ['A gentle reminder, in case our earlier e-mail got buried. It takes a few seconds; this is the only reminder we send.', '', mail.body].join('\n'),
  };
}
