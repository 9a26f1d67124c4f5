import { Button } from '@mantine/core';
import { Icon } from '../components/icons';

/** "Export CSV": a plain download of the list's export URL (the browser sends the session cookie). */
export function ExportButton({ href, label = 'Export CSV' }: { href: string; label?: string }) {
  return (
    <Button component="a" href={href} download variant="default" size="xs" leftSection={<Icon name="external" size={14} />} data-testid="export-csv">
      {label}
    </Button>
  );
}
