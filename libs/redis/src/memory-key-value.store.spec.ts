import { MemoryKeyValueStore } from './memory-key-value.store';

describe('MemoryKeyValueStore', () => {
  let now = 1_000_000;
  let sut: MemoryKeyValueStore;

  beforeEach(() => {
    now = 1_000_000;
    sut = new MemoryKeyValueStore(() => now);
  });
  afterEach(() => sut.onApplicationShutdown());

  it('stores values until their TTL passes', async () => {
    await sut.set('k', 'v', 1000);
    expect(await sut.get('k')).toBe('v');
    now += 999;
    expect(await sut.get('k')).toBe('v');
    now += 1;
    expect(await sut.get('k')).toBeNull();
  });

  it('deletes keys', async () => {
    await sut.set('a', '1', 1000);
    await sut.set('b', '2', 1000);
    await sut.del('a', 'b', 'missing');
    expect(await sut.get('a')).toBeNull();
    expect(await sut.get('b')).toBeNull();
  });

  it('counts within a fixed window that starts at the first increment', async () => {
    expect(await sut.increment('c', 1000)).toEqual({ count: 1, ttlMs: 1000 });
    now += 400;
    expect(await sut.increment('c', 1000)).toEqual({ count: 2, ttlMs: 600 });
    now += 600;
    expect(await sut.increment('c', 1000)).toEqual({ count: 1, ttlMs: 1000 });
  });

  it('is not shared between instances', () => {
    expect(sut.shared).toBe(false);
  });
});
