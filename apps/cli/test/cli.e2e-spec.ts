import { newUserInput, testEnv } from '@app/testing';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { startTestApp, TestApp } from '../../api/test/support/test-app';

/** The CLI as operators run it: the production build (npm test builds first). */
const CLI = join(__dirname, '..', '..', '..', 'dist', 'apps', 'cli', 'src', 'main.js');

function cli(args: string[], stdin = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH, ...testEnv() } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe('cli (production build, real PostgreSQL)', () => {
  let api: TestApp;

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
    api = await startTestApp();
  });
  afterAll(() => api.close());

  it('create-superuser reads the password from standard input and creates an admin who can log in', async () => {
    const input = newUserInput();
    const result = await cli(
      ['create-superuser', '--username', input.username, '--email', input.email],
      `${input.password}\n`,
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`created admin ${input.username}`);

    const login = await request(api.server)
      .post('/api/v1/auth/login')
      .send({ login: input.username, password: input.password })
      .expect(200);
    expect(login.body.user.role).toBe('admin');
  });

  it('create-superuser applies the password policy', async () => {
    const input = newUserInput();
    const result = await cli([
      'create-superuser',
      `--username=${input.username}`,
      `--email=${input.email}`,
      '--password=password1',
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('password: password is too common');
  });

  it('create-superuser refuses a taken username', async () => {
    const first = newUserInput();
    await request(api.server).post('/api/v1/auth/register').send(first).expect(201);
    const result = await cli([
      'create-superuser',
      '--username',
      first.username,
      '--email',
      newUserInput().email,
      '--password',
      first.password,
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('This username is already taken.');
  });

  it('refuses unknown commands and arguments', async () => {
    expect((await cli(['no-such-command'])).code).toBe(2);
    const bad = await cli(['create-superuser', '--bogus', 'x']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('unknown argument: --bogus');
  });
});
