import { RequestAuthContext } from '@app/common';
import { AppConfig } from '@app/config';
import { SessionsService } from '@app/sessions';
import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-jwt';
import type { AccessClaims } from '../access-tokens';
import { InvalidTokenError } from '../auth.errors';
import { ACCESS_COOKIE } from '../auth-cookies';
import { VerifiedAccessTokens } from './verified-tokens';

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
 * passport-jwt verifies the signature (HS256 only), issuer, audience and expiry; then the access claims must
 * say `typ: access` and carry an `exp`, and SessionsService must find the session live (Redis, else Postgres).
 * A token that passed is remembered (VerifiedAccessTokens): the guard skips this strategy for it next time.
 *
 * A plain provider, registered in the guard's own passport Authenticator rather than passport's process-wide
 * registry (which @nestjs/passport's PassportStrategy uses): with the global one, a second app in the same
 * process — as in the multi-instance tests — replaces the first app's strategy, and closing it breaks the other.
 */
@Injectable()
export class JwtStrategy extends Strategy {
  constructor(config: AppConfig, sessions: SessionsService, verifiedTokens: VerifiedAccessTokens) {
    super(
      {
        jwtFromRequest: extractAccessToken,
        // A KeyObject, not a string: jsonwebtoken accepts it (the typings lag) and skips re-parsing per verify.
        secretOrKey: config.jwt.secret as unknown as Buffer,
        algorithms: ['HS256'],
        issuer: config.jwt.issuer,
        audience: config.jwt.audience,
        passReqToCallback: true,
      },
      (request: AuthRequest, claims: AccessClaims, done: (error: unknown, user?: RequestAuthContext) => void) => {
        try {
          assertAccessClaims(claims);
        } catch (error) {
          done(error);
          return;
        }
        const token = extractAccessToken(request);
        if (token) verifiedTokens.remember(token, claims);
        sessions.authenticate(claims.sid, claims.sub).then(
          (principal) => done(null, { ...principal, via: request.authVia ?? 'bearer' }),
          (error: unknown) => done(error),
        );
      },
    );
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);

/** What jsonwebtoken does not check: the claims an access token of ours must carry. */
function assertAccessClaims(claims: AccessClaims): void {
  if (claims.typ !== 'access' || typeof claims.exp !== 'number' || !isUuid(claims.sid) || !isUuid(claims.sub)) {
    throw new InvalidTokenError();
  }
}
