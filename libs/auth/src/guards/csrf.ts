import type { FastifyRequest } from 'fastify';
import { CsrfFailedError } from '../auth.errors';
import { CSRF_COOKIE, CSRF_HEADER } from '../auth-cookies';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isUnsafeMethod(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

/**
 * The browser-side defences for a cookie-authenticated unsafe request (OWASP CSRF cheat sheet):
 * 1. the request must not come from another site: `Origin` must be this server's own origin or an allow-listed
 *    one, and `Sec-Fetch-Site: cross-site` is refused unless the Origin is allow-listed;
 * 2. `X-CSRF-Token` must equal the `csrf_token` cookie (double submit) and be signed for this very session
 *    (so a token planted from another session doesn't pass).
 */
export function assertCsrf(
  request: FastifyRequest,
  sessionId: string,
  allowedOrigins: string[],
  isTokenOfSession: (sessionId: string, token: string) => boolean,
): void {
  const origin = request.headers.origin;
  const originAllowed = origin === undefined || origin === ownOrigin(request) || allowedOrigins.includes(origin);
  if (!originAllowed) throw new CsrfFailedError('Cross-site request refused.');
  if (request.headers['sec-fetch-site'] === 'cross-site' && !(origin && allowedOrigins.includes(origin))) {
    throw new CsrfFailedError('Cross-site request refused.');
  }

  const header = request.headers[CSRF_HEADER];
  const cookie = request.cookies?.[CSRF_COOKIE];
  if (typeof header !== 'string' || !cookie || header !== cookie || !isTokenOfSession(sessionId, header)) {
    throw new CsrfFailedError();
  }
}

function ownOrigin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}
