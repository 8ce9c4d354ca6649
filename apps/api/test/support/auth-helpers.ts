import { jestWorkerId, newUserInput, NewUserInput } from '@app/testing';
import request, { Response } from 'supertest';
import type { TestApp } from './test-app';

type Server = TestApp['server'];

export const PROBLEM = /^application\/problem\+json/;

/** The admin seeded on start (one per Jest worker, shared by the test files that worker runs). */
export const ADMIN_PASSWORD = 'admin password for tests 1';
export function adminEnv(): Record<string, string> {
  return {
    ADMIN_USERNAME: `admin_w${jestWorkerId()}`,
    ADMIN_EMAIL: `admin_w${jestWorkerId()}@example.test`,
    ADMIN_PASSWORD,
  };
}
export function adminUsername(): string {
  return `admin_w${jestWorkerId()}`;
}

export interface UserBody {
  id: string;
  username: string;
  email: string;
  full_name: string | null;
  role: 'user' | 'admin';
  is_active: boolean;
  created_at: string;
  updated_at: string;
}

export interface SetCookie {
  name: string;
  value: string;
  httpOnly: boolean;
  secure: boolean;
  sameSite?: string;
  path?: string;
  domain?: string;
  maxAge?: number;
  expires?: Date;
}

/** Every Set-Cookie of a response by cookie name (the last one wins when a name repeats). */
export function parseSetCookie(res: Response): Record<string, SetCookie> {
  const raw = res.headers['set-cookie'] as unknown;
  const lines = Array.isArray(raw) ? (raw as string[]) : typeof raw === 'string' ? [raw] : [];
  const cookies: Record<string, SetCookie> = {};
  for (const line of lines) {
    const [pair, ...attributes] = line.split(';').map((part) => part.trim());
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq);
    const cookie: SetCookie = { name, value: decodeURIComponent(pair.slice(eq + 1)), httpOnly: false, secure: false };
    for (const attribute of attributes) {
      const [key, ...rest] = attribute.split('=');
      const value = rest.join('=');
      switch (key.toLowerCase()) {
        case 'httponly':
          cookie.httpOnly = true;
          break;
        case 'secure':
          cookie.secure = true;
          break;
        case 'samesite':
          cookie.sameSite = value;
          break;
        case 'path':
          cookie.path = value;
          break;
        case 'domain':
          cookie.domain = value;
          break;
        case 'max-age':
          cookie.maxAge = Number(value);
          break;
        case 'expires':
          cookie.expires = new Date(value);
          break;
      }
    }
    cookies[name] = cookie;
  }
  return cookies;
}

/** True when a Set-Cookie tells the browser to drop the cookie. */
export function isCleared(cookie: SetCookie | undefined): boolean {
  if (!cookie) return false;
  if (cookie.maxAge !== undefined && cookie.maxAge <= 0) return true;
  return cookie.expires !== undefined && cookie.expires.getTime() <= Date.now();
}

/** A `Cookie` request header from name/value pairs (undefined values are left out). */
export function cookieHeader(values: Record<string, string | undefined>): string {
  return Object.entries(values)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => `${name}=${encodeURIComponent(value)}`)
    .join('; ');
}

/** Registers a new user (factory defaults plus overrides); fails loudly unless 201. */
export async function register(
  server: Server,
  input: Partial<NewUserInput> = {},
): Promise<{ input: NewUserInput; user: UserBody; res: Response }> {
  const body = newUserInput(input);
  const res = await request(server).post('/api/v1/auth/register').send(body);
  if (res.status !== 201) {
    throw new Error(`register ${body.username}: expected 201, got ${res.status} ${JSON.stringify(res.body)}`);
  }
  return { input: body, user: res.body as UserBody, res };
}

export interface CookieSession {
  access_token: string;
  refresh_token: string;
  csrf_token: string;
  /** Every cookie the login set, with its attributes. */
  cookies: Record<string, SetCookie>;
  /** The three cookies as a request `Cookie` header. */
  cookie: string;
  /** `{user, session}` of the login response. */
  user: UserBody;
  session: { id: string; expires_at: string };
  res: Response;
}

/** The cookie session a response (login or refresh) set: tokens, a ready Cookie header and the parsed cookies. */
export function cookieSessionFrom(res: Response): Omit<CookieSession, 'user' | 'session'> {
  const cookies = parseSetCookie(res);
  const access_token = cookies.access_token?.value;
  const refresh_token = cookies.refresh_token?.value;
  const csrf_token = cookies.csrf_token?.value;
  return {
    access_token,
    refresh_token,
    csrf_token,
    cookies,
    cookie: cookieHeader({ access_token, refresh_token, csrf_token }),
    res,
  };
}

/** `POST /auth/login` (JSON); fails loudly unless 200. */
export async function loginWithCookies(server: Server, login: string, password: string): Promise<CookieSession> {
  const res = await request(server).post('/api/v1/auth/login').send({ login, password });
  if (res.status !== 200) {
    throw new Error(`login ${login}: expected 200, got ${res.status} ${JSON.stringify(res.body)}`);
  }
  return { ...cookieSessionFrom(res), user: res.body.user, session: res.body.session };
}

export interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in: number;
  refresh_token: string;
}

/** `POST /auth/token` with the password grant (form-encoded, as OAuth2 clients send it); fails loudly unless 200. */
export async function tokenLogin(server: Server, username: string, password: string): Promise<TokenResponse> {
  const res = await request(server)
    .post('/api/v1/auth/token')
    .type('form')
    .send({ grant_type: 'password', username, password });
  if (res.status !== 200) {
    throw new Error(`token login ${username}: expected 200, got ${res.status} ${JSON.stringify(res.body)}`);
  }
  return res.body as TokenResponse;
}

/** `POST /auth/token` with the refresh_token grant; returns the raw response (errors are part of the contract). */
export function tokenRefresh(server: Server, refreshToken: string): Promise<Response> {
  return request(server)
    .post('/api/v1/auth/token')
    .type('form')
    .send({ grant_type: 'refresh_token', refresh_token: refreshToken })
    .then((res) => res);
}

/** Headers for a bearer-authenticated request: `.set(bearer(token))`. */
export function bearer(token: string): { Authorization: string } {
  return { Authorization: `Bearer ${token}` };
}

/** Registers a user and logs them in through the token endpoint. */
export async function registerAndTokenLogin(
  server: Server,
  input: Partial<NewUserInput> = {},
): Promise<{ input: NewUserInput; user: UserBody; tokens: TokenResponse }> {
  const { input: body, user } = await register(server, input);
  const tokens = await tokenLogin(server, body.username, body.password);
  return { input: body, user, tokens };
}

/** Bearer tokens of the seeded admin. */
export function adminTokenLogin(server: Server): Promise<TokenResponse> {
  return tokenLogin(server, adminUsername(), ADMIN_PASSWORD);
}

/** Every key of a JSON value, at any depth. */
export function deepKeys(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(deepKeys);
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, inner]) => [key, ...deepKeys(inner)]);
  }
  return [];
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/*
 * Failure shapes, compared with one `expect(xOf(res)).toEqual(aX(...))` so that a mismatch shows status, code
 * and content type together.
 */

/** What a problem+json answer is judged by. */
export function problemOf(res: Response): { status: number; code: unknown; content_type: unknown } {
  return {
    status: res.status,
    code: (res.body as { code?: unknown })?.code,
    content_type: res.headers['content-type'],
  };
}
export function aProblem(status: number, code: string): ReturnType<typeof problemOf> {
  return { status, code, content_type: expect.stringMatching(PROBLEM) };
}

/** A guard failure: a 401 problem with a `WWW-Authenticate: Bearer ...` challenge. */
export function authFailureOf(res: Response): ReturnType<typeof problemOf> & { www_authenticate: unknown } {
  return { ...problemOf(res), www_authenticate: res.headers['www-authenticate'] };
}
export function anAuthFailure(code: string): ReturnType<typeof authFailureOf> {
  return { ...aProblem(401, code), www_authenticate: expect.stringMatching(/^Bearer/) };
}

/** An RFC 6749 token endpoint error: 400 JSON (not problem+json) with `error` and `error_description`. */
export function oauthErrorOf(res: Response): {
  status: number;
  error: unknown;
  error_description: unknown;
  content_type: unknown;
} {
  const body = res.body as { error?: unknown; error_description?: unknown };
  return {
    status: res.status,
    error: body?.error,
    error_description: body?.error_description,
    content_type: res.headers['content-type'],
  };
}
export function anOAuthError(error: string): ReturnType<typeof oauthErrorOf> {
  return {
    status: 400,
    error,
    error_description: expect.any(String),
    content_type: expect.stringMatching(/^application\/json/),
  };
}

/** Status and body together, so that an unexpected status shows the body: `expect(statusOf(res)).toEqual(...)`. */
export function statusOf(res: Response): { status: number; body: unknown } {
  return { status: res.status, body: res.body };
}
export function aStatus(status: number): { status: number; body: unknown } {
  return { status, body: expect.anything() };
}

/** The fields named by a 422's `errors`. */
export function fieldsOf(res: Response): string[] {
  return ((res.body.errors ?? []) as { field: string }[]).map((e) => e.field);
}
