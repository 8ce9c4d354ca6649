import { AppConfig, ConfigValidationError, EXAMPLE_JWT_SECRET } from '@app/config';

const valid = { DATABASE_URL: 'postgres://u@localhost/db', REDIS_URL: 'redis://localhost:6379' };

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    AppConfig.fromEnv(env);
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('AppConfig', () => {
  it('applies documented defaults when only the URLs are set', () => {
    const sut = AppConfig.fromEnv(valid);
    expect(sut.env).toBe('development');
    expect(sut.http.port).toBe(3000);
    expect(sut.http.bodyLimitBytes).toBe(102400);
    expect(sut.http.cookieSecure).toBe(true);
    expect(sut.database.runMigrations).toBe(true);
    expect(sut.jwt.accessTokenTtlSeconds).toBe(900);
    expect(sut.isEmbedded).toBe(false);
    expect(sut.adminSeed).toBeUndefined();
  });

  it('keeps the JWT secret as a KeyObject, never as a string', () => {
    const sut = AppConfig.fromEnv({ ...valid, JWT_SECRET: 'x'.repeat(40) });
    expect(sut.jwt.secret.type).toBe('secret');
    expect(sut.jwt.secret.export().toString()).toBe('x'.repeat(40));
  });

  it('parses lists and booleans', () => {
    const sut = AppConfig.fromEnv({
      ...valid,
      CORS_ORIGINS: 'https://a.example, https://b.example,',
      COOKIE_SECURE: 'false',
    });
    expect(sut.http.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(sut.http.cookieSecure).toBe(false);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://x'],
    ['REDIS_URL', 'http://x'],
    ['JWT_SECRET', 'too-short'],
    ['COOKIE_SECURE', 'maybe'],
    ['LOG_LEVEL', 'loud'],
    ['RUN_MIGRATIONS', 'sometimes'],
    ['BODY_LIMIT_BYTES', '12'],
    ['NODE_ENV', 'staging'],
    ['ADMIN_EMAIL', 'not-an-email'],
  ])('names %s when it is %j', (name, value) => {
    const problems = problemsOf({
      ...valid,
      ADMIN_USERNAME: 'admin',
      ADMIN_EMAIL: 'a@b.co',
      ADMIN_PASSWORD: 'long enough pw',
      [name]: value,
    });
    expect(problems.some((p) => p.startsWith(name))).toBe(true);
  });

  it('refuses the example JWT secret in production', () => {
    const problems = problemsOf({ ...valid, NODE_ENV: 'production', JWT_SECRET: EXAMPLE_JWT_SECRET });
    expect(problems).toEqual([expect.stringMatching(/^JWT_SECRET: the example secret is refused/)]);
  });

  it('accepts production with a real secret and real servers', () => {
    expect(AppConfig.fromEnv({ ...valid, NODE_ENV: 'production', JWT_SECRET: 'p'.repeat(48) }).isProduction).toBe(true);
  });

  it('refuses embedded mode in production unless explicitly allowed', () => {
    const env = { NODE_ENV: 'production', JWT_SECRET: 'p'.repeat(48), REDIS_URL: valid.REDIS_URL };
    expect(problemsOf(env)).toEqual([expect.stringMatching(/^DATABASE_URL: required when NODE_ENV=production/)]);
    expect(AppConfig.fromEnv({ ...env, ALLOW_EMBEDDED_IN_PRODUCTION: 'true' }).isEmbedded).toBe(true);
  });

  it('is embedded when either URL is missing', () => {
    expect(AppConfig.fromEnv({}).isEmbedded).toBe(true);
    expect(AppConfig.fromEnv({ DATABASE_URL: valid.DATABASE_URL }).isEmbedded).toBe(true);
  });

  it('seeds an admin only when all three ADMIN_ variables are set', () => {
    expect(problemsOf({ ...valid, ADMIN_USERNAME: 'root' })).toEqual([expect.stringContaining('set all three')]);
    const sut = AppConfig.fromEnv({
      ...valid,
      ADMIN_USERNAME: 'root',
      ADMIN_EMAIL: 'r@x.io',
      ADMIN_PASSWORD: 'a long password',
    });
    expect(sut.adminSeed).toEqual({ username: 'root', email: 'r@x.io', password: 'a long password' });
  });

  it('treats empty strings as unset and ignores unrelated variables', () => {
    const sut = AppConfig.fromEnv({ DATABASE_URL: '', REDIS_URL: '', HOME: '/root' });
    expect(sut.database.url).toBeUndefined();
    expect(sut.redis.url).toBeUndefined();
  });
});
