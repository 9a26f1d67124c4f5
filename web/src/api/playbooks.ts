import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, api } from './client';
import type { ContactRole } from './types';

/** Who a generated task goes to: our people by role, or the customer's contacts by role. */
export const ASSIGNEE_ROLES = ['owner', 'manager', 'support', 'exec_sponsor', 'product', 'customer_champion', 'customer_exec_sponsor', 'customer_admin'] as const;
export type AssigneeRole = (typeof ASSIGNEE_ROLES)[number];
export const STEP_KINDS = ['task', 'email', 'wait', 'webhook', 'apply_plan_template', 'checkin', 'survey'] as const;
export type StepKind = (typeof STEP_KINDS)[number];
/** Over the customer's capacity (spoons), a step that asks waits for the next period, or gives a spoon (a task of ours) instead. */
export const OVERLOAD_ACTIONS = ['wait', 'give_spoon'] as const;
export type OverloadAction = (typeof OVERLOAD_ACTIONS)[number];

export interface TaskStep {
  kind: 'task';
  title: string;
  description?: string;
  dueOffsetDays: number;
  assignee: AssigneeRole;
  priority?: number;
  customerEffort?: number;
  /** todo (default), call, meeting or email: a call, meeting or e-mail task completed with a note logs that activity. */
  taskKind?: 'todo' | 'call' | 'meeting' | 'email';
  /** The next step waits until this task is done or cancelled (default: it follows at once). */
  waitForTask?: boolean;
  /** A contact's task with an effort over the customer's capacity: wait (default) or give a spoon. */
  onOverload?: OverloadAction;
}
export interface EmailStep {
  kind: 'email';
  title?: string;
  to: ContactRole;
  subject: string;
  body: string;
  /** Send after a CSM approves it in an approval task. */
  approval?: boolean;
  /** An e-mail that asks the customer to act costs spoons (0–10; none: it asks nothing). */
  spoonCost?: number;
  onOverload?: OverloadAction;
}
export interface WaitStep {
  kind: 'wait';
  title?: string;
  days: number;
}
export interface WebhookStep {
  kind: 'webhook';
  title?: string;
  webhookId: string;
}
/** Applies a plan template to the account's newest success plan (one is created when it has none), dates from the day the step runs. */
export interface ApplyPlanTemplateStep {
  kind: 'apply_plan_template';
  title?: string;
  templateId: string;
}
/** Sends a survey to the account's contact in a role; without a survey (saved before surveys existed) the owner gets a task. */
export interface SurveyStep {
  kind: 'survey';
  title: string;
  surveyId?: string;
  to?: ContactRole;
  note?: string;
  onOverload?: OverloadAction;
}
/** Asks the contact in a role for a check-in on the initiative named by the title (found or created on the account). */
export interface CheckinStep {
  kind: 'checkin';
  title: string;
  to?: ContactRole;
  note?: string;
  onOverload?: OverloadAction;
}
export type Step = TaskStep | EmailStep | WaitStep | WebhookStep | ApplyPlanTemplateStep | SurveyStep | CheckinStep;

export interface Playbook {
  id: string;
  name: string;
  description: string;
  /** The current version; edits make a new one, running playbooks keep theirs. */
  version: number;
  steps: Step[];
  archived: boolean;
  runs: { running: number; completed: number; cancelled: number };
  createdAt: string;
  updatedAt: string;
}

export interface PlaybookInput {
  name: string;
  description: string;
  steps: Step[];
}

export interface PlaybookVersion {
  version: number;
  steps: Step[];
  createdAt: string;
}

/** issued: started and not over (its task is open, its wait has not passed); completed: over. */
export type StepStatus = 'pending' | 'issued' | 'completed' | 'skipped' | 'failed' | 'cancelled';
export type RunStatus = 'running' | 'completed' | 'cancelled' | 'failed';

export interface RunStep {
  index: number;
  kind: string;
  title: string;
  status: StepStatus;
  /** Pending: when it is due; an issued wait: when it is over. */
  runAt: string | null;
  issuedAt: string | null;
  finishedAt: string | null;
  result: Record<string, unknown> | null;
  error: string | null;
  /** The task a task step created, with its status. */
  task: { id: string; status: 'open' | 'done' | 'cancelled'; title: string } | null;
  /** An e-mail step's message: issued until it is sent; lastError says why it waits or failed. */
  email?: { id: string; status: string; to: string; subject: string; lastError: string | null; messageId: string | null; sentAt: string | null } | null;
}

export interface PlaybookRun {
  id: string;
  playbookId: string;
  playbookName: string;
  version: number;
  accountId: string;
  status: RunStatus;
  startedBy: string | null;
  ruleFiringId: string | null;
  startedAt: string;
  finishedAt: string | null;
  /** done = steps with nothing left to do (completed, skipped, failed, cancelled); running until done = total. */
  progress: { done: number; completed: number; issued: number; cancelled: number; total: number };
  steps: RunStep[];
}

export interface WebhookChoice {
  id: string;
  name: string;
  url: string;
  enabled: boolean;
}

export const playbookKeys = {
  all: ['playbooks'] as const,
  list: (includeArchived: boolean) => ['playbooks', 'list', includeArchived] as const,
  one: (id: string) => ['playbooks', 'one', id] as const,
  versions: (id: string) => ['playbooks', 'versions', id] as const,
  runs: (id: string) => ['playbooks', 'runs', id] as const,
  accountRuns: (accountId: string) => ['playbooks', 'account-runs', accountId] as const,
  run: (id: string) => ['playbooks', 'run', id] as const,
};

/** The template variables e-mail steps may use, from the server (one list, no copy to drift). */
export function useTemplateVariables() {
  return useQuery({
    queryKey: ['playbooks', 'template-variables'],
    queryFn: ({ signal }) => api<{ items: { name: string; help: string }[] }>('/api/playbooks/template-variables', { signal }),
    staleTime: Infinity,
  });
}

export function usePlaybooks(includeArchived = false) {
  return useQuery({
    queryKey: playbookKeys.list(includeArchived),
    queryFn: ({ signal }) => api<{ items: Playbook[] }>('/api/playbooks', { query: { includeArchived: String(includeArchived) }, signal }),
    select: (d) => d.items,
  });
}

export function usePlaybook(id: string | null) {
  return useQuery({
    queryKey: playbookKeys.one(id ?? ''),
    queryFn: ({ signal }) => api<Playbook>(`/api/playbooks/${encodeURIComponent(id ?? '')}`, { signal }),
    enabled: !!id,
  });
}

export function usePlaybookVersions(id: string | null) {
  return useQuery({
    queryKey: playbookKeys.versions(id ?? ''),
    queryFn: ({ signal }) => api<{ items: PlaybookVersion[] }>(`/api/playbooks/${encodeURIComponent(id ?? '')}/versions`, { signal }),
    select: (d) => d.items,
    enabled: !!id,
  });
}

export function usePlaybookRuns(id: string | null) {
  return useQuery({
    queryKey: playbookKeys.runs(id ?? ''),
    queryFn: ({ signal }) => api<{ items: PlaybookRun[] }>(`/api/playbooks/${encodeURIComponent(id ?? '')}/runs`, { signal }),
    select: (d) => d.items,
    enabled: !!id,
  });
}

export function useAccountRuns(accountId: string) {
  return useQuery({
    queryKey: playbookKeys.accountRuns(accountId),
    queryFn: ({ signal }) => api<{ items: PlaybookRun[] }>(`/api/accounts/${encodeURIComponent(accountId)}/playbooks`, { signal }),
    select: (d) => d.items,
    // Steps advance in the background: keep a running playbook's progress fresh.
    refetchInterval: (q) => (q.state.data?.items.some((r) => r.status === 'running') ? 15_000 : false),
  });
}

export function usePlaybookRun(id: string | null, enabled = true) {
  return useQuery({
    queryKey: playbookKeys.run(id ?? ''),
    queryFn: ({ signal }) => api<PlaybookRun>(`/api/playbook-runs/${encodeURIComponent(id ?? '')}`, { signal }),
    enabled: enabled && !!id,
  });
}

function useInvalidatePlaybooks() {
  const qc = useQueryClient();
  return () => {
    void qc.invalidateQueries({ queryKey: playbookKeys.all });
    // Runs create and cancel tasks.
    void qc.invalidateQueries({ queryKey: ['tasks'] });
    void qc.invalidateQueries({ queryKey: ['timeline'] });
  };
}

export function useCreatePlaybook() {
  const invalidate = useInvalidatePlaybooks();
  return useMutation({
    mutationFn: (input: PlaybookInput) => api<Playbook>('/api/playbooks', { method: 'POST', body: input }),
    onSuccess: invalidate,
  });
}

export function useUpdatePlaybook() {
  const invalidate = useInvalidatePlaybooks();
  return useMutation({
    mutationFn: ({ id, patch }: { id: string; patch: Partial<PlaybookInput> }) =>
      api<Playbook>(`/api/playbooks/${encodeURIComponent(id)}`, { method: 'PATCH', body: patch }),
    onSuccess: invalidate,
  });
}

export function useArchivePlaybook() {
  const invalidate = useInvalidatePlaybooks();
  return useMutation({
    mutationFn: (id: string) => api<void>(`/api/playbooks/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    onSuccess: invalidate,
  });
}

export function useStartPlaybook(accountId: string) {
  const invalidate = useInvalidatePlaybooks();
  return useMutation({
    mutationFn: (playbookId: string) =>
      api<PlaybookRun>(`/api/accounts/${encodeURIComponent(accountId)}/playbooks`, { method: 'POST', body: { playbookId } }),
    onSuccess: invalidate,
  });
}

export function useCancelRun() {
  const invalidate = useInvalidatePlaybooks();
  return useMutation({
    mutationFn: (runId: string) => api<PlaybookRun>(`/api/playbook-runs/${encodeURIComponent(runId)}/cancel`, { method: 'POST' }),
    onSuccess: invalidate,
  });
}

/**
 * Outbound webhooks a playbook step or a rule action can call. Only admins and managers may list
 * them: for others `data` is null and the webhook kinds are hidden.
 */
export function useWebhookChoices() {
  return useQuery({
    queryKey: ['webhooks', 'choices'],
    queryFn: async ({ signal }) => {
      try {
        return (await api<{ items: WebhookChoice[] }>('/api/webhooks', { signal })).items;
      } catch (err) {
        if (err instanceof ApiError && (err.status === 403 || err.status === 404)) return null;
        throw err;
      }
    },
    staleTime: 60_000,
  });
}
