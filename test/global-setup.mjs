// Runs once before every Jest run: checks that the real PostgreSQL and Redis are up (stopping at once with
// instructions when not) and creates a fresh database per Jest worker for this run, so tests never touch a
// running instance's data and workers never see each other's rows.
import pg from 'pg';
import { Redis } from 'ioredis';
import { DATABASE_NAME, testDatabaseNames, TEST_PG_ADMIN_URL, TEST_REDIS_URL } from './test-env.mjs';

const HOW_TO_START = `
  PostgreSQL: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start
  Redis:      redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no
  (or point TEST_PG_ADMIN_URL / TEST_REDIS_URL at running servers)`;

const isAlive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

export default async function globalSetup(globalConfig) {
  const admin = new pg.Client({ connectionString: TEST_PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(
      `The tests need a real PostgreSQL at ${TEST_PG_ADMIN_URL} (${error.message}). Start it:${HOW_TO_START}`,
    );
  }
  const redis = new Redis(TEST_REDIS_URL, {
    lazyConnect: true,
    connectTimeout: 2000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    await admin.end();
    throw new Error(`The tests need a real Redis at ${TEST_REDIS_URL} (${error.message}). Start it:${HOW_TO_START}`);
  } finally {
    redis.disconnect();
  }

  // Workers inherit this; it names this run's databases and Redis prefix.
  process.env.TEST_RUN_ID = String(process.pid);
  try {
    // Databases of earlier runs whose process is gone (a crashed or killed run) are dropped.
    const { rows } = await admin.query(`SELECT datname FROM pg_database WHERE datname LIKE 'uma_test_%'`);
    for (const { datname } of rows) {
      const match = DATABASE_NAME.exec(datname);
      if (match && !isAlive(Number(match[1]))) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
    const workers = Math.max(1, globalConfig.maxWorkers ?? 1);
    for (const name of testDatabaseNames(process.env.TEST_RUN_ID, workers)) {
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.query(`CREATE DATABASE "${name}"`);
    }
  } finally {
    await admin.end();
  }
}
