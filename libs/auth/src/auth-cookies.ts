import { AppConfig } from '@app/config';
import { Injectable } from '@nestjs/common';
import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyReply } from 'fastify';

export const ACCESS_COOKIE = 'access_token';
export const REFRESH_COOKIE = 'refresh_token';
export const CSRF_COOKIE = 'csrf_token';
export const CSRF_HEADER = 'x-csrf-token';
/** The refresh token is only ever sent to the auth routes. */
export const REFRESH_COOKIE_PATH = '/api/v1/auth';

/** The three cookies of browser sessions, with the attributes DESIGN.md §3 fixes. */
@Injectable()
export class AuthCookies {
  private readonly secure: boolean;

  constructor(config: AppConfig) {
    this.secure = config.http.cookieSecure;
  }

  set(
    reply: FastifyReply,
    tokens: {
      accessToken: string;
      accessTtlSeconds: number;
      refreshToken: string;
      csrfToken: string;
      sessionExpiresAt: Date;
    },
  ): void {
    const sessionSeconds = Math.max(0, Math.floor((tokens.sessionExpiresAt.getTime() - Date.now()) / 1000));
    void reply.setCookie(ACCESS_COOKIE, tokens.accessToken, this.options('lax', '/', true, tokens.accessTtlSeconds));
    void reply.setCookie(
      REFRESH_COOKIE,
      tokens.refreshToken,
      this.options('strict', REFRESH_COOKIE_PATH, true, sessionSeconds),
    );
    // Readable by the page's script, which copies it into the X-CSRF-Token header.
    void reply.setCookie(CSRF_COOKIE, tokens.csrfToken, this.options('lax', '/', false, sessionSeconds));
  }

  clear(reply: FastifyReply): void {
    void reply.clearCookie(ACCESS_COOKIE, this.options('lax', '/', true, 0));
    void reply.clearCookie(REFRESH_COOKIE, this.options('strict', REFRESH_COOKIE_PATH, true, 0));
    void reply.clearCookie(CSRF_COOKIE, this.options('lax', '/', false, 0));
  }

  private options(sameSite: 'lax' | 'strict', path: string, httpOnly: boolean, maxAge: number): CookieSerializeOptions {
    return { sameSite, path, httpOnly, secure: this.secure, maxAge };
  }
}
