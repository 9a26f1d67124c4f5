import { z } from 'zod';
import { outboundUrl } from '../webhooks/schema.js';
import { queryInt, text } from '../http/zod.js';

export const notificationDto = z.object({
  id: z.uuid(),
  kind: z.string(),
  title: z.string(),
  body: z.string(),
  accountId: z.uuid().nullable(),
  accountName: z.string().nullable(),
  link: z.string().nullable(),
  readAt: z.string().nullable(),
  createdAt: z.string(),
});
export type NotificationDto = z.infer<typeof notificationDto>;

export const notificationListQuery = z.object({
  unread: z.enum(['true', 'false']).optional().describe('true: unread only'),
  cursor: text().max(500).optional(),
  limit: queryInt(1, 100).default(20),
});
export type NotificationListQuery = z.infer<typeof notificationListQuery>;

export const notificationList = z.object({
  items: z.array(notificationDto),
  nextCursor: z.string().nullable(),
  unreadCount: z.number().int(),
});

export const prefsDto = z.object({
  inApp: z.boolean(),
  email: z.boolean(),
  slack: z.boolean(),
  slackWebhookUrl: z.string().nullable(),
  digest: z.boolean(),
});
export type Prefs = z.infer<typeof prefsDto>;

export const prefsPut = z
  .object({
    inApp: z.boolean(),
    email: z.boolean(),
    slack: z.boolean(),
    slackWebhookUrl: outboundUrl.nullable().optional().describe('A Slack incoming-webhook URL (https://hooks.slack.com/services/…)'),
    digest: z.boolean(),
  })
  .superRefine((v, ctx) => {
    if (v.slack && !v.slackWebhookUrl) ctx.addIssue({ code: 'custom', path: ['slackWebhookUrl'], message: 'required when Slack is on' });
  });
export type PrefsInput = z.infer<typeof prefsPut>;
