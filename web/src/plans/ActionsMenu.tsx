import { ActionIcon, Menu } from '@mantine/core';
import { Icon, type IconName } from '../components/icons';

export type MenuAction = { label: string; onClick: () => void; icon?: IconName; danger?: boolean } | 'divider';

/**
 * The "…" menu of a plan, goal, criterion or milestone: one button named for what it acts on
 * (screen readers say "Actions for milestone SSO live"), the actions in order, deleting last and red.
 */
export function ActionsMenu({ label, actions, size = 'md' }: { label: string; actions: MenuAction[]; size?: 'md' | 'lg' }) {
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <ActionIcon variant={size === 'lg' ? 'default' : 'subtle'} color={size === 'lg' ? undefined : 'gray'} size={size} aria-label={label}>
          <Icon name="dots" size={16} />
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown>
        {actions.map((a, i) =>
          a === 'divider' ? (
            <Menu.Divider key={`divider-${i}`} />
          ) : (
            <Menu.Item key={a.label} color={a.danger ? 'red' : undefined} leftSection={a.icon ? <Icon name={a.icon} size={14} /> : undefined} onClick={a.onClick}>
              {a.label}
            </Menu.Item>
          ),
        )}
      </Menu.Dropdown>
    </Menu>
  );
}
