import 'reflect-metadata';
import { Lifecycle } from '@app/common';
import { AppConfig, ConfigValidationError } from '@app/config';
import { createApp } from './bootstrap';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = AppConfig.load();
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      process.stderr.write(`${error.message}\nSee .env.example for every variable and its default.\n`);
      process.exit(1);
    }
    throw error;
  }

  const { app, logger } = await createApp(config);
  if (config.isEmbedded) {
    const parts = [!config.database.url && 'PGlite database', !config.redis.url && 'in-process cache'].filter(Boolean);
    logger.warn(
      `embedded mode: single instance only (${parts.join(' + ')}; set DATABASE_URL and REDIS_URL for real servers)`,
    );
  }

  // Our own SIGTERM/SIGINT handling (not enableShutdownHooks, which re-raises the signal): stop accepting,
  // let in-flight requests finish, close Postgres and Redis, then exit 0.
  let closing = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (closing) return;
    closing = true;
    const { shutdownDrainDelayMs, shutdownTimeoutMs } = config.http;
    logger.info({ signal, drain_delay_ms: shutdownDrainDelayMs }, 'shutting down: readiness now 503');
    app.get(Lifecycle).beginShutdown();
    const force = setTimeout(() => {
      logger.error(`shutdown took longer than ${shutdownTimeoutMs} ms; exiting anyway`);
      logger.flush();
      process.exit(1);
    }, shutdownDrainDelayMs + shutdownTimeoutMs).unref();
    // Node only closes the keep-alive connections idle at close(); those finishing a request later would hold
    // the server open until their keep-alive timeout, so keep reaping them while closing.
    const server = app.getHttpServer();
    const reaper = setInterval(() => server.closeIdleConnections(), 100).unref();
    sleep(shutdownDrainDelayMs)
      .then(() => app.close())
      .then(() => {
        clearInterval(reaper);
        clearTimeout(force);
        logger.info('shutdown complete');
        logger.flush(() => process.exit(0));
      })
      .catch((error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        logger.flush(() => process.exit(1));
      });
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);

  await app.listen({ port: config.http.port, host: config.http.host });
  logger.info(`listening on http://${config.http.host}:${config.http.port} (docs at /docs)`);
}

void main().catch((error: unknown) => {
  process.stderr.write(`fatal: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
