import type { FastifyInstance, FastifyRequest } from 'fastify';
import { BlockList, isIPv4 } from 'node:net';
import type { AppConfig, TrustProxy } from '../../config/env';

/** Whether the hop at `index` (0 = the socket's peer) is a proxy we trust; Fastify gets the same function. */
export type TrustFn = (address: string, index: number) => boolean;

const unmapped = (address: string) => address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');

export function trustFunction(setting: TrustProxy): TrustFn {
  if (setting === false) return () => false;
  if (setting === true) return () => true;
  if (typeof setting === 'number') return (_address, index) => index < setting;
  const list = new BlockList();
  for (const entry of setting.split(',')) {
    const [address, bits] = entry.split('/');
    const type = isIPv4(address) ? 'ipv4' : 'ipv6';
    if (bits === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(bits), type);
  }
  return (address) => {
    const a = unmapped(address ?? '');
    return list.check(a, isIPv4(a) ? 'ipv4' : 'ipv6');
  };
}

declare module 'fastify' {
  interface FastifyRequest {
    /** scheme://host[:port][/prefix] that absolute links in responses start with. */
    publicBase: string;
  }
}

/**
 * Where absolute links (list `next`/`previous`, savings `links`) point. Never a header the
 * caller chose unless the operator said so:
 * 1. PUBLIC_BASE_URL when set (it may carry a path prefix the proxy strips);
 * 2. when the connection comes from a proxy TRUST_PROXY names, what that proxy says
 *    (X-Forwarded-Proto/Host, else its Host header);
 * 3. otherwise the address the connection actually reached: a spoofed Host cannot move links
 *    to another site, at the price of links naming the listening address.
 */
export function publicBaseOf(publicBaseUrl: string | undefined, trust: TrustFn, req: FastifyRequest): string {
  if (publicBaseUrl) return publicBaseUrl;
  const socket = req.raw.socket;
  if (trust(socket.remoteAddress ?? '', 0)) return `${req.protocol}://${req.host}`;
  const address = unmapped(socket.localAddress ?? '127.0.0.1');
  const host = address.includes(':') ? `[${address}]` : address;
  return `${'encrypted' in socket && socket.encrypted ? 'https' : 'http'}://${host}:${socket.localPort}`;
}

export function registerPublicBase(fastify: FastifyInstance, config: AppConfig, trust: TrustFn): void {
  fastify.decorateRequest('publicBase', '');
  fastify.addHook('onRequest', (req, _reply, done) => {
    req.publicBase = publicBaseOf(config.publicBaseUrl, trust, req);
    done();
  });
}
