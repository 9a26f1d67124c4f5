import { ActionIcon, Badge, Group, Menu, Text, Tooltip, VisuallyHidden } from '@mantine/core';
import type { CSSProperties } from 'react';
import { useSession } from '../api/auth';
import { type CorrectionSource, type ShownTalk, TALK_LABELS, type TalkLabel, useCorrect } from '../api/changeTalk';
import { notifyError, notifySuccess } from '../components/feedback';
import { describeSpans, segmentPolarity, talkSegments } from './segments';

/** Colours and underline styles: the underline tells change from sustain without colour. */
const MARK_STYLE: Record<'change' | 'sustain' | 'mixed', CSSProperties> = {
  change: {
    background: 'var(--mantine-color-teal-1)',
    textDecoration: 'underline solid var(--mantine-color-teal-8) 2px',
    textUnderlineOffset: 3,
  },
  sustain: {
    background: 'var(--mantine-color-yellow-2)',
    textDecoration: 'underline dashed var(--mantine-color-orange-8) 2px',
    textUnderlineOffset: 3,
  },
  mixed: {
    background: 'var(--mantine-color-gray-2)',
    textDecoration: 'underline dotted var(--mantine-color-dark-6) 2px',
    textUnderlineOffset: 3,
  },
};

export const LABEL_COLOR: Record<TalkLabel, string> = { change: 'teal', sustain: 'orange', neutral: 'gray' };
export const LABEL_WORDS: Record<TalkLabel, string> = { change: 'Change talk', sustain: 'Sustain talk', neutral: 'Neutral' };

/** The label of a text as a small badge; "corrected" beside it when a person set it. */
export function TalkBadge({ talk }: { talk: ShownTalk }) {
  const tip = talk.corrected
    ? `Corrected by a person (the classifier said ${talk.predicted}). Classifier ${talk.version}.`
    : `Classifier ${talk.version}`;
  return (
    <Tooltip label={tip} withArrow>
      <Group gap={4} wrap="nowrap" data-testid="talk-badge" data-label={talk.label}>
        <Badge size="xs" variant="light" color={LABEL_COLOR[talk.label]}>
          {LABEL_WORDS[talk.label]}
        </Badge>
        {talk.corrected && (
          <Badge size="xs" variant="outline" color="gray">
            corrected
          </Badge>
        )}
      </Group>
    </Tooltip>
  );
}

/** Where a correction comes from, so it is kept with its source (and its account). */
export interface CorrectionTarget {
  sourceKind: CorrectionSource;
  sourceId?: string;
  accountId?: string;
}

/** "Correct the label": a menu of the other labels; POST /api/change-talk/corrections. */
export function CorrectLabel({ text, talk, target }: { text: string; talk: ShownTalk; target: CorrectionTarget }) {
  const correct = useCorrect();
  const choose = (label: TalkLabel) =>
    correct.mutate(
      { text, label, ...target },
      {
        onSuccess: () => notifySuccess(`Labelled ${LABEL_WORDS[label].toLowerCase()}; kept as a test case for the classifier.`),
        onError: (err) => notifyError(err, 'Could not correct the label'),
      },
    );
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <ActionIcon size="xs" variant="subtle" color="gray" aria-label="Correct the label" loading={correct.isPending}>
          <span aria-hidden style={{ fontSize: 11 }}>✎</span>
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>Correct the label</Menu.Label>
        {TALK_LABELS.filter((l) => l !== talk.label).map((l) => (
          <Menu.Item key={l} onClick={() => choose(l)}>
            {LABEL_WORDS[l]}
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}

interface Props {
  text: string;
  /** null/undefined: the text without highlights (e.g. an older API, or nothing analysed). */
  talk?: ShownTalk | null;
  /** Show the label badge (default true; never for a neutral text without spans when `quietNeutral`). */
  badge?: boolean;
  quietNeutral?: boolean;
  /** Offer "correct the label" (to people who may: csm and above). */
  correct?: CorrectionTarget;
  size?: 'xs' | 'sm' | 'md';
  c?: string;
  lineClamp?: number;
}

/**
 * A customer's words with the phrases that made them change or sustain talk highlighted: green
 * with a solid underline for change talk, amber with a dashed underline for sustain talk, each
 * with a tooltip naming the category and, for screen readers, the same words in hidden text.
 */
export function TalkText({ text, talk, badge = true, quietNeutral = false, correct, size = 'sm', c, lineClamp }: Props) {
  const session = useSession();
  const role = session.data?.user.role;
  const mayCorrect = correct !== undefined && talk != null && role !== undefined && role !== 'viewer';
  const segments = talkSegments(text, talk?.spans ?? []);
  // Beside the correct control the badge always shows: it says what is being corrected.
  const showBadge = badge && talk != null && (mayCorrect || !(quietNeutral && talk.label === 'neutral' && talk.spans.length === 0));
  return (
    <div data-testid="talk-text">
      <Text size={size} c={c} style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }} lineClamp={lineClamp}>
        {segments.map((s) => {
          const polarity = segmentPolarity(s.spans);
          if (!polarity) return <span key={s.start}>{s.text}</span>;
          const words = describeSpans(s.spans);
          return (
            <Tooltip key={s.start} label={words} withArrow openDelay={150} events={{ hover: true, focus: true, touch: true }}>
              <mark
                tabIndex={0}
                data-talk={polarity}
                data-category={s.spans.map((x) => x.category).join(' ')}
                style={{ ...MARK_STYLE[polarity], color: 'inherit', borderRadius: 2, padding: '0 1px' }}
              >
                {s.text}
                <VisuallyHidden> ({words})</VisuallyHidden>
              </mark>
            </Tooltip>
          );
        })}
      </Text>
      {(showBadge || mayCorrect) && talk && (
        <Group gap={4} mt={4}>
          {showBadge && <TalkBadge talk={talk} />}
          {mayCorrect && <CorrectLabel text={text} talk={talk} target={correct} />}
        </Group>
      )}
    </div>
  );
}
