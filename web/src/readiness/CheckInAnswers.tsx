import { Group, Stack, Text } from '@mantine/core';
import type { ShownTalk } from '../api/changeTalk';
import { type CheckIn, WHAT_WOULD_MOVE_HIGHER, WHY_NOT_LOWER } from '../api/readiness';
import { TalkText } from '../changetalk/TalkText';
import { formatDay } from '../components/format';
import { QuadrantBadge } from './QuadrantBadge';

function Answer({ question, text, talk, checkIn }: { question: string; text: string | null; talk: ShownTalk | null; checkIn: CheckIn }) {
  if (!text) return null;
  return (
    <div>
      <Text size="xs" c="dimmed">
        {question}
      </Text>
      <TalkText text={text} talk={talk} quietNeutral correct={{ sourceKind: 'check_in', sourceId: checkIn.id, accountId: checkIn.accountId }} />
    </div>
  );
}

/** One check-in: the scales, who answered, and the two answers with their change and sustain talk highlighted. */
export function CheckInAnswers({ checkIn: c, showHeader = true }: { checkIn: CheckIn; showHeader?: boolean }) {
  return (
    <Stack gap={6} data-testid="check-in" data-check-in-id={c.id}>
      {showHeader && (
        <Group gap="xs" wrap="wrap">
          <QuadrantBadge quadrant={c.quadrant} size="xs" />
          <Text size="sm">
            Importance <b>{c.importance}</b> · confidence <b>{c.confidence}</b>
          </Text>
          <Text size="xs" c="dimmed">
            {formatDay(c.at)}
            {c.contact ? ` · ${c.contact.name}` : ''}
            {c.source === 'customer' ? ' · answered by e-mail' : c.recordedBy ? ` · logged by ${c.recordedBy.name}` : ''}
          </Text>
        </Group>
      )}
      <Answer question={WHY_NOT_LOWER} text={c.whyNotLower} talk={c.talk.whyNotLower} checkIn={c} />
      <Answer question={WHAT_WOULD_MOVE_HIGHER} text={c.whatWouldMoveHigher} talk={c.talk.whatWouldMoveHigher} checkIn={c} />
      {!c.whyNotLower && !c.whatWouldMoveHigher && (
        <Text size="xs" c="dimmed">
          No follow-up answers recorded.
        </Text>
      )}
    </Stack>
  );
}
