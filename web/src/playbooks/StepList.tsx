import { ActionIcon, Badge, Button, Card, Group, Menu, Select, Stack, Text, Tooltip } from '@mantine/core';
import { STEP_KINDS, type StepKind, type WebhookChoice } from '../api/playbooks';
import { Icon } from '../components/icons';
import { stepKindHelp, stepKindLabel } from './labels';
import { newStep, type StepDraft } from './playbookForm';
import { StepFields } from './StepFields';

interface Props {
  steps: StepDraft[];
  onChange: (steps: StepDraft[]) => void;
  error: (path: string) => string | undefined;
  readOnly: boolean;
  /** null: this user may not list webhooks, so the webhook kind is hidden. */
  webhooks: WebhookChoice[] | null | undefined;
}

/** The ordered steps of a playbook: add, remove, move up and down, and a form per kind. */
export function StepList({ steps, onChange, error, readOnly, webhooks }: Props) {
  const kinds = STEP_KINDS.filter((k) => k !== 'webhook' || webhooks);
  const update = (i: number, patch: Partial<StepDraft>) => onChange(steps.map((s, j) => (j === i ? { ...s, ...patch } : s)));
  const move = (i: number, by: number) => {
    const next = [...steps];
    const [s] = next.splice(i, 1);
    if (s) next.splice(i + by, 0, s);
    onChange(next);
  };
  const remove = (i: number) => onChange(steps.filter((_, j) => j !== i));
  const add = (kind: StepKind) => onChange([...steps, newStep(kind)]);

  return (
    <Stack gap="sm">
      {steps.map((s, i) => (
        <Card key={s.id} withBorder radius="md" padding="md" data-step-index={i} aria-label={`Step ${i + 1}`} component="section">
          <Group justify="space-between" mb="sm" wrap="nowrap">
            <Group gap="sm" wrap="nowrap">
              <Badge variant="filled" color="dark" radius="xl" size="lg" w={34} px={0}>
                {i + 1}
              </Badge>
              <Select
                size="xs"
                w={150}
                aria-label={`Step ${i + 1} kind`}
                data={kinds.concat(kinds.includes(s.kind) ? [] : [s.kind]).map((k) => ({ value: k, label: stepKindLabel[k] }))}
                value={s.kind}
                onChange={(v) => v && update(i, { kind: v as StepKind })}
                allowDeselect={false}
                readOnly={readOnly}
              />
              <Text size="xs" c="dimmed" visibleFrom="md">
                {stepKindHelp[s.kind]}
              </Text>
            </Group>
            {!readOnly && (
              <Group gap={2} wrap="nowrap">
                <Tooltip label="Move up">
                  <ActionIcon variant="subtle" color="gray" disabled={i === 0} onClick={() => move(i, -1)} aria-label={`Move step ${i + 1} up`}>
                    <Icon name="sortUp" size={16} />
                  </ActionIcon>
                </Tooltip>
                <Tooltip label="Move down">
                  <ActionIcon variant="subtle" color="gray" disabled={i === steps.length - 1} onClick={() => move(i, 1)} aria-label={`Move step ${i + 1} down`}>
                    <Icon name="sortDown" size={16} />
                  </ActionIcon>
                </Tooltip>
                <Tooltip label="Remove step">
                  <ActionIcon variant="subtle" color="red" disabled={steps.length === 1} onClick={() => remove(i)} aria-label={`Remove step ${i + 1}`}>
                    <Icon name="trash" size={16} />
                  </ActionIcon>
                </Tooltip>
              </Group>
            )}
          </Group>
          <StepFields step={s} set={(p) => update(i, p)} error={(k) => error(`steps.${i}.${k}`)} readOnly={readOnly} webhooks={webhooks} />
        </Card>
      ))}
      {error('steps') && (
        <Text size="sm" c="red" role="alert">
          {error('steps')}
        </Text>
      )}
      {!readOnly && (
        <Menu position="bottom-start" withinPortal>
          <Menu.Target>
            <Button variant="light" leftSection={<Icon name="plus" size={16} />} w="fit-content">
              Add step
            </Button>
          </Menu.Target>
          <Menu.Dropdown>
            {kinds.map((k) => (
              <Menu.Item key={k} onClick={() => add(k)}>
                <Text size="sm" fw={500}>
                  {stepKindLabel[k]}
                </Text>
                <Text size="xs" c="dimmed">
                  {stepKindHelp[k]}
                </Text>
              </Menu.Item>
            ))}
          </Menu.Dropdown>
        </Menu>
      )}
    </Stack>
  );
}
