import { CommonModule } from '@app/common';
import { AppConfig, ConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { RedisModule } from '@app/redis';
import { UsersModule } from '@app/users';
import { DynamicModule, Module } from '@nestjs/common';

/** What the commands need: configuration, the database and the users capability (no HTTP server). */
@Module({})
export class CliModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [ConfigModule.forRoot(config), CommonModule, DatabaseModule, RedisModule, UsersModule],
    };
  }
}
