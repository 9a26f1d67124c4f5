import { Badge, Box, Group, Text, Tooltip } from '@mantine/core';
import { GROWTH_STAGES, type ReactionStrength, type SeedEventKind, type SeedRecord, type SeedStage } from '../api/seeds';
import { percentOf } from '../components/format';

export const stageLabel: Record<SeedStage, string> = {
  planted: 'Planted',
  reacted: 'Reacted',
  sprouted: 'Sprouted',
  rooted: 'Rooted',
  harvested: 'Harvested',
  dormant: 'Dormant',
};

/** What each stage means, in the words of seed 000. */
export const stageMeaning: Record<SeedStage, string> = {
  planted: 'Asked; no strong reaction recorded yet',
  reacted: 'It drew a strong reaction: the conversation left autopilot',
  sprouted: 'Their perception changed: they followed up, or engaged with a variant',
  rooted: 'They bring it up themselves, or it was discussed in a QBR',
  harvested: 'It became a goal of the success plan',
  dormant: 'Resting: no movement and the variants are used up',
};

export const stageColor: Record<SeedStage, string> = {
  planted: 'gray',
  reacted: 'yellow',
  sprouted: 'lime',
  rooted: 'teal',
  harvested: 'green',
  dormant: 'dark',
};

/** Chart colours along the growth path, light to deep green. */
export const stageHex: Record<Exclude<SeedStage, 'dormant'>, string> = {
  planted: '#ced4da',
  reacted: '#fcc419',
  sprouted: '#94d82d',
  rooted: '#20c997',
  harvested: '#2b8a3e',
};

export const reactionLabel: Record<ReactionStrength, string> = {
  strong_positive: 'Strong positive',
  strong_negative: 'Strong negative',
  lukewarm: 'Lukewarm',
  none: 'No reaction',
};

export const reactionColor: Record<ReactionStrength, string> = {
  strong_positive: 'teal',
  strong_negative: 'orange',
  lukewarm: 'gray',
  none: 'gray',
};

export function isReaction(v: string | null | undefined): v is ReactionStrength {
  return v === 'strong_positive' || v === 'strong_negative' || v === 'lukewarm' || v === 'none';
}

export const eventLabel: Record<SeedEventKind, string> = {
  reaction: 'Reaction',
  objection: 'Objection',
  follow_up: 'Customer followed up',
  variant_asked: 'Variant asked',
  engaged: 'Engaged with the variant',
  raised_by_customer: 'Raised by the customer',
  discussed_in_qbr: 'Discussed in a QBR',
  harvested: 'Harvested into a goal',
  dormant: 'Let it rest',
};

/**
 * A seed's place on the growth path: five segments filled up to its stage, and its name. Dormant
 * shows the path greyed with a "Dormant" badge.
 */
export function StageTrack({ stage, compact = false }: { stage: SeedStage; compact?: boolean }) {
  const rank = stage === 'dormant' ? -1 : GROWTH_STAGES.indexOf(stage);
  return (
    <Group gap={8} wrap="nowrap" data-testid="seed-stage" data-stage={stage} aria-label={`Stage: ${stageLabel[stage]}`}>
      <Group gap={3} wrap="nowrap" aria-hidden>
        {GROWTH_STAGES.map((s, i) => (
          <Tooltip key={s} label={`${stageLabel[s]}: ${stageMeaning[s]}`} openDelay={300}>
            <Box
              w={compact ? 14 : 22}
              h={6}
              style={{
                borderRadius: 3,
                background: i <= rank ? stageHex[GROWTH_STAGES[Math.min(rank, 4)] ?? 'planted'] : 'var(--mantine-color-gray-2)',
                opacity: stage === 'dormant' ? 0.5 : 1,
              }}
            />
          </Tooltip>
        ))}
      </Group>
      <Badge size="sm" variant={stage === 'harvested' ? 'filled' : 'light'} color={stageColor[stage]} radius="sm" tt="none">
        {stageLabel[stage]}
      </Badge>
    </Group>
  );
}

/** "42% strong · 17% harvested (12 planted)"; or that it was never planted. */
export function RecordLine({ record, size = 'xs' }: { record: SeedRecord; size?: 'xs' | 'sm' }) {
  if (record.planted === 0) {
    return (
      <Text size={size} c="dimmed">
        Never planted yet
      </Text>
    );
  }
  return (
    <Text size={size} c="dimmed">
      {percentOf(record.strongReactionShare)} strong reaction · {percentOf(record.harvestedShare)} harvested · {record.planted} planted
    </Text>
  );
}
