import { Alert, Button, Checkbox, Group, List, Modal, ScrollArea, Select, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { ApiError, errorMessage } from '../api/client';
import { type SendResult, type Survey, useSendSurvey, useSurveys } from '../api/surveys';
import { notifySuccess } from '../components/feedback';
import { plural } from '../components/format';
import { type Audience, emptyAudience, sendBody } from './audience';
import { AudiencePicker } from './AudiencePicker';
import { KIND_LABEL, skipCounts, skipLabel } from './logic';

interface Props {
  opened: boolean;
  onClose: () => void;
  /** The survey to send; without it the modal asks which one. */
  survey?: Survey | null;
  /** Send to this account's contacts (the account page's card). */
  accountId?: string;
}

export function SendSurveyModal(props: Props) {
  return (
    <Modal opened={props.opened} onClose={props.onClose} title={props.survey ? `Send ${props.survey.name}` : 'Send a survey'} size="lg" centered>
      {props.opened && <SendFlow {...props} />}
    </Modal>
  );
}

/** Choose the audience, see who would get it and who is skipped and why (a dry run), then send. */
function SendFlow({ onClose, survey, accountId }: Props) {
  const surveys = useSurveys();
  const [surveyId, setSurveyId] = useState<string | null>(survey?.id ?? null);
  const chosen = survey ?? surveys.data?.find((s) => s.id === surveyId) ?? null;
  const [audience, setAudience] = useState<Audience>(() => emptyAudience(accountId));
  const [confirmOverload, setConfirmOverload] = useState(false);
  const [preview, setPreview] = useState<SendResult | null>(null);
  const [done, setDone] = useState<SendResult | null>(null);
  const [missing, setMissing] = useState<string | null>(null);
  const send = useSendSurvey(chosen?.id ?? '');

  const run = (dryRun: boolean, overload = confirmOverload) => {
    if (!chosen) return setMissing('Choose the survey to send');
    const req = sendBody(audience, { dryRun, confirmOverload: overload });
    if ('missing' in req) return setMissing(req.missing);
    setMissing(null);
    send.mutate(req.body, {
      onSuccess: (r) => {
        if (dryRun) return setPreview(r);
        setDone(r);
        notifySuccess(r.sent > 0 ? `${chosen.name}: sent to ${plural(r.sent, 'contact')}` : `${chosen.name}: nobody was sent`, 'Survey sent');
      },
    });
  };
  const changeAudience = (a: Audience) => {
    setAudience(a);
    setPreview(null);
    send.reset();
  };
  const toggleOverload = (v: boolean) => {
    setConfirmOverload(v);
    if (preview) run(true, v);
  };

  if (done) {
    return (
      <Stack gap="sm" data-testid="send-done">
        <Alert color={done.sent > 0 ? 'teal' : 'yellow'} variant="light" title={done.sent > 0 ? `Sent to ${plural(done.sent, 'contact')}` : 'Nobody was sent'}>
          {done.sent > 0
            ? 'The e-mails are queued in the outbox and go out with the next send. Answers appear on the survey’s page as people reply.'
            : 'Everyone was skipped, for the reasons below.'}
        </Alert>
        {done.skipped.length > 0 && <SkippedTable skipped={done.skipped} />}
        <Group justify="flex-end">
          <Button onClick={onClose}>Close</Button>
        </Group>
      </Stack>
    );
  }

  const overCapacity = preview?.skipped.filter((s) => s.reason === 'over_capacity').length ?? 0;
  const emptyAudienceError = send.error instanceof ApiError && send.error.code === 'survey.empty_audience';
  return (
    <Stack gap="sm">
      {!survey && (
        <Select
          label="Survey"
          placeholder={surveys.data && surveys.data.length === 0 ? 'No survey yet: an admin or a manager creates one on Surveys' : 'Choose a survey'}
          data={(surveys.data ?? []).filter((s) => !s.archived).map((s) => ({ value: s.id, label: `${s.name} (${KIND_LABEL[s.kind]})` }))}
          value={surveyId}
          onChange={(v) => (setSurveyId(v), setPreview(null))}
          comboboxProps={{ withinPortal: true }}
          data-autofocus
        />
      )}
      {chosen && (
        <Text size="sm" c="dimmed">
          “{chosen.question}” · not sent to anyone surveyed in the last {plural(chosen.throttleDays, 'day')} · {plural(chosen.spoonCost, 'spoon')} each
        </Text>
      )}
      <AudiencePicker value={audience} onChange={changeAudience} accountId={accountId} />
      {missing && (
        <Text size="sm" c="red" role="alert">
          {missing}
        </Text>
      )}
      {send.error && (
        <Alert color={emptyAudienceError ? 'yellow' : 'red'} variant="light" role="alert">
          {emptyAudienceError ? 'Nobody matches this audience: widen the filter or choose contacts.' : errorMessage(send.error)}
        </Alert>
      )}
      {preview && <Preview result={preview} />}
      <Checkbox
        label="Ask anyway when it would exceed a customer’s capacity (recorded as an overload)"
        description={overCapacity > 0 ? `${plural(overCapacity, 'contact')} would be skipped as over capacity without it` : undefined}
        checked={confirmOverload}
        onChange={(e) => toggleOverload(e.currentTarget.checked)}
      />
      <Group justify="flex-end">
        <Button variant="default" onClick={onClose} disabled={send.isPending}>
          Cancel
        </Button>
        {preview && preview.sent > 0 ? (
          <Button onClick={() => run(false)} loading={send.isPending}>
            Send to {plural(preview.sent, 'contact')}
          </Button>
        ) : (
          <Button onClick={() => run(true)} loading={send.isPending} variant={preview ? 'default' : 'filled'}>
            {preview ? 'Check again' : 'Preview who gets it'}
          </Button>
        )}
      </Group>
    </Stack>
  );
}

function Preview({ result }: { result: SendResult }) {
  const counts = skipCounts(result.skipped);
  return (
    <Stack gap="xs" data-testid="send-preview">
      <Alert color={result.sent > 0 ? 'blue' : 'yellow'} variant="light" title={result.sent > 0 ? `Would be sent to ${plural(result.sent, 'contact')}` : 'Nobody would be sent'}>
        {counts.length === 0 ? 'Nobody is skipped.' : `Skipped: ${counts.map((c) => `${c.count} ${skipLabel(c.reason).toLowerCase()}`).join(', ')}.`}
      </Alert>
      {result.recipients && result.recipients.length > 0 && (
        <ScrollArea.Autosize mah={120}>
          <List size="sm" spacing={2}>
            {result.recipients.map((r) => (
              <List.Item key={r.contactId}>
                {r.contactName ?? 'A contact'}
                {r.accountName ? ` · ${r.accountName}` : ''}
              </List.Item>
            ))}
          </List>
        </ScrollArea.Autosize>
      )}
      {result.skipped.length > 0 && <SkippedTable skipped={result.skipped} />}
    </Stack>
  );
}

function SkippedTable({ skipped }: { skipped: SendResult['skipped'] }) {
  return (
    <ScrollArea.Autosize mah={220}>
      <Table verticalSpacing={4} horizontalSpacing="sm" aria-label="Skipped contacts">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Contact</Table.Th>
            <Table.Th>Account</Table.Th>
            <Table.Th>Skipped because</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {skipped.map((s) => (
            <Table.Tr key={s.contactId} data-reason={s.reason}>
              <Table.Td>{s.contactName ?? 'A contact'}</Table.Td>
              <Table.Td>{s.accountName ?? '—'}</Table.Td>
              <Table.Td>
                <Text size="sm" fw={500}>
                  {skipLabel(s.reason)}
                </Text>
                <Text size="xs" c="dimmed">
                  {s.detail}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ScrollArea.Autosize>
  );
}
