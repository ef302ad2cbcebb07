import { retentionCutoff } from './snapshot-retention.service';

describe('retentionCutoff', () => {
  it('is the first of the month that many months before today', () => {
    // December 2026 (index 2026*12+11) minus 1 month → November 2026.
    expect(retentionCutoff('2026-12-01', 1)).toBe('2026-11-01');
    // March 2026 minus 3 months → December 2025 (across the year).
    expect(retentionCutoff('2026-03-31', 3)).toBe('2025-12-01');
    // January 2026 minus 13 months → December 2024.
    expect(retentionCutoff('2026-01-15', 13)).toBe('2024-12-01');
  });
});
