import nodemailer from 'nodemailer';
import type { Config } from '../config.js';

export type MailMessage = { id: string; to: string; subject: string; text: string };
/** send() resolves with the Message-ID the transport used (kept on the outbox row). */
export type Mailer = { send(m: MailMessage): Promise<string | null>; close(): void };

/** The domain of an address such as `Canopy <canopy@cs.example.com>`. */
function domainOf(from: string): string {
  const m = /@([^>\s]+)>?\s*$/.exec(from);
  return m?.[1] ?? 'canopy.localhost';
}

/** Message-ID from the outbox row id: a resend after a crash is recognisable as the same message. */
export function messageIdFor(id: string, from: string): string {
  return `<${id}@${domainOf(from)}>`;
}

/** What the SMTP setup is, in one line for the start-up log. */
export function mailSetupLine(config: Pick<Config, 'smtp'>): string {
  if (!config.smtp.url) return 'E-mail is off: set CANOPY_SMTP_URL (smtp://user:password@host:587) to send notification e-mails; until then they wait in the outbox.';
  const u = new URL(config.smtp.url);
  return `E-mail goes through ${u.protocol}//${u.hostname}${u.port ? `:${u.port}` : ''} from ${config.smtp.from}.`;
}

/** A failure the SMTP server calls permanent (5xx): retrying will not help. */
export function isPermanentMailError(err: unknown): boolean {
  const code = (err as { responseCode?: number }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

/** Plain-text e-mail over SMTP (nodemailer), or null when CANOPY_SMTP_URL is not set. */
export function createMailer(config: Pick<Config, 'smtp' | 'outbound'>): Mailer | null {
  const url = config.smtp.url;
  if (!url) return null;
  const t = config.outbound.timeoutMs;
  const transport = nodemailer.createTransport({ url, connectionTimeout: t, greetingTimeout: t, socketTimeout: t });
  return {
    async send(m) {
      const info = (await transport.sendMail({
        from: config.smtp.from,
        to: m.to,
        subject: m.subject,
        text: m.text,
        messageId: messageIdFor(m.id, config.smtp.from),
        headers: { 'auto-submitted': 'auto-generated' },
      })) as { messageId?: string };
      return info.messageId ?? null;
    },
    close: () => transport.close(),
  };
}
