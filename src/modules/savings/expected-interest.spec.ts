import { expectedInterest } from './expected-interest';

describe('expectedInterest', () => {
  it('ACT/365F over a non-leap year: 50 000 × 0.045 × 365 ÷ 365 = 2250.00', () => {
    expect(expectedInterest('50000', '0.045', '2025-10-01', '2026-10-01', 'ACT/365F')?.toFixed(2)).toBe('2250.00');
  });

  it('leap year: 10 000 × 0.05 × 366 ÷ 365 = 501.369863… → 501.37', () => {
    expect(expectedInterest('10000', '0.05', '2024-01-01', '2025-01-01', 'ACT/365F')?.toFixed(2)).toBe('501.37');
  });

  it('ACT/360: 10 000 × 0.05 × 365 ÷ 360 = 506.944… → 506.94', () => {
    expect(expectedInterest('10000', '0.05', '2025-01-01', '2026-01-01', 'ACT/360')?.toFixed(2)).toBe('506.94');
  });

  it('half-up at the penny: 1 000 × 0.04 × 90 ÷ 365 = 9.863013… → 9.86; 1 001 × 0.045 × 91 ÷ 365 = 11.2304… → 11.23', () => {
    expect(expectedInterest('1000', '0.04', '2025-01-15', '2025-04-15', 'ACT/365F')?.toFixed(2)).toBe('9.86');
    expect(expectedInterest('1001', '0.045', '2025-01-01', '2025-04-02', 'ACT/365F')?.toFixed(2)).toBe('11.23');
  });

  it('is null without a maturity date', () => {
    expect(expectedInterest('1000', '0.04', '2025-01-15', null, 'ACT/365F')).toBeNull();
  });
});

describe('expectedInterest, ACT/ACT', () => {
  it('a whole leap year earns exactly the rate: 10 000 × 0.05 × 366 ÷ 366 = 500.00 (ACT/365F would say 501.37)', () => {
    expect(expectedInterest('10000', '0.05', '2024-01-01', '2025-01-01', 'ACT/ACT')?.toFixed(2)).toBe('500.00');
  });

  it('across a year end: 184 days of 2024 ÷ 366 and 181 of 2025 ÷ 365', () => {
    // 500 × (184/366 + 181/365) = 500 × (0.5027322404… + 0.4958904110…) = 500 × 0.9986226514… = 499.3113257 → 499.31
    expect(expectedInterest('10000', '0.05', '2024-07-01', '2025-07-01', 'ACT/ACT')?.toFixed(2)).toBe('499.31');
  });

  it('across 29 February: 15 Feb → 17 Mar 2024 is 31 days ÷ 366', () => {
    // 15–29 Feb = 15 days, 1–16 Mar = 16 days, all in a leap year: 1 000 × 0.04 × 31 ÷ 366 = 3.3879781… → 3.39
    expect(expectedInterest('1000', '0.04', '2024-02-15', '2024-03-17', 'ACT/ACT')?.toFixed(2)).toBe('3.39');
  });
});
