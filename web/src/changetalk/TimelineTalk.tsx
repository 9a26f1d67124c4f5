import { Stack, Text } from '@mantine/core';
import { TalkText } from './TalkText';
import { talkPieces } from './timelineTalk';

type Item = Parameters<typeof talkPieces>[0];

/** True when the item carries change talk to show (the timeline then shows it instead of the plain summary). */
export const hasTalk = (item: Item) => talkPieces(item).length > 0;

/** A timeline item's customer words with their change and sustain talk highlighted. */
export function TimelineTalk({ item, accountId }: { item: Item; accountId?: string }) {
  const pieces = talkPieces(item);
  if (pieces.length === 0) return null;
  return (
    <Stack gap={4} mt={2}>
      {pieces.map((p) => (
        <div key={p.key}>
          {p.label && (
            <Text size="xs" c="dimmed">
              {p.label}
            </Text>
          )}
          <TalkText text={p.text} talk={p.talk} c="dimmed" quietNeutral correct={{ sourceKind: p.source.kind, sourceId: p.source.id, ...(accountId ? { accountId } : {}) }} />
        </div>
      ))}
    </Stack>
  );
}
