import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';

/** Arbitrary but fixed: every instance of this service contends for the same lock. */
const MIGRATION_LOCK_KEY = 72_430_119;

/**
 * Runs pending migrations. On a real Postgres it holds a session advisory lock while doing so, so several
 * instances starting together run them once, one after the other. PGlite is single-connection and
 * single-instance, so there the lock is neither needed nor possible.
 */
export async function runMigrationsLocked(dataSource: DataSource, logger = new Logger('Migrations')): Promise<void> {
  const embedded = !(dataSource.options as { url?: string }).url;
  if (embedded) {
    await logRun(logger, dataSource.runMigrations({ transaction: 'each' }));
    return;
  }
  const lockRunner = dataSource.createQueryRunner();
  await lockRunner.connect();
  try {
    await lockRunner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await logRun(logger, dataSource.runMigrations({ transaction: 'each' }));
  } finally {
    await lockRunner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lockRunner.release();
  }
}

async function logRun(logger: Logger, run: Promise<{ name: string }[]>): Promise<void> {
  const applied = await run;
  if (applied.length) logger.log(`applied ${applied.length} migration(s): ${applied.map((m) => m.name).join(', ')}`);
}
