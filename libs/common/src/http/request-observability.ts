import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppLogger } from '../logging/logger';
import type { MetricsService } from '../metrics/metrics.service';

/** An incoming X-Request-Id is kept only when it is short and plain, so it can't inject into logs. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && SAFE_REQUEST_ID.test(value) ? value : randomUUID();
}

/** What the auth guard attaches to an authenticated request as `request.auth`. */
export interface RequestAuthContext {
  userId: string;
  sessionId: string;
  role: string;
  /** how the access token came: Authorization header or cookie (cookie requests need CSRF checks) */
  via: 'bearer' | 'cookie';
  /** when the session ends if left idle (ms epoch) */
  expiresAt: number;
  /** the caller's cached profile JSON, when the session check read one (GET /users/me uses it) */
  cachedProfile?: string;
}

export function requestUserId(request: FastifyRequest): string | undefined {
  return (request as FastifyRequest & { auth?: RequestAuthContext }).auth?.userId;
}

/**
 * One log line and one metrics observation per request, and the X-Request-Id / X-Process-Time-ms headers.
 * These are Fastify hooks rather than a Nest interceptor because an interceptor never sees the requests
 * refused before it runs: unknown routes, unparsable or oversized bodies, and guard rejections.
 * Callback-style (not async) hooks: every request runs them, and a promise per hook showed in the profile.
 */
export function registerRequestObservability(
  fastify: FastifyInstance,
  deps: { logger: AppLogger; metrics: MetricsService },
): void {
  const { logger, metrics } = deps;
  fastify.addHook('onSend', (request, reply, payload, done) => {
    void reply.header('x-request-id', request.id);
    void reply.header('x-process-time-ms', reply.elapsedTime.toFixed(2));
    done(null, payload);
  });

  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const durationMs = reply.elapsedTime;
    metrics.observeRequest(request.method, route, reply.statusCode, durationMs / 1000);
    // The line's object is only built when it will be written (LOG_LEVEL=info or lower).
    if (logger.isLevelEnabled('info')) {
      logger.info(
        {
          method: request.method,
          route,
          path: request.url.split('?')[0],
          status: reply.statusCode,
          duration_ms: Math.round(durationMs * 100) / 100,
          request_id: request.id,
          user_id: requestUserId(request),
        },
        'request',
      );
    }
    done();
  });
}
