// The seed library's record (issue 10 §5): how often a question (or a theme) was planted, and how
// many of those plantings drew a strong reaction, sprouted, and became a goal. Pure: rows in,
// record out. A dormant seed counts by the highest stage it reached (its high-water mark); a seed
// whose goal was deleted is back to rooted and no longer counts as harvested.

import { STAGE_RANK } from './stage.js';

export type HighStage = keyof typeof STAGE_RANK;

/** One group of plantings: the same question (or theme) and planter. */
export type PlantingGroup = {
  userId: string | null;
  name: string;
  planted: number;
  strong: number;
  sprouted: number;
  harvested: number;
  /** Days from planting to harvest, one per harvested seed. */
  harvestDays: number[];
};

type Shares = { planted: number; strongReactionShare: number | null; sproutedShare: number | null; harvestedShare: number | null };
export type PlantingRecord = Shares & {
  medianDaysToHarvest: number | null;
  byCsm: (Shares & { userId: string | null; name: string })[];
};

/** Reached `stage` or further on the growth path. */
export const reached = (high: HighStage, stage: HighStage) => STAGE_RANK[high] >= STAGE_RANK[stage];

const shares = (g: Pick<PlantingGroup, 'planted' | 'strong' | 'sprouted' | 'harvested'>): Shares => {
  const of = (n: number) => (g.planted === 0 ? null : n / g.planted);
  return { planted: g.planted, strongReactionShare: of(g.strong), sproutedShare: of(g.sprouted), harvestedShare: of(g.harvested) };
};

/** The middle value (the mean of the two middle ones for an even count), rounded to a tenth of a day. */
export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const m = sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  return Math.round(m * 10) / 10;
}

/** The record of a set of plantings, per planter too (the same person in several groups is merged). */
export function recordOf(groups: PlantingGroup[]): PlantingRecord {
  const byUser = new Map<string, PlantingGroup>();
  const total: PlantingGroup = { userId: null, name: '', planted: 0, strong: 0, sprouted: 0, harvested: 0, harvestDays: [] };
  for (const g of groups) {
    const key = g.userId ?? `name:${g.name}`;
    const u = byUser.get(key) ?? { ...g, planted: 0, strong: 0, sprouted: 0, harvested: 0, harvestDays: [] };
    for (const acc of [u, total]) {
      acc.planted += g.planted;
      acc.strong += g.strong;
      acc.sprouted += g.sprouted;
      acc.harvested += g.harvested;
      acc.harvestDays.push(...g.harvestDays);
    }
    byUser.set(key, u);
  }
  const byCsm = [...byUser.values()]
    .sort((a, b) => b.planted - a.planted || a.name.localeCompare(b.name))
    .map((u) => ({ userId: u.userId, name: u.name, ...shares(u) }));
  return { ...shares(total), medianDaysToHarvest: median(total.harvestDays), byCsm };
}
