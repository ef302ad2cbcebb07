import { changedFields } from './audit';

describe('changedFields', () => {
  it('lists only changed fields and masks secrets', () => {
    expect(
      changedFields(
        { name: 'A', account_number: 'enc1', status: 'active' },
        { name: 'B', account_number: 'enc2', status: 'active' },
      ),
    ).toEqual({ name: { from: 'A', to: 'B' }, account_number: { from: '[redacted]', to: '[redacted]' } });
  });

  it('treats a missing before as a creation', () => {
    expect(changedFields(null, { iban: 'x', name: 'n' })).toEqual({
      iban: { from: null, to: '[redacted]' },
      name: { from: null, to: 'n' },
    });
  });
});
