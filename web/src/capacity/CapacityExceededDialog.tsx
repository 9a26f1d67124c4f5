import { Alert, Button, Group, Modal, Stack, Text } from '@mantine/core';
import type { FocusEvent, KeyboardEvent } from 'react';
import { capacityExceededOf } from '../api/capacity';
import { spoons } from './logic';
import { SpoonPips } from './SpoonPips';

/** What the form resends with after the dialog: do it for them, or ask anyway (recorded). */
export type CapacityChoice = { giveSpoon: true } | { confirmOverload: true };

interface Props {
  /** The form's last error: the dialog opens when it is a 409 `capacity.exceeded`. */
  error: unknown;
  pending: boolean;
  onChoose: (choice: CapacityChoice) => void;
  /** Back to the form (the form clears its error). */
  onCancel: () => void;
  /** false where doing it for them is not a resend (e.g. a check-in asked by e-mail). */
  canGiveSpoon?: boolean;
}

/**
 * The warning before an ask would overload the customer (409 `capacity.exceeded`): what is left,
 * the suggestion, and the two ways on: "Give a spoon instead" (our task, the customer's cost 0) or
 * "Ask anyway" (the overload is recorded). Used by the task form and the plan's milestone-task form.
 */
export function CapacityExceededDialog({ error, pending, onChoose, onCancel, canGiveSpoon = true }: Props) {
  const details = capacityExceededOf(error);
  // Escape here is "Back": only this dialog closes and the form behind keeps what was typed. Mantine
  // closes every open modal on Escape unless the key's target is marked data-mantine-stop-propagation,
  // so whatever takes focus in this dialog is marked, and the key is handled here instead.
  const markFocused = (e: FocusEvent<HTMLElement>) => e.target.setAttribute('data-mantine-stop-propagation', 'true');
  const escapeIsBack = (e: KeyboardEvent<HTMLElement>) => {
    if (e.key !== 'Escape') return;
    e.stopPropagation();
    if (!pending) onCancel();
  };
  return (
    <Modal
      opened={details !== null}
      onClose={onCancel}
      closeOnEscape={false}
      onFocusCapture={markFocused}
      onKeyDown={escapeIsBack}
      title="The customer is out of spoons"
      centered
      size="md"
      zIndex={400}
    >
      {details && (
        <Stack gap="sm" data-testid="capacity-exceeded">
          {details.scope === 'contact' && (
            <Text size="sm" fw={500}>
              This contact has a capacity of their own, and it is what runs short.
            </Text>
          )}
          <Text size="sm">
            This ask costs {spoons(details.cost)}; {details.left > 0 ? `only ${spoons(details.left)} ${details.left === 1 ? 'is' : 'are'} left` : 'none is left'} of{' '}
            {spoons(details.capacity)} this period ({details.used} used).
          </Text>
          <SpoonPips capacity={details.capacity} used={details.used} cost={details.cost} />
          <Alert variant="light" color="teal" title="Suggestion">
            <Text size="sm">{details.suggestion?.text ?? 'Do it for them: give a spoon instead of asking for one.'}</Text>
          </Alert>
          <Group justify="space-between" mt="xs">
            <Button variant="default" onClick={onCancel} disabled={pending}>
              Back
            </Button>
            <Group gap="xs">
              <Button variant="light" color="orange" onClick={() => onChoose({ confirmOverload: true })} loading={pending}>
                Ask anyway (record an overload)
              </Button>
              {canGiveSpoon && (
                <Button color="teal" onClick={() => onChoose({ giveSpoon: true })} loading={pending} data-autofocus>
                  Give a spoon instead
                </Button>
              )}
            </Group>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
