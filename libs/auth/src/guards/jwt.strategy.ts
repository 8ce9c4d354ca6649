import { RequestAuthContext } from '@app/common';
import { AppConfig } from '@app/config';
import { SessionsService } from '@app/sessions';
import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-jwt';
import type { AccessClaims } from '../access-tokens';
import { InvalidTokenError } from '../auth.errors';
import { ACCESS_COOKIE } from '../auth-cookies';

type AuthRequest = FastifyRequest & { authVia?: RequestAuthContext['via'] };

/**
 * A request with an Authorization header is authenticated by it alone (cookies ignored, no CSRF needed);
 * otherwise by the access_token cookie. The source is noted on the request for the CSRF check.
 */
export function extractAccessToken(request: AuthRequest): string | null {
  const header = request.headers.authorization;
  if (header !== undefined) {
    request.authVia = 'bearer';
    const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/i.exec(header.trim());
    return match ? match[1] : null;
  }
  const cookie = request.cookies?.[ACCESS_COOKIE];
  if (cookie) {
    request.authVia = 'cookie';
    return cookie;
  }
  return null;
}

/**
 * passport-jwt verifies the signature (HS256 only), issuer, audience and expiry; validate() then insists on
 * `typ: access` and an `exp`, and asks SessionsService whether the session is live (Redis, else Postgres).
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    config: AppConfig,
    private readonly sessions: SessionsService,
  ) {
    super({
      jwtFromRequest: extractAccessToken,
      // A KeyObject, not a string: jsonwebtoken accepts it (the typings lag) and skips re-parsing per verify.
      secretOrKey: config.jwt.secret as unknown as Buffer,
      algorithms: ['HS256'],
      issuer: config.jwt.issuer,
      audience: config.jwt.audience,
      passReqToCallback: true,
    });
  }

  async validate(request: AuthRequest, claims: AccessClaims): Promise<RequestAuthContext> {
    if (
      claims.typ !== 'access' ||
      typeof claims.exp !== 'number' ||
      typeof claims.sid !== 'string' ||
      typeof claims.sub !== 'string'
    ) {
      throw new InvalidTokenError();
    }
    const principal = await this.sessions.authenticate(claims.sid, claims.sub);
    return { ...principal, via: request.authVia ?? 'bearer' };
  }
}
