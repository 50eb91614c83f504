import { describe, expect, it } from 'vitest';
import { issueMetrics } from '../../../src/metrics/durations/issue-metrics.js';
import { metricsSettings } from '../../../src/metrics/durations/settings.js';
import { DAY, DEFAULT_CONFIG, issue, T0 } from '../policies/board.js';

const settings = metricsSettings(DEFAULT_CONFIG);

describe('staleness counts from a person’s last change', () => {
  // Moved to kickoff at T0 by a person; the bot's echoes moved updatedAt a day later.
  const subject = issue({ moves: [['kickoff', T0]] });

  it('so the bot’s own later changes do not make an idle issue look active', () => {
    const metrics = issueMetrics(subject, settings, T0 + 30.5 * DAY);
    expect(metrics.idleMs).toBe(30.5 * DAY);
    expect(metrics.stale).toBe(true);
  });

  it('and falls back to the last update for states recorded before the rules kept it', () => {
    const before = { ...subject, state: { ...subject.state!, extra: {} } };
    const metrics = issueMetrics(before, settings, T0 + 30.5 * DAY);
    expect(metrics.idleMs).toBe(29.5 * DAY);
    expect(metrics.stale).toBe(false);
  });
});
