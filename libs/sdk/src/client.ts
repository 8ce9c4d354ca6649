import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './schema';

export type { components, operations, paths } from './schema';

/**
 * How the client authenticates:
 * - `bearer` (scripts, servers, mobile): tokens from the OAuth2 token endpoint, kept in memory by this client;
 * - `cookie` (browsers): HttpOnly cookies set by /auth/login, `credentials: 'include'`, and the CSRF header
 *   copied from the readable `csrf_token` cookie on every unsafe request.
 */
export type AuthMode = 'bearer' | 'cookie';

export interface UmaClientOptions {
  /** Origin of the API, e.g. "https://api.example.com" (no /api/v1). In a page served by the API: "". */
  baseUrl: string;
  mode: AuthMode;
  /** Defaults to globalThis.fetch. */
  fetch?: (request: Request) => Promise<Response>;
  /** Cookie mode: reads a cookie of the page (defaults to document.cookie). */
  readCookie?: (name: string) => string | undefined;
  /** Called when a refresh fails: the session is over and the user must log in again. */
  onSessionEnded?: () => void;
}

export interface UmaClient {
  /** The generated, fully typed client: `api.GET('/api/v1/todos', { params: { query: { limit: 20 } } })`. */
  api: Client<paths>;
  /** Logs in: token endpoint (bearer) or /auth/login (cookie). Throws on bad credentials. */
  login(login: string, password: string): Promise<void>;
  /** Refreshes now; concurrent callers share one refresh. Resolves false when the session is over. */
  refresh(): Promise<boolean>;
  /** Ends the session (idempotent) and forgets the tokens. */
  logout(): Promise<void>;
  /** Bearer mode: the current tokens (e.g. to persist them). */
  readonly tokens: { accessToken?: string; refreshToken?: string };
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The typed API client with the one thing generation can't do: transparent refresh. A request answered
 * `401 token_expired` triggers one refresh — shared by every request that fails meanwhile — and is retried
 * once with the new credentials. Any other 401 is returned as is.
 */
export function createUmaClient(options: UmaClientOptions): UmaClient {
  const baseFetch = options.fetch ?? ((input: Request) => globalThis.fetch(input));
  const readCookie = options.readCookie ?? browserCookie;
  const tokens: { accessToken?: string; refreshToken?: string } = {};
  let refreshing: Promise<boolean> | undefined;

  const authorize = (request: Request): Request => {
    const headers = new Headers(request.headers);
    if (options.mode === 'bearer' && tokens.accessToken) headers.set('authorization', `Bearer ${tokens.accessToken}`);
    if (options.mode === 'cookie' && UNSAFE.has(request.method)) {
      const csrf = readCookie('csrf_token');
      if (csrf) headers.set('x-csrf-token', csrf);
    }
    return new Request(request, { headers, credentials: options.mode === 'cookie' ? 'include' : 'same-origin' });
  };

  const url = (path: string): string => `${options.baseUrl}${path}`;

  const doRefresh = async (): Promise<boolean> => {
    let response: Response;
    if (options.mode === 'bearer') {
      if (!tokens.refreshToken) return false;
      response = await baseFetch(
        new Request(url('/api/v1/auth/token'), {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refreshToken }).toString(),
        }),
      );
      if (response.ok) {
        const body = (await response.json()) as { access_token: string; refresh_token: string };
        tokens.accessToken = body.access_token;
        tokens.refreshToken = body.refresh_token;
      }
    } else {
      response = await baseFetch(authorize(new Request(url('/api/v1/auth/refresh'), { method: 'POST' })));
    }
    if (!response.ok) {
      tokens.accessToken = tokens.refreshToken = undefined;
      options.onSessionEnded?.();
    }
    return response.ok;
  };

  const refresh = (): Promise<boolean> => {
    refreshing ??= doRefresh().finally(() => (refreshing = undefined));
    return refreshing;
  };

  /**
   * Worth a refresh: an expired access token — or, in cookie mode, no access token at all while the page still
   * has the session's CSRF cookie (the browser drops the short-lived access cookie when its max-age ends, but
   * the session, and its refresh cookie, may live on).
   */
  const refreshable = async (response: Response): Promise<boolean> => {
    if (response.status !== 401) return false;
    const code = await problemCode(response.clone());
    return (
      code === 'token_expired' ||
      (options.mode === 'cookie' && code === 'unauthenticated' && !!readCookie('csrf_token'))
    );
  };

  const fetchWithRefresh = async (input: Request): Promise<Response> => {
    const retry = input.clone();
    const response = await baseFetch(authorize(input));
    if (!(await refreshable(response))) return response;
    return (await refresh()) ? baseFetch(authorize(retry)) : response;
  };

  const api = createClient<paths>({ baseUrl: options.baseUrl, fetch: fetchWithRefresh });

  return {
    api,
    tokens,
    refresh,
    async login(login, password) {
      if (options.mode === 'bearer') {
        const { data, error } = await api.POST('/api/v1/auth/token', {
          body: { grant_type: 'password', username: login, password },
          bodySerializer: (body) => new URLSearchParams(body as Record<string, string>).toString(),
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        });
        if (!data) throw new Error(`login failed: ${JSON.stringify(error)}`);
        tokens.accessToken = data.access_token;
        tokens.refreshToken = data.refresh_token;
      } else {
        const { data, error } = await api.POST('/api/v1/auth/login', { body: { login, password } });
        if (!data) throw new Error(`login failed: ${JSON.stringify(error)}`);
      }
    },
    async logout() {
      await api.POST('/api/v1/auth/logout');
      tokens.accessToken = tokens.refreshToken = undefined;
    },
  };
}

async function problemCode(response: Response): Promise<string | undefined> {
  try {
    return ((await response.json()) as { code?: string }).code;
  } catch {
    return undefined;
  }
}

function browserCookie(name: string): string | undefined {
  const cookies = (globalThis as { document?: { cookie: string } }).document?.cookie ?? '';
  const found = cookies.split('; ').find((c) => c.startsWith(`${name}=`));
  return found ? decodeURIComponent(found.slice(name.length + 1)) : undefined;
}
