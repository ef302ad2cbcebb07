import { bytes, count, groupDigits, money, percent, plottedPercent } from './format';

describe('dashboard number formatting', () => {
  it('groups the integer part of a decimal string, sign and decimals untouched', () => {
    expect(groupDigits('1234567.50')).toBe('1,234,567.50'); // 1 | 234 | 567, then .50
    expect(groupDigits('-1000.00')).toBe('-1,000.00');
    expect(groupDigits('999.99')).toBe('999.99'); // three digits: no separator
    expect(groupDigits('0.10')).toBe('0.10');
    // Beyond a double's 15–17 significant digits: every digit survives
    expect(groupDigits('12345678901234567890.12')).toBe('12,345,678,901,234,567,890.12');
    expect(groupDigits('abc')).toBe('abc');
  });

  it('money and counts: dash for null', () => {
    expect(money(null)).toBe('—');
    expect(money('2500000.00')).toBe('2,500,000.00');
    expect(count(1000000)).toBe('1,000,000');
    expect(count(undefined)).toBe('—');
  });

  it('rates as percentages, half-up, exactly', () => {
    expect(percent('0.032')).toBe('3.20 %'); // 0.032 × 100 = 3.2
    expect(percent('0.000125')).toBe('0.01 %'); // 0.0125 → 0.01 (the 3rd decimal is 2)
    expect(percent('0.000125', 3)).toBe('0.013 %'); // 0.0125 half-up at 3 dp → 0.013
    // As a float 1.005 × 100 is 100.49999…, which rounds to 100; on the decimal it is 100.5 → 101
    expect(percent('1.005', 0)).toBe('101 %');
    expect(percent('0.123455', 3)).toBe('12.346 %'); // 12.3455 half-up → 12.346 (a float gives 12.345)
    expect(percent('12.5')).toBe('1,250.00 %');
    expect(percent(null)).toBe('—');
  });

  it('plotted percentages scale on the decimal before the one conversion', () => {
    expect(plottedPercent('0.07')).toBe(7); // 0.07 × 100 as floats is 7.000000000000001
    expect(plottedPercent(null)).toBeNull();
  });

  it('byte sizes', () => {
    expect(bytes(512)).toBe('512 B');
    expect(bytes(1536)).toBe('1.5 KiB'); // 1536 ÷ 1024
    expect(bytes(5 * 1024 * 1024)).toBe('5.0 MiB');
    expect(bytes(null)).toBe('—');
  });
});
