import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { named } from './changeTalk';
import { api, withQuery } from './client';

/**
 * Renewals (issue 12, seed 002: "keep stakeholders able to forecast"): the calendar of renewals, ARR
 * due per period, a forecast adjusted by the renewal probability from compound risk (1 − risk
 * probability), categories a manager may override with a reason, and gross and net revenue retention.
 */

export const CATEGORIES = ['commit', 'likely', 'at_risk'] as const;
export const category = z.enum(CATEGORIES);
export type Category = z.infer<typeof category>;
export type RenewalGroup = 'month' | 'quarter';

const risk = z.object({
  id: z.string(),
  kind: z.string(),
  label: z.string().optional(),
  family: z.string().optional(),
  contribution: z.number().optional(),
});

export const renewal = z.object({
  account: named.extend({ owner: named.nullish(), segment: z.string().nullish(), stage: z.string().optional() }),
  renewalDate: z.string(),
  arr: z.number().nullable(),
  probability: z.number(),
  forecast: z.number().nullable(),
  category,
  suggested: category,
  override: z.object({ category, reason: z.string(), by: named.nullish(), at: z.string() }).nullable(),
  risks: z.array(risk),
  /** default: the account has no compound risk yet and the default renewal probability stands in. */
  probabilitySource: z.enum(['risk', 'default']).optional(),
});
export type Renewal = z.infer<typeof renewal>;

export const renewalPeriod = z.object({
  period: z.string(),
  start: z.string().optional(),
  end: z.string().optional(),
  arrDue: z.number(),
  forecast: z.number(),
  count: z.number(),
  /** ARR due per category, when the server splits it; otherwise the page sums the items. */
  byCategory: z.record(z.string(), z.number()).optional(),
});
export type RenewalPeriod = z.infer<typeof renewalPeriod>;

export const renewals = z.object({
  from: z.string().optional(),
  to: z.string().optional(),
  periods: z.array(renewalPeriod),
  items: z.array(renewal),
  nextCursor: z.string().nullish(),
  total: z.number().optional(),
  defaults: z.object({ renewalProbability: z.number(), note: z.string() }).passthrough().optional(),
});
export type Renewals = z.infer<typeof renewals>;

/** GET /api/analytics/retention answers an array of periods (issue 13); the definitions come from GET /api/analytics/definitions. */
export const retentionPeriod = z.object({
  period: z.string(),
  status: z.enum(['complete', 'partial', 'future']).optional(),
  startArr: z.number(),
  churned: z.number(),
  contraction: z.number(),
  expansion: z.number(),
  newArr: z.number().optional(),
  grr: z.number().nullable(),
  nrr: z.number().nullable(),
  logoRetention: z.number().nullable().optional(),
  n: z.number(),
});
const retentionDefinitions = z.object({ grr: z.string(), nrr: z.string() }).passthrough();
export const retention = z.object({ periods: z.array(retentionPeriod), definitions: retentionDefinitions });
export type RetentionPeriod = z.infer<typeof retentionPeriod>;
export type Retention = z.infer<typeof retention>;

/** from/to (YYYY-MM-DD, `to` exclusive) left out: the server's default, this quarter and the three after it. */
export interface RenewalsRange {
  from?: string;
  to?: string;
  group: RenewalGroup;
}

export const renewalKeys = {
  all: ['renewals'] as const,
  list: (r: RenewalsRange) => ['renewals', 'list', r] as const,
  retention: (period: RenewalGroup) => ['renewals', 'retention', period] as const,
};

const enc = encodeURIComponent;

export function useRenewals(r: RenewalsRange) {
  return useQuery({
    queryKey: renewalKeys.list(r),
    queryFn: ({ signal }) => api<unknown>('/api/renewals', { query: { from: r.from, to: r.to, group: r.group, limit: 500 }, signal }).then((x) => renewals.parse(x)),
  });
}

export function useRetention(period: RenewalGroup) {
  return useQuery({
    queryKey: renewalKeys.retention(period),
    queryFn: async ({ signal }) => {
      const [periods, definitions] = await Promise.all([
        api<unknown>('/api/analytics/retention', { query: { period }, signal }),
        api<unknown>('/api/analytics/definitions', { signal }),
      ]);
      return retention.parse({ periods, definitions });
    },
    staleTime: 60_000,
  });
}

/** The CSV of the same range (a plain link: the browser downloads it with the session cookie). */
export const renewalsCsvUrl = (r: { from?: string | undefined; to?: string | undefined }) => withQuery('/api/renewals.csv', { from: r.from, to: r.to });

export function useOverrideRenewal() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ accountId, ...body }: { accountId: string; renewalDate: string; category: Category; reason: string }) =>
      api<unknown>(`/api/renewals/${enc(accountId)}/override`, { method: 'PUT', body }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: renewalKeys.all }),
  });
}

export function useClearOverride() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ accountId, renewalDate }: { accountId: string; renewalDate: string }) =>
      api<void>(withQuery(`/api/renewals/${enc(accountId)}/override`, { renewalDate }), { method: 'DELETE' }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: renewalKeys.all }),
  });
}
