/** Connection settings of the tests' real PostgreSQL and Redis (see test/test-env.mjs, the global setup's twin). */
const PG_ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const DATABASE_PREFIX = process.env.TEST_DATABASE_PREFIX ?? 'uma_test_w';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

export function jestWorkerId(): number {
  return Number(process.env.JEST_WORKER_ID ?? '1');
}

/** This worker's own database, created empty by the global setup. */
export function testDatabaseUrl(): string {
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${DATABASE_PREFIX}${jestWorkerId()}`;
  return url.toString();
}

/** Environment for an app under test: real servers, this worker's database and key prefix, quiet logs. */
export function testEnv(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    NODE_ENV: 'test',
    DATABASE_URL: testDatabaseUrl(),
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: `uma-test:w${jestWorkerId()}:`,
    COOKIE_SECURE: 'false',
    LOG_LEVEL: 'silent',
    ...overrides,
  };
}

/** A TCP port on this machine where nothing listens (for "dependency down" tests). */
export const CLOSED_PORT = 1;
