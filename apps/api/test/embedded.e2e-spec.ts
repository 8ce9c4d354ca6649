import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { startTestApp, TestApp } from './support/test-app';

describe('embedded mode (no DATABASE_URL, no REDIS_URL)', () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'uma-embedded-')), 'pglite');
  let sut: TestApp;

  beforeAll(async () => {
    sut = await startTestApp({ env: { DATABASE_URL: undefined, REDIS_URL: undefined, EMBEDDED_DATA_DIR: dataDir } });
  }, 60000);
  afterAll(async () => {
    await sut?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('boots on PGlite and the in-process store, and is ready', async () => {
    expect(sut.config.isEmbedded).toBe(true);
    const res = await request(sut.server).get('/health/ready').expect(200);
    expect(res.body.checks).toMatchObject({ database: { status: 'up' }, redis: { status: 'up' } });
  });
});
