import { AppConfig } from '@app/config';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SessionCache } from './session-cache';
import { SessionsRepository } from './sessions.repository';

/**
 * Decides, on each instance, whether the session cache may be believed. Every tick (1 s by default) it pings
 * Redis and applies the purges other requests recorded in Postgres while Redis was unreachable; only when both
 * succeed, with no Redis failure in between, is the cache trusted again. See docs/sessions.md.
 */
@Injectable()
export class SessionCacheMonitor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('SessionCache');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private wasTrusted = true;

  constructor(
    private readonly cache: SessionCache,
    private readonly repo: SessionsRepository,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.cache.shared) {
      // The in-process store cannot fail or be stale: nothing to watch.
      this.cache.endCheck(this.cache.beginCheck());
      return;
    }
    await this.tick();
    this.timer = setInterval(() => void this.tick(), this.config.sessions.cacheCheckIntervalMs).unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One check; concurrent calls share the one in flight. */
  tick(): Promise<void> {
    this.running ??= this.check().finally(() => (this.running = undefined));
    return this.running;
  }

  private async check(): Promise<void> {
    const check = this.cache.beginCheck();
    try {
      await this.cache.ping();
      for (
        let purges = await this.repo.pendingCachePurges();
        purges.length;
        purges = await this.repo.pendingCachePurges()
      ) {
        for (const purge of purges) {
          if (purge.sessionIds.length) await this.cache.markRevoked(purge.sessionIds);
          if (purge.userId) await this.cache.invalidateUser(purge.userId);
        }
        await this.repo.deleteCachePurges(purges.map((p) => p.id));
        this.logger.log(`applied ${purges.length} cache purge(s) recorded while Redis was unavailable`);
      }
      this.cache.endCheck(check);
    } catch (error) {
      if (this.wasTrusted) this.logger.warn(`session cache not trusted: ${(error as Error).message}`);
    }
    if (this.cache.trusted && !this.wasTrusted) this.logger.log('session cache trusted again');
    this.wasTrusted = this.cache.trusted;
  }
}
