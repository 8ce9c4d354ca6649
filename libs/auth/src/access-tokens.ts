import { AppConfig } from '@app/config';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';

export interface AccessClaims {
  sub: string;
  sid: string;
  role: string;
  typ: 'access';
  iss: string;
  aud: string;
  iat: number;
  exp: number;
}

/** Issues access tokens: HS256 under a KeyObject secret, with sub, sid, role, typ, iss, aud, exp. */
@Injectable()
export class AccessTokens {
  readonly ttlSeconds: number;

  constructor(
    private readonly jwt: JwtService,
    config: AppConfig,
  ) {
    this.ttlSeconds = config.jwt.accessTokenTtlSeconds;
  }

  sign(claims: { userId: string; sessionId: string; role: string }): string {
    return this.jwt.sign({ sub: claims.userId, sid: claims.sessionId, role: claims.role, typ: 'access' });
  }

  /** Verified claims of a token whose only fault may be its age (logout accepts expired tokens), or undefined. */
  verifyIgnoringExpiry(token: string): AccessClaims | undefined {
    try {
      const claims = this.jwt.verify<AccessClaims>(token, { ignoreExpiration: true });
      return claims.typ === 'access' && typeof claims.sid === 'string' ? claims : undefined;
    } catch {
      return undefined;
    }
  }
}
