import { ApiError } from '../api/client';
import { driverInput } from '../api/schemas';
import type { ActivitySourceKind, Direction, Driver, DriverInput, DriverSource, Measure, PreviewBody, Scoring, SourceType, StageWeights, SurveyMetric } from '../api/healthTypes';
import { type ContactRole, STAGES, type Stage } from '../api/types';

export type NumText = number | string;

export interface ThresholdRow {
  id: number;
  value: NumText;
  score: NumText;
}

/** The editor's state: every source type's fields at once, so switching type loses nothing. */
export interface DriverForm {
  name: string;
  key: string;
  description: string;
  sourceType: SourceType;
  events: string[];
  measure: Measure;
  windowDays: NumText;
  perSeat: boolean;
  field: string | null;
  role: ContactRole;
  /** days_since_activity: the kinds counted (none = any activity) and an optional contact role. */
  activityKinds: ActivitySourceKind[];
  activityRole: ContactRole | null;
  maxDays: NumText;
  expression: string;
  /** survey_metric: what is measured, over how many days, optionally of one survey kind only. */
  surveyMetric: SurveyMetric;
  surveyWindowDays: NumText;
  surveyKind: 'nps' | 'csat' | 'ces' | null;
  scoringType: Scoring['type'];
  direction: Direction;
  thresholds: ThresholdRow[];
  stageWeights: Record<Stage, NumText>;
  enabled: boolean;
}

let rowId = 0;
export const newRow = (value: NumText = '', score: NumText = ''): ThresholdRow => ({ id: ++rowId, value, score });

export const KEY_PATTERN = /^[a-z][a-z0-9_]{0,62}$/;

export function initialForm(d?: Driver): DriverForm {
  const s = d?.source;
  const weights = {} as Record<Stage, NumText>;
  for (const stage of STAGES) weights[stage] = d?.stageWeights[stage] ?? '';
  return {
    name: d?.name ?? '',
    key: d?.key ?? '',
    description: d?.description ?? '',
    sourceType: s?.type ?? 'event_metric',
    events: s && (s.type === 'event_metric' || s.type === 'days_since_event') ? s.events : [],
    measure: s?.type === 'event_metric' ? s.measure : 'count',
    windowDays: s?.type === 'event_metric' ? s.windowDays : 28,
    perSeat: s?.type === 'event_metric' ? s.perSeat : false,
    field: s?.type === 'account_field' ? s.field : null,
    role: s?.type === 'days_since_contact_seen' ? s.role : 'champion',
    activityKinds: s?.type === 'days_since_activity' ? s.kinds ?? [] : ['call', 'meeting', 'qbr'],
    activityRole: s?.type === 'days_since_activity' ? s.contactRole ?? null : null,
    maxDays: s?.type === 'days_since_event' || s?.type === 'days_since_contact_seen' || s?.type === 'days_since_activity' ? s.maxDays : 90,
    expression: s?.type === 'formula' ? s.expression : '',
    surveyMetric: s?.type === 'survey_metric' ? s.metric : 'nps',
    surveyWindowDays: s?.type === 'survey_metric' ? s.windowDays : 180,
    surveyKind: s?.type === 'survey_metric' ? (s.surveyKind ?? null) : null,
    scoringType: d?.scoring.type ?? 'bands',
    direction: d?.scoring.direction ?? 'higher_is_better',
    thresholds: d ? d.scoring.thresholds.map((t) => newRow(t.value, t.score)) : [newRow('', 100), newRow('', 70), newRow('', 40)],
    stageWeights: weights,
    enabled: d?.enabled ?? true,
  };
}

const isNum = (v: NumText): v is number => typeof v === 'number' && Number.isFinite(v);
const isInt = (v: NumText, min: number, max = Infinity): boolean => isNum(v) && Number.isInteger(v) && v >= min && v <= max;

/** Problems the form can see by itself, keyed by the API's field paths. */
export function validate(f: DriverForm, isNew: boolean): Record<string, string> {
  const e: Record<string, string> = {};
  if (!f.name.trim()) e.name = 'Give the driver a name';
  if (isNew && !KEY_PATTERN.test(f.key)) e.key = 'Lowercase letters, digits and _, starting with a letter';
  if (f.sourceType === 'event_metric' && !isInt(f.windowDays, 1, 90)) e['source.windowDays'] = 'Whole days, 1 to 90';
  if (f.sourceType === 'account_field' && !f.field) e['source.field'] = 'Pick a field';
  if ((f.sourceType === 'days_since_event' || f.sourceType === 'days_since_contact_seen' || f.sourceType === 'days_since_activity') && !isInt(f.maxDays, 1))
    e['source.maxDays'] = 'Whole days, at least 1';
  if (f.sourceType === 'formula' && !f.expression.trim()) e['source.expression'] = 'Write an expression over other drivers’ keys';
  if (f.sourceType === 'survey_metric' && !isInt(f.surveyWindowDays, 1, 730)) e['source.windowDays'] = 'Whole days, 1 to 730';
  if (f.thresholds.length === 0) e['scoring.thresholds'] = 'Add at least one threshold';
  else if (f.thresholds.some((t) => !isNum(t.value) || !isNum(t.score) || t.score < 0 || t.score > 100))
    e['scoring.thresholds'] = 'Each threshold needs a value and a score from 0 to 100';
  const weights = STAGES.map((s) => f.stageWeights[s]).filter((w) => w !== '');
  if (weights.some((w) => !isNum(w) || w < 0)) e.stageWeights = 'Weights are numbers of 0 or more';
  else if (!weights.some((w) => isNum(w) && w > 0)) e.stageWeights = 'Give at least one stage a weight';
  // Then the API's own schema, for every bound the checks above do not name (a cap of 400 days, a
  // weight over 1000, a name too long…), with the API's messages, so the form never sends what the
  // server would refuse.
  const result = driverInput.safeParse(toInput(f));
  for (const issue of result.success ? [] : result.error.issues) {
    const path = issue.path.map(String).join('.');
    const key = path.startsWith('scoring.thresholds') ? 'scoring.thresholds' : path.startsWith('stageWeights') ? 'stageWeights' : path;
    if (key === 'key' && !isNew) continue;
    e[key] ??= issue.message;
  }
  return e;
}

export function toSource(f: DriverForm): DriverSource {
  const n = (v: NumText) => (isNum(v) ? v : 0);
  switch (f.sourceType) {
    case 'event_metric':
      return { type: 'event_metric', events: f.events, measure: f.measure, windowDays: n(f.windowDays), perSeat: f.perSeat };
    case 'account_field':
      return { type: 'account_field', field: f.field ?? '' };
    case 'days_since_event':
      return { type: 'days_since_event', events: f.events, maxDays: n(f.maxDays) };
    case 'days_since_contact_seen':
      return { type: 'days_since_contact_seen', role: f.role, maxDays: n(f.maxDays) };
    case 'formula':
      return { type: 'formula', expression: f.expression.trim() };
    case 'days_since_activity':
      return { type: 'days_since_activity', kinds: f.activityKinds, ...(f.activityRole ? { contactRole: f.activityRole } : {}), maxDays: n(f.maxDays) };
    case 'autopilot':
      return { type: 'autopilot' };
    case 'survey_metric':
      // A kind applies to the response rate and the detractor share only (NPS and CSAT name their kind).
      return {
        type: 'survey_metric',
        metric: f.surveyMetric,
        windowDays: n(f.surveyWindowDays),
        ...(f.surveyKind && (f.surveyMetric === 'response_rate' || f.surveyMetric === 'detractor_share') ? { surveyKind: f.surveyKind } : {}),
      };
  }
}

export function toScoring(f: DriverForm): Scoring {
  return {
    type: f.scoringType,
    direction: f.direction,
    thresholds: f.thresholds.filter((t) => isNum(t.value) && isNum(t.score)).map((t) => ({ value: Number(t.value), score: Number(t.score) })),
  };
}

export function toStageWeights(f: DriverForm): StageWeights {
  const out: StageWeights = {};
  for (const s of STAGES) {
    const w = f.stageWeights[s];
    if (isNum(w)) out[s] = w;
  }
  return out;
}

export function toInput(f: DriverForm): DriverInput {
  return {
    key: f.key,
    name: f.name.trim(),
    description: f.description.trim(),
    source: toSource(f),
    scoring: toScoring(f),
    stageWeights: toStageWeights(f),
    enabled: f.enabled,
  };
}

/** The preview request, or null while the form has a problem the preview would only repeat. */
export function toPreview(f: DriverForm, errors: Record<string, string>): PreviewBody | null {
  // Name, key and stage weights do not change the values: without weights the preview covers every stage.
  const blocking = Object.keys(errors).filter((k) => k !== 'name' && k !== 'key' && k !== 'stageWeights');
  if (blocking.length > 0) return null;
  const body: PreviewBody = { source: toSource(f), scoring: toScoring(f), stageWeights: toStageWeights(f) };
  if (KEY_PATTERN.test(f.key)) body.key = f.key;
  return body;
}

export interface FieldErrors {
  get(path: string): string | undefined;
  /** The server's field errors that no input claims. */
  unclaimed(paths: string[]): { path: string; message: string }[];
}

/** Server field errors (`source.events.0`, `scoring.thresholds`, …) for the input at a path or below it. */
export function serverFieldErrors(...errors: unknown[]): FieldErrors {
  const list = errors
    .flatMap((err) => (err instanceof ApiError ? err.fields : []))
    .map((f) => ({ path: f.path.replace(/^\/?(body[./])?/, '').replace(/\//g, '.'), message: f.message }));
  const under = (path: string, p: string) => path === p || path.startsWith(`${p}.`);
  return {
    get: (p) => list.find((f) => under(f.path, p))?.message,
    unclaimed: (paths) => list.filter((f) => !paths.some((p) => under(f.path, p))),
  };
}
