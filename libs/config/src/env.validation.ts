import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';

/** The secret shipped in .env.example: fine on a laptop, refused in production. */
export const EXAMPLE_JWT_SECRET = 'change-me-local-development-secret-0123456789abcdef';

const RATE = /^[1-9]\d{0,6}\/[1-9]\d{0,6}$/;
const RATE_MESSAGE = (name: string) => `${name} must be "count/seconds", e.g. "10/900"`;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const toBoolean = ({ value }: { value: unknown }): unknown => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  return value; // left as a string so that @IsBoolean names the variable
};
const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
const emptyToUndefined = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

/**
 * Every environment variable the service reads, with its default. Validated once at boot:
 * a bad or missing value stops the process with a message naming the variable.
 */
export class EnvironmentVariables {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsString()
  HOST = '0.0.0.0';

  /** postgres://user:pass@host:port/db — unset means embedded PGlite (single instance only). */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;

  /** redis://host:port/db — unset means an in-process store (single instance only). */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^rediss?:\/\/.+/, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  /** Prefix for every Redis key, so that several deployments (or test workers) can share one Redis. */
  @IsString()
  @Matches(/^[A-Za-z0-9_:.-]*$/, { message: 'REDIS_KEY_PREFIX may hold letters, digits and _ : . - only' })
  REDIS_KEY_PREFIX = 'uma:';

  /** Where embedded mode keeps its PGlite data. */
  @IsString()
  EMBEDDED_DATA_DIR = '.data/pglite';

  /** Embedded mode is refused in production unless this is true. */
  @Transform(toBoolean)
  @IsBoolean()
  ALLOW_EMBEDDED_IN_PRODUCTION = false;

  /** HS256 key, at least 32 bytes. */
  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters (256 bits)' })
  JWT_SECRET = EXAMPLE_JWT_SECRET;

  @IsString()
  @MinLength(1)
  JWT_ISSUER = 'user-management-api';

  @IsString()
  @MinLength(1)
  JWT_AUDIENCE = 'user-management-api';

  /** Access token lifetime in seconds. */
  @Transform(toInt)
  @IsInt()
  @Min(30)
  @Max(86400)
  ACCESS_TOKEN_TTL_SECONDS = 900;

  /** Sliding idle lifetime of a session: it ends after this long without a refresh or request. */
  @Transform(toInt)
  @IsInt()
  @Min(60)
  SESSION_IDLE_TIMEOUT_SECONDS = 7 * 24 * 3600;

  /** Absolute lifetime of a session, however active. */
  @Transform(toInt)
  @IsInt()
  @Min(60)
  SESSION_ABSOLUTE_TIMEOUT_SECONDS = 30 * 24 * 3600;

  /** A just-rotated refresh token presented again within this window gets the current pair (parallel tabs). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(10)
  REFRESH_REUSE_GRACE_SECONDS = 5;

  /** Longest time a session may be served from the cache before it is re-read from Postgres. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3600)
  SESSION_CACHE_TTL_SECONDS = 300;

  /**
   * How often each instance checks Redis and applies cache purges recorded while Redis was unreachable.
   * Keep it well under the revocation retry budget (2 s): see docs/sessions.md.
   */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(1500)
  SESSION_CACHE_CHECK_INTERVAL_MS = 1000;

  /** How often expired and long-revoked sessions are deleted (0: never, e.g. when a cron job does it). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  SESSION_CLEANUP_INTERVAL_SECONDS = 3600;

  /** Revoked and expired sessions are kept this long for audit before the cleanup deletes them. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  SESSION_RETENTION_DAYS = 30;

  /** last_seen_at is written at most this often per session. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  LAST_SEEN_INTERVAL_SECONDS = 60;

  /**
   * Proxies whose X-Forwarded-For is believed, as a comma-separated list of IPs/CIDRs (e.g. 10.0.0.0/8), or
   * `true` for any (only behind a proxy that overwrites the header). Empty: the socket address is the client.
   */
  @IsString()
  TRUST_PROXY = '';

  /** Login attempts per client IP (any accounts): "count/seconds". */
  @Matches(RATE, { message: RATE_MESSAGE('RATE_LIMIT_LOGIN_PER_IP') })
  RATE_LIMIT_LOGIN_PER_IP = '100/900';

  /** Failed logins per account from one IP before that IP is refused for that account. */
  @Matches(RATE, { message: RATE_MESSAGE('RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT_IP') })
  RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT_IP = '10/900';

  /** Failed logins per account from all IPs together (distributed guessing) before the account is paused. */
  @Matches(RATE, { message: RATE_MESSAGE('RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT') })
  RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT = '50/900';

  @Matches(RATE, { message: RATE_MESSAGE('RATE_LIMIT_REGISTER_PER_IP') })
  RATE_LIMIT_REGISTER_PER_IP = '20/3600';

  /** Requests to the OAuth2 token endpoint per IP (both grants). */
  @Matches(RATE, { message: RATE_MESSAGE('RATE_LIMIT_TOKEN_PER_IP') })
  RATE_LIMIT_TOKEN_PER_IP = '60/60';

  /** Cookie refreshes per IP. */
  @Matches(RATE, { message: RATE_MESSAGE('RATE_LIMIT_REFRESH_PER_IP') })
  RATE_LIMIT_REFRESH_PER_IP = '60/60';

  /** Secure cookies; turn off only for plain-http local development. */
  @Transform(toBoolean)
  @IsBoolean()
  COOKIE_SECURE = true;

  /** Comma-separated allow-list of browser origins (credentials allowed). Empty: no cross-origin access. */
  @IsString()
  CORS_ORIGINS = '';

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^[A-Za-z0-9_.-]{3,50}$/, { message: 'ADMIN_USERNAME must be 3-50 characters of A-Z a-z 0-9 _ . -' })
  ADMIN_USERNAME?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsEmail({}, { message: 'ADMIN_EMAIL must be an email address' })
  ADMIN_EMAIL?: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(8, { message: 'ADMIN_PASSWORD must be at least 8 characters' })
  @MaxLength(128, { message: 'ADMIN_PASSWORD must be at most 128 characters' })
  ADMIN_PASSWORD?: string;

  @IsIn(LOG_LEVELS, { message: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  /** Run pending migrations on start (under a Postgres advisory lock). */
  @Transform(toBoolean)
  @IsBoolean()
  RUN_MIGRATIONS = true;

  /** Largest accepted request body, in bytes. */
  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(10 * 1024 * 1024)
  BODY_LIMIT_BYTES = 100 * 1024;

  /**
   * On SIGTERM, how long to keep serving (with /health/ready answering 503) before closing the listener, so
   * that a load balancer stops sending new connections first. Set it to the balancer's probe period.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(60000)
  SHUTDOWN_DRAIN_DELAY_MS = 0;

  /** How long SIGTERM waits for in-flight requests before closing anyway. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(120000)
  SHUTDOWN_TIMEOUT_MS = 10000;
}

/** Every variable name the service reads (the optional ones have no default, so they are listed here). */
export const ENV_VARIABLE_NAMES: string[] = [
  ...new Set([
    ...Object.keys(new EnvironmentVariables()),
    'DATABASE_URL',
    'REDIS_URL',
    'ADMIN_USERNAME',
    'ADMIN_EMAIL',
    'ADMIN_PASSWORD',
  ]),
];

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigValidationError';
  }
}

/** Validates process.env (or any record) and returns typed, defaulted values; throws naming each bad variable. */
export function validateEnvironment(raw: Record<string, unknown>): EnvironmentVariables {
  const relevant = Object.fromEntries(
    Object.entries(raw).filter(([key, value]) => ENV_VARIABLE_NAMES.includes(key) && value !== undefined),
  );
  const env = plainToInstance(EnvironmentVariables, relevant, { exposeDefaultValues: true });
  const errors = validateSync(env, { skipMissingProperties: false });
  const problems = errors.flatMap((e) =>
    Object.values(e.constraints ?? {}).map((m) => (m.startsWith(e.property) ? m : `${e.property}: ${m}`)),
  );

  if (env.NODE_ENV === 'production' && env.JWT_SECRET === EXAMPLE_JWT_SECRET) {
    problems.push(
      'JWT_SECRET: the example secret is refused when NODE_ENV=production; set a random value of 32+ bytes',
    );
  }
  const embedded = !env.DATABASE_URL || !env.REDIS_URL;
  if (env.NODE_ENV === 'production' && embedded && !env.ALLOW_EMBEDDED_IN_PRODUCTION) {
    const missing = [!env.DATABASE_URL && 'DATABASE_URL', !env.REDIS_URL && 'REDIS_URL'].filter(Boolean).join(' and ');
    problems.push(
      `${missing}: required when NODE_ENV=production (embedded mode is single-instance only; set ALLOW_EMBEDDED_IN_PRODUCTION=true to accept that)`,
    );
  }
  const admin = [env.ADMIN_USERNAME, env.ADMIN_EMAIL, env.ADMIN_PASSWORD];
  if (admin.some(Boolean) && !admin.every(Boolean)) {
    problems.push('ADMIN_USERNAME, ADMIN_EMAIL, ADMIN_PASSWORD: set all three to seed an admin, or none');
  }
  if (problems.length) throw new ConfigValidationError(problems);
  return env;
}
