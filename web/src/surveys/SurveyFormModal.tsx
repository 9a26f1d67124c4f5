import { Button, Checkbox, Group, Modal, NumberInput, SegmentedControl, SimpleGrid, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { surveyCreate, surveyPatch } from '../api/schemas';
import { type Survey, type SurveyInput, type SurveyKind, SURVEY_KINDS, useCreateSurvey, useUpdateSurvey } from '../api/surveys';
import { FormError, notifySuccess } from '../components/feedback';
import { schemaErrors, useSchemaCheck } from '../components/schemaErrors';
import { DEFAULT_COMMENT_PROMPT, DEFAULT_QUESTION, DEFAULT_SUBJECT, followKind, KIND_DESCRIPTION, KIND_LABEL } from './logic';

interface Props {
  opened: boolean;
  onClose: () => void;
  /** Edit this survey; create a new one without. */
  survey?: Survey | null;
  onCreated?: (s: Survey) => void;
}

export function SurveyFormModal(props: Props) {
  return (
    <Modal opened={props.opened} onClose={props.onClose} title={props.survey ? 'Edit the survey' : 'New survey'} size="lg" centered>
      {props.opened && <SurveyForm key={props.survey?.id ?? 'new'} {...props} />}
    </Modal>
  );
}

const DEFAULT_INTRO = 'We would love to know how we are doing. It takes ten seconds: click a number below.';
const num = (v: number | string): number => (typeof v === 'number' ? v : v.trim() === '' ? Number.NaN : Number(v));

function SurveyForm({ onClose, survey, onCreated }: Props) {
  const create = useCreateSurvey();
  const update = useUpdateSurvey();
  const mutation = survey ? update : create;
  const [kind, setKind] = useState<SurveyKind>(survey?.kind ?? 'nps');
  const [name, setName] = useState(survey?.name ?? '');
  const [question, setQuestion] = useState(survey?.question ?? DEFAULT_QUESTION.nps);
  const [commentPrompt, setCommentPrompt] = useState(survey?.commentPrompt ?? (survey ? '' : DEFAULT_COMMENT_PROMPT.nps));
  const [emailSubject, setEmailSubject] = useState(survey?.emailSubject ?? DEFAULT_SUBJECT.nps);
  const [emailIntro, setEmailIntro] = useState(survey?.emailIntro ?? DEFAULT_INTRO);
  const [throttleDays, setThrottleDays] = useState<number | string>(survey?.throttleDays ?? 90);
  const [remind, setRemind] = useState(survey ? survey.reminderAfterDays !== null : true);
  const [reminderAfterDays, setReminderAfterDays] = useState<number | string>(survey?.reminderAfterDays ?? 5);
  const [spoonCost, setSpoonCost] = useState<number | string>(survey?.spoonCost ?? 1);
  // Answers are on the kind's scale: the kind is chosen once, when the survey is created.
  const kindLocked = !!survey;

  const body: SurveyInput = {
    name: name.trim(),
    kind,
    question: question.trim(),
    commentPrompt: commentPrompt.trim() || null,
    emailSubject: emailSubject.trim(),
    emailIntro: emailIntro.trim(),
    throttleDays: num(throttleDays),
    reminderAfterDays: remind ? num(reminderAfterDays) : null,
    spoonCost: num(spoonCost),
  };
  const { kind: _kind, ...patch } = body;
  const { fields, validate } = useSchemaCheck(() => (survey ? schemaErrors(surveyPatch, patch) : schemaErrors(surveyCreate, body)), mutation.error);

  const changeKind = (to: SurveyKind) => {
    setQuestion((q) => followKind(q, kind, to, DEFAULT_QUESTION));
    setCommentPrompt((c) => followKind(c, kind, to, DEFAULT_COMMENT_PROMPT));
    setEmailSubject((s) => followKind(s, kind, to, DEFAULT_SUBJECT));
    setKind(to);
  };

  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    if (mutation.isPending || !validate()) return;
    if (survey) {
      update.mutate({ id: survey.id, ...patch }, { onSuccess: () => (notifySuccess('Survey saved'), onClose()) });
    } else {
      create.mutate(body, {
        onSuccess: (s) => {
          notifySuccess(`${s.name} created: send it to contacts from its page`);
          onClose();
          onCreated?.(s);
        },
      });
    }
  };

  return (
    <form onSubmit={submit} noValidate aria-label={survey ? 'Edit the survey' : 'New survey'}>
      <Stack gap="sm">
        <FormError error={mutation.error} shownFields={Object.keys(body)} />
        <TextInput label="Name" placeholder="e.g. Quarterly NPS, Q3" value={name} onChange={(e) => setName(e.currentTarget.value)} error={fields.name} required data-autofocus />
        <Stack gap={4}>
          <Text size="sm" fw={500}>
            Kind
          </Text>
          <SegmentedControl
            aria-label="Kind"
            data={SURVEY_KINDS.map((k) => ({ value: k, label: KIND_LABEL[k] }))}
            value={kind}
            onChange={(v) => changeKind(v as SurveyKind)}
            disabled={kindLocked}
          />
          <Text size="xs" c="dimmed">
            {KIND_DESCRIPTION[kind]}
            {kindLocked && ' · chosen when the survey was created'}
          </Text>
        </Stack>
        <Textarea label="Question" autosize minRows={2} value={question} onChange={(e) => setQuestion(e.currentTarget.value)} error={fields.question} required />
        <TextInput
          label="Comment prompt"
          description="Above the comment box on the answer page; empty for none"
          value={commentPrompt}
          onChange={(e) => setCommentPrompt(e.currentTarget.value)}
          error={fields.commentPrompt}
        />
        <TextInput label="E-mail subject" value={emailSubject} onChange={(e) => setEmailSubject(e.currentTarget.value)} error={fields.emailSubject} required />
        <Textarea
          label="E-mail intro"
          description="The words before the score links"
          autosize
          minRows={3}
          maxRows={8}
          value={emailIntro}
          onChange={(e) => setEmailIntro(e.currentTarget.value)}
          error={fields.emailIntro}
        />
        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="sm">
          <NumberInput
            label="Throttle"
            description="Not surveyed again within"
            suffix=" days"
            min={0}
            max={3650}
            allowDecimal={false}
            clampBehavior="none"
            value={throttleDays}
            onChange={setThrottleDays}
            error={fields.throttleDays}
          />
          <Stack gap={4}>
            <NumberInput
              label="Reminder after"
              description="To those who did not answer"
              suffix=" days"
              min={1}
              max={60}
              allowDecimal={false}
              clampBehavior="none"
              value={reminderAfterDays}
              onChange={setReminderAfterDays}
              disabled={!remind}
              error={fields.reminderAfterDays}
            />
            <Checkbox size="xs" label="Send one reminder" checked={remind} onChange={(e) => setRemind(e.currentTarget.checked)} />
          </Stack>
          <NumberInput
            label="Spoon cost"
            description="Of the customer’s capacity"
            min={0}
            max={10}
            allowDecimal={false}
            clampBehavior="none"
            value={spoonCost}
            onChange={setSpoonCost}
            error={fields.spoonCost}
          />
        </SimpleGrid>
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={mutation.isPending}>
            Cancel
          </Button>
          <Button type="submit" loading={mutation.isPending}>
            {survey ? 'Save' : 'Create survey'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
