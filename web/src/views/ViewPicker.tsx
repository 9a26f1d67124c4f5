import { ActionIcon, Badge, Button, Checkbox, Group, Menu, Modal, Stack, Text, TextInput, Tooltip } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { useMe } from '../api/auth';
import { FormError, notifyError, notifySuccess } from '../components/feedback';
import { Icon } from '../components/icons';
import { type SavedView, type ViewScope, type ViewState, useDeleteView, useSaveView, useSetDefaultView, useUpdateView, useViews } from './api';

interface Props {
  scope: ViewScope;
  /** The page's filters, columns and sort now. */
  current: ViewState;
  apply: (s: ViewState) => void;
  /** True when the page shows no filter of its own (the URL is bare): the default view is applied then, once. */
  bare: boolean;
}

function sameState(a: ViewState, b: ViewState): boolean {
  const fa = Object.entries(a.filters).sort();
  const fb = Object.entries(b.filters).sort();
  return (a.sort ?? '') === (b.sort ?? '') && a.columns.join(',') === b.columns.join(',') && JSON.stringify(fa) === JSON.stringify(fb);
}

/** Saved views of a list page: pick one (mine, shared; the default marked), save the current state, rename or delete mine. */
export function ViewPicker({ scope, current, apply, bare }: Props) {
  const me = useMe();
  const views = useViews(scope);
  const setDefault = useSetDefaultView(scope);
  const [saving, setSaving] = useState(false);
  const [managing, setManaging] = useState(false);
  const appliedDefault = useRef(false);
  const items = views.data?.items ?? [];
  const defaultId = views.data?.defaultId ?? null;
  const mine = (v: SavedView) => v.mine ?? v.ownerId === me.id;

  useEffect(() => {
    if (appliedDefault.current || !views.data) return;
    appliedDefault.current = true;
    const d = views.data.items.find((v) => v.id === views.data?.defaultId);
    if (d && bare) apply(d.state);
  }, [views.data, bare, apply]);

  const choose = (v: SavedView) => apply(v.state);
  // The view the page shows now, if any: same filters, columns and sort.
  const activeView = items.find((v) => sameState(v.state, current));
  const group = (label: string, list: SavedView[]) =>
    list.length > 0 && (
      <>
        <Menu.Label>{label}</Menu.Label>
        {list.map((v) => (
          <Menu.Item key={v.id} onClick={() => choose(v)} data-view-id={v.id} rightSection={v.id === defaultId ? <Badge size="xs" variant="light">default</Badge> : undefined}>
            {v.name}
          </Menu.Item>
        ))}
      </>
    );

  return (
    <Group gap={6} wrap="nowrap" data-testid={`views-${scope}`}>
      <Menu position="bottom-start" width={260} shadow="md">
        <Menu.Target>
          <Button variant="default" size="xs" rightSection={<Icon name="chevronDown" size={14} />} aria-label="Saved views" maw={220}>
            <Text span size="xs" truncate>
              {activeView ? activeView.name : 'Views'}
            </Text>
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          {items.length === 0 && (
            <Text size="xs" c="dimmed" p="xs">
              No saved view yet. Set filters, columns and sort, then “Save view”.
            </Text>
          )}
          {group('My views', items.filter(mine))}
          {group('Shared with the team', items.filter((v) => !mine(v)))}
          {items.length > 0 && (
            <>
              <Menu.Divider />
              <Menu.Item onClick={() => setManaging(true)} leftSection={<Icon name="edit" size={14} />}>
                Manage views
              </Menu.Item>
            </>
          )}
        </Menu.Dropdown>
      </Menu>
      <Button variant="subtle" size="xs" onClick={() => setSaving(true)}>
        Save view
      </Button>
      <SaveViewModal scope={scope} opened={saving} onClose={() => setSaving(false)} state={current} canShare={me.role === 'admin' || me.role === 'manager'} />
      <Modal opened={managing} onClose={() => setManaging(false)} title="Saved views" size="md">
        <Stack gap="xs">
          {items.map((v) => (
            <ManageRow key={v.id} scope={scope} view={v} own={mine(v)} isDefault={v.id === defaultId} onDefault={() => setDefault.mutate(v.id === defaultId ? null : v.id, { onError: (e) => notifyError(e) })} />
          ))}
        </Stack>
      </Modal>
    </Group>
  );
}

function SaveViewModal({ scope, opened, onClose, state, canShare }: { scope: ViewScope; opened: boolean; onClose: () => void; state: ViewState; canShare: boolean }) {
  const save = useSaveView(scope);
  const [name, setName] = useState('');
  const [shared, setShared] = useState(false);
  const [makeDefault, setMakeDefault] = useState(false);
  const submit = () =>
    save.mutate(
      { name: name.trim(), state, shared, makeDefault },
      {
        onSuccess: (v) => {
          notifySuccess(`View “${v.name}” saved`);
          setName('');
          onClose();
        },
      },
    );
  return (
    <Modal opened={opened} onClose={onClose} title="Save this view" size="sm">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
        aria-label="Save view"
      >
        <Stack gap="sm">
          <Text size="sm" c="dimmed">
            Keeps the filters, {state.columns.length ? `${state.columns.length} columns` : 'columns'} and sort you have now
            {Object.keys(state.filters).length ? ` (${Object.keys(state.filters).length} filters)` : ''}.
          </Text>
          <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} required maxLength={100} data-autofocus />
          {canShare && <Checkbox label="Share with my team" checked={shared} onChange={(e) => setShared(e.currentTarget.checked)} />}
          <Checkbox label="Make it my default" checked={makeDefault} onChange={(e) => setMakeDefault(e.currentTarget.checked)} />
          <FormError error={save.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" disabled={!name.trim()} loading={save.isPending}>
              Save view
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function ManageRow({ scope, view, own, isDefault, onDefault }: { scope: ViewScope; view: SavedView; own: boolean; isDefault: boolean; onDefault: () => void }) {
  const update = useUpdateView(scope);
  const remove = useDeleteView(scope);
  const [name, setName] = useState(view.name);
  return (
    <Group gap="xs" wrap="nowrap" data-manage-view={view.id}>
      {own ? (
        <TextInput
          size="xs"
          aria-label={`Name of ${view.name}`}
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          onBlur={() => name.trim() && name.trim() !== view.name && update.mutate({ id: view.id, name: name.trim() }, { onError: (e) => notifyError(e, 'Could not rename') })}
          style={{ flex: 1 }}
        />
      ) : (
        <Text size="sm" style={{ flex: 1 }}>
          {view.name}
          <Text span size="xs" c="dimmed">
            {view.ownerName ? ` · ${view.ownerName}` : ' · shared'}
          </Text>
        </Text>
      )}
      {view.shared && own && (
        <Badge size="xs" variant="outline">
          shared
        </Badge>
      )}
      <Tooltip label={isDefault ? 'Default: click to unset' : 'Make it my default'}>
        <Button size="compact-xs" variant={isDefault ? 'light' : 'subtle'} onClick={onDefault}>
          {isDefault ? 'Default' : 'Set default'}
        </Button>
      </Tooltip>
      {own && (
        <ActionIcon variant="subtle" color="red" aria-label={`Delete ${view.name}`} loading={remove.isPending} onClick={() => remove.mutate(view.id, { onError: (e) => notifyError(e, 'Could not delete') })}>
          <Icon name="trash" size={14} />
        </ActionIcon>
      )}
    </Group>
  );
}
