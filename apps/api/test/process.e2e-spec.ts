import { testEnv } from '@app/testing';
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';

/** These tests run the production build (npm test builds first), as `npm run start:prod` does. */
const MAIN = join(__dirname, '..', '..', '..', 'dist', 'apps', 'api', 'src', 'main.js');

interface Exited {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function start(env: Record<string, string | undefined>): {
  child: ChildProcess;
  exited: Promise<Exited>;
  output: () => string;
} {
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<Exited>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, exited, output: () => stdout };
}

async function waitFor(condition: () => boolean, timeoutMs = 15000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the production process', () => {
  beforeAll(() => {
    if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first (npm test does)`);
  });

  it.each([
    [{ PORT: 'not-a-port' }, /PORT/],
    [{ JWT_SECRET: 'short' }, /JWT_SECRET must be at least 32 characters/],
    [
      { NODE_ENV: 'production', JWT_SECRET: undefined },
      /JWT_SECRET: the example secret is refused when NODE_ENV=production/,
    ],
    [{ DATABASE_URL: 'mysql://nope' }, /DATABASE_URL must be a postgres:\/\/ URL/],
  ])('refuses to start on bad configuration %j, naming the variable', async (overrides, message) => {
    const { exited } = start(testEnv({ LOG_LEVEL: 'info', ...overrides }));
    const result = await exited;
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
  });

  it('drains and exits 0 on SIGTERM, closing its connections', async () => {
    const { child, exited, output } = start(testEnv({ LOG_LEVEL: 'info', PORT: '0', HOST: '127.0.0.1' }));
    await waitFor(() => /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.test(output()));
    const url = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output())![1];
    await request(url).get('/health').expect(200);

    child.kill('SIGTERM');
    const result = await exited;
    expect(result.signal).toBeNull();
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('shutdown complete');
  });
});
