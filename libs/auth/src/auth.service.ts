import { RequestAuthContext } from '@app/common';
import { AppConfig } from '@app/config';
import { ClientInfo, effectiveExpiry, IssuedSession, SessionRevokedError, SessionsService } from '@app/sessions';
import { InvalidRefreshTokenError } from '@app/sessions';
import { RegisterUserDto, UserEntity, UsersService } from '@app/users';
import { Injectable, Logger } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AccessTokens } from './access-tokens';
import { AuthRateLimits } from './auth-rate-limits';
import { InvalidCredentialsError, OAuthTokenError } from './auth.errors';
import { ACCESS_COOKIE, REFRESH_COOKIE } from './auth-cookies';
import { TokenResponseDto } from './dto/token.dto';
import { assertCsrf } from './guards/csrf';

/** Everything a client needs after login or refresh; the controller decides what goes in cookies or the body. */
export interface AuthTokens {
  user?: UserEntity;
  session: IssuedSession['session'];
  accessToken: string;
  refreshToken: string;
  csrfToken: string;
}

@Injectable()
export class AuthService {
  private readonly audit = new Logger('Audit');
  private readonly allowedOrigins: string[];

  constructor(
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly accessTokens: AccessTokens,
    private readonly limits: AuthRateLimits,
    config: AppConfig,
  ) {
    this.allowedOrigins = config.http.corsOrigins;
  }

  get accessTtlSeconds(): number {
    return this.accessTokens.ttlSeconds;
  }

  async register(dto: RegisterUserDto, client: ClientInfo): Promise<UserEntity> {
    await this.limits.register(ipOf(client));
    return this.users.register(dto);
  }

  async login(login: string, password: string, client: ClientInfo): Promise<AuthTokens & { user: UserEntity }> {
    const ip = ipOf(client);
    await this.limits.beforeLogin(login, ip);
    const user = await this.users.verifyCredentials(login, password);
    if (!user) {
      await this.limits.loginFailed(login, ip);
      this.audit.warn({ event: 'login_failed', login: login.slice(0, 254), ip: client.ip }, 'login failed');
      throw new InvalidCredentialsError();
    }
    const [, issued] = await Promise.all([this.limits.loginSucceeded(login, ip), this.sessions.create(user, client)]);
    this.audit.log({ event: 'login', user_id: user.id, session_id: issued.session.id, ip: client.ip }, 'login');
    return { user, ...this.tokensFor(user.id, issued) };
  }

  /** POST /auth/token: the OAuth2 password and refresh_token grants, with RFC 6749 errors. */
  async token(form: Record<string, unknown> | undefined, client: ClientInfo): Promise<TokenResponseDto> {
    await this.limits.token(ipOf(client));
    const field = (name: string): string | undefined => {
      const value = form?.[name];
      if (typeof value !== 'string' || value.length === 0) return undefined;
      if (value.includes('\u0000') || !value.isWellFormed() || value.length > 1024) {
        throw new OAuthTokenError('invalid_request', `${name} is malformed`);
      }
      return value;
    };
    const grant = field('grant_type');
    let tokens: AuthTokens;
    if (grant === 'password') {
      const username = field('username');
      const password = field('password');
      if (!username || !password) throw new OAuthTokenError('invalid_request', 'username and password are required');
      try {
        tokens = await this.login(username, password, client);
      } catch (error) {
        if (error instanceof InvalidCredentialsError)
          throw new OAuthTokenError('invalid_grant', 'invalid username or password');
        throw error;
      }
    } else if (grant === 'refresh_token') {
      const refreshToken = field('refresh_token');
      if (!refreshToken) throw new OAuthTokenError('invalid_request', 'refresh_token is required');
      tokens = await this.refreshOrOAuthError(refreshToken);
    } else if (!grant) {
      throw new OAuthTokenError('invalid_request', 'grant_type is required');
    } else {
      throw new OAuthTokenError('unsupported_grant_type', 'grant_type must be password or refresh_token');
    }
    return {
      access_token: tokens.accessToken,
      token_type: 'bearer',
      expires_in: this.accessTokens.ttlSeconds,
      refresh_token: tokens.refreshToken,
    };
  }

  private async refreshOrOAuthError(refreshToken: string): Promise<AuthTokens> {
    try {
      return await this.refresh(refreshToken);
    } catch (error) {
      if (error instanceof SessionRevokedError || error instanceof InvalidRefreshTokenError) {
        throw new OAuthTokenError('invalid_grant', 'the refresh token is invalid, expired or already used');
      }
      throw error;
    }
  }

  /** POST /auth/refresh: cookie-authenticated, so it carries the CSRF check of the session it refreshes. */
  async refreshFromCookies(request: FastifyRequest): Promise<AuthTokens> {
    await this.limits.refresh(request.ip);
    const presented = request.cookies?.[REFRESH_COOKIE];
    const sessionId = this.sessions.sessionIdOfRefreshToken(presented);
    if (!sessionId) throw new InvalidRefreshTokenError();
    assertCsrf(request, sessionId, this.allowedOrigins, (sid, token) => this.sessions.isCsrfTokenOf(sid, token));
    return this.refresh(presented);
  }

  private async refresh(refreshToken: unknown): Promise<AuthTokens> {
    const issued = await this.sessions.refresh(refreshToken);
    return this.tokensFor(issued.session.userId, issued);
  }

  /**
   * Ends the caller's session; idempotent. A bearer header names the session (no CSRF: not a browser
   * credential). Otherwise the cookies do — access token (even expired) or refresh token — and the request must
   * pass the CSRF check, so another site can't log the user out. Without any credential there is nothing to do.
   */
  async logout(request: FastifyRequest): Promise<void> {
    const header = request.headers.authorization;
    if (header !== undefined) {
      const token = /^Bearer (.+)$/i.exec(header.trim())?.[1];
      const claims = token ? this.accessTokens.verifyIgnoringExpiry(token) : undefined;
      if (claims) await this.sessions.revoke(claims.sid, 'logout');
      return;
    }
    const access = request.cookies?.[ACCESS_COOKIE];
    const sessionId =
      (access ? this.accessTokens.verifyIgnoringExpiry(access)?.sid : undefined) ??
      this.sessions.sessionIdOfRefreshToken(request.cookies?.[REFRESH_COOKIE]);
    if (!sessionId) return;
    assertCsrf(request, sessionId, this.allowedOrigins, (sid, token) => this.sessions.isCsrfTokenOf(sid, token));
    await this.sessions.revoke(sessionId, 'logout');
  }

  changePassword(actor: RequestAuthContext, currentPassword: string, newPassword: string): Promise<void> {
    return this.users.changePassword(actor, currentPassword, newPassword);
  }

  private tokensFor(userId: string, issued: IssuedSession): AuthTokens {
    return {
      session: issued.session,
      accessToken: this.accessTokens.sign({ userId, sessionId: issued.session.id, role: issued.role }),
      refreshToken: issued.refreshToken,
      csrfToken: this.sessions.csrfTokenFor(issued.session.id),
    };
  }
}

const ipOf = (client: ClientInfo): string => client.ip ?? 'unknown';

export function sessionSummary(session: IssuedSession['session']): { id: string; expires_at: Date } {
  return { id: session.id, expires_at: effectiveExpiry(session) };
}
