import { Button, Checkbox, Menu, Stack } from '@mantine/core';
import { Icon } from '../components/icons';
import { portfolioColumns } from './columns';
import { ALL_COLUMNS, FIXED_COLUMNS } from './usePortfolioView';

const LABELS: Record<string, string> = Object.fromEntries(
  portfolioColumns.map((c) => [c.id ?? ('accessorKey' in c ? String(c.accessorKey) : ''), typeof c.header === 'string' ? c.header : '']),
);

/** Which columns the portfolio shows (saved with a view, sent with an export). */
export function ColumnsMenu({ visible, onChange }: { visible: string[]; onChange: (cols: string[]) => void }) {
  return (
    <Menu position="bottom-end" closeOnItemClick={false} width={220} shadow="md">
      <Menu.Target>
        <Button variant="default" size="xs" rightSection={<Icon name="chevronDown" size={14} />}>
          Columns
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Stack gap={6} p="xs" aria-label="Columns shown">
          {ALL_COLUMNS.map((id) => (
            <Checkbox
              key={id}
              size="xs"
              label={LABELS[id] ?? id}
              checked={visible.includes(id)}
              disabled={FIXED_COLUMNS.includes(id)}
              onChange={(e) => onChange(e.currentTarget.checked ? [...visible, id] : visible.filter((c) => c !== id))}
            />
          ))}
        </Stack>
      </Menu.Dropdown>
    </Menu>
  );
}
