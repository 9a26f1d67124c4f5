import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { api } from '../api/client';

/** Retention analytics (issue 13): GET /api/analytics/retention (an array), /definitions, /cohorts. */

export type Period = 'month' | 'quarter';

const num = z.number().nullish().transform((v) => v ?? null);
const retentionRow = z.object({
  period: z.string(),
  start: z.string().nullish(),
  end: z.string().nullish(),
  status: z.string().nullish(),
  startArr: z.number().default(0),
  endArr: num,
  newArr: z.number().default(0),
  expansion: z.number().default(0),
  contraction: z.number().default(0),
  churned: z.number().default(0),
  grr: num,
  nrr: num,
  logoRetention: num,
  n: z.number().default(0),
});
export type RetentionRow = z.infer<typeof retentionRow>;
/** The array; an older `{periods}` body is read too (its `expanded`/`contracted` names). */
const retention = z.union([
  z.array(retentionRow),
  z
    .object({ periods: z.array(z.object({ expanded: z.number().optional(), contracted: z.number().optional() }).passthrough()) })
    .transform((x) => x.periods.map((p) => retentionRow.parse({ ...p, expansion: p.expansion ?? p.expanded, contraction: p.contraction ?? p.contracted }))),
]);

export interface Definition {
  key: string;
  name: string;
  text: string;
}

/** Definitions as a list, whether the server sends `[{key, name, text|definition|formula}]` or `{grr: '…'}`. */
export function normalizeDefinitions(raw: unknown): Definition[] {
  const src = raw && typeof raw === 'object' && 'definitions' in raw ? (raw as { definitions: unknown }).definitions : raw;
  const names: Record<string, string> = {
    grr: 'Gross revenue retention (GRR)',
    nrr: 'Net revenue retention (NRR)',
    logoRetention: 'Logo retention',
    basis: 'Where the figures come from',
    startArr: 'Starting ARR',
    endArr: 'Ending ARR',
    newArr: 'New ARR',
    expansion: 'Expansion',
    contraction: 'Contraction',
    churned: 'Churn',
    cohorts: 'Cohorts',
  };
  if (Array.isArray(src)) {
    return src.flatMap((d: Record<string, unknown>) => {
      const key = String(d.key ?? d.id ?? d.name ?? '');
      const text = [d.text, d.definition, d.description, d.formula].filter((x) => typeof x === 'string').join(' ');
      return key ? [{ key, name: String(d.name ?? d.label ?? names[key] ?? key), text }] : [];
    });
  }
  if (src && typeof src === 'object') {
    return Object.entries(src as Record<string, unknown>).flatMap(([key, v]) => {
      if (typeof v === 'string') return [{ key, name: names[key] ?? key, text: v }];
      if (v && typeof v === 'object') {
        const o = v as Record<string, unknown>;
        const text = [o.text, o.definition, o.description, o.formula].filter((x) => typeof x === 'string').join(' ');
        return [{ key, name: String(o.name ?? o.label ?? names[key] ?? key), text }];
      }
      return [];
    });
  }
  return [];
}

const cohortPoint = z.object({
  offset: z.number(),
  period: z.string().nullish(),
  logos: z.number().nullish(),
  arr: z.number().nullish(),
  logoRetention: num,
  revenueRetention: num,
  status: z.string().nullish(),
});
const cohort = z.object({ cohort: z.string(), accounts: z.number().default(0), startArr: z.number().default(0), points: z.array(cohortPoint).default([]) });
export type Cohort = z.infer<typeof cohort>;
const cohorts = z.union([z.array(cohort), z.object({ cohorts: z.array(cohort) }).transform((x) => x.cohorts), z.object({ items: z.array(cohort) }).transform((x) => x.items)]);

export function useRetentionSeries(period: Period) {
  return useQuery({
    queryKey: ['analytics', 'retention', period],
    queryFn: ({ signal }) => api<unknown>('/api/analytics/retention', { query: { period }, signal }).then((x) => retention.parse(x)),
    staleTime: 60_000,
  });
}

export function useDefinitions() {
  return useQuery({
    queryKey: ['analytics', 'definitions'],
    queryFn: ({ signal }) => api<unknown>('/api/analytics/definitions', { signal }).then(normalizeDefinitions),
    staleTime: 10 * 60_000,
  });
}

export function useCohorts() {
  return useQuery({
    queryKey: ['analytics', 'cohorts', 'month'],
    queryFn: ({ signal }) => api<unknown>('/api/analytics/cohorts', { query: { by: 'month' }, signal }).then((x) => cohorts.parse(x)),
    staleTime: 60_000,
  });
}
