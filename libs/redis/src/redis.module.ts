import { AppConfig } from '@app/config';
import { Global, Module } from '@nestjs/common';
import { KeyValueStore } from './key-value.store';
import { MemoryKeyValueStore } from './memory-key-value.store';
import { RateLimiter } from './rate-limiter';
import { RedisKeyValueStore } from './redis-key-value.store';

/** Provides the KeyValueStore: Redis when REDIS_URL is set, otherwise the in-process store. */
@Global()
@Module({
  providers: [
    RateLimiter,
    {
      provide: KeyValueStore,
      inject: [AppConfig],
      useFactory: (config: AppConfig): KeyValueStore =>
        config.redis.url
          ? RedisKeyValueStore.connect(config.redis.url, config.redis.keyPrefix)
          : new MemoryKeyValueStore(),
    },
  ],
  exports: [KeyValueStore, RateLimiter],
})
export class RedisModule {}
