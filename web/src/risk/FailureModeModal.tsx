import { Button, Group, Modal, MultiSelect, Select, Stack, Textarea, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTeams } from '../api/admin';
import { ApiError } from '../api/client';
import { usePlaybooks } from '../api/playbooks';
import { useSaveFailureMode, useSignalDefinitions } from '../api/risk';
import { FormError, notifySuccess } from '../components/feedback';
import type { FailureMode } from './schemas';

/** Create or edit a failure mode: its name, what it is, the signal kinds that point at it, its playbook and owner team. */
export function FailureModeModal({ mode, opened, onClose }: { mode: FailureMode | null; opened: boolean; onClose: () => void }) {
  const save = useSaveFailureMode();
  const defs = useSignalDefinitions();
  const playbooks = usePlaybooks();
  const teams = useTeams();
  const [name, setName] = useState(mode?.name ?? '');
  const [description, setDescription] = useState(mode?.description ?? '');
  const [kinds, setKinds] = useState<string[]>(mode?.signalKinds.map((k) => k.kind) ?? []);
  const [playbookId, setPlaybookId] = useState<string | null>(mode?.playbook?.id ?? null);
  const [teamId, setTeamId] = useState<string | null>(mode?.ownerTeam?.id ?? null);
  const [tried, setTried] = useState(false);
  const fields = save.error instanceof ApiError ? save.error.fieldMap() : {};
  const pbOptions = (playbooks.data ?? []).map((p) => ({ value: p.id, label: p.name }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (!name.trim()) return;
    save.mutate(
      { id: mode?.id ?? null, input: { name: name.trim(), description, signalKinds: kinds, playbookId, ownerTeamId: teamId } },
      {
        onSuccess: () => {
          notifySuccess(mode ? 'Failure mode saved' : 'Failure mode added to the register');
          onClose();
        },
      },
    );
  };
  return (
    <Modal opened={opened} onClose={onClose} title={mode ? `Edit ${mode.name}` : 'New failure mode'} size="lg">
      <form onSubmit={submit} aria-label="Failure mode" noValidate>
        <Stack gap="sm">
          <FormError error={save.error} shownFields={['name', 'description', 'signalKinds', 'playbookId', 'ownerTeamId']} />
          <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} maxLength={200} error={fields.name ?? (tried && !name.trim() ? 'Name it' : undefined)} />
          <Textarea label="What happens" autosize minRows={2} maxLength={5000} value={description} onChange={(e) => setDescription(e.currentTarget.value)} error={fields.description} />
          <MultiSelect
            label="Signal kinds that point at it"
            data={(defs.data ?? []).map((d) => ({ value: d.kind, label: d.label }))}
            value={kinds}
            onChange={setKinds}
            searchable
            error={fields.signalKinds}
          />
          <Select label="Playbook that handles it" placeholder="None yet" data={pbOptions} value={playbookId} onChange={setPlaybookId} clearable searchable error={fields.playbookId} />
          <Select label="Owner team" placeholder="None" data={(teams.data ?? []).map((t) => ({ value: t.id, label: t.name }))} value={teamId} onChange={setTeamId} clearable error={fields.ownerTeamId} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              Save
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
