import { Badge, Tooltip } from '@mantine/core';
import type { Quadrant } from '../api/readiness';
import { QUADRANT_META } from './logic';

/** A quadrant as a badge; the tooltip says the next move. */
export function QuadrantBadge({ quadrant, size = 'sm' }: { quadrant: Quadrant | null; size?: 'xs' | 'sm' | 'md' | 'lg' }) {
  if (!quadrant) {
    return (
      <Badge size={size} variant="outline" color="gray">
        No check-in
      </Badge>
    );
  }
  const m = QUADRANT_META[quadrant];
  return (
    <Tooltip label={m.move} withArrow multiline w={260}>
      <Badge size={size} variant="light" color={m.color} data-testid="quadrant-badge" data-quadrant={quadrant}>
        {m.label}
      </Badge>
    </Tooltip>
  );
}
