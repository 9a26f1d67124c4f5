import { Alert, Button, Code, CopyButton, Group, Modal, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';

interface Props {
  opened: boolean;
  title: string;
  secret: string;
  label: string;
  children?: ReactNode;
  onClose: () => void;
}

/** Shows a secret (password, API key) exactly once, with a copy button. */
export function SecretModal({ opened, title, secret, label, children, onClose }: Props) {
  return (
    <Modal opened={opened} onClose={onClose} title={title} centered size="lg" closeOnClickOutside={false}>
      <Stack gap="md">
        <Alert color="yellow" variant="light">
          This is the only time Canopy shows it. Copy it now and keep it somewhere safe.
        </Alert>
        <div>
          <Text size="sm" fw={500} mb={4}>
            {label}
          </Text>
          <Group gap="xs" wrap="nowrap" align="stretch">
            <Code block style={{ flex: 1, wordBreak: 'break-all', whiteSpace: 'pre-wrap' }} aria-label={label}>
              {secret}
            </Code>
            <CopyButton value={secret} timeout={2000}>
              {({ copied, copy }) => (
                <Button color={copied ? 'teal' : undefined} onClick={copy} w={92}>
                  {copied ? 'Copied' : 'Copy'}
                </Button>
              )}
            </CopyButton>
          </Group>
        </div>
        {children}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Done
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
