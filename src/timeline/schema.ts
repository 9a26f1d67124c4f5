import { z } from 'zod';
import { queryInt, text } from '../http/zod.js';
import { TIMELINE_KINDS, type TimelineKind } from './sources.js';
import { shownTalk } from '../changetalk/schema.js';

export const timelineQuery = z.object({
  kinds: text()
    .max(200)
    .optional()
    .transform((v, ctx): TimelineKind[] | undefined => {
      // Absent or empty means every kind; separators without a kind (`,,,`) are a mistake, not "none".
      if (v === undefined || v.trim() === '') return undefined;
      const list = [...new Set(v.split(',').map((k) => k.trim()).filter(Boolean))];
      if (list.length === 0) {
        ctx.addIssue({ code: 'custom', message: `lists no kind; omit it for all, or use ${TIMELINE_KINDS.join(', ')}` });
        return z.NEVER;
      }
      const bad = list.filter((k) => !(TIMELINE_KINDS as readonly string[]).includes(k));
      if (bad.length) {
        ctx.addIssue({ code: 'custom', message: `unknown kind ${bad.map((b) => `"${b}"`).join(', ')}; use ${TIMELINE_KINDS.join(', ')}` });
        return z.NEVER;
      }
      return list as TimelineKind[];
    })
    .describe(`Comma-separated kinds to show (absent or empty: all): ${TIMELINE_KINDS.join(', ')}`),
  before: text().max(500).optional().describe('The nextCursor of the previous page'),
  limit: queryInt(1, 200).default(50),
});
export type TimelineQuery = z.infer<typeof timelineQuery>;

export const timelineItem = z.object({
  id: z.string().describe('Kind-prefixed and stable, e.g. activity:<uuid>, task:<uuid>:done'),
  kind: z.enum(TIMELINE_KINDS),
  at: z.string(),
  title: z.string(),
  summary: z.string().nullable(),
  actor: z.object({ type: z.enum(['user', 'rule', 'system']), id: z.string().nullable(), name: z.string() }).nullable(),
  refs: z
    .object({
      activityId: z.string().optional(),
      taskId: z.string().optional(),
      escalationId: z.string().optional(),
      playbookRunId: z.string().optional(),
      playbookId: z.string().optional(),
      ruleId: z.string().optional(),
      ruleFiringId: z.string().optional(),
    })
    .catchall(z.string())
    .describe('Ids of the objects the item is about; escalationId threads an escalation'),
  data: z.record(z.string(), z.unknown()).describe('Kind-specific details'),
  changeTalk: shownTalk.optional().describe("Items with a customer's free text (activity: its whole body, of which summary is the start): change and sustain talk with the phrases"),
});
export type TimelineItem = z.infer<typeof timelineItem>;
export const timelinePage = z.object({ items: z.array(timelineItem), nextCursor: z.string().nullable() });
