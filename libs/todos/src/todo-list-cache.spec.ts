import { KeyValueStore, MemoryKeyValueStore } from '@app/redis';
import { Logger } from '@nestjs/common';
import { TodoListCache } from './todo-list-cache';
import type { TodoListQuery } from './todos.repository';

const OWNER = '7d9f2c1e-3b4a-4c5d-8e6f-0a1b2c3d4e5f';
const OTHER = '0a1b2c3d-3b4a-4c5d-8e6f-7d9f2c1e4e5f';
const FIRST_PAGE: TodoListQuery = { page: 1, limit: 20, sort: '-created_at' };

describe('TodoListCache', () => {
  let now: number;
  let store: MemoryKeyValueStore;
  let sut: TodoListCache;

  beforeEach(() => {
    now = 1_000_000;
    store = new MemoryKeyValueStore(() => now);
    sut = new TodoListCache(store);
  });
  afterEach(() => store.onApplicationShutdown());

  /** What a reader does on a miss: the generation it read, then (after its query) the page. */
  async function missGeneration(owner = OWNER, query = FIRST_PAGE): Promise<string> {
    const cached = await sut.get(owner, query);
    if (cached?.kind !== 'miss') throw new Error(`expected a miss, got ${JSON.stringify(cached)}`);
    return cached.generation;
  }

  it('serves a stored page as is, for that owner and that query only', async () => {
    await sut.put(OWNER, FIRST_PAGE, await missGeneration(), '{"items":[],"total":0}');

    expect(await sut.get(OWNER, FIRST_PAGE)).toEqual({ kind: 'hit', json: '{"items":[],"total":0}' });
    expect((await sut.get(OTHER, FIRST_PAGE))?.kind).toBe('miss');
    for (const other of [
      { ...FIRST_PAGE, page: 2 },
      { ...FIRST_PAGE, limit: 10 },
      { ...FIRST_PAGE, completed: false },
      { ...FIRST_PAGE, sort: 'title' },
    ]) {
      expect((await sut.get(OWNER, other))?.kind).toBe('miss');
    }
  });

  it('a change makes every stored page of that owner a miss, and only of that owner', async () => {
    await sut.put(OWNER, FIRST_PAGE, await missGeneration(), 'before');
    const secondPage = { ...FIRST_PAGE, page: 2 };
    await sut.put(OWNER, secondPage, await missGeneration(OWNER, secondPage), 'before, page 2');
    await sut.put(OTHER, FIRST_PAGE, await missGeneration(OTHER), 'someone else');

    await sut.invalidate(OWNER);

    expect((await sut.get(OWNER, FIRST_PAGE))?.kind).toBe('miss');
    expect((await sut.get(OWNER, secondPage))?.kind).toBe('miss');
    expect(await sut.get(OTHER, FIRST_PAGE)).toEqual({ kind: 'hit', json: 'someone else' });
  });

  it('a page whose query ran before a change is never served after it, even when stored after it', async () => {
    const readBeforeTheChange = await missGeneration();
    await sut.invalidate(OWNER); // the change commits while the reader's query runs
    await sut.put(OWNER, FIRST_PAGE, readBeforeTheChange, 'stale');

    expect((await sut.get(OWNER, FIRST_PAGE))?.kind).toBe('miss');
    // the next reader's page, read under the new generation, is served
    await sut.put(OWNER, FIRST_PAGE, await missGeneration(), 'fresh');
    expect(await sut.get(OWNER, FIRST_PAGE)).toEqual({ kind: 'hit', json: 'fresh' });
  });

  it('after a generation expires, a page stored before it can not match again', async () => {
    await sut.invalidate(OWNER);
    const generation = await missGeneration();
    await sut.put(OWNER, FIRST_PAGE, generation, 'page');
    now += 60_000; // the generation and the page have expired
    const afterExpiry = await missGeneration();
    expect(afterExpiry).not.toBe(generation);
    await sut.invalidate(OWNER);
    expect(await missGeneration()).not.toBe(generation);
  });

  it('pages expire after 30 s', async () => {
    await sut.put(OWNER, FIRST_PAGE, await missGeneration(), 'page');
    now += 29_999;
    expect((await sut.get(OWNER, FIRST_PAGE))?.kind).toBe('hit');
    now += 1;
    expect((await sut.get(OWNER, FIRST_PAGE))?.kind).toBe('miss');
  });

  it('with the store unreachable: get is undefined (read Postgres), put and invalidate do not throw', async () => {
    const failing = new Proxy(store, {
      get: (target, name) =>
        ['get', 'mget', 'set', 'del'].includes(String(name))
          ? () => Promise.reject(new Error('connect ECONNREFUSED'))
          : (Reflect.get(target, name) as unknown),
    }) as KeyValueStore;
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const down = new TodoListCache(failing);

    expect(await down.get(OWNER, FIRST_PAGE)).toBeUndefined();
    await expect(down.put(OWNER, FIRST_PAGE, '0', 'page')).resolves.toBeUndefined();
    await expect(down.invalidate(OWNER)).resolves.toBeUndefined();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('could not invalidate the cached todo lists'));
    warn.mockRestore();
  });
});
