// Where the tests find PostgreSQL and Redis; shared by the global setup and libs/testing.
export const TEST_PG_ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
export const TEST_DATABASE_PREFIX = process.env.TEST_DATABASE_PREFIX ?? 'uma_test_w';

export function testDatabaseNames(workers) {
  return Array.from({ length: workers }, (_, i) => `${TEST_DATABASE_PREFIX}${i + 1}`);
}
