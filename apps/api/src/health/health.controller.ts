import { ApiProblems, Public } from '@app/common';
import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthService, ReadinessReport } from './health.service';

@ApiTags('operations')
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** Liveness: the process is up and serving. Touches no dependency. */
  @ApiOperation({ operationId: 'liveness', summary: 'Liveness probe' })
  @Get()
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: Postgres and Redis answer. 503 problem+json naming the failed check otherwise. */
  @ApiOperation({ operationId: 'readiness', summary: 'Readiness probe (Postgres and Redis)' })
  @ApiProblems(503)
  @Get('ready')
  ready(): Promise<ReadinessReport> {
    return this.health.readiness();
  }
}
