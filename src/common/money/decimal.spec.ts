import { Big, decimalFromJson, formatMoney, formatRate, isMoneyString } from './decimal';

describe('money and rate formatting', () => {
  it('formats money with exactly two decimals, half-up', () => {
    expect(formatMoney('2500000')).toBe('2500000.00');
    expect(formatMoney('0.005')).toBe('0.01'); // 0.005 → half-up → 0.01
    expect(formatMoney('1.004999')).toBe('1.00');
    expect(formatMoney(new Big('98.5').times('1000.01').div(100))).toBe('985.01'); // 985.00985 → 985.01
    expect(formatMoney(null)).toBeNull();
  });

  it('formats rates half-up to 6 decimals without trailing zeros', () => {
    expect(formatRate('0.0780000')).toBe('0.078');
    expect(formatRate('0.0000005')).toBe('0.000001'); // the 7th decimal 5 rounds up
    expect(formatRate('0.12345649')).toBe('0.123456');
    expect(formatRate('0')).toBe('0');
    expect(formatRate('1.000000')).toBe('1');
  });

  it('accepts money strings only with at most two decimals', () => {
    expect(isMoneyString('10')).toBe(true);
    expect(isMoneyString('10.5')).toBe(true);
    expect(isMoneyString('10.50')).toBe(true);
    expect(isMoneyString('10.505')).toBe(false);
    expect(isMoneyString('-1')).toBe(false);
    expect(isMoneyString(10)).toBe(false);
    expect(isMoneyString('1e3')).toBe(false);
  });

  it('reads JSON numbers through their shortest decimal text', () => {
    expect(decimalFromJson(0.1)).toBe('0.1'); // not 0.1000000000000000055511151231257827
    expect(decimalFromJson(50013.14)).toBe('50013.14');
    expect(decimalFromJson('100.25')).toBe('100.25');
    expect(decimalFromJson('abc')).toBeNull();
    expect(decimalFromJson(Number.NaN)).toBeNull();
  });
});
