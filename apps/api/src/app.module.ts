import { AuthModule } from '@app/auth';
import { CommonModule } from '@app/common';
import { AppConfig, ConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { ProductsModule } from '@app/products';
import { RedisModule } from '@app/redis';
import { SessionsModule } from '@app/sessions';
import { TodosModule } from '@app/todos';
import { UsersModule } from '@app/users';
import { DynamicModule, Module, Type } from '@nestjs/common';
import { HealthModule } from './health/health.module';
import { MetricsController } from './metrics/metrics.controller';

/** Wires the capabilities together. Built from a validated AppConfig so that tests run exactly this wiring. */
@Module({})
export class AppModule {
  static register(config: AppConfig, extraImports: Type[] = []): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        CommonModule,
        DatabaseModule,
        RedisModule,
        HealthModule,
        SessionsModule,
        UsersModule,
        AuthModule,
        TodosModule,
        ProductsModule,
        ...extraImports,
      ],
      controllers: [MetricsController],
    };
  }
}
