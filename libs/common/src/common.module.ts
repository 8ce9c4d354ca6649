import { Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { ProblemDetailsFilter } from './errors/problem-details.filter';
import { Lifecycle } from './http/lifecycle';
import { MetricsService } from './metrics/metrics.service';
import { createValidationPipe } from './validation/validation.pipe';

/** Cross-cutting providers. Registered as APP_* providers so that tests importing the app get exactly these. */
@Global()
@Module({
  providers: [
    MetricsService,
    Lifecycle,
    { provide: APP_FILTER, useClass: ProblemDetailsFilter },
    { provide: APP_PIPE, useFactory: createValidationPipe },
  ],
  exports: [MetricsService, Lifecycle],
})
export class CommonModule {}
