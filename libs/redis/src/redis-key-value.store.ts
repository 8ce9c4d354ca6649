import { Logger } from '@nestjs/common';
import type { Redis, RedisOptions } from 'ioredis';
import { CoalescingRedis } from './coalescing-redis';
import { KeyValueStore } from './key-value.store';

/**
 * ioredis options that fail a command in well under a second when Redis is down or hung, and reconnect
 * shortly after it returns (ioredis' defaults wait ~73 s, or forever on a hung server).
 */
export const FAIL_FAST_REDIS_OPTIONS = {
  maxRetriesPerRequest: 1,
  enableOfflineQueue: true,
  connectTimeout: 2000,
  commandTimeout: 1000,
  retryStrategy: (attempt: number) => Math.min(attempt * 200, 2000),
  // ioredis arms this timer even for an already-closed socket, which then keeps the process alive for it.
  disconnectTimeout: 500,
} satisfies RedisOptions;

// Atomic "increment and start the window on first hit": one round trip, no race between INCR and PEXPIRE.
const INCREMENT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
return {count, ttl}`;

// Compare-and-set in one step, so that a value written concurrently (e.g. a revocation marker) is never overwritten.
const REPLACE_IF_PRESENT_SCRIPT = `
local current = redis.call('GET', KEYS[1])
if current == false or current == ARGV[3] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`;

const BUMP_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return count`;

export class RedisKeyValueStore extends KeyValueStore {
  readonly shared = true;
  private readonly logger = new Logger('Redis');
  private lastErrorLoggedAt = 0;

  constructor(readonly client: Redis) {
    super();
    // Without a listener ioredis prints every reconnect failure; log at most one line every 10 s instead.
    client.on('error', (error: Error) => {
      if (Date.now() - this.lastErrorLoggedAt > 10_000) {
        this.lastErrorLoggedAt = Date.now();
        this.logger.warn(`redis unavailable: ${error.message}`);
      }
    });
  }

  static connect(url: string, keyPrefix: string): RedisKeyValueStore {
    // CoalescingRedis: the commands of the requests handled in one event-loop turn (the guard's session MGET
    // for each, at load) leave in one socket write instead of one write each (docs/performance.md).
    return new RedisKeyValueStore(new CoalescingRedis(url, { ...FAIL_FAST_REDIS_OPTIONS, keyPrefix }));
  }

  async get(key: string): Promise<string | null> {
    return this.client.get(key);
  }

  async mget(keys: string[]): Promise<(string | null)[]> {
    return keys.length ? this.client.mget(...keys) : [];
  }

  async set(key: string, value: string, ttlMs: number, options: { onlyIfAbsent?: boolean } = {}): Promise<boolean> {
    const px = Math.max(1, Math.ceil(ttlMs));
    const result = options.onlyIfAbsent
      ? await this.client.set(key, value, 'PX', px, 'NX')
      : await this.client.set(key, value, 'PX', px);
    return result === 'OK';
  }

  async replaceIfPresent(key: string, value: string, ttlMs: number, unless: string): Promise<boolean> {
    const px = String(Math.max(1, Math.ceil(ttlMs)));
    return (await this.client.eval(REPLACE_IF_PRESENT_SCRIPT, 1, key, value, px, unless)) === 1;
  }

  async peek(key: string): Promise<{ count: number; ttlMs: number }> {
    const [[, count], [, ttl]] = (await this.client.multi().get(key).pttl(key).exec()) as [
      [unknown, string | null],
      [unknown, number],
    ];
    return count === null ? { count: 0, ttlMs: 0 } : { count: Number(count), ttlMs: Math.max(0, ttl) };
  }

  async bump(key: string, ttlMs: number): Promise<number> {
    return (await this.client.eval(BUMP_SCRIPT, 1, key, String(Math.max(1, Math.ceil(ttlMs))))) as number;
  }

  async del(...keys: string[]): Promise<void> {
    if (keys.length) await this.client.del(...keys);
  }

  async increment(key: string, windowMs: number): Promise<{ count: number; ttlMs: number }> {
    const [count, ttlMs] = (await this.client.eval(INCREMENT_SCRIPT, 1, key, String(windowMs))) as [number, number];
    return { count, ttlMs };
  }

  async ping(): Promise<void> {
    await this.client.ping();
  }

  onConnectionLost(listener: () => void): void {
    this.client.on('close', listener);
  }

  /** After the HTTP server has drained (onModuleDestroy would cut in-flight requests off). */
  async onApplicationShutdown(): Promise<void> {
    // QUIT waits for a connection; when Redis is unreachable there is nothing to flush, so just drop it.
    if (this.client.status !== 'ready') return this.client.disconnect();
    await this.client.quit().catch(() => this.client.disconnect());
  }
}
