import { trustFunction } from './public-base';

describe('trustFunction (TRUST_PROXY)', () => {
  it('trusts nobody, everybody, or the first n hops', () => {
    expect(trustFunction(false)('127.0.0.1', 0)).toBe(false);
    expect(trustFunction(true)('203.0.113.9', 3)).toBe(true);
    const twoHops = trustFunction(2);
    expect([twoHops('1.2.3.4', 0), twoHops('1.2.3.4', 1), twoHops('1.2.3.4', 2)]).toEqual([true, true, false]);
  });

  it('matches addresses and CIDRs, IPv4-mapped IPv6 included', () => {
    const trust = trustFunction('10.0.0.0/8,192.168.1.7,::1');
    expect(trust('10.200.3.4', 0)).toBe(true); // inside 10/8
    expect(trust('::ffff:10.1.1.1', 0)).toBe(true); // the same, as Node reports it on a dual-stack socket
    expect(trust('192.168.1.7', 0)).toBe(true);
    expect(trust('192.168.1.8', 0)).toBe(false);
    expect(trust('::1', 0)).toBe(true);
    expect(trust('11.0.0.1', 0)).toBe(false);
  });
});
