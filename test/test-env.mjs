// Where the tests find PostgreSQL and Redis; shared by the global setup/teardown and (as its twin)
// libs/testing/src/test-env.ts. Each Jest run gets its own databases and Redis key prefix (TEST_RUN_ID, set
// by the global setup), so two runs on one machine never drop each other's data.
export const TEST_PG_ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

export const DATABASE_NAME = /^uma_test_(\d+)_w\d+$/;

export function testDatabaseNames(runId, workers) {
  return Array.from({ length: workers }, (_, i) => `uma_test_${runId}_w${i + 1}`);
}
