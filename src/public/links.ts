import type { Config } from '../config.js';

/**
 * Links in customer e-mails (survey `/s/…`, check-in `/c/…`, shared plans) are made absolute with
 * CANOPY_PUBLIC_URL. Without it they are relative and go nowhere from a mail client; once SMTP is set
 * those e-mails really leave, so the start says so, once.
 */
export function relativeLinksWarning(config: Pick<Config, 'smtp' | 'publicUrl'>): string | null {
  if (!config.smtp.url || config.publicUrl) return null;
  return 'Warning: CANOPY_SMTP_URL is set but CANOPY_PUBLIC_URL is not: links in customer e-mails (surveys /s/…, check-ins /c/…) are relative and cannot be opened from a mail client. Set CANOPY_PUBLIC_URL to the address customers reach Canopy at (https://cs.example.com).';
}
