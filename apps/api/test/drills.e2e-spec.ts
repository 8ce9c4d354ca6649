import { newUserInput, TcpProxy, testDatabaseUrl, testEnv } from '@app/testing';
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { join } from 'node:path';
import request from 'supertest';
import { bearer, PROBLEM, registerAndTokenLogin, sleep } from './support/auth-helpers';
import { startTestApp, TestApp } from './support/test-app';

describe('failure drill: PostgreSQL unreachable', () => {
  let proxy: TcpProxy;
  let sut: TestApp;

  beforeAll(async () => {
    proxy = await TcpProxy.start(Number(new URL(testDatabaseUrl()).port || 5432));
    sut = await startTestApp({ env: { DATABASE_URL: proxy.through(testDatabaseUrl()) } });
  });
  afterAll(async () => {
    await proxy.heal();
    await sut?.close();
    await proxy.cut();
  });

  it('fails fast with 503 problem+json, reports not ready, and recovers by itself', async () => {
    const { tokens } = await registerAndTokenLogin(sut.server);
    await request(sut.server).get('/api/v1/auth/session').set(bearer(tokens.access_token)).expect(200); // cached
    await request(sut.server).get('/api/v1/users/me').set(bearer(tokens.access_token)).expect(200); // cached

    await proxy.cut();
    const me = await request(sut.server).get('/api/v1/sessions').set(bearer(tokens.access_token));
    expect(me.status).toBe(503);
    expect(me.headers['content-type']).toMatch(PROBLEM);
    expect(me.body).toMatchObject({ status: 503, code: 'service_unavailable' });
    expect(JSON.stringify(me.body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|5432|stack/);
    expect(me.headers['retry-after']).toBe('5');

    const ready = await request(sut.server).get('/health/ready').expect(503);
    expect(ready.body.checks.database.status).toBe('down');
    const register = await request(sut.server)
      .post('/api/v1/auth/register')
      .send({ username: 'during_outage', email: 'o@example.test', password: 'a long enough password' });
    expect(register.status).toBe(503);
    // Session check and profile come from the Redis cache: DB-free routes keep working.
    await request(sut.server).get('/api/v1/auth/session').set(bearer(tokens.access_token)).expect(200);
    await request(sut.server).get('/api/v1/users/me').set(bearer(tokens.access_token)).expect(200);

    await proxy.heal();
    const deadline = Date.now() + 15000;
    let status = 0;
    while (Date.now() < deadline && status !== 200) {
      status = (await request(sut.server).get('/api/v1/sessions').set(bearer(tokens.access_token))).status;
      if (status !== 200) await sleep(200);
    }
    expect(status).toBe(200);
    await request(sut.server).get('/health/ready').expect(200);
  });
});

/** One HTTP request on the given agent; the status, or the network error a client would see. */
function call(agent: Agent, method: string, url: string, form?: string): Promise<number | string> {
  return new Promise((resolve) => {
    const req = httpRequest(
      url,
      { method, agent, headers: form ? { 'content-type': 'application/x-www-form-urlencoded' } : {} },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', (error) => resolve(`network error: ${error.message}`));
    req.end(form);
  });
}

describe('failure drill: SIGTERM under load (production build)', () => {
  const MAIN = join(__dirname, '..', '..', '..', 'dist', 'apps', 'api', 'src', 'main.js');

  it('finishes every in-flight request, resets no connection, and exits 0', async () => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first (npm test does)`);
    const child: ChildProcess = spawn(process.execPath, [MAIN], {
      // A short drain delay, as behind a load balancer: readiness goes 503 while requests are still served.
      env: {
        PATH: process.env.PATH,
        ...testEnv({ LOG_LEVEL: 'info', PORT: '0', HOST: '127.0.0.1', SHUTDOWN_DRAIN_DELAY_MS: '300' }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 15000;
    while (!/Server listening at (http:\/\/127\.0\.0\.1:\d+)/.test(output)) {
      if (Date.now() > deadline) throw new Error(`the app did not start:\n${output}`);
      await sleep(50);
    }
    const url = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)![1];
    const input = newUserInput();
    await request(url).post('/api/v1/auth/register').send(input).expect(201);

    // 60 keep-alive connections, opened (and used once) before the signal, so that every login below is sent
    // on an established connection: all 60 are in flight when SIGTERM arrives, whatever the machine's load.
    const agent = new Agent({ keepAlive: true, maxSockets: 60 });
    const connections = Array.from({ length: 60 }, () => call(agent, 'GET', `${url}/health`));
    expect(await Promise.all(connections)).toEqual(Array.from({ length: 60 }, () => 200));
    // Each login is an argon2id verification (~20 ms of a core): most are still queued when the signal comes.
    const form = new URLSearchParams({ grant_type: 'password', username: input.username, password: input.password });
    const logins = Array.from({ length: 60 }, () => call(agent, 'POST', `${url}/api/v1/auth/token`, form.toString()));
    await sleep(100);
    child.kill('SIGTERM');

    const statuses = await Promise.all(logins);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(await exited).toBe(0);
    expect(output).toContain('shutdown complete');
  }, 60000);
});
