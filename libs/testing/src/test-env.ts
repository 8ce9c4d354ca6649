/** Connection settings of the tests' real PostgreSQL and Redis (see test/test-env.mjs, the global setup's twin). */
const PG_ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

export function jestWorkerId(): number {
  return Number(process.env.JEST_WORKER_ID ?? '1');
}

/** This Jest run's id (set by the global setup): it names the run's databases and Redis key prefix. */
function testRunId(): string {
  const runId = process.env.TEST_RUN_ID;
  if (!runId)
    throw new Error('TEST_RUN_ID is unset: run the tests through Jest (npm test), whose global setup sets it');
  return runId;
}

/** This worker's own database, created empty by the global setup. */
export function testDatabaseUrl(): string {
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/uma_test_${testRunId()}_w${jestWorkerId()}`;
  return url.toString();
}

/** This worker's Redis key prefix. */
export function testRedisPrefix(): string {
  return `uma-test:${testRunId()}:w${jestWorkerId()}:`;
}

const RATE_LIMIT_VARIABLES = [
  'RATE_LIMIT_LOGIN_PER_IP',
  'RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT_IP',
  'RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT',
  'RATE_LIMIT_REGISTER_PER_IP',
  'RATE_LIMIT_TOKEN_PER_IP',
  'RATE_LIMIT_REFRESH_PER_IP',
];

/** Environment for an app under test: real servers, this worker's database and key prefix, quiet logs. */
export function testEnv(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    NODE_ENV: 'test',
    DATABASE_URL: testDatabaseUrl(),
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: testRedisPrefix(),
    COOKIE_SECURE: 'false',
    LOG_LEVEL: 'silent',
    // Every test client is 127.0.0.1: the abuse limits would throttle the suite. Rate-limit tests set their own.
    ...Object.fromEntries(RATE_LIMIT_VARIABLES.map((name) => [name, '1000000/60'])),
    ...overrides,
  };
}

/** A TCP port on this machine where nothing listens (for "dependency down" tests). */
export const CLOSED_PORT = 1;
