import { CommonModule } from '@app/common';
import { AppConfig, ConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { RedisModule } from '@app/redis';
import { DynamicModule, Module, Type } from '@nestjs/common';
import { HealthModule } from './health/health.module';
import { MetricsController } from './metrics/metrics.controller';

/** Wires the capabilities together. Built from a validated AppConfig so that tests run exactly this wiring. */
@Module({})
export class AppModule {
  static register(config: AppConfig, extraImports: Type[] = []): DynamicModule {
    return {
      module: AppModule,
      imports: [ConfigModule.forRoot(config), CommonModule, DatabaseModule, RedisModule, HealthModule, ...extraImports],
      controllers: [MetricsController],
    };
  }
}
