import { MetricsService } from '@app/common';
import { AppConfig } from '@app/config';
import { jest } from '@jest/globals';
import { SessionCache } from './session-cache';
import { SessionSecrets } from './session-secrets';
import { SessionsRepository } from './sessions.repository';
import { SessionRevokedError } from './sessions.errors';
import { SessionsService } from './sessions.service';

const config = AppConfig.fromEnv({ LAST_SEEN_INTERVAL_SECONDS: '60' });
const USER = 'user-1';
const SID = 'session-1';

function setup(cached: Awaited<ReturnType<SessionCache['lookup']>>) {
  const repo = {
    touch: jest.fn(async () => ({
      idleExpiresAt: new Date(Date.now() + 3_600_000),
      expiresAt: new Date(Date.now() + 7_200_000),
    })),
    findWithUser: jest.fn(async () => null),
  };
  const cache = {
    trusted: true,
    lookup: jest.fn(async () => cached),
    update: jest.fn(async () => undefined),
    warm: jest.fn(async () => undefined),
  };
  const sut = new SessionsService(
    repo as unknown as SessionsRepository,
    cache as unknown as SessionCache,
    new SessionSecrets(config),
    config,
    new MetricsService(),
  );
  return { sut, repo, cache };
}

const hit = (lastSeenAt: number) =>
  ({
    kind: 'hit',
    session: { userId: USER, role: 'user', expiresAt: Date.now() + 3_600_000, lastSeenAt, generation: 0 },
  }) as const;

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('SessionsService.authenticate', () => {
  it('answers from a cache hit without touching Postgres when last_seen is recent', async () => {
    const { sut, repo } = setup(hit(Date.now() - 5_000));
    await expect(sut.authenticate(SID, USER)).resolves.toMatchObject({ userId: USER, sessionId: SID, role: 'user' });
    await flush();
    expect(repo.touch).not.toHaveBeenCalled();
    expect(repo.findWithUser).not.toHaveBeenCalled();
  });

  it('writes last_seen at most once per interval, even for concurrent requests', async () => {
    const { sut, repo, cache } = setup(hit(Date.now() - 61_000));
    await Promise.all([sut.authenticate(SID, USER), sut.authenticate(SID, USER), sut.authenticate(SID, USER)]);
    await sut.authenticate(SID, USER);
    await flush();
    expect(repo.touch).toHaveBeenCalledTimes(1);
    expect(cache.update).toHaveBeenCalledTimes(1);
  });

  it('refuses a session the cache marks revoked, without asking Postgres', async () => {
    const { sut, repo } = setup({ kind: 'revoked' });
    await expect(sut.authenticate(SID, USER)).rejects.toBeInstanceOf(SessionRevokedError);
    expect(repo.findWithUser).not.toHaveBeenCalled();
  });

  it('goes to Postgres on a miss, and refuses what Postgres does not know', async () => {
    const { sut, repo } = setup({ kind: 'miss', generation: 0 });
    await expect(sut.authenticate(SID, USER)).rejects.toBeInstanceOf(SessionRevokedError);
    expect(repo.findWithUser).toHaveBeenCalledWith(SID);
  });

  it('does not read the cache at all while it is untrusted', async () => {
    const { sut, repo, cache } = setup(hit(Date.now()));
    cache.trusted = false;
    await expect(sut.authenticate(SID, USER)).rejects.toBeInstanceOf(SessionRevokedError);
    expect(cache.lookup).not.toHaveBeenCalled();
    expect(repo.findWithUser).toHaveBeenCalledWith(SID);
  });
});
