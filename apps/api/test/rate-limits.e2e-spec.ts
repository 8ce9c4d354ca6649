import { TestRedisServer, testRedisPrefix } from '@app/testing';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { PROBLEM, register, tokenLogin } from './support/auth-helpers';
import { startTestApp, TestApp } from './support/test-app';

/** Apps of this file count in Redis keys of their own, so other suites' traffic from 127.0.0.1 doesn't mix in. */
const isolatedEnv = (limits: Record<string, string>, extra: Record<string, string> = {}) => ({
  REDIS_KEY_PREFIX: `${testRedisPrefix()}rl-${randomUUID()}:`,
  TRUST_PROXY: '127.0.0.1', // X-Forwarded-For then stands for distinct client IPs
  ...limits,
  ...extra,
});

let ipCounter = 0;
const nextIp = () => `198.51.100.${(ipCounter += 1)}`;

const login = (app: TestApp, loginName: string, password: string, ip: string) =>
  request(app.server).post('/api/v1/auth/login').set('x-forwarded-for', ip).send({ login: loginName, password });

function expectRateLimited(res: request.Response): void {
  expect(res.status).toBe(429);
  expect(res.headers['content-type']).toMatch(PROBLEM);
  expect(res.body.code).toBe('rate_limited');
  expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
}

describe('abuse limits (counted in Redis)', () => {
  const apps: TestApp[] = [];
  const start = async (env: Record<string, string | undefined>) => {
    const app = await startTestApp({ env });
    apps.push(app);
    return app;
  };
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  it('stops a guesser after N failures for one account from one IP, while the owner elsewhere still logs in', async () => {
    const sut = await start(isolatedEnv({ RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT_IP: '3/60' }));
    const { input } = await register(sut.server);
    const attacker = nextIp();
    for (let i = 0; i < 3; i++) expect((await login(sut, input.username, 'wrong password', attacker)).status).toBe(401);

    expectRateLimited(await login(sut, input.username, 'wrong password', attacker));
    expectRateLimited(await login(sut, input.username, input.password, attacker)); // even the right one
    expect((await login(sut, input.email, input.password, nextIp())).status).toBe(200); // the owner, elsewhere
  });

  it('pauses an account under distributed guessing (many IPs), for the window only', async () => {
    const sut = await start(isolatedEnv({ RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT: '4/2' }));
    const { input } = await register(sut.server);
    for (let i = 0; i < 4; i++) expect((await login(sut, input.username, `guess ${i}`, nextIp())).status).toBe(401);

    expectRateLimited(await login(sut, input.username, input.password, nextIp()));
    await new Promise((resolve) => setTimeout(resolve, 2100)); // the 2 s window ends
    expect((await login(sut, input.username, input.password, nextIp())).status).toBe(200);
  });

  it('counts unknown accounts like real ones (the limit reveals nothing)', async () => {
    const sut = await start(isolatedEnv({ RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT_IP: '2/60' }));
    const ip = nextIp();
    const ghost = `ghost_${randomUUID().slice(0, 8)}`;
    for (let i = 0; i < 2; i++) expect((await login(sut, ghost, 'whatever pw', ip)).status).toBe(401);
    expectRateLimited(await login(sut, ghost, 'whatever pw', ip));
  });

  it('a successful login clears that IP’s failures for the account', async () => {
    const sut = await start(isolatedEnv({ RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT_IP: '3/60' }));
    const { input } = await register(sut.server);
    const ip = nextIp();
    for (let i = 0; i < 2; i++) await login(sut, input.username, 'typo password', ip);
    expect((await login(sut, input.username, input.password, ip)).status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await login(sut, input.username, 'typo password', ip)).status).toBe(401);
    expect((await login(sut, input.username, input.password, ip)).status).toBe(200);
  });

  it('limits login attempts per IP across accounts (credential stuffing)', async () => {
    const sut = await start(isolatedEnv({ RATE_LIMIT_LOGIN_PER_IP: '3/60' }));
    const ip = nextIp();
    for (let i = 0; i < 3; i++) expect((await login(sut, `victim${i}@example.test`, 'password!', ip)).status).toBe(401);
    expectRateLimited(await login(sut, 'victim4@example.test', 'password!', ip));
    expect((await login(sut, 'victim4@example.test', 'password!', nextIp())).status).toBe(401);
  });

  it('limits registrations, token requests and refreshes per IP', async () => {
    const sut = await start(
      isolatedEnv({
        RATE_LIMIT_REGISTER_PER_IP: '2/60',
        RATE_LIMIT_TOKEN_PER_IP: '2/60',
        RATE_LIMIT_REFRESH_PER_IP: '1/60',
      }),
    );
    const { input } = await register(sut.server);
    await register(sut.server);
    const third = await request(sut.server)
      .post('/api/v1/auth/register')
      .send({ ...input, username: 'third_one', email: 'third@example.test' });
    expectRateLimited(third);

    await tokenLogin(sut.server, input.username, input.password);
    await tokenLogin(sut.server, input.username, input.password);
    const token = await request(sut.server)
      .post('/api/v1/auth/token')
      .type('form')
      .send({ grant_type: 'password', username: input.username, password: input.password });
    expectRateLimited(token);

    const first = await request(sut.server).post('/api/v1/auth/refresh');
    expect(first.status).toBe(401); // no cookie: refused, but counted
    expectRateLimited(await request(sut.server).post('/api/v1/auth/refresh'));
  });

  it('holds across instances: failures on one count on the other', async () => {
    const env = isolatedEnv({ RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT_IP: '3/60' });
    const a = await start(env);
    const b = await start(env);
    const { input } = await register(a.server);
    const ip = nextIp();
    await login(a, input.username, 'wrong one', ip);
    await login(b, input.username, 'wrong two', ip);
    await login(a, input.username, 'wrong three', ip);
    expectRateLimited(await login(b, input.username, input.password, ip));
  });

  it('when Redis is down, keeps limiting (in-process) and does not hang', async () => {
    const redis = await TestRedisServer.start();
    try {
      const sut = await start(
        isolatedEnv({ RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT_IP: '3/60' }, { REDIS_URL: redis.url }),
      );
      const { input } = await register(sut.server);
      await redis.stop();
      const ip = nextIp();
      for (let i = 0; i < 3; i++) expect((await login(sut, input.username, 'wrong password', ip)).status).toBe(401);
      expectRateLimited(await login(sut, input.username, input.password, ip));
      expect((await login(sut, input.username, input.password, nextIp())).status).toBe(200);
    } finally {
      await redis.stop();
    }
  });
});
