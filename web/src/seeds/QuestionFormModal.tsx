import { Autocomplete, Button, Group, Modal, NumberInput, Stack, Text, Textarea } from '@mantine/core';
import { type FormEvent, type KeyboardEvent, useState } from 'react';
import { seedQuestionCreate, seedQuestionPatch } from '../api/schemas';
import { type SeedQuestion, type SeedQuestionInput, useCreateQuestion, useUpdateQuestion } from '../api/seeds';
import { FormError, notifySuccess } from '../components/feedback';
import { schemaErrors, useSchemaCheck } from '../components/schemaErrors';
import { reaskIntervalError } from './logic';

interface Props {
  opened: boolean;
  onClose: () => void;
  /** Edit this question; add a new one without. */
  question?: SeedQuestion | null;
  themes: string[];
}

export function QuestionFormModal(props: Props) {
  return (
    <Modal opened={props.opened} onClose={props.onClose} title={props.question ? 'Edit the question' : 'Add a question to the library'} size="lg" centered>
      {props.opened && <QuestionForm key={props.question?.id ?? 'new'} {...props} />}
    </Modal>
  );
}

function QuestionForm({ onClose, question, themes }: Props) {
  const create = useCreateQuestion();
  const update = useUpdateQuestion();
  const mutation = question ? update : create;
  const [text, setText] = useState(question?.text ?? '');
  const [theme, setTheme] = useState(question?.theme ?? '');
  const [variants, setVariants] = useState((question?.variants ?? []).join('\n'));
  const [interval, setInterval] = useState<number | string>(question?.reaskIntervalDays ?? 14);
  const body: SeedQuestionInput = {
    text: text.trim(),
    theme: theme.trim(),
    variants: variants
      .split('\n')
      .map((v) => v.trim())
      .filter(Boolean),
    reaskIntervalDays: typeof interval === 'number' ? interval : Number.NaN,
  };
  // The interval's own plain message before the schema's (never clamped: issue 9 §7).
  const intervalError = reaskIntervalError(interval);
  const { fields, validate } = useSchemaCheck(
    () => ({ ...schemaErrors(question ? seedQuestionPatch : seedQuestionCreate, body), ...(intervalError ? { reaskIntervalDays: intervalError } : {}) }),
    mutation.error,
  );

  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    if (mutation.isPending || !validate()) return;
    const onSuccess = () => {
      notifySuccess(question ? 'Question saved' : 'Question added to the library');
      onClose();
    };
    if (question) update.mutate({ id: question.id, ...body }, { onSuccess });
    else create.mutate(body, { onSuccess });
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) submit();
  };

  return (
    <form onSubmit={submit} onKeyDown={onKeyDown} noValidate aria-label={question ? 'Edit the question' : 'Add a question'}>
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          A good seed is a little crazy: it makes the customer grin, then think of two reasons it would not work here — and come
          back to it a few days later.
        </Text>
        <FormError error={mutation.error} shownFields={['text', 'theme', 'variants', 'reaskIntervalDays']} />
        <Textarea
          label="Question"
          placeholder="What if nobody on your team ever built that report by hand again?"
          autosize
          minRows={2}
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          error={fields.text}
          required
          data-autofocus
        />
        <Group grow align="flex-start">
          <Autocomplete label="Theme" placeholder="e.g. reporting, adoption" data={themes} value={theme} onChange={setTheme} error={fields.theme} required />
          <NumberInput
            label="Re-ask after"
            description="Days without movement"
            suffix=" days"
            min={1}
            max={365}
            clampBehavior="none"
            allowDecimal={false}
            value={interval}
            onChange={setInterval}
            error={fields.reaskIntervalDays}
          />
        </Group>
        <Textarea
          label="Variants"
          description="Other ways to ask it, one per line, in the order they are re-asked"
          placeholder={'What would your week look like without the Monday report?\nWho would notice first if the report stopped?'}
          autosize
          minRows={3}
          maxRows={10}
          value={variants}
          onChange={(e) => setVariants(e.currentTarget.value)}
          error={fields.variants}
        />
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose} disabled={mutation.isPending}>
            Cancel
          </Button>
          <Button type="submit" loading={mutation.isPending}>
            {question ? 'Save' : 'Add question'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
