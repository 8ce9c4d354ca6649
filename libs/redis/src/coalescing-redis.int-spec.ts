import { TEST_REDIS_URL, testRedisPrefix } from '@app/testing';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { CoalescingRedis } from './coalescing-redis';

/** Counts the socket writes (system calls) a client makes: one per _write, one per _writev. */
function countWrites(client: Redis): { writes: () => number } {
  const socket = client.stream as unknown as { _write: () => void; _writev: () => void };
  const write = jest.spyOn(socket, '_write');
  const writev = jest.spyOn(socket, '_writev');
  return { writes: () => write.mock.calls.length + writev.mock.calls.length };
}

describe('CoalescingRedis (real Redis)', () => {
  const keyPrefix = `${testRedisPrefix()}coalesce:${randomUUID()}:`;
  let client: CoalescingRedis;

  beforeEach(async () => {
    client = new CoalescingRedis(TEST_REDIS_URL, { keyPrefix });
    await client.ping(); // ready, and the handshake's writes are behind us
  });
  afterEach(() => client.quit());

  it('sends the commands of one event-loop turn in one socket write, each with its own reply, in order', async () => {
    await client.mset('a', '1', 'b', '2');
    const counter = countWrites(client);

    const replies = await Promise.all([client.get('a'), client.mget('a', 'b', 'missing'), client.set('c', '3')]);

    expect(replies).toEqual(['1', ['1', '2', null], 'OK']);
    expect(counter.writes()).toBe(1);
    expect(await client.get('c')).toBe('3');
  });

  it('sends commands issued after an await in a later write: nothing waits for a turn that has passed', async () => {
    const counter = countWrites(client);
    expect(await client.set('x', 'first')).toBe('OK');
    expect(await client.get('x')).toBe('first');
    expect(counter.writes()).toBe(2);
  });

  it('a plain ioredis client writes once per command (what the first test would see without coalescing)', async () => {
    const plain = new Redis(TEST_REDIS_URL, { keyPrefix });
    try {
      await plain.ping();
      const counter = countWrites(plain);
      await Promise.all([plain.get('a'), plain.get('b'), plain.get('c')]);
      expect(counter.writes()).toBeGreaterThan(1);
    } finally {
      await plain.quit();
    }
  });

  it('keeps working across a dropped connection', async () => {
    expect(await client.set('k', 'before')).toBe('OK');
    client.stream.destroy(); // as if Redis had closed the connection
    await new Promise((resolve) => client.once('ready', resolve));
    expect(await Promise.all([client.get('k'), client.set('k', 'after')])).toEqual(['before', 'OK']);
    expect(await client.get('k')).toBe('after');
  });

  it('neither loses nor hangs the commands of a turn whose socket dropped before they were written', async () => {
    const pending = Promise.all([client.set('dropped', 'v'), client.get('dropped')]);
    client.stream.destroy(); // same turn: the commands are still corked in this socket
    expect(await pending).toEqual(['OK', 'v']); // ioredis resends unanswered commands after reconnecting
  });
});
