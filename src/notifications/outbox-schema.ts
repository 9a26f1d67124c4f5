import { z } from 'zod';
import { queryInt, text } from '../http/zod.js';

/**
 * What an outbound message's status is called outside the database: awaiting_approval (a customer
 * e-mail held for a CSM), queued, sending, sent, failed (dead: its attempts are spent or the server
 * refused it for good) and cancelled (never sent).
 */
export const OUTBOUND_STATUSES = ['awaiting_approval', 'queued', 'sending', 'sent', 'failed', 'cancelled'] as const;
export type OutboundStatus = (typeof OUTBOUND_STATUSES)[number];
const DB_STATUS: Record<OutboundStatus, string> = { awaiting_approval: 'draft', queued: 'pending', sending: 'sending', sent: 'sent', failed: 'dead', cancelled: 'cancelled' };
export const dbStatus = (s: OutboundStatus) => DB_STATUS[s];
export function apiStatus(db: string): OutboundStatus {
  const found = (Object.entries(DB_STATUS) as [OutboundStatus, string][]).find(([, v]) => v === db);
  return found ? found[0] : 'queued';
}

export const outboxQuery = z.object({
  status: z.enum(OUTBOUND_STATUSES).optional(),
  channel: z.enum(['email', 'slack']).optional(),
  audience: z.enum(['customer', 'user']).optional().describe('customer: playbook e-mails to contacts; user: notifications to people'),
  accountId: z.uuid().optional(),
  cursor: text().max(500).optional(),
  limit: queryInt(1, 100).default(50),
});
export type OutboxQuery = z.infer<typeof outboxQuery>;

const person = z.object({ id: z.uuid(), name: z.string() }).nullable();
export const outboundMessage = z.object({
  id: z.uuid(),
  channel: z.enum(['email', 'slack']),
  audience: z.enum(['customer', 'user']),
  recipient: z.string().describe('An e-mail address; for Slack only the host of the webhook URL (the URL is a credential)'),
  subject: z.string(),
  body: z.string(),
  status: z.enum(OUTBOUND_STATUSES),
  attempts: z.number().int(),
  lastError: z.string().nullable().describe('Why it waits or failed'),
  messageId: z.string().nullable().describe('The Message-ID it was sent with'),
  account: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  playbookRunId: z.uuid().nullable(),
  stepIndex: z.number().int().nullable(),
  approvalTaskId: z.uuid().nullable(),
  approvedBy: person,
  approvedAt: z.string().nullable(),
  edited: z.boolean().describe('A CSM changed the text before approving it'),
  cancelledBy: person,
  cancelReason: z.string().nullable(),
  createdAt: z.string(),
  nextAttemptAt: z.string().nullable().describe('When a queued message is tried next'),
  sentAt: z.string().nullable(),
  failedAt: z.string().nullable(),
  cancelledAt: z.string().nullable(),
});
export type OutboundMessage = z.infer<typeof outboundMessage>;

export const outboxPage = z.object({
  items: z.array(outboundMessage),
  nextCursor: z.string().nullable(),
  counts: z.record(z.enum(OUTBOUND_STATUSES), z.number().int()).describe('Messages per status (all channels)'),
});

export const emailSettings = z.object({
  configured: z.boolean().describe('CANOPY_SMTP_URL is set: e-mail is sent'),
  from: z.string().nullable(),
  message: z.string().describe('One line for people: how e-mail is sent, or why it is not'),
  publicUrlConfigured: z.boolean().describe('CANOPY_PUBLIC_URL is set: links in customer e-mails (surveys, check-ins, shared plans) are absolute; false: they are relative and cannot be opened from a mail client'),
});
