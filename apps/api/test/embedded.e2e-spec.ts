import request from 'supertest';
import { startEmbeddedTestApp, TestApp } from './support/test-app';

describe('embedded mode (no DATABASE_URL, no REDIS_URL)', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await startEmbeddedTestApp();
  }, 60000);
  afterAll(() => sut?.close());

  it('boots on PGlite and the in-process store, and is ready', async () => {
    expect(sut.config.isEmbedded).toBe(true);
    const res = await request(sut.server).get('/health/ready').expect(200);
    expect(res.body.checks).toMatchObject({ database: { status: 'up' }, redis: { status: 'up' } });
  });
});
