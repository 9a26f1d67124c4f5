import type { EmailSettings } from '../api/outbox';

export type EmailBannerState = { title: string; noSmtp: boolean; relativeLinks: boolean };

/**
 * What the e-mail banner says: e-mail not sent at all (CANOPY_SMTP_URL unset), and/or links in customer
 * e-mails relative (CANOPY_PUBLIC_URL unset); null when all is well. An older server that does not send
 * publicUrlConfigured is not guessed about.
 */
export function emailBannerState(s: Pick<EmailSettings, 'configured'> & { publicUrlConfigured?: boolean | undefined }): EmailBannerState | null {
  const noSmtp = !s.configured;
  const relativeLinks = s.publicUrlConfigured === false;
  if (!noSmtp && !relativeLinks) return null;
  return { title: noSmtp ? 'E-mail is not configured' : 'Links in customer e-mails will not work', noSmtp, relativeLinks };
}
