import { Alert, Badge, Button, Card, Grid, Group, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { type ClassifyResult, type SplitFigures, TALK_LABELS, useClassify, useEvaluation } from '../api/changeTalk';
import { QueryError, TableSkeleton } from '../components/feedback';
import { CorrectionsCard, PhrasesCard } from './PhrasesCards';
import { LABEL_WORDS, TalkText } from './TalkText';

const pct = (n: number) => `${Math.round(n * 1000) / 10}%`;

/**
 * Change talk (seed 004): try the classifier on a text and see the phrases that decided its
 * label, the phrases admins added, people's corrections, and the figures on the labelled set.
 */
export default function ChangeTalkPage() {
  return (
    <Stack gap="md">
      <div>
        <Title order={2}>Change talk</Title>
        <Text size="sm" c="dimmed">
          Customers’ words heard as change talk (desire, ability, reasons, need, commitment, activation, taking steps) or sustain talk
          (“too busy right now”). A lexicon with rules for negation and hedging; every label shows the phrases behind it.
        </Text>
      </div>
      <Grid gap="md">
        <Grid.Col span={{ base: 12, lg: 7 }}>
          <TryCard />
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          <EvaluationCard />
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 6 }}>
          <PhrasesCard />
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 6 }}>
          <CorrectionsCard />
        </Grid.Col>
      </Grid>
    </Stack>
  );
}

function TryCard() {
  const classify = useClassify();
  const [text, setText] = useState('');
  const [result, setResult] = useState<{ text: string; talk: ClassifyResult } | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim()) return;
    const sent = text;
    classify.mutate(sent, { onSuccess: (talk) => setResult({ text: sent, talk }) });
  };
  const shown = result ? { ...result.talk, predicted: result.talk.predicted ?? result.talk.label, corrected: result.talk.corrected ?? false } : null;
  return (
    <Card padding="lg" h="100%">
      <Title order={4}>Try a text</Title>
      <form onSubmit={submit} aria-label="Try a text" noValidate>
        <Stack gap="sm" mt="xs">
          <Textarea
            label="What the customer said"
            placeholder="I really want to roll it out, but we're too busy right now."
            autosize
            minRows={2}
            maxRows={8}
            value={text}
            onChange={(e) => setText(e.currentTarget.value)}
          />
          <Group justify="flex-end">
            <Button type="submit" loading={classify.isPending} disabled={!text.trim()}>
              Classify
            </Button>
          </Group>
          {classify.isError && <QueryError error={classify.error} title="Could not classify it" />}
          {result && shown && (
            <Stack gap={4} data-testid="classify-result">
              <TalkText text={result.text} talk={shown} correct={{ sourceKind: 'manual' }} />
              {shown.spans.length === 0 && (
                <Text size="xs" c="dimmed">
                  No change or sustain phrase found. If you hear one, add it below (admins) or correct the label.
                </Text>
              )}
            </Stack>
          )}
        </Stack>
      </form>
    </Card>
  );
}

function SplitTable({ title, s }: { title: string; s: SplitFigures }) {
  return (
    <div>
      <Text size="sm" fw={600}>
        {title}: {s.n} utterances · accuracy {pct(s.accuracy)} · macro F1 {pct(s.macroF1)}
      </Text>
      <Table fz="xs" verticalSpacing={2} aria-label={`${title} figures`}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Class</Table.Th>
            <Table.Th ta="right">Precision</Table.Th>
            <Table.Th ta="right">Recall</Table.Th>
            <Table.Th ta="right">F1</Table.Th>
            <Table.Th ta="right">n</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {TALK_LABELS.map((l) => {
            const c = s.classes.find((x) => x.label === l);
            return (
              <Table.Tr key={l}>
                <Table.Td>{LABEL_WORDS[l]}</Table.Td>
                <Table.Td ta="right">{c ? pct(c.precision) : '—'}</Table.Td>
                <Table.Td ta="right">{c ? pct(c.recall) : '—'}</Table.Td>
                <Table.Td ta="right">{c ? pct(c.f1) : '—'}</Table.Td>
                <Table.Td ta="right">{c?.n ?? 0}</Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </div>
  );
}

function EvaluationCard() {
  const ev = useEvaluation();
  return (
    <Card padding="lg" h="100%" data-testid="talk-evaluation">
      <Group justify="space-between">
        <Title order={4}>How well it does</Title>
        {ev.data && (
          <Badge variant="light" color="gray" tt="none">
            {ev.data.version}
          </Badge>
        )}
      </Group>
      <Text size="xs" c="dimmed" mb="xs">
        On the labelled set of customer-success utterances; the held-out part was never tuned on.
      </Text>
      {ev.isPending && <TableSkeleton rows={4} />}
      {ev.isError && <QueryError error={ev.error} onRetry={() => void ev.refetch()} />}
      {ev.data && (
        <Stack gap="sm">
          <SplitTable title="Held out" s={ev.data.test} />
          {ev.data.test.macroF1Interval && (
            <Text size="xs" c="dimmed">
              Macro F1 {Math.round(ev.data.test.macroF1Interval.level * 100)}% interval: {pct(ev.data.test.macroF1Interval.low)} – {pct(ev.data.test.macroF1Interval.high)}
            </Text>
          )}
          <SplitTable title="Tuning" s={ev.data.tune} />
          <Alert variant="light" color="gray" p="xs">
            <Text size="xs">
              {ev.data.corrections.n === 0
                ? 'No label corrected by a person yet. Corrections become test cases and tuning data.'
                : `${ev.data.corrections.n} text${ev.data.corrections.n === 1 ? '' : 's'} corrected by people; the classifier now agrees with ${ev.data.corrections.agreement === null ? '—' : pct(ev.data.corrections.agreement)} of them.`}
            </Text>
          </Alert>
        </Stack>
      )}
    </Card>
  );
}
