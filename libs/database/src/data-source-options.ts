import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DatabaseConfig } from '@app/config';
import type { DataSourceOptions } from 'typeorm';
import { PGliteDriver } from 'typeorm-pglite';
import { SnakeNamingStrategy } from './snake-naming.strategy';

/**
 * Migrations are found by path relative to this file, which holds both for the TypeScript sources (tests)
 * and the compiled output (dist/libs/database/src -> dist/migrations).
 */
export const MIGRATIONS_GLOB = join(__dirname, '..', '..', '..', 'migrations', '*.{ts,js}');

/** Options shared by the app, the CLI and the TypeORM migration CLI. Entities are added by each caller. */
export function buildDataSourceOptions(config: DatabaseConfig): DataSourceOptions {
  const common = {
    type: 'postgres' as const,
    namingStrategy: new SnakeNamingStrategy(),
    migrations: [MIGRATIONS_GLOB.replace(/\\/g, '/')],
    migrationsTableName: 'typeorm_migrations',
    synchronize: false,
    // gen_random_uuid() is built into PostgreSQL 13+ and PGlite: no extension to install.
    uuidExtension: 'pgcrypto' as const,
    installExtensions: false,
  };
  if (config.url) {
    return {
      ...common,
      url: config.url,
      extra: {
        max: 10,
        // Fail fast instead of queueing forever when Postgres is unreachable.
        connectionTimeoutMillis: 3000,
        idleTimeoutMillis: 30000,
        statement_timeout: 15000,
      },
    };
  }
  const dataDir = resolve(config.embeddedDataDir);
  // PGlite hangs silently in initialize() when the parent folder is missing.
  mkdirSync(dataDir, { recursive: true });
  return { ...common, driver: new PGliteDriver({ dataDir }).driver };
}
