import { AppConfig } from '@app/config';
import { Global, Injectable, Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from './data-source-options';
import { runMigrationsLocked } from './migrations';
import { PreparedSql } from './prepared-sql';

/** Runs migrations at module init, i.e. before any onApplicationBootstrap hook (admin seeding) can query. */
@Injectable()
export class MigrationsOnStart implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    if (this.config.database.runMigrations) await runMigrationsLocked(this.dataSource);
  }
}

/**
 * The one TypeORM connection, and PreparedSql on it for every module's repositories. Entities are registered by
 * each feature module with TypeOrmModule.forFeature.
 */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        ...buildDataSourceOptions(config.database),
        autoLoadEntities: true,
        retryAttempts: 5,
        retryDelay: 2000,
      }),
    }),
  ],
  providers: [MigrationsOnStart, PreparedSql],
  exports: [PreparedSql],
})
export class DatabaseModule {}
