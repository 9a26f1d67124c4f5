import { usePlanTemplates } from '../api/plans';
import { type PlaybookRun, type RunStep, type Step, usePlaybookVersions } from '../api/playbooks';
import { describeApplyTemplate, describeStep } from './labels';

/**
 * A plan template's name by id: undefined while the templates load (or could not be read), null
 * when no template has that id (it was deleted). The list is cached, so many rows cost one request.
 */
export function useTemplateName(id: string | null | undefined): string | null | undefined {
  const templates = usePlanTemplates();
  if (!id || !templates.data) return undefined;
  return templates.data.find((t) => t.id === id)?.name ?? null;
}

function ApplyTemplateSummary({ step }: { step: Extract<Step, { kind: 'apply_plan_template' }> }) {
  return describeStep(step, useTemplateName(step.templateId));
}

/** `describeStep` as text, naming an apply-plan-template step's template (read only for such steps). */
export function StepSummary({ step }: { step: Step }) {
  return step.kind === 'apply_plan_template' ? <ApplyTemplateSummary step={step} /> : describeStep(step);
}

/**
 * The template of a run's apply-plan-template step: from its result once it ran, else from the
 * run's version of the playbook (the versions are read only when a step needs them).
 */
function useRunStepTemplateId(run: PlaybookRun, step: RunStep): string | undefined {
  const fromResult = typeof step.result?.templateId === 'string' ? step.result.templateId : undefined;
  const versions = usePlaybookVersions(fromResult ? null : run.playbookId);
  if (fromResult) return fromResult;
  const definition = versions.data?.find((v) => v.version === run.version)?.steps[step.index];
  return definition?.kind === 'apply_plan_template' ? definition.templateId : undefined;
}

function ApplyTemplateRunTitle({ run, step }: { run: PlaybookRun; step: RunStep }) {
  return describeApplyTemplate(useTemplateName(useRunStepTemplateId(run, step)), step.title);
}

/** A run step's title; an apply-plan-template step names its template ("Apply plan template 'Onboarding'"). */
export function RunStepTitle({ run, step }: { run: PlaybookRun; step: RunStep }) {
  return step.kind === 'apply_plan_template' ? <ApplyTemplateRunTitle run={run} step={step} /> : step.title;
}
