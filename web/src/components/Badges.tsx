import { Badge } from '@mantine/core';
import type { ContactRole, Stage } from '../api/types';
import { contactRoleColor, contactRoleLabel, isStage, stageColor, stageLabel } from './format';

export function StageBadge({ stage }: { stage: Stage | string }) {
  if (!isStage(stage)) return <Badge variant="light" color="gray">{stage}</Badge>;
  return (
    <Badge variant="light" color={stageColor[stage]} radius="sm">
      {stageLabel[stage]}
    </Badge>
  );
}

export function ContactRoleBadge({ role }: { role: ContactRole | null }) {
  if (!role) return null;
  return (
    <Badge variant="dot" color={contactRoleColor[role]} radius="sm" tt="none" fw={500}>
      {contactRoleLabel[role]}
    </Badge>
  );
}
