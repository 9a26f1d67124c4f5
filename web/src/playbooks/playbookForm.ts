import type { AssigneeRole, OverloadAction, Playbook, PlaybookInput, Step, StepKind } from '../api/playbooks';
import type { ContactRole } from '../api/types';

type NumText = number | string;

/** One step being edited: every kind's fields at once, so switching kind loses nothing. */
export interface StepDraft {
  id: number;
  kind: StepKind;
  title: string;
  description: string;
  dueOffsetDays: NumText;
  assignee: AssigneeRole;
  priority: string;
  customerEffort: NumText;
  taskKind: 'todo' | 'call' | 'meeting' | 'email';
  waitForTask: boolean;
  approval: boolean;
  to: ContactRole;
  subject: string;
  body: string;
  days: NumText;
  webhookId: string | null;
  templateId: string | null;
  note: string;
  /** A survey step's survey. */
  surveyId: string | null;
  /** Who a survey or check-in step asks by e-mail; null: nobody (the owner asks on a call). */
  askTo: ContactRole | null;
  /** An e-mail's cost in spoons ('' : it asks nothing). */
  spoonCost: NumText;
  onOverload: OverloadAction;
}

export interface PlaybookForm {
  name: string;
  description: string;
  steps: StepDraft[];
}

let nextId = 0;

export function newStep(kind: StepKind, s?: Step): StepDraft {
  const d: StepDraft = {
    id: ++nextId,
    kind,
    title: s?.title ?? '',
    description: '',
    dueOffsetDays: 2,
    assignee: 'owner',
    priority: '2',
    customerEffort: '',
    taskKind: 'todo',
    waitForTask: false,
    approval: false,
    to: 'champion',
    subject: '',
    body: '',
    days: 3,
    webhookId: null,
    templateId: null,
    note: '',
    surveyId: null,
    askTo: 'champion',
    spoonCost: '',
    onOverload: 'wait',
  };
  if (s && 'onOverload' in s && s.onOverload) d.onOverload = s.onOverload;
  if (s?.kind === 'task') {
    Object.assign(d, { description: s.description ?? '', dueOffsetDays: s.dueOffsetDays, assignee: s.assignee, priority: String(s.priority ?? 2), customerEffort: s.customerEffort ?? '', taskKind: s.taskKind ?? 'todo', waitForTask: s.waitForTask ?? false });
  } else if (s?.kind === 'email') {
    Object.assign(d, { to: s.to, subject: s.subject, body: s.body, approval: s.approval ?? false, spoonCost: s.spoonCost ?? '' });
  } else if (s?.kind === 'wait') {
    d.days = s.days;
  } else if (s?.kind === 'webhook') {
    d.webhookId = s.webhookId;
  } else if (s?.kind === 'apply_plan_template') {
    d.templateId = s.templateId;
  } else if (s && (s.kind === 'checkin' || s.kind === 'survey')) {
    // A step saved before surveys and check-ins existed has no role: it stays without one until a person picks it.
    Object.assign(d, { note: s.note ?? '', askTo: s.to ?? null, surveyId: s.kind === 'survey' ? s.surveyId ?? null : null });
  }
  if (!s && kind === 'email') {
    d.subject = 'Checking in on {{account.name}}';
    d.body = 'Hi {{contact.firstName}},\n\n…\n\n{{owner.name}}';
  }
  return d;
}

export function initialForm(p?: Playbook): PlaybookForm {
  return {
    name: p?.name ?? '',
    description: p?.description ?? '',
    steps: p ? p.steps.map((s) => newStep(s.kind, s)) : [newStep('task', { kind: 'task', title: 'Kick-off call with the champion', dueOffsetDays: 2, assignee: 'owner' })],
  };
}

const isNum = (v: NumText): v is number => typeof v === 'number' && Number.isFinite(v);
const optionalTitle = (t: string) => (t.trim() ? { title: t.trim() } : {});
/** The default ('wait') is left out, as the API stores it. */
const overload = (d: StepDraft) => (d.onOverload !== 'wait' ? { onOverload: d.onOverload } : {});

export function toStep(d: StepDraft): Step {
  switch (d.kind) {
    case 'task':
      return {
        kind: 'task',
        title: d.title.trim(),
        ...(d.description.trim() ? { description: d.description.trim() } : {}),
        dueOffsetDays: isNum(d.dueOffsetDays) ? d.dueOffsetDays : 0,
        assignee: d.assignee,
        priority: Number(d.priority),
        ...(isNum(d.customerEffort) ? { customerEffort: d.customerEffort } : {}),
        ...(d.taskKind !== 'todo' ? { taskKind: d.taskKind } : {}),
        ...(d.waitForTask ? { waitForTask: true } : {}),
        ...overload(d),
      };
    case 'email':
      return {
        kind: 'email', ...optionalTitle(d.title), to: d.to, subject: d.subject.trim(), body: d.body.trim(), ...(d.approval ? { approval: true } : {}),
        ...(isNum(d.spoonCost) ? { spoonCost: d.spoonCost } : {}), ...overload(d),
      };
    case 'wait':
      return { kind: 'wait', ...optionalTitle(d.title), days: isNum(d.days) ? d.days : 0 };
    case 'webhook':
      return { kind: 'webhook', ...optionalTitle(d.title), webhookId: d.webhookId ?? '' };
    case 'apply_plan_template':
      return { kind: 'apply_plan_template', ...optionalTitle(d.title), templateId: d.templateId ?? '' };
    case 'checkin':
      return { kind: 'checkin', title: d.title.trim(), ...(d.askTo ? { to: d.askTo } : {}), ...(d.note.trim() ? { note: d.note.trim() } : {}), ...overload(d) };
    case 'survey':
      return {
        kind: 'survey', title: d.title.trim(), ...(d.surveyId ? { surveyId: d.surveyId } : {}), ...(d.askTo ? { to: d.askTo } : {}),
        ...(d.note.trim() ? { note: d.note.trim() } : {}), ...overload(d),
      };
  }
}

export function toInput(f: PlaybookForm): PlaybookInput {
  return { name: f.name.trim(), description: f.description.trim(), steps: f.steps.map(toStep) };
}

/** Problems the form can see by itself, keyed by the API's field paths (`steps.2.subject`). */
export function validate(f: PlaybookForm): Record<string, string> {
  const e: Record<string, string> = {};
  if (!f.name.trim()) e.name = 'Give the playbook a name';
  if (f.steps.length === 0) e.steps = 'Add at least one step';
  f.steps.forEach((s, i) => {
    const at = (k: string) => `steps.${i}.${k}`;
    if ((s.kind === 'task' || s.kind === 'checkin' || s.kind === 'survey') && !s.title.trim()) e[at('title')] = 'Say what needs doing';
    if (s.kind === 'task' && !(isNum(s.dueOffsetDays) && Number.isInteger(s.dueOffsetDays) && s.dueOffsetDays >= 0 && s.dueOffsetDays <= 365))
      e[at('dueOffsetDays')] = 'Whole days, 0 to 365';
    if (s.kind === 'task' && s.customerEffort !== '' && !(isNum(s.customerEffort) && Number.isInteger(s.customerEffort) && s.customerEffort >= 0 && s.customerEffort <= 10))
      e[at('customerEffort')] = 'Whole spoons, 0 to 10';
    if (s.kind === 'email' && !s.subject.trim()) e[at('subject')] = 'Write a subject';
    if (s.kind === 'email' && !s.body.trim()) e[at('body')] = 'Write the message';
    if (s.kind === 'wait' && !(isNum(s.days) && s.days >= 0 && s.days <= 365)) e[at('days')] = 'Days, 0 to 365';
    if (s.kind === 'webhook' && !s.webhookId) e[at('webhookId')] = 'Choose a webhook';
    if (s.kind === 'apply_plan_template' && !s.templateId) e[at('templateId')] = 'Choose a plan template';
    if (s.kind === 'survey' && !s.surveyId) e[at('surveyId')] = 'Choose a survey';
    if (s.kind === 'email' && s.spoonCost !== '' && !(isNum(s.spoonCost) && Number.isInteger(s.spoonCost) && s.spoonCost >= 0 && s.spoonCost <= 10))
      e[at('spoonCost')] = 'Whole spoons, 0 to 10';
  });
  return e;
}

const KIND_FIELDS: Record<StepKind, string[]> = {
  task: ['title', 'description', 'dueOffsetDays', 'assignee', 'priority', 'customerEffort', 'taskKind', 'waitForTask', 'onOverload'],
  email: ['title', 'to', 'subject', 'body', 'approval', 'spoonCost', 'onOverload'],
  wait: ['title', 'days'],
  webhook: ['title', 'webhookId'],
  apply_plan_template: ['title', 'templateId'],
  checkin: ['title', 'to', 'note', 'onOverload'],
  survey: ['title', 'surveyId', 'to', 'note', 'onOverload'],
};

/** The API paths that an input of the form shows beside it. */
export function shownPaths(f: PlaybookForm): Set<string> {
  const out = new Set(['name', 'description', 'steps']);
  f.steps.forEach((s, i) => KIND_FIELDS[s.kind].forEach((k) => out.add(`steps.${i}.${k}`)));
  return out;
}
