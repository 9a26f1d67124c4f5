import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.js';

describe('CANOPY_AUTOPILOT_TOUCHPOINTS', () => {
  it('defaults to 4 touchpoints and takes a whole number of at least 2', () => {
    expect(loadConfig({}).autopilotTouchpoints).toBe(4);
    expect(loadConfig({ CANOPY_AUTOPILOT_TOUCHPOINTS: '6' }).autopilotTouchpoints).toBe(6);
  });

  it.each(['1', 'four', '2.5', '51'])('refuses %s with one line naming the variable', (v) => {
    let err: unknown;
    try {
      loadConfig({ CANOPY_AUTOPILOT_TOUCHPOINTS: v });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems;
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^CANOPY_AUTOPILOT_TOUCHPOINTS: .*\\(got "${v.replace('.', '\\.')}"\\)$`));
  });
});
