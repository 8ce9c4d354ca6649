import { AppConfig } from '@app/config';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SessionsRepository } from './sessions.repository';

/**
 * Deletes sessions that ended (revoked or expired) more than SESSION_RETENTION_DAYS ago, every
 * SESSION_CLEANUP_INTERVAL_SECONDS. Each instance runs it; the DELETE is idempotent, so overlaps are harmless.
 */
@Injectable()
export class SessionCleanup implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('SessionCleanup');
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly repo: SessionsRepository,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const every = this.config.sessions.cleanupIntervalMs;
    if (every > 0) this.timer = setInterval(() => void this.runOnce().catch(() => undefined), every).unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async runOnce(): Promise<number> {
    try {
      const deleted = await this.repo.deleteEndedBefore(this.config.sessions.retentionMs);
      if (deleted) this.logger.log(`deleted ${deleted} session(s) ended more than the retention period ago`);
      return deleted;
    } catch (error) {
      this.logger.warn(`session cleanup failed: ${(error as Error).message}`);
      throw error;
    }
  }
}
