import type IORedis from 'ioredis';

/**
 * One round trip per request: refuse when the client address is over its failed-authentication
 * budget (without spending the caller's budget; ARGV[2] = 0 skips that check), else count the
 * request against the caller. Returns {count, ttl ms, blocked 0|1}. Multi-key, so not for
 * Redis Cluster (not used here).
 */
const CHECK = `
local failureMax = tonumber(ARGV[2])
if failureMax > 0 then
  local failures = tonumber(redis.call('GET', KEYS[2]) or '0')
  if failures >= failureMax then
    return {0, math.max(redis.call('PTTL', KEYS[2]), 1000), 1}
  end
end
local current = redis.call('INCR', KEYS[1])
if current == 1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  return {current, tonumber(ARGV[1]), 0}
end
return {current, redis.call('PTTL', KEYS[1]), 0}
`;

const RECORD_FAILURE = `
if redis.call('INCR', KEYS[1]) == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return 1
`;

type Callback = (err: Error | null, res?: { current: number; ttl: number }) => void;

interface LimiterRedis {
  callerBudget(caller: string, failures: string, windowMs: number, failureMax: number): Promise<[number, number, number]>;
  authFailure(key: string, windowMs: number): Promise<number>;
}

/**
 * The @fastify/rate-limit store only sees a key, so the key carries both budgets: the client
 * address whose failures can block the request (or '-' for none), a space, then the caller.
 * Addresses hold no spaces; callers may.
 */
export const limiterKey = (caller: string, address: string | null): string => `${address ?? '-'} ${caller}`;

export class CallerBudgetStore {
  private readonly redis: LimiterRedis;

  constructor(
    redis: IORedis,
    private readonly namespace: string,
    private readonly failureMax: number,
    private readonly windowMs: number,
  ) {
    if (!('callerBudget' in redis)) {
      redis.defineCommand('callerBudget', { numberOfKeys: 2, lua: CHECK });
      redis.defineCommand('authFailure', { numberOfKeys: 1, lua: RECORD_FAILURE });
    }
    this.redis = redis as unknown as LimiterRedis;
  }

  /** The plugin's store interface; `max` is the caller budget. */
  incr(key: string, cb: Callback, timeWindow: number, max: number): void {
    const split = key.indexOf(' ');
    const address = key.slice(0, split);
    const caller = this.namespace + key.slice(split + 1);
    const guarded = address !== '-';
    this.redis
      .callerBudget(caller, guarded ? this.failureKey(address) : caller, timeWindow, guarded ? this.failureMax : 0)
      .then(([current, ttl, blocked]) => cb(null, blocked ? { current: max + 1, ttl } : { current, ttl }))
      .catch((err: Error) => cb(err));
  }

  child(): this {
    return this;
  }

  /** Fire and forget: while Redis is down failures go uncounted, like everything else. */
  recordFailure(address: string): void {
    this.redis.authFailure(this.failureKey(address), this.windowMs).catch(() => undefined);
  }

  private failureKey(address: string): string {
    return `${this.namespace}authfail:${address}`;
  }
}
