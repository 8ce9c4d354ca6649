import { CLOSED_PORT, TEST_REDIS_URL, testRedisPrefix } from '@app/testing';
import { randomUUID } from 'node:crypto';
import { RedisKeyValueStore } from './redis-key-value.store';

describe('RedisKeyValueStore (real Redis)', () => {
  const prefix = `${testRedisPrefix()}kv:${randomUUID()}:`;
  let sut: RedisKeyValueStore;

  beforeAll(() => {
    sut = RedisKeyValueStore.connect(TEST_REDIS_URL, prefix);
  });
  afterAll(() => sut.onApplicationShutdown());

  it('sets with a TTL, gets and deletes under its key prefix', async () => {
    await sut.set('greeting', 'hello', 60_000);
    expect(await sut.get('greeting')).toBe('hello');
    expect(await sut.client.pttl('greeting')).toBeGreaterThan(59_000);
    // the prefix is applied by the client: the raw key carries it
    const raw = RedisKeyValueStore.connect(TEST_REDIS_URL, '');
    try {
      expect(await raw.get(`${prefix}greeting`)).toBe('hello');
    } finally {
      await raw.onApplicationShutdown();
    }
    await sut.del('greeting');
    expect(await sut.get('greeting')).toBeNull();
  });

  it('expires keys', async () => {
    await sut.set('short', 'x', 50);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await sut.get('short')).toBeNull();
  });

  it('increments atomically, starting the window on the first hit', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => sut.increment('counter', 10_000)));
    expect(results.map((r) => r.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    for (const r of results) expect(r.ttlMs).toBeGreaterThan(9_000);
  });

  it('fails fast instead of hanging when Redis is unreachable', async () => {
    const down = RedisKeyValueStore.connect(`redis://127.0.0.1:${CLOSED_PORT}`, prefix);
    try {
      await expect(down.ping()).rejects.toThrow();
      await expect(down.get('anything')).rejects.toThrow();
    } finally {
      await down.onApplicationShutdown();
    }
  }, 5000);
});
