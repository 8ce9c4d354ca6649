import { TcpProxy, TestRedisServer, testRedisPrefix } from '@app/testing';
import request from 'supertest';
import { DataSource } from 'typeorm';
import {
  adminEnv,
  adminTokenLogin,
  bearer,
  registerAndTokenLogin,
  sleep,
  tokenLogin,
  TokenResponse,
} from './support/auth-helpers';
import { startTestApp, TestApp } from './support/test-app';

const sidOf = (accessToken: string): string =>
  (JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString()) as { sid: string }).sid;

const session = (app: TestApp, tokens: TokenResponse) =>
  request(app.server).get('/api/v1/auth/session').set(bearer(tokens.access_token));

const logout = (app: TestApp, tokens: TokenResponse) =>
  request(app.server).post('/api/v1/auth/logout').set(bearer(tokens.access_token));

async function pendingPurges(app: TestApp): Promise<number> {
  const [row] = await app.app
    .get(DataSource)
    .query<{ n: number }[]>('SELECT count(*)::int AS n FROM session_cache_purges');
  return row.n;
}

async function eventually(condition: () => Promise<boolean>, timeoutMs = 10000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(100);
  }
}

describe('two instances sharing PostgreSQL and Redis', () => {
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    a = await startTestApp({ env: adminEnv() });
    b = await startTestApp({ env: adminEnv() });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('a logout on one instance is refused by the other on the very next request', async () => {
    const { tokens } = await registerAndTokenLogin(a.server);
    await session(b, tokens).expect(200); // B has it cached now
    await logout(a, tokens).expect(204);
    const res = await session(b, tokens).expect(401);
    expect(res.body.code).toBe('session_revoked');
  });

  it('a deactivation on one instance is refused by the other on the very next request', async () => {
    const { user, tokens } = await registerAndTokenLogin(a.server);
    const admin = await adminTokenLogin(a.server);
    await session(b, tokens).expect(200);
    await request(a.server)
      .patch(`/api/v1/users/${user.id}`)
      .set(bearer(admin.access_token))
      .send({ is_active: false })
      .expect(200);
    expect((await session(b, tokens).expect(401)).body.code).toBe('session_revoked');
  });

  it('a profile change on one instance is what the other serves next (cached profiles are rewritten)', async () => {
    const { tokens } = await registerAndTokenLogin(a.server);
    const me = () => request(b.server).get('/api/v1/users/me').set(bearer(tokens.access_token)).expect(200);
    await me(); // B caches the profile
    await request(a.server)
      .patch('/api/v1/users/me')
      .set(bearer(tokens.access_token))
      .send({ full_name: 'Changed On A' })
      .expect(200);
    expect((await me()).body.full_name).toBe('Changed On A');
  });

  it('a demotion on one instance takes effect on the other on the very next request', async () => {
    const admin = await adminTokenLogin(a.server);
    const { input, user } = await registerAndTokenLogin(a.server);
    await request(a.server)
      .patch(`/api/v1/users/${user.id}`)
      .set(bearer(admin.access_token))
      .send({ role: 'admin' })
      .expect(200);
    const promoted = await tokenLogin(b.server, input.username, input.password);
    await request(b.server).get('/api/v1/users').set(bearer(promoted.access_token)).expect(200);

    await request(a.server)
      .patch(`/api/v1/users/${user.id}`)
      .set(bearer(admin.access_token))
      .send({ role: 'user' })
      .expect(200);
    const res = await request(b.server).get('/api/v1/users').set(bearer(promoted.access_token)).expect(403);
    expect(res.body.code).toBe('forbidden');
    expect((await session(b, promoted).expect(200)).body.role).toBe('user');
  });
});

describe('when Redis fails (a redis-server of this test, two instances)', () => {
  let redis: TestRedisServer;
  let a: TestApp;
  let b: TestApp;
  const env = (url: string) => ({ REDIS_URL: url, SESSION_CACHE_CHECK_INTERVAL_MS: '200' });

  beforeEach(async () => {
    redis = await TestRedisServer.start();
  });
  afterEach(async () => {
    redis.resume();
    await a?.close();
    await b?.close();
    await redis.stop();
  });

  it('serves authenticated requests from Postgres while Redis is down, says so in readiness and metrics', async () => {
    a = await startTestApp({ env: env(redis.url) });
    b = await startTestApp({ env: env(redis.url) });
    const { tokens } = await registerAndTokenLogin(a.server);
    await session(b, tokens).expect(200);

    await redis.stop();
    await session(b, tokens).expect(200);
    await session(b, tokens).expect(200);
    await request(b.server).get('/api/v1/users/me').set(bearer(tokens.access_token)).expect(200);

    const ready = await request(b.server).get('/health/ready').expect(503);
    expect(ready.body.checks.redis.status).toBe('down');
    const metrics = await request(b.server).get('/metrics').expect(200);
    const fallbacks = /session_cache_fallbacks_total\{operation="authenticate"\} (\d+)/.exec(metrics.text);
    expect(Number(fallbacks?.[1])).toBeGreaterThan(0);
  });

  it('a revocation during the outage bites at once, and still once Redis is back', async () => {
    a = await startTestApp({ env: env(redis.url) });
    b = await startTestApp({ env: env(redis.url) });
    const { input, tokens: first } = await registerAndTokenLogin(a.server);
    const second = await tokenLogin(a.server, input.username, input.password);
    await session(b, first).expect(200);
    await session(b, second).expect(200);

    await redis.stop();
    await logout(a, first).expect(204);
    expect((await session(b, first).expect(401)).body.code).toBe('session_revoked');
    await session(b, second).expect(200);

    await redis.start();
    await eventually(async () => (await pendingPurges(a)) === 0);
    for (const app of [a, b]) expect((await session(app, first).expect(401)).body.code).toBe('session_revoked');
    await session(b, second).expect(200);
    const client = redis.client();
    try {
      expect(await client.get(`${testRedisPrefix()}sess:${sidOf(first.access_token)}`)).toBe('revoked');
    } finally {
      client.disconnect();
    }
  });

  it('a revocation while Redis hangs does not let the hung cache entry back in when it resumes', async () => {
    a = await startTestApp({ env: env(redis.url) });
    b = await startTestApp({ env: env(redis.url) });
    const { tokens } = await registerAndTokenLogin(a.server);
    await session(b, tokens).expect(200); // cached as live

    redis.pause();
    await logout(a, tokens).expect(204);
    redis.resume();
    expect((await session(b, tokens).expect(401)).body.code).toBe('session_revoked');
    await eventually(async () => (await pendingPurges(a)) === 0);
    expect((await session(b, tokens).expect(401)).body.code).toBe('session_revoked');
  });

  it('an instance cut off from Redis cannot leave another instance serving the revoked session', async () => {
    const proxy = await TcpProxy.start(redis.port);
    try {
      a = await startTestApp({ env: env(proxy.url) }); // A reaches Redis through the proxy
      b = await startTestApp({ env: env(redis.url) }); // B directly
      const { tokens } = await registerAndTokenLogin(a.server);
      await session(b, tokens).expect(200); // cached as live, and B can still read that entry

      await proxy.cut();
      await logout(a, tokens).expect(204);
      expect((await session(b, tokens).expect(401)).body.code).toBe('session_revoked');
      expect(await pendingPurges(a)).toBe(0); // B applied A's purge before A answered
    } finally {
      await proxy.heal();
      await proxy.cut();
    }
  });

  it('keeps working when Redis is flushed, and warms the cache again', async () => {
    a = await startTestApp({ env: env(redis.url) });
    const { tokens } = await registerAndTokenLogin(a.server);
    await session(a, tokens).expect(200);
    const client = redis.client();
    try {
      const key = `${testRedisPrefix()}sess:${sidOf(tokens.access_token)}`;
      expect(await client.exists(key)).toBe(1);
      await client.flushall();
      await session(a, tokens).expect(200);
      expect(await client.exists(key)).toBe(1);
    } finally {
      client.disconnect();
    }
  });
});
