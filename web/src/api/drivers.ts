import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import { healthKeys } from './health';
import type { Driver, DriverCatalog, DriverImpact, DriverInput, Preview, PreviewBody } from './healthTypes';

export const driverKeys = {
  all: ['drivers'] as const,
  list: ['drivers', 'list'] as const,
  catalog: ['drivers', 'catalog'] as const,
  preview: (body: PreviewBody | null, asOf: string | null = null) => ['drivers', 'preview', body, asOf] as const,
  impact: (leadDays: number) => ['drivers', 'impact', leadDays] as const,
};

export function useDrivers() {
  return useQuery({
    queryKey: driverKeys.list,
    queryFn: ({ signal }) => api<{ items: Driver[] }>('/api/drivers', { signal }),
    select: (d) => d.items,
  });
}

export function useDriverCatalog() {
  return useQuery({
    queryKey: driverKeys.catalog,
    queryFn: ({ signal }) => api<DriverCatalog>('/api/drivers/catalog', { signal }),
    staleTime: 60_000,
  });
}

/** Driver edits change every account's health: refresh what shows it. */
function useInvalidateAfterDriverChange() {
  const qc = useQueryClient();
  return () => {
    void qc.invalidateQueries({ queryKey: driverKeys.all });
    void qc.invalidateQueries({ queryKey: healthKeys.all });
    void qc.invalidateQueries({ queryKey: ['accounts', 'list'] });
  };
}

export function useCreateDriver() {
  const invalidate = useInvalidateAfterDriverChange();
  return useMutation({
    mutationFn: (input: DriverInput) => api<Driver>('/api/drivers', { method: 'POST', body: input }),
    onSuccess: invalidate,
  });
}

export function useUpdateDriver() {
  const invalidate = useInvalidateAfterDriverChange();
  return useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: Partial<DriverInput> }) =>
      api<Driver>(`/api/drivers/${encodeURIComponent(id)}`, { method: 'PATCH', body: patch }),
    onSuccess: invalidate,
  });
}

export function useDeleteDriver() {
  const invalidate = useInvalidateAfterDriverChange();
  return useMutation({
    mutationFn: (id: string) => api<void>(`/api/drivers/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    onSuccess: invalidate,
  });
}

/**
 * The live preview of a driver being edited; `body` null = the form is not valid yet (no request).
 * `asOf` (YYYY-MM-DD): measured as of the end of that past day instead of today.
 */
export function useDriverPreview(body: PreviewBody | null, asOf: string | null = null) {
  return useQuery({
    queryKey: driverKeys.preview(body, asOf),
    queryFn: ({ signal }) => api<Preview>('/api/drivers/preview', { method: 'POST', body, signal, ...(asOf ? { query: { asOf } } : {}) }),
    enabled: body !== null,
    placeholderData: keepPreviousData,
    staleTime: 30_000,
    retry: false,
  });
}

export function useDriverImpact(leadDays: number) {
  return useQuery({
    queryKey: driverKeys.impact(leadDays),
    queryFn: ({ signal }) => api<DriverImpact>('/api/drivers/impact', { query: { leadDays }, signal }),
    placeholderData: keepPreviousData,
  });
}
