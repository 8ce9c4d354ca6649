import { AppConfig } from '@app/config';
import { testEnv } from '@app/testing';
import type { Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createApp } from '../../src/bootstrap';

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  /** The Node http.Server, for supertest. */
  server: NestFastifyApplication['getHttpServer'] extends () => infer S ? S : never;
  /** Every log line written so far, parsed. */
  logs: Record<string, unknown>[];
  close(): Promise<void>;
}

/**
 * Boots the real app (createApp, as main.ts does) against this worker's PostgreSQL database and Redis prefix.
 * `env` overrides variables; `imports` adds test-only modules (probe routes).
 */
export async function startTestApp(
  options: { env?: Record<string, string | undefined>; imports?: Type[] } = {},
): Promise<TestApp> {
  const config = AppConfig.fromEnv(testEnv({ LOG_LEVEL: 'info', ...options.env }));
  const logs: Record<string, unknown>[] = [];
  const logDestination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) logs.push(JSON.parse(line));
      done();
    },
  });
  const { app } = await createApp(config, { logDestination, imports: options.imports });
  try {
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  } catch (error) {
    await app.close().catch(() => undefined); // don't leave connections keeping Jest alive
    throw error;
  }
  return { app, config, server: app.getHttpServer(), logs, close: () => app.close() };
}

/**
 * The app in embedded mode (no DATABASE_URL, no REDIS_URL): PGlite in a fresh temporary folder, which close()
 * removes. `env` adds variables (e.g. the admin's).
 */
export async function startEmbeddedTestApp(env: Record<string, string | undefined> = {}): Promise<TestApp> {
  const root = mkdtempSync(join(tmpdir(), 'uma-embedded-'));
  const removeRoot = () => rmSync(root, { recursive: true, force: true });
  const sut = await startTestApp({
    env: { ...env, DATABASE_URL: undefined, REDIS_URL: undefined, EMBEDDED_DATA_DIR: join(root, 'pglite') },
  }).catch((error: unknown) => {
    removeRoot();
    throw error;
  });
  return {
    ...sut,
    close: async () => {
      await sut.close();
      removeRoot();
    },
  };
}
