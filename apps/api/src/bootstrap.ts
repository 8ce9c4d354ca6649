import { existsSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { join, resolve } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import {
  AppLogger,
  createLogger,
  MetricsService,
  frameworkErrorsAsProblems,
  lazyRequestLogger,
  PinoNestLogger,
  registerBodyParsers,
  registerCors,
  registerSecurityHeaders,
  registerRequestObservability,
  requestIdFrom,
} from '@app/common';
import { OAuthTokenError } from '@app/auth';
import { AppConfig } from '@app/config';
import type { Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { LogController } from 'fastify';
import type { DestinationStream } from 'pino';
import { AppModule } from './app.module';
import { API_PREFIX, API_PREFIX_EXCLUDES, setupSwagger } from './swagger';

/** The sample SPA (apps/web), built by `npm run build` into dist/web, served at /app/. */
async function serveWebApp(app: NestFastifyApplication, logger: AppLogger): Promise<void> {
  const root = resolve(process.cwd(), 'dist', 'web');
  if (!existsSync(join(root, 'index.html'))) {
    logger.debug(`no web app at ${root} (npm run build makes it): /app is not served`);
    return;
  }
  await app.register(fastifyStatic, { root, prefix: '/app/', decorateReply: false, index: ['index.html'] });
  app
    .getHttpAdapter()
    .getInstance()
    .get('/app', (_request, reply) => reply.redirect('/app/'));
}

export interface CreateAppOptions {
  /** Where log lines go (tests capture them); stdout, asynchronously, by default. */
  logDestination?: DestinationStream;
  /** Extra modules wired beside AppModule (tests add probe routes this way). */
  imports?: Type[];
}

export interface CreatedApp {
  app: NestFastifyApplication;
  logger: AppLogger;
}

/**
 * Builds the HTTP application exactly as production runs it: main.ts listens on it, e2e tests drive it with
 * supertest. Everything global is configured here or as an APP_* provider, nowhere else.
 */
export async function createApp(config: AppConfig, options: CreateAppOptions = {}): Promise<CreatedApp> {
  const logger = createLogger(config.logLevel, options.logDestination);
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    // Fastify's own per-request lines are off: registerRequestObservability writes one line per request.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.http.bodyLimitBytes,
    requestIdHeader: false,
    genReqId: (request: IncomingMessage) => requestIdFrom(request.headers['x-request-id']),
    return503OnClosing: true,
    frameworkErrors: frameworkErrorsAsProblems,
    trustProxy: config.http.trustProxy,
    forceCloseConnections: 'idle',
  });
  // Before any route exists: each route copies the factory when it is registered.
  adapter.getInstance().setChildLoggerFactory(lazyRequestLogger);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(config, options.imports), adapter, {
    logger: new PinoNestLogger(logger),
    abortOnError: false,
    bodyParser: false, // registerBodyParsers below: strict JSON everywhere, a form on the token endpoint only
  });

  const fastify = app.getHttpAdapter().getInstance();
  registerRequestObservability(fastify, { logger, metrics: app.get(MetricsService) });
  registerBodyParsers(fastify, {
    formRoutes: [`/${API_PREFIX}/auth/token`],
    formRouteRefusal: () => new OAuthTokenError('invalid_request', 'send application/x-www-form-urlencoded (RFC 6749)'),
  });
  await app.register(fastifyCookie);
  registerSecurityHeaders(fastify, {
    documentPaths: ['/docs', '/app'],
    helmet: {
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'", "'unsafe-inline'"], // Swagger UI sets inline styles
          imgSrc: ["'self'", 'data:'],
          frameAncestors: ["'none'"],
          // Only behind HTTPS (Secure cookies): on plain-http local setups it would break every request of a page.
          upgradeInsecureRequests: config.http.cookieSecure ? [] : null,
        },
      },
    },
  });
  // Not app.enableCors(): see registerCors for what it costs on requests without an Origin header.
  await registerCors(fastify, {
    origin: config.http.corsOrigins,
    credentials: true,
    methods: ['GET', 'HEAD', 'POST', 'PATCH', 'PUT', 'DELETE'],
    allowedHeaders: ['content-type', 'authorization', 'x-csrf-token', 'x-request-id'],
    exposedHeaders: ['x-request-id', 'x-process-time-ms', 'retry-after'],
    maxAge: 600,
  });
  app.setGlobalPrefix(API_PREFIX, { exclude: API_PREFIX_EXCLUDES });
  setupSwagger(app);
  await serveWebApp(app, logger);
  return { app, logger };
}
