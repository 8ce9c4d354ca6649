import { Injectable } from '@nestjs/common';
import type { AccessClaims } from '../access-tokens';

/** Enough for every client active within a token's lifetime on one instance; ~3 MB when full. */
const CAPACITY = 10_000;

/**
 * Access tokens this process has already verified (signature, issuer, audience, expiry, claim shapes), kept
 * until they expire. A client sends the same token on every request for its whole lifetime, and verifying it
 * again through passport-jwt/jsonwebtoken (two base64 decodes and JSON parses of the header, an HMAC) was
 * ~35 µs of every authenticated request (docs/performance.md).
 *
 * Keyed by the whole token string: a hit needs the exact bytes that passed verification, so nothing is
 * trusted that was not verified. Only the token check is skipped: the session is still checked on every
 * request, so logout and revocation bite on the next request as before. Bounded: the oldest entry leaves
 * first when full.
 */
@Injectable()
export class VerifiedAccessTokens {
  private readonly claimsByToken = new Map<string, AccessClaims>();

  /** The claims of a token verified earlier and not yet expired, else undefined. */
  recall(token: string, nowMs = Date.now()): AccessClaims | undefined {
    const claims = this.claimsByToken.get(token);
    if (claims === undefined) return undefined;
    if (claims.exp * 1000 <= nowMs) {
      this.claimsByToken.delete(token); // verification again will say token_expired
      return undefined;
    }
    return claims;
  }

  /** Only with claims that passed full verification. */
  remember(token: string, claims: AccessClaims): void {
    if (this.claimsByToken.size >= CAPACITY) {
      const oldest = this.claimsByToken.keys().next();
      if (!oldest.done) this.claimsByToken.delete(oldest.value);
    }
    this.claimsByToken.set(token, claims);
  }

  get size(): number {
    return this.claimsByToken.size;
  }
}
