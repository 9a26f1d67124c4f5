import { useQuery } from '@tanstack/react-query';
import { api } from './client';

/** One of the last N touchpoints the verdict looked at (src/activities/autopilot.ts). */
export interface AutopilotTouchpoint {
  id: string;
  kind: string;
  at: string;
  subject: string | null;
}

/** Whether an account's last N touchpoints are routine, with every reason in words. */
export interface Autopilot {
  onAutopilot: boolean;
  reasons: string[];
  touchpoints: AutopilotTouchpoint[];
  n: number;
}

export const autopilotKey = (accountId: string) => ['autopilot', accountId] as const;

export function useAutopilot(accountId: string) {
  return useQuery({
    queryKey: autopilotKey(accountId),
    queryFn: ({ signal }) => api<Autopilot>(`/api/accounts/${encodeURIComponent(accountId)}/autopilot`, { signal }),
    staleTime: 60_000,
  });
}
