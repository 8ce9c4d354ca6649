/**
 * `npm run openapi`: writes openapi.json from the compiled app (so the Swagger CLI plugin's metadata is in it)
 * without listening or connecting to anything: preview mode builds the module graph but no providers.
 */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { AppConfig } from '@app/config';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { API_PREFIX, API_PREFIX_EXCLUDES, buildOpenApiDocument } from './swagger';

async function main(): Promise<void> {
  const config = AppConfig.fromEnv({ NODE_ENV: 'development' });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(config), new FastifyAdapter(), {
    preview: true,
    logger: false,
  });
  app.setGlobalPrefix(API_PREFIX, { exclude: API_PREFIX_EXCLUDES });
  const document = buildOpenApiDocument(app);
  const target = resolve(process.argv[2] ?? 'openapi.json');
  writeFileSync(target, `${JSON.stringify(document, null, 2)}\n`);
  await app.close();
  process.stdout.write(`wrote ${target} (${Object.keys(document.paths).length} paths)\n`);
}

void main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
