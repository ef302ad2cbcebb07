import { decodeCursor, encodeCursor } from './pagination';

describe('keyset cursors', () => {
  it('round-trips a sort key', () => {
    const c = encodeCursor(['L-0001', 'a1b2']);
    expect(decodeCursor(c, [(v) => typeof v === 'string', (v) => typeof v === 'string'])).toEqual(['L-0001', 'a1b2']);
  });

  it('rejects tampered or mis-shaped cursors with a 400 naming the field', () => {
    expect(() => decodeCursor('!!!', [() => true])).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => decodeCursor(encodeCursor([1]), [(v) => typeof v === 'string'])).toThrow(
      expect.objectContaining({ errors: [expect.objectContaining({ field: 'cursor' })] }),
    );
  });
});
