import { describe, expect, it } from 'vitest';
import { median, reached, recordOf, type PlantingGroup } from './record.js';

const group = (g: Partial<PlantingGroup>): PlantingGroup => ({ userId: 'u1', name: 'Uma', planted: 0, strong: 0, sprouted: 0, harvested: 0, harvestDays: [], ...g });

describe('the library record', () => {
  it('has no shares and no median when nothing was planted (null, not 0)', () => {
    expect(recordOf([])).toEqual({ planted: 0, strongReactionShare: null, sproutedShare: null, harvestedShare: null, medianDaysToHarvest: null, byCsm: [] });
  });

  it('adds groups up across accounts and per CSM, merging a planter met in several groups', () => {
    const r = recordOf([
      group({ planted: 3, strong: 2, sprouted: 1, harvested: 1, harvestDays: [20] }),
      group({ planted: 1, strong: 1, sprouted: 1, harvested: 1, harvestDays: [10] }),
      group({ userId: 'u2', name: 'Bo', planted: 4, strong: 0, sprouted: 0, harvested: 0 }),
    ]);
    expect(r).toMatchObject({ planted: 8, strongReactionShare: 3 / 8, sproutedShare: 2 / 8, harvestedShare: 2 / 8, medianDaysToHarvest: 15 });
    // Most plantings first; a tie by name.
    expect(r.byCsm).toEqual([
      { userId: 'u2', name: 'Bo', planted: 4, strongReactionShare: 0, sproutedShare: 0, harvestedShare: 0 },
      { userId: 'u1', name: 'Uma', planted: 4, strongReactionShare: 0.75, sproutedShare: 0.5, harvestedShare: 0.5 },
    ]);
  });

  it('takes the middle value (mean of the two middle ones), rounded to a tenth of a day', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([1, 2, 3, 10])).toBe(2.5);
    expect(median([1.234])).toBe(1.2);
    expect(median([])).toBeNull();
  });

  it('reads the growth path as a high-water mark', () => {
    expect(reached('harvested', 'sprouted')).toBe(true);
    expect(reached('rooted', 'harvested')).toBe(false);
    expect(reached('reacted', 'reacted')).toBe(true);
  });
});
