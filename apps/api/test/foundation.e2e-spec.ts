import { CLOSED_PORT } from '@app/testing';
import request from 'supertest';
import { ProbeModule } from './support/probe.module';
import { startTestApp, TestApp } from './support/test-app';

const PROBLEM = /^application\/problem\+json/;

describe('foundation (real PostgreSQL and Redis)', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await startTestApp({
      imports: [ProbeModule],
      env: { CORS_ORIGINS: 'https://app.example', BODY_LIMIT_BYTES: '2048' },
    });
  });
  afterAll(() => sut.close());

  describe('health', () => {
    it('GET /health is alive without touching dependencies', async () => {
      const res = await request(sut.server).get('/health').expect(200);
      expect(res.body).toEqual({ status: 'ok' });
    });

    it('GET /health/ready reports Postgres and Redis up', async () => {
      const res = await request(sut.server).get('/health/ready').expect(200);
      expect(res.body.status).toBe('ok');
      expect(res.body.checks.database.status).toBe('up');
      expect(res.body.checks.redis.status).toBe('up');
    });
  });

  describe('problem+json errors', () => {
    it('unknown route: 404', async () => {
      const res = await request(sut.server).get('/api/v1/no-such-thing').expect(404).expect('content-type', PROBLEM);
      expect(res.body).toMatchObject({
        status: 404,
        code: 'not_found',
        title: 'Not Found',
        instance: '/api/v1/no-such-thing',
      });
      expect(res.body.request_id).toBe(res.headers['x-request-id']);
    });

    it('malformed JSON: 400', async () => {
      const res = await request(sut.server)
        .post('/api/v1/probe/echo')
        .set('content-type', 'application/json')
        .send('{"name": "abc",')
        .expect(400)
        .expect('content-type', PROBLEM);
      expect(res.body).toMatchObject({ status: 400, code: 'bad_request', detail: 'The body is not valid JSON.' });
    });

    it('body over the limit: 413', async () => {
      const res = await request(sut.server)
        .post('/api/v1/probe/echo')
        .send({ name: 'abc', email: 'a@b.co', padding: 'x'.repeat(4096) })
        .expect(413)
        .expect('content-type', PROBLEM);
      expect(res.body).toMatchObject({ status: 413, code: 'payload_too_large' });
    });

    it('unsupported content type: 415', async () => {
      const res = await request(sut.server)
        .post('/api/v1/probe/echo')
        .set('content-type', 'application/xml')
        .send('<a/>')
        .expect(415)
        .expect('content-type', PROBLEM);
      expect(res.body.code).toBe('unsupported_media_type');
    });

    it('validation: 422 with one entry per bad field, nested paths included', async () => {
      const res = await request(sut.server)
        .post('/api/v1/probe/echo')
        .send({ name: 'x', email: 'nope', address: { city: '' } })
        .expect(422)
        .expect('content-type', PROBLEM);
      expect(res.body).toMatchObject({ status: 422, code: 'validation_failed' });
      const fields = res.body.errors.map((e: { field: string }) => e.field);
      expect(new Set(fields)).toEqual(new Set(['name', 'email', 'address.city']));
      for (const e of res.body.errors) expect(typeof e.message).toBe('string');
    });

    it('unknown fields are refused (422), not silently dropped', async () => {
      const res = await request(sut.server)
        .post('/api/v1/probe/echo')
        .send({ name: 'alice', email: 'a@b.co', role: 'admin' })
        .expect(422);
      expect(res.body.errors).toEqual([{ field: 'role', message: 'property role should not exist' }]);
    });

    it('valid bodies pass through as the DTO', async () => {
      const res = await request(sut.server)
        .post('/api/v1/probe/echo')
        .send({ name: 'alice', email: 'a@b.co' })
        .expect(200);
      expect(res.body).toEqual({ name: 'alice', email: 'a@b.co' });
    });

    it('invalid query values: 422, not ignored', async () => {
      const res = await request(sut.server).get('/api/v1/probe/page?limit=1000').expect(422);
      expect(res.body.errors[0].field).toBe('limit');
      await request(sut.server).get('/api/v1/probe/page?limit=10').expect(200, { limit: 10 });
    });

    it('unexpected errors: 500 without internals, logged in full', async () => {
      const res = await request(sut.server).get('/api/v1/probe/crash').expect(500).expect('content-type', PROBLEM);
      expect(res.body).toMatchObject({ status: 500, code: 'internal_error', detail: 'An unexpected error occurred.' });
      expect(JSON.stringify(res.body)).not.toMatch(/db-internal-host|secret_user|stack|at /);
      const logged = sut.logs.find((l) => l.msg === 'unhandled error' && l.request_id === res.body.request_id);
      expect(JSON.stringify(logged)).toContain('db-internal-host');
    });
  });

  describe('request id and timing', () => {
    it('keeps a well-formed incoming X-Request-Id', async () => {
      const res = await request(sut.server).get('/health').set('x-request-id', 'abc-123').expect(200);
      expect(res.headers['x-request-id']).toBe('abc-123');
      expect(Number(res.headers['x-process-time-ms'])).toBeGreaterThanOrEqual(0);
    });

    it('replaces a missing or unsafe one with a UUID', async () => {
      const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
      const plain = await request(sut.server).get('/health');
      expect(plain.headers['x-request-id']).toMatch(uuid);
      const hostile = await request(sut.server).get('/health').set('x-request-id', 'a\tb{"level":"fatal"}');
      expect(hostile.headers['x-request-id']).toMatch(uuid);
    });

    it('logs one line per request with method, route, status, duration and request id', async () => {
      const res = await request(sut.server).get('/api/v1/probe/page?limit=5').set('x-request-id', 'log-line-check');
      expect(res.status).toBe(200);
      const lines = sut.logs.filter((l) => l.msg === 'request' && l.request_id === 'log-line-check');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({
        method: 'GET',
        route: '/api/v1/probe/page',
        status: 200,
        path: '/api/v1/probe/page',
      });
      expect(typeof lines[0].duration_ms).toBe('number');
    });

    it('logs requests refused before routing too (404)', async () => {
      await request(sut.server).get('/nowhere').set('x-request-id', 'log-404-check').expect(404);
      expect(sut.logs.filter((l) => l.msg === 'request' && l.request_id === 'log-404-check')).toEqual([
        expect.objectContaining({ status: 404, route: 'unmatched' }),
      ]);
    });
  });

  describe('metrics', () => {
    it('GET /metrics exposes request counts and durations by route and status', async () => {
      await request(sut.server).get('/health').expect(200);
      const res = await request(sut.server).get('/metrics').expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.text).toMatch(/http_requests_total\{method="GET",route="\/health",status="200"\} \d+/);
      expect(res.text).toMatch(
        /http_request_duration_seconds_bucket\{le="0.005",method="GET",route="\/health",status="200"\}/,
      );
      expect(res.text).toContain('process_resident_memory_bytes');
    });
  });

  describe('security headers and CORS', () => {
    it('API responses carry the OWASP REST set: no-store, no framing, nosniff, HSTS', async () => {
      for (const path of ['/health', '/api/v1/auth/session', '/api/v1/no-such-route']) {
        const res = await request(sut.server).get(path);
        expect(res.headers).toMatchObject({
          'cache-control': 'no-store',
          'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
          'strict-transport-security': expect.stringContaining('max-age='),
          'x-content-type-options': 'nosniff',
          'x-frame-options': 'DENY',
        });
        expect(res.headers['x-dns-prefetch-control']).toBeUndefined(); // document-only headers stay off
      }
    });

    it("HTML documents (Swagger UI) get helmet's full set and a CSP that lets them load", async () => {
      const res = await request(sut.server).get('/docs').redirects(1);
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'x-dns-prefetch-control': 'off',
        'referrer-policy': 'no-referrer',
        'cross-origin-opener-policy': 'same-origin',
      });
      expect(res.headers['strict-transport-security']).toBeDefined();
    });

    it('allows credentials for an allow-listed origin only', async () => {
      const ok = await request(sut.server)
        .options('/api/v1/probe/echo')
        .set('origin', 'https://app.example')
        .set('access-control-request-method', 'POST');
      expect(ok.headers['access-control-allow-origin']).toBe('https://app.example');
      expect(ok.headers['access-control-allow-credentials']).toBe('true');

      const evil = await request(sut.server)
        .options('/api/v1/probe/echo')
        .set('origin', 'https://evil.example')
        .set('access-control-request-method', 'POST');
      expect(evil.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('answers a cross-origin request from an allow-listed origin with the CORS headers, any other without', async () => {
      const ok = await request(sut.server).get('/health').set('origin', 'https://app.example').expect(200);
      expect(ok.headers).toMatchObject({
        'access-control-allow-origin': 'https://app.example',
        'access-control-allow-credentials': 'true',
        'access-control-expose-headers': 'x-request-id, x-process-time-ms, retry-after',
        vary: expect.stringMatching(/\bOrigin\b/),
      });
      const evil = await request(sut.server).get('/health').set('origin', 'https://evil.example').expect(200);
      expect(evil.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('a request without Origin is not a CORS request: no CORS header but Vary: Origin', async () => {
      for (const path of ['/health', '/api/v1/auth/session', '/api/v1/no-such-route']) {
        const res = await request(sut.server).get(path);
        expect(res.headers.vary).toMatch(/\bOrigin\b/);
        expect(Object.keys(res.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
      }
    });
  });

  describe('API docs', () => {
    it('serves Swagger UI at /docs and the spec at /openapi.json', async () => {
      const ui = await request(sut.server).get('/docs').redirects(1).expect(200);
      expect(ui.text).toContain('swagger-ui');
      const spec = await request(sut.server).get('/openapi.json').expect(200);
      expect(spec.body.openapi).toMatch(/^3\./);
      expect(spec.body.paths['/health/ready'].get.operationId).toBe('readiness');
    });
  });

  describe('graceful shutdown', () => {
    it('lets an in-flight request finish when the app closes', async () => {
      const other = await startTestApp({ imports: [ProbeModule] });
      await other.app.listen({ port: 0, host: '127.0.0.1' });
      const inFlight = request(other.server).get('/api/v1/probe/slow?ms=400');
      const pending = inFlight.then((res) => res);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await other.close();
      const res = await pending;
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ waited: 400 });
    });
  });
});

describe('readiness when a dependency is down', () => {
  it('is 503 problem+json naming Redis when Redis is unreachable', async () => {
    const sut = await startTestApp({ env: { REDIS_URL: `redis://127.0.0.1:${CLOSED_PORT}` } });
    try {
      const res = await request(sut.server).get('/health/ready').expect(503).expect('content-type', PROBLEM);
      expect(res.body).toMatchObject({ status: 503, code: 'not_ready', detail: 'Unavailable: redis.' });
      expect(res.body.checks.database.status).toBe('up');
      expect(res.body.checks.redis.status).toBe('down');
      expect(res.headers['retry-after']).toBe('5');
      // liveness does not depend on Redis
      await request(sut.server).get('/health').expect(200);
    } finally {
      await sut.close();
    }
  });
});
