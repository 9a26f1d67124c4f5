import type { AssigneeRole, Playbook, PlaybookInput, Step, StepKind } from '../api/playbooks';
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
  };
  if (s?.kind === 'task') {
    Object.assign(d, { description: s.description ?? '', dueOffsetDays: s.dueOffsetDays, assignee: s.assignee, priority: String(s.priority ?? 2), customerEffort: s.customerEffort ?? '', taskKind: s.taskKind ?? 'todo', waitForTask: s.waitForTask ?? false });
  } else if (s?.kind === 'email') {
    Object.assign(d, { to: s.to, subject: s.subject, body: s.body, approval: s.approval ?? false });
  } else if (s?.kind === 'wait') {
    d.days = s.days;
  } else if (s?.kind === 'webhook') {
    d.webhookId = s.webhookId;
  } else if (s?.kind === 'apply_plan_template') {
    d.templateId = s.templateId;
  } else if (s && (s.kind === 'checkin' || s.kind === 'survey')) {
    d.note = s.note ?? '';
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
      };
    case 'email':
      return { kind: 'email', ...optionalTitle(d.title), to: d.to, subject: d.subject.trim(), body: d.body.trim(), ...(d.approval ? { approval: true } : {}) };
    case 'wait':
      return { kind: 'wait', ...optionalTitle(d.title), days: isNum(d.days) ? d.days : 0 };
    case 'webhook':
      return { kind: 'webhook', ...optionalTitle(d.title), webhookId: d.webhookId ?? '' };
    case 'apply_plan_template':
      return { kind: 'apply_plan_template', ...optionalTitle(d.title), templateId: d.templateId ?? '' };
    case 'checkin':
    case 'survey':
      return { kind: d.kind, title: d.title.trim(), ...(d.note.trim() ? { note: d.note.trim() } : {}) };
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
    if (s.kind === 'email' && !s.subject.trim()) e[at('subject')] = 'Write a subject';
    if (s.kind === 'email' && !s.body.trim()) e[at('body')] = 'Write the message';
    if (s.kind === 'wait' && !(isNum(s.days) && s.days >= 0 && s.days <= 365)) e[at('days')] = 'Days, 0 to 365';
    if (s.kind === 'webhook' && !s.webhookId) e[at('webhookId')] = 'Choose a webhook';
    if (s.kind === 'apply_plan_template' && !s.templateId) e[at('templateId')] = 'Choose a plan template';
  });
  return e;
}

const KIND_FIELDS: Record<StepKind, string[]> = {
  task: ['title', 'description', 'dueOffsetDays', 'assignee', 'priority', 'customerEffort', 'taskKind', 'waitForTask'],
  email: ['title', 'to', 'subject', 'body', 'approval'],
  wait: ['title', 'days'],
  webhook: ['title', 'webhookId'],
  apply_plan_template: ['title', 'templateId'],
  checkin: ['title', 'note'],
  survey: ['title', 'note'],
};

/** The API paths that an input of the form shows beside it. */
export function shownPaths(f: PlaybookForm): Set<string> {
  const out = new Set(['name', 'description', 'steps']);
  f.steps.forEach((s, i) => KIND_FIELDS[s.kind].forEach((k) => out.add(`steps.${i}.${k}`)));
  return out;
}
