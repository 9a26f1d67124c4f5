import { Collapse, Paper, Stack, Switch } from '@mantine/core';
import { useEffect, useRef } from 'react';
import { type PlantDraft, PlantSeedFields } from './PlantSeedFields';

/** Fired by the autopilot nudge ("plant a seed"): the log-activity form opens its seed section. */
export const PLANT_SEED_EVENT = 'canopy:plant-seed';

export function requestPlantSeed(): void {
  window.dispatchEvent(new CustomEvent(PLANT_SEED_EVENT));
}

interface Props {
  accountId: string;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  value: PlantDraft;
  onChange: (next: PlantDraft) => void;
  errors: Record<string, string>;
}

/**
 * "Plant a seed" inside the log-activity form: the crazy question asked in this activity is
 * planted with it, in one step (POST /api/activities with `seed`).
 */
export function PlantSeedSection({ accountId, open, onOpenChange, value, onChange, errors }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const onRequest = () => {
      onOpenChange(true);
      ref.current?.scrollIntoView({ behavior: 'smooth', block: 'center' });
    };
    window.addEventListener(PLANT_SEED_EVENT, onRequest);
    return () => window.removeEventListener(PLANT_SEED_EVENT, onRequest);
  }, [onOpenChange]);

  return (
    <Stack gap={6} ref={ref} data-testid="plant-seed">
      <Switch
        label="Plant a seed"
        description="Did you ask a crazy question in it? Track how it grows."
        checked={open}
        onChange={(e) => onOpenChange(e.currentTarget.checked)}
      />
      <Collapse expanded={open} transitionDuration={150}>
        {open && (
          <Paper withBorder radius="md" p="sm" bg="var(--mantine-color-lime-light)">
            <PlantSeedFields accountId={accountId} value={value} onChange={onChange} errors={errors} autoFocus />
          </Paper>
        )}
      </Collapse>
    </Stack>
  );
}
