import { Button, Group, Modal, Select, Stack, Switch, Text, TextInput } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { type FormEvent, useState } from 'react';
import { ApiError } from '../api/client';
import { CHECKED_KINDS, CRITICAL_DATE_KINDS, type CriticalDateKind, DEFAULT_LEAD_DAYS, useCreateCriticalDate } from '../api/criticalDates';
import { FormError, notifySuccess } from '../components/feedback';
import { KIND_HINT, KIND_LABEL, parseLeadDays, targetProblem } from './logic';

/** Adds a critical date to an account: a host to read for domains and certificates, a typed date for the rest. */
export function AddCriticalDateModal({ accountId, opened, onClose }: { accountId: string; opened: boolean; onClose: () => void }) {
  const create = useCreateCriticalDate(accountId);
  const [kind, setKind] = useState<CriticalDateKind>('tls');
  const [label, setLabel] = useState('');
  const [target, setTarget] = useState('');
  const [expiresAt, setExpiresAt] = useState<string | null>(null);
  const [lead, setLead] = useState(DEFAULT_LEAD_DAYS.join(', '));
  const [autoCheck, setAutoCheck] = useState(true);
  const [tried, setTried] = useState(false);
  const checked = CHECKED_KINDS.includes(kind);

  const reset = () => {
    setLabel('');
    setTarget('');
    setExpiresAt(null);
    setLead(DEFAULT_LEAD_DAYS.join(', '));
    setTried(false);
    create.reset();
  };
  const close = () => {
    reset();
    onClose();
  };

  const leadDays = parseLeadDays(lead);
  const local = {
    label: label.trim() ? null : 'A name people recognise, e.g. "Main domain" or "SSO certificate"',
    target: checked ? targetProblem(kind, target) : null,
    expiresAt: !checked && !expiresAt ? 'The day it expires' : null,
    leadDays: leadDays ? null : 'One to three different whole days from 1 to 365, e.g. 60, 30, 7',
  };
  const fields = create.error instanceof ApiError ? create.error.fieldMap() : {};
  const shown = (k: keyof typeof local) => (tried ? local[k] : null) ?? fields[k];

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (Object.values(local).some(Boolean) || !leadDays) return;
    create.mutate(
      {
        kind,
        label: label.trim(),
        ...(checked ? { target: target.trim(), autoCheck } : { expiresAt: expiresAt ?? '' }),
        leadDays,
      },
      {
        onSuccess: (d) => {
          notifySuccess(checked ? `${d.label} added; Check now reads its expiry` : `${d.label} added`);
          close();
        },
      },
    );
  };

  return (
    <Modal opened={opened} onClose={close} title="Add a critical date" centered>
      <form onSubmit={submit} aria-label="Add a critical date" noValidate>
        <Stack gap="sm">
          <Select
            label="Kind"
            data={CRITICAL_DATE_KINDS.map((k) => ({ value: k, label: KIND_LABEL[k] }))}
            value={kind}
            onChange={(v) => v && setKind(v as CriticalDateKind)}
            allowDeselect={false}
            description={KIND_HINT[kind]}
            comboboxProps={{ withinPortal: true }}
          />
          <TextInput label="Label" value={label} onChange={(e) => setLabel(e.currentTarget.value)} error={shown('label')} maxLength={200} required />
          {checked ? (
            <>
              <TextInput
                label={kind === 'tls' ? 'Host' : 'Domain'}
                placeholder={kind === 'tls' ? 'app.example.com or app.example.com:8443' : 'example.com'}
                value={target}
                onChange={(e) => setTarget(e.currentTarget.value)}
                error={shown('target')}
                maxLength={300}
                required
              />
              <Switch label="Re-check on a schedule" checked={autoCheck} onChange={(e) => setAutoCheck(e.currentTarget.checked)} />
            </>
          ) : (
            <DateInput label="Expires on" valueFormat="YYYY-MM-DD" placeholder="YYYY-MM-DD" value={expiresAt} onChange={setExpiresAt} error={shown('expiresAt')} required />
          )}
          <TextInput
            label="Alert lead times (days)"
            description="A task and a notification this many days before it expires"
            value={lead}
            onChange={(e) => setLead(e.currentTarget.value)}
            error={shown('leadDays')}
          />
          {checked && (
            <Text size="xs" c="dimmed">
              Canopy connects to the host to read the expiry; nothing else is sent.
            </Text>
          )}
          <FormError error={create.error} shownFields={['label', 'target', 'expiresAt', 'leadDays', 'kind']} />
          <Group justify="flex-end">
            <Button variant="default" onClick={close} disabled={create.isPending}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Add date
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
