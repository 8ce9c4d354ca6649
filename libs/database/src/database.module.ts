import { AppConfig } from '@app/config';
import { Injectable, Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from './data-source-options';
import { runMigrationsLocked } from './migrations';

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

/** The one TypeORM connection. Entities are registered by each feature module with TypeOrmModule.forFeature. */
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
  providers: [MigrationsOnStart],
})
export class DatabaseModule {}
