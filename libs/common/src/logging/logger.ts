import type { LoggerService } from '@nestjs/common';
import type { FastifyBaseLogger } from 'fastify';
import pino, { Bindings, ChildLoggerOptions, DestinationStream, Logger as PinoLogger } from 'pino';

/**
 * Paths redacted from every log line, wherever they appear: credentials in headers, bodies and errors
 * (TypeORM's QueryFailedError carries the query parameters, which may include a password hash).
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'password',
  'token',
  '*.password',
  '*.current_password',
  '*.new_password',
  '*.password_hash',
  '*.passwordHash',
  '*.token',
  '*.access_token',
  '*.refresh_token',
  '*.accessToken',
  '*.refreshToken',
  '*.refresh_token_hash',
  '*.refreshTokenHash',
  '*.parameters',
  '*.*.parameters',
];

export type AppLogger = PinoLogger;

/**
 * JSON lines on stdout. Asynchronous by default so that logging never blocks the event loop on the hot path;
 * `flushLogger` drains it on shutdown.
 */
export function createLogger(level: string, destination?: DestinationStream): AppLogger {
  return pino(
    {
      level,
      base: { service: 'user-management-api' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
    },
    destination ?? pino.destination({ dest: 1, sync: false, minLength: 0 }),
  );
}

type LogMethod = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * Fastify gives every request `request.log`, a pino child bound to its request id. Building one serialises
 * the bindings through the redaction (several µs per request in the profile, docs/performance.md) and a
 * normal request never logs through it: our request line carries request_id itself. This stands in for the
 * child and builds it the first time something logs through it, e.g. Fastify reporting a framework error.
 */
class LazyChildLogger {
  private built?: AppLogger;

  constructor(
    private readonly parent: AppLogger,
    private readonly bindings: Bindings,
  ) {}

  get level(): string {
    return this.parent.level;
  }

  fatal(...args: unknown[]): void {
    this.write('fatal', args);
  }
  error(...args: unknown[]): void {
    this.write('error', args);
  }
  warn(...args: unknown[]): void {
    this.write('warn', args);
  }
  info(...args: unknown[]): void {
    this.write('info', args);
  }
  debug(...args: unknown[]): void {
    this.write('debug', args);
  }
  trace(...args: unknown[]): void {
    this.write('trace', args);
  }
  silent(): void {}

  child(bindings: Bindings, options?: ChildLoggerOptions): AppLogger {
    return this.logger().child(bindings, options);
  }

  private write(level: LogMethod, args: unknown[]): void {
    if (!this.parent.isLevelEnabled(level)) return;
    const logger = this.logger();
    Reflect.apply(logger[level], logger, args);
  }

  private logger(): AppLogger {
    return (this.built ??= this.parent.child(this.bindings));
  }
}

/** For Fastify's setChildLoggerFactory: `request.log` built on first use (see LazyChildLogger). */
export function lazyRequestLogger(
  fastifyLogger: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildLoggerOptions,
): FastifyBaseLogger {
  const logger = fastifyLogger as AppLogger; // the pino instance createApp gave Fastify
  // A route with its own level or serializers needs a real child now.
  if (options.level !== undefined || options.serializers !== undefined) return logger.child(bindings, options);
  return new LazyChildLogger(logger, bindings);
}

/** Routes Nest's own logging (bootstrap, Logger instances) into the same pino stream. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: AppLogger) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  private write(level: pino.Level, message: unknown, rest: unknown[]): void {
    // Nest passes the context (a class name) last; an error's stack, when present, just before it.
    const context = typeof rest.at(-1) === 'string' ? (rest.at(-1) as string) : undefined;
    if (typeof message === 'object' && message !== null && !(message instanceof Error)) {
      // logger.error({ err, request_id }, 'what happened') — fields first, message after, as in pino.
      const text = rest.length > 1 && typeof rest[0] === 'string' ? rest[0] : '';
      this.logger[level]({ context, ...message }, text);
      return;
    }
    if (message instanceof Error) {
      this.logger[level]({ context, err: message }, message.message);
      return;
    }
    const stack = level === 'error' && rest.length > 1 && typeof rest[0] === 'string' ? rest[0] : undefined;
    this.logger[level]({ context, ...(stack ? { stack } : {}) }, String(message));
  }
}
