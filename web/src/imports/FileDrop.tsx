import { Button, FileButton, Group, Loader, Paper, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { formatBytes } from './logic';

/** Drop a CSV here or choose one; shows the chosen file's name and size. */
export function FileDrop({ file, onFile, busy }: { file: File | null; onFile: (f: File | null) => void; busy?: boolean }) {
  const [over, setOver] = useState(false);
  return (
    <Paper
      withBorder
      radius="md"
      p="xl"
      mt="sm"
      data-testid="file-drop"
      style={{ borderStyle: 'dashed', borderWidth: 2, background: over ? 'var(--mantine-color-blue-light)' : undefined }}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        const f = e.dataTransfer.files[0];
        if (f) onFile(f);
      }}
    >
      <Stack align="center" gap="xs">
        <Text fw={600}>Drop a CSV file here</Text>
        <Text size="sm" c="dimmed" ta="center">
          UTF-8, UTF-16 or Latin-1, with a header row. Large files are fine: they stream.
        </Text>
        <FileButton onChange={onFile} accept=".csv,text/csv,text/plain">
          {(props) => (
            <Button {...props} variant="default">
              Choose file
            </Button>
          )}
        </FileButton>
        {file && (
          <Group gap="xs" data-testid="chosen-file">
            {busy && <Loader size="xs" />}
            <Text size="sm" fw={500} style={{ overflowWrap: 'anywhere' }}>
              {file.name}
            </Text>
            <Text size="sm" c="dimmed">
              {formatBytes(file.size)}
            </Text>
          </Group>
        )}
      </Stack>
    </Paper>
  );
}
