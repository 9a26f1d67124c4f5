import { describe, expect, it } from 'vitest';
import { reminderEmail, surveyEmail, surveyUrl } from './email.js';

const token = 'T'.repeat(43);
const mail = (kind: 'nps' | 'csat' | 'ces', publicUrl?: string) =>
  surveyEmail({ kind, subject: 'One question', intro: 'We read every answer.', question: 'How likely…?', contactName: 'Ann Marie Example', token, publicUrl });

describe('survey e-mail', () => {
  it('has one link per point of the scale (NPS 11, CSAT 5, CES 7) and the honeypot link, under the public URL', () => {
    for (const [kind, n] of [['nps', 11], ['csat', 5], ['ces', 7]] as const) {
      const { body } = mail(kind, 'https://cs.example.test/app/');
      expect(body.match(/\?score=\d+/g), kind).toHaveLength(n);
      expect(body).toContain(`https://cs.example.test/app/s/${token}/confirm`);
      expect(body).toMatch(/please do not click/);
    }
    expect(mail('csat').body).toContain(`  1 (very dissatisfied): /s/${token}?score=1`);
    expect(mail('csat').body).toContain(`  5 (very satisfied): /s/${token}?score=5`);
  });

  it('greets by first name only', () => {
    const { body } = mail('nps');
    expect(body.startsWith('Hi Ann,')).toBe(true);
    expect(body).not.toContain('Example');
    expect(surveyEmail({ kind: 'nps', subject: 's', intro: '', question: 'q', contactName: null, token, publicUrl: undefined }).body.startsWith('Hello,')).toBe(true);
  });

  it('the reminder is the survey e-mail with a line on top, carrying its own token', () => {
    const other = 'R'.repeat(43);
    const r = reminderEmail({ kind: 'nps', subject: 'One question', intro: 'We read every answer.', question: 'How likely…?', contactName: 'Ann Marie Example', token: other, publicUrl: undefined });
    expect(r.subject).toBe('Reminder: One question');
    expect(r.body.startsWith('A gentle reminder')).toBe(true);
    expect(r.body.endsWith(mail('nps').body.replaceAll(token, other))).toBe(true);
    expect(r.body).not.toContain(token);
    expect(surveyUrl(undefined, token, '?score=3')).toBe(`/s/${token}?score=3`);
  });
});
