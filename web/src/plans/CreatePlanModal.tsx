import { Button, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useNavigate } from 'react-router';
import { useCreatePlan, usePlanTemplates } from '../api/plans';
import { planCreate } from '../api/schemas';
import type { Stage } from '../api/types';
import { FormError, notifySuccess } from '../components/feedback';
import { stageLabel } from '../components/format';
import { schemaErrors, useSchemaCheck } from '../components/schemaErrors';

interface Props {
  accountId: string;
  accountName?: string;
  opened: boolean;
  onClose: () => void;
}

export function CreatePlanModal(props: Props) {
  return (
    <Modal opened={props.opened} onClose={props.onClose} title="Create a success plan" centered>
      {props.opened && <CreatePlanForm {...props} />}
    </Modal>
  );
}

function CreatePlanForm({ accountId, accountName, onClose }: Props) {
  const create = useCreatePlan(accountId);
  const templates = usePlanTemplates();
  const navigate = useNavigate();
  const [title, setTitle] = useState(accountName ? `${accountName} success plan` : 'Success plan');
  const [templateId, setTemplateId] = useState<string | null>(null);
  const body = { title: title.trim(), ...(templateId ? { templateId } : {}) };
  const { fields, validate } = useSchemaCheck(
    () => ({ ...schemaErrors(planCreate, body), ...(title.trim() ? {} : { title: 'Give the plan a title.' }) }),
    create.error,
  );
  const titleError = fields.title;
  const chosen = templates.data?.find((t) => t.id === templateId);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!validate()) return;
    create.mutate(
      body,
      {
        onSuccess: (plan) => {
          notifySuccess(chosen ? `Plan created from “${chosen.name}”` : 'Plan created');
          onClose();
          void navigate(`/plans/${plan.id}`);
        },
      },
    );
  };

  return (
    <form onSubmit={submit} noValidate aria-label="Create a success plan">
      <Stack gap="md">
        <FormError error={create.error} shownFields={['title', 'templateId']} />
        <TextInput label="Title" value={title} onChange={(e) => setTitle(e.currentTarget.value)} error={titleError} required data-autofocus />
        <Select
          label="Template"
          description="Optional: fills goals, criteria and milestones with dates and owners"
          placeholder={templates.data?.length === 0 ? 'No templates yet' : 'Start from a blank plan'}
          data={(templates.data ?? []).map((t) => ({
            value: t.id,
            label: [t.name, t.segment, t.stage ? (stageLabel[t.stage as Stage] ?? t.stage) : null].filter(Boolean).join(' · '),
          }))}
          value={templateId}
          onChange={setTemplateId}
          clearable
          searchable
          error={fields.templateId}
        />
        {chosen && (
          <Text size="xs" c="dimmed">
            {chosen.description || `${chosen.goals.length} goal${chosen.goals.length === 1 ? '' : 's'}`}
          </Text>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={create.isPending}>
            Cancel
          </Button>
          <Button type="submit" loading={create.isPending}>
            Create plan
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
