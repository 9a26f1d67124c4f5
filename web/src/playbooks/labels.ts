import type { AssigneeRole, OverloadAction, RunStatus, Step, StepKind, StepStatus } from '../api/playbooks';

export const stepKindLabel: Record<StepKind, string> = {
  task: 'Task',
  email: 'E-mail',
  wait: 'Wait',
  webhook: 'Webhook',
  apply_plan_template: 'Plan template',
  checkin: 'Check-in',
  survey: 'Survey',
};

export const stepKindHelp: Record<StepKind, string> = {
  task: 'A task in someone’s inbox, due a number of days after the step runs',
  email: 'An e-mail to the account’s contact in a role, from a template',
  wait: 'Pause before the next step',
  webhook: 'Call an outbound webhook with a signed playbook.step event',
  apply_plan_template: 'Apply a plan template to the account’s newest success plan (one is made if it has none)',
  checkin: 'Ask a contact by e-mail how important and how doable an initiative is (0–10 each)',
  survey: 'Send an NPS, CSAT or CES survey to a contact by e-mail',
};

export const overloadLabel: Record<OverloadAction, string> = {
  wait: 'Wait for the next period',
  give_spoon: 'Give a spoon: our task instead',
};

export const assigneeRoleLabel: Record<AssigneeRole, string> = {
  owner: 'Account owner (CSM)',
  manager: 'Owner’s manager',
  support: 'Support',
  exec_sponsor: 'Our executive sponsor',
  product: 'Product',
  customer_champion: 'Customer: champion',
  customer_exec_sponsor: 'Customer: executive sponsor',
  customer_admin: 'Customer: admin',
};

export const runStatusColor: Record<RunStatus, string> = { running: 'blue', completed: 'teal', cancelled: 'gray', failed: 'red' };
export const stepStatusColor: Record<StepStatus, string> = { pending: 'gray', issued: 'blue', completed: 'teal', skipped: 'yellow', failed: 'red', cancelled: 'gray' };
/** What a step's status means, in words, by kind: an issued task step waits for its task. */
export const stepStatusLabel: Record<StepStatus, string> = { pending: 'pending', issued: 'in progress', completed: 'completed', skipped: 'skipped', failed: 'failed', cancelled: 'cancelled' };



/**
 * What an apply-plan-template step does, naming the template: `name` undefined while it is not
 * known (loading, or the templates could not be read), null when the template no longer exists.
 */
export function describeApplyTemplate(name: string | null | undefined, title?: string): string {
  const what = name ? `Apply plan template '${name}'` : name === null ? 'Apply a plan template (deleted)' : 'Apply a plan template';
  return title && title !== 'Apply a plan template' ? `${title} · ${what.replace(/^Apply/, 'apply')}` : what;
}

/**
 * A one-line summary of a step, for lists and version history. `templateName`: the name of an
 * apply-plan-template step's template, as `describeApplyTemplate` takes it.
 */
export function describeStep(s: Step, templateName?: string | null): string {
  switch (s.kind) {
    case 'task':
      return `${s.title} · ${s.taskKind && s.taskKind !== 'todo' ? `${s.taskKind} · ` : ''}due +${s.dueOffsetDays}d · ${assigneeRoleLabel[s.assignee]}${s.waitForTask ? ' · next step waits for it' : ''}`;
    case 'email':
      return `E-mail the ${s.to.replace('_', ' ')}: “${s.subject}”${s.spoonCost ? ` · costs ${s.spoonCost} spoon${s.spoonCost === 1 ? '' : 's'}` : ''}`;
    case 'wait':
      return `Wait ${s.days} day${s.days === 1 ? '' : 's'}`;
    case 'webhook':
      return s.title ? `Webhook: ${s.title}` : 'Call a webhook';
    case 'apply_plan_template':
      return describeApplyTemplate(templateName, s.title);
    case 'checkin':
    case 'survey': {
      const to = s.to ? ` · ${s.to.replace('_', ' ')}` : ' · no contact role (the owner asks on a call)';
      const spoon = s.onOverload === 'give_spoon' ? ' · gives a spoon when over capacity' : '';
      return `${stepKindLabel[s.kind]}: ${s.title}${to}${spoon}`;
    }
  }
}
