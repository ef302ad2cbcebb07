import { flagstoneTimestamp, notModified, parseIfModifiedSince, toJsonMoney, toJsonRate } from './formatting';

describe('savings formatting', () => {
  it('money becomes a JSON number rounded half-up to 2 dp', () => {
    expect(toJsonMoney('50013.135')).toBe(50013.14);
    expect(toJsonMoney('100.00')).toBe(100);
    expect(toJsonMoney('0.0057534247')).toBe(0.01);
    expect(toJsonMoney(null)).toBeNull();
  });

  it('rates become numbers with at most 6 decimals', () => {
    expect(toJsonRate('0.0450000')).toBe(0.045);
  });

  it('timestamps get seven fractional digits and +00:00', () => {
    expect(flagstoneTimestamp('2025-10-01T16:00:00')).toBe('2025-10-01T16:00:00.0000000+00:00');
    expect(flagstoneTimestamp('2025-10-01T16:00:00.123456')).toBe('2025-10-01T16:00:00.1234560+00:00');
  });

  it('If-Modified-Since: HTTP-date and ISO-8601, garbage ignored', () => {
    expect(parseIfModifiedSince('Wed, 01 Oct 2025 16:00:00 GMT')).toBe(Date.UTC(2025, 9, 1, 16));
    expect(parseIfModifiedSince('2025-10-01T16:00:00Z')).toBe(Date.UTC(2025, 9, 1, 16));
    expect(parseIfModifiedSince('2025-10-01T16:00:00.0000000+00:00')).toBe(Date.UTC(2025, 9, 1, 16));
    expect(parseIfModifiedSince('yesterday')).toBeUndefined();
    expect(parseIfModifiedSince(undefined)).toBeUndefined();
  });

  it('not modified when the header is at or after the last change, in whole seconds', () => {
    const changed = Date.UTC(2025, 9, 1, 16, 0, 0, 700);
    expect(notModified(changed, Date.UTC(2025, 9, 1, 16))).toBe(true);
    expect(notModified(changed, Date.UTC(2025, 9, 1, 15, 59, 59))).toBe(false);
    expect(notModified(changed, undefined)).toBe(false);
  });
});
