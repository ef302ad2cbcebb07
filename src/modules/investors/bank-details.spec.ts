import { checkBankDetails, isAbaRoutingNumber, normalizeSortCode } from './bank-details';

describe('ABA routing numbers', () => {
  it('accepts numbers whose 3-7-1 weighted sum ends in 0', () => {
    // 021000021: 3·0+7·2+1·1 + 3·0+7·0+1·0 + 3·0+7·2+1·1 = 14+1+14+1 = 30 → 30 mod 10 = 0
    expect(isAbaRoutingNumber('021000021')).toBe(true);
    // 011000015: 3·0+7·1+1·1 + 0 + 3·0+7·1+1·5 = 8+12 = 20 → valid
    expect(isAbaRoutingNumber('011000015')).toBe(true);
  });

  it('refuses a corrupted digit, a transposition and a bad shape', () => {
    expect(isAbaRoutingNumber('021000022')).toBe(false); // sum 31
    expect(isAbaRoutingNumber('201000021')).toBe(false); // 3·2+7·0+… = 6+1+14+1 = 22
    expect(isAbaRoutingNumber('02100002')).toBe(false);
    expect(isAbaRoutingNumber('02100002a')).toBe(false);
  });
});

describe('sort codes', () => {
  it('accepts six digits with or without hyphens', () => {
    expect(normalizeSortCode('60-16-13')).toBe('601613');
    expect(normalizeSortCode('601613')).toBe('601613');
    expect(normalizeSortCode('60161')).toBeNull();
    expect(normalizeSortCode('60-16-1x')).toBeNull();
  });
});

describe('checkBankDetails', () => {
  const fields = (r: { errors: { field: string }[] }) => r.errors.map((e) => e.field);

  it('accepts a valid IBAN (spaces and case normalized) and refuses a corrupted one', () => {
    const ok = checkBankDetails('sepa', { iban: 'de89 3704 0044 0532 0130 00', bic: 'cobadeffxxx' });
    expect(ok.errors).toEqual([]);
    expect(ok.values).toEqual({ iban: 'DE89370400440532013000', bic: 'COBADEFFXXX' });
    // One digit changed: the mod-97 check digits no longer match.
    expect(fields(checkBankDetails('sepa', { iban: 'DE89370400440532013001', bic: 'COBADEFFXXX' }))).toEqual(['iban']);
  });

  it('refuses a non-SEPA IBAN for sepa but takes it for swift', () => {
    const br = 'BR1800360305000010009795493C1';
    expect(checkBankDetails('sepa', { iban: br, bic: 'COBADEFFXXX' }).errors[0].message).toMatch(/not in SEPA/);
    expect(checkBankDetails('swift', { iban: br, bic: 'COBADEFF' }).errors).toEqual([]);
  });

  it('checks ACH and wire routing numbers and account shapes', () => {
    expect(checkBankDetails('ach', { routing_number: '021000021', account_number: '123456789' }).errors).toEqual([]);
    const bad = checkBankDetails('wire', { routing_number: '021000022', account_number: '12' });
    expect(bad.errors.map((e) => e.message)).toEqual(['routing_number fails the ABA checksum', 'account_number must be 4 to 17 digits']);
  });

  it('checks Faster Payments sort code and 8-digit account', () => {
    expect(checkBankDetails('faster_payments', { sort_code: '60-16-13', account_number: '31926819' }).values).toEqual({
      sort_code: '601613',
      account_number: '31926819',
    });
    expect(fields(checkBankDetails('faster_payments', { sort_code: '6016', account_number: '3192681' }))).toEqual([
      'account_number',
      'sort_code',
    ]);
  });

  it('names missing and foreign fields', () => {
    expect(fields(checkBankDetails('ach', { iban: 'DE89370400440532013000' }))).toEqual(['iban', 'routing_number', 'account_number']);
    expect(fields(checkBankDetails('swift', { bic: 'COBADEFF' }))).toEqual(['iban', 'account_number']);
    expect(fields(checkBankDetails('swift', { bic: 'COBADEFF', account_number: 'ab12' }))).toEqual([]);
  });

  it('counts stored fields as present on update', () => {
    expect(checkBankDetails('ach', { account_number: '99887766' }, new Set(['routing_number', 'account_number'])).errors).toEqual([]);
  });
});
