import { createSecretKey, KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { EnvironmentVariables, validateEnvironment } from './env.validation';

export interface HttpConfig {
  host: string;
  port: number;
  bodyLimitBytes: number;
  corsOrigins: string[];
  cookieSecure: boolean;
  shutdownTimeoutMs: number;
  shutdownDrainDelayMs: number;
  /** Fastify's trustProxy: false, true, or a list of IPs/CIDRs. */
  trustProxy: boolean | string[];
}
export interface SessionConfig {
  idleTimeoutMs: number;
  absoluteTimeoutMs: number;
  refreshReuseGraceMs: number;
  cacheTtlMs: number;
  lastSeenIntervalMs: number;
  cacheCheckIntervalMs: number;
  cleanupIntervalMs: number;
  retentionMs: number;
}
export interface DatabaseConfig {
  /** undefined: embedded PGlite */
  url?: string;
  embeddedDataDir: string;
  runMigrations: boolean;
}
export interface RedisConfig {
  /** undefined: in-process store */
  url?: string;
  keyPrefix: string;
}
export interface JwtConfig {
  /** A KeyObject, not a string: jsonwebtoken 9 re-parses string secrets on every call (~50x slower verify). */
  secret: KeyObject;
  issuer: string;
  audience: string;
  accessTokenTtlSeconds: number;
}
/** At most `limit` events per `windowMs` (fixed window). */
export interface Rate {
  limit: number;
  windowMs: number;
}
export interface RateLimitConfig {
  loginPerIp: Rate;
  loginFailuresPerAccountIp: Rate;
  loginFailuresPerAccount: Rate;
  registerPerIp: Rate;
  tokenPerIp: Rate;
  refreshPerIp: Rate;
}
export interface AdminSeedConfig {
  username: string;
  email: string;
  password: string;
}

function parseRate(value: string): Rate {
  const [limit, seconds] = value.split('/').map(Number);
  return { limit, windowMs: seconds * 1000 };
}

function parseTrustProxy(value: string): boolean | string[] {
  const v = value.trim();
  if (v === '' || v === 'false') return false;
  if (v === 'true') return true;
  return v
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
}

/**
 * The service's configuration, validated once and read typed, one namespace per concern.
 * Built by `AppConfig.load()` (process.env plus an optional .env file) or `AppConfig.fromEnv()` in tests.
 */
export class AppConfig {
  readonly env: EnvironmentVariables['NODE_ENV'];
  readonly logLevel: EnvironmentVariables['LOG_LEVEL'];
  readonly http: HttpConfig;
  readonly database: DatabaseConfig;
  readonly redis: RedisConfig;
  readonly jwt: JwtConfig;
  readonly sessions: SessionConfig;
  readonly rateLimits: RateLimitConfig;
  /** Set when ADMIN_USERNAME, ADMIN_EMAIL and ADMIN_PASSWORD all are. */
  readonly adminSeed?: AdminSeedConfig;

  private constructor(v: EnvironmentVariables) {
    this.env = v.NODE_ENV;
    this.logLevel = v.LOG_LEVEL;
    this.http = {
      host: v.HOST,
      port: v.PORT,
      bodyLimitBytes: v.BODY_LIMIT_BYTES,
      corsOrigins: v.CORS_ORIGINS.split(',')
        .map((o) => o.trim())
        .filter(Boolean),
      cookieSecure: v.COOKIE_SECURE,
      shutdownTimeoutMs: v.SHUTDOWN_TIMEOUT_MS,
      shutdownDrainDelayMs: v.SHUTDOWN_DRAIN_DELAY_MS,
      trustProxy: parseTrustProxy(v.TRUST_PROXY),
    };
    this.sessions = {
      idleTimeoutMs: v.SESSION_IDLE_TIMEOUT_SECONDS * 1000,
      absoluteTimeoutMs: v.SESSION_ABSOLUTE_TIMEOUT_SECONDS * 1000,
      refreshReuseGraceMs: v.REFRESH_REUSE_GRACE_SECONDS * 1000,
      cacheTtlMs: v.SESSION_CACHE_TTL_SECONDS * 1000,
      lastSeenIntervalMs: v.LAST_SEEN_INTERVAL_SECONDS * 1000,
      cacheCheckIntervalMs: v.SESSION_CACHE_CHECK_INTERVAL_MS,
      cleanupIntervalMs: v.SESSION_CLEANUP_INTERVAL_SECONDS * 1000,
      retentionMs: v.SESSION_RETENTION_DAYS * 24 * 3600 * 1000,
    };
    this.rateLimits = {
      loginPerIp: parseRate(v.RATE_LIMIT_LOGIN_PER_IP),
      loginFailuresPerAccountIp: parseRate(v.RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT_IP),
      loginFailuresPerAccount: parseRate(v.RATE_LIMIT_LOGIN_FAILURES_PER_ACCOUNT),
      registerPerIp: parseRate(v.RATE_LIMIT_REGISTER_PER_IP),
      tokenPerIp: parseRate(v.RATE_LIMIT_TOKEN_PER_IP),
      refreshPerIp: parseRate(v.RATE_LIMIT_REFRESH_PER_IP),
    };
    this.database = { url: v.DATABASE_URL, embeddedDataDir: v.EMBEDDED_DATA_DIR, runMigrations: v.RUN_MIGRATIONS };
    this.redis = { url: v.REDIS_URL, keyPrefix: v.REDIS_KEY_PREFIX };
    this.jwt = {
      secret: createSecretKey(Buffer.from(v.JWT_SECRET, 'utf8')),
      issuer: v.JWT_ISSUER,
      audience: v.JWT_AUDIENCE,
      accessTokenTtlSeconds: v.ACCESS_TOKEN_TTL_SECONDS,
    };
    if (v.ADMIN_USERNAME && v.ADMIN_EMAIL && v.ADMIN_PASSWORD) {
      this.adminSeed = { username: v.ADMIN_USERNAME, email: v.ADMIN_EMAIL, password: v.ADMIN_PASSWORD };
    }
  }

  get isProduction(): boolean {
    return this.env === 'production';
  }

  /** True when either store runs in-process (no DATABASE_URL or no REDIS_URL). */
  get isEmbedded(): boolean {
    return !this.database.url || !this.redis.url;
  }

  /** Validates the given variables; throws ConfigValidationError naming every bad one. */
  static fromEnv(raw: Record<string, string | undefined>): AppConfig {
    return new AppConfig(validateEnvironment(raw));
  }

  /** process.env, after loading `.env` from the working directory when present (real variables win). */
  static load(): AppConfig {
    AppConfig.loadDotEnv();
    return AppConfig.fromEnv(process.env);
  }

  /** Loads `.env` from the working directory into process.env, when present; real variables win. */
  static loadDotEnv(): void {
    const dotenv = resolve(process.cwd(), '.env');
    if (existsSync(dotenv)) process.loadEnvFile(dotenv);
  }
}
