import { AppError, Lifecycle } from '@app/common';
import { KeyValueStore } from '@app/redis';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface CheckResult {
  status: 'up' | 'down';
  latency_ms: number;
  error?: string;
}
export interface ReadinessReport {
  status: 'ok';
  checks: { database: CheckResult; redis: CheckResult };
}

export class NotReadyError extends AppError {
  readonly status = 503;
  readonly code = 'not_ready';
  readonly title = 'Service not ready';
  override readonly headers = { 'retry-after': '5' };

  constructor(
    detail: string,
    override readonly extensions: { checks: ReadinessReport['checks'] },
  ) {
    super(detail);
  }
}

/** A check that hangs counts as down after this long: a probe must answer promptly. */
const CHECK_TIMEOUT_MS = 1500;

@Injectable()
export class HealthService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: KeyValueStore,
    private readonly lifecycle: Lifecycle,
  ) {}

  async readiness(): Promise<ReadinessReport> {
    const [database, redis] = await Promise.all([
      check(() => this.dataSource.query('SELECT 1')),
      check(() => this.store.ping()),
    ]);
    const checks = { database, redis };
    const down = Object.entries(checks)
      .filter(([, result]) => result.status === 'down')
      .map(([name]) => name);
    if (down.length) throw new NotReadyError(`Unavailable: ${down.join(', ')}.`, { checks });
    if (this.lifecycle.shuttingDown) throw new NotReadyError('Shutting down.', { checks });
    return { status: 'ok', checks };
  }
}

async function check(probe: () => Promise<unknown>): Promise<CheckResult> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      }),
    ]);
    return { status: 'up', latency_ms: elapsed(started) };
  } catch (error) {
    // The message of a connection error names host and port, not credentials; enough for an operator.
    return { status: 'down', latency_ms: elapsed(started), error: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

const elapsed = (since: number): number => Math.round((performance.now() - since) * 100) / 100;
