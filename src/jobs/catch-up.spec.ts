import { missedFire, previousFire } from './catch-up';

describe('schedule catch-up', () => {
  const cron = '30 6 * * *'; // daily at 06:30 UTC
  const grace = 15 * 60_000; // 15 minutes
  const at = (iso: string) => new Date(iso);

  it('finds the latest fire at or before now', () => {
    // 06:30 today has passed at 09:00.
    expect(previousFire(cron, at('2026-12-01T09:00:00Z')).toISOString()).toBe('2026-12-01T06:30:00.000Z');
    // At 05:00 the latest fire is yesterday's 06:30.
    expect(previousFire(cron, at('2026-12-01T05:00:00Z')).toISOString()).toBe('2026-11-30T06:30:00.000Z');
  });

  it("catches up today's missed fire once its grace has passed", () => {
    // 06:30 + 15 min = 06:45 ≤ 09:00, no success since 06:30: catch up 06:30.
    expect(missedFire(cron, at('2026-12-01T09:00:00Z'), grace, at('2026-11-30T06:31:00Z'), null)?.toISOString()).toBe(
      '2026-12-01T06:30:00.000Z',
    );
    // Never succeeded at all: the same.
    expect(missedFire(cron, at('2026-12-01T09:00:00Z'), grace, null, null)?.toISOString()).toBe('2026-12-01T06:30:00.000Z');
  });

  it('leaves a late run its grace, a run that succeeded, a fire already caught up and a day already over alone', () => {
    // 06:40 < 06:45: still within grace.
    expect(missedFire(cron, at('2026-12-01T06:40:00Z'), grace, null, null)).toBeNull();
    // Succeeded at 06:31 ≥ 06:30.
    expect(missedFire(cron, at('2026-12-01T09:00:00Z'), grace, at('2026-12-01T06:31:00Z'), null)).toBeNull();
    // 06:30 already caught up.
    expect(missedFire(cron, at('2026-12-01T09:00:00Z'), grace, null, at('2026-12-01T06:30:00Z'))).toBeNull();
    // At 05:00 the latest fire is yesterday's: not replayed.
    expect(missedFire(cron, at('2026-12-01T05:00:00Z'), grace, null, null)).toBeNull();
  });
});
