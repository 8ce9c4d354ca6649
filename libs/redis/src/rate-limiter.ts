import { Injectable, Logger } from '@nestjs/common';
import { KeyValueStore } from './key-value.store';
import { MemoryKeyValueStore } from './memory-key-value.store';

export interface RateWindow {
  limit: number;
  windowMs: number;
}

export interface RateDecision {
  allowed: boolean;
  count: number;
  /** seconds until the window resets (for Retry-After) */
  retryAfterSeconds: number;
}

/** After a Redis failure, counters stay in-process this long before Redis is tried again. */
const REDIS_RETRY_AFTER_MS = 5000;

/**
 * Fixed-window counters, in Redis so that limits hold across instances (`rl:` keys).
 *
 * When Redis is unreachable the limiter neither hangs nor lets everything through: it counts in this process
 * instead (per instance, so an attacker spread over N instances gets N times the limit for the duration of
 * the outage) and tries Redis again after a few seconds. See docs/security.md.
 */
@Injectable()
export class RateLimiter {
  private readonly logger = new Logger('RateLimiter');
  private readonly local = new MemoryKeyValueStore();
  private redisRetryAt = 0;

  constructor(private readonly store: KeyValueStore) {}

  /** Counts one event and says whether it is within the limit. */
  async hit(key: string, rate: RateWindow): Promise<RateDecision> {
    const { count, ttlMs } = await this.use((store) => store.increment(`rl:${key}`, rate.windowMs));
    return decision(count, ttlMs, rate, count <= rate.limit);
  }

  /** Whether one more event would be within the limit, without counting it. */
  async check(key: string, rate: RateWindow): Promise<RateDecision> {
    const { count, ttlMs } = await this.use((store) => store.peek(`rl:${key}`));
    return decision(count, ttlMs, rate, count < rate.limit);
  }

  async reset(key: string): Promise<void> {
    await this.use((store) => store.del(`rl:${key}`));
  }

  onApplicationShutdown(): void {
    this.local.onApplicationShutdown();
  }

  private async use<T>(operation: (store: KeyValueStore) => Promise<T>): Promise<T> {
    if (Date.now() >= this.redisRetryAt) {
      try {
        return await operation(this.store);
      } catch (error) {
        this.redisRetryAt = Date.now() + REDIS_RETRY_AFTER_MS;
        this.logger.warn(`rate limits counted in-process while Redis is unavailable: ${(error as Error).message}`);
      }
    }
    return operation(this.local);
  }
}

function decision(count: number, ttlMs: number, rate: RateWindow, allowed: boolean): RateDecision {
  return { allowed, count, retryAfterSeconds: Math.max(1, Math.ceil((ttlMs > 0 ? ttlMs : rate.windowMs) / 1000)) };
}
