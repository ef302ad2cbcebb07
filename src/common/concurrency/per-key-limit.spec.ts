import { PerKeyLimit } from './per-key-limit';

describe('PerKeyLimit', () => {
  it('gives each key its own budget of max holders', () => {
    const limit = new PerKeyLimit(2);
    const a1 = limit.tryTake('a');
    const a2 = limit.tryTake('a');
    // 2 held for a: the third is refused, while b still has its own 2.
    expect(limit.tryTake('a')).toBeNull();
    expect(limit.tryTake('b')).not.toBeNull();
    a1!();
    // 2 - 1 = 1 held: one slot is free again.
    expect(limit.holders('a')).toBe(1);
    expect(limit.tryTake('a')).not.toBeNull();
    expect(a2).not.toBeNull();
  });

  it('counts a double release once', () => {
    const limit = new PerKeyLimit(1);
    const r = limit.tryTake('a')!;
    r();
    r();
    // Released once: 1 - 1 = 0 held; a second release must not make room for two.
    expect(limit.holders('a')).toBe(0);
    expect(limit.tryTake('a')).not.toBeNull();
    expect(limit.tryTake('a')).toBeNull();
  });
});
