import { EXAMPLE_JWT_SECRET } from '@app/config';
import * as jwt from 'jsonwebtoken';

/** The tests' app signs with the example secret and this issuer/audience (testEnv sets no other). */
export const ISSUER = 'user-management-api';

export type AccessClaims = { sub: string; sid: string; role: string };

export function claimsOf(accessToken: string): AccessClaims {
  return jwt.decode(accessToken) as AccessClaims;
}

/** An access token with valid claims for the given session, changed by `overrides`; `omit` drops claims. */
export function forgeAccess(
  base: AccessClaims,
  overrides: Record<string, unknown> = {},
  options: { secret?: string; algorithm?: jwt.Algorithm; omit?: string[] } = {},
): string {
  const now = Math.floor(Date.now() / 1000);
  const payload: Record<string, unknown> = {
    sub: base.sub,
    sid: base.sid,
    role: base.role,
    typ: 'access',
    iss: ISSUER,
    aud: ISSUER,
    iat: now,
    exp: now + 300,
    ...overrides,
  };
  for (const claim of options.omit ?? []) delete payload[claim];
  return jwt.sign(payload, options.secret ?? EXAMPLE_JWT_SECRET, { algorithm: options.algorithm ?? 'HS256' });
}

/** The same claims with `alg: none` and no signature. */
export function unsignedToken(base: AccessClaims): string {
  const now = Math.floor(Date.now() / 1000);
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const payload = { ...base, typ: 'access', iss: ISSUER, aud: ISSUER, iat: now, exp: now + 300 };
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode(payload)}.`;
}

/** A correctly signed, already expired copy of an access token (same session). */
export function expiredCopyOf(accessToken: string): string {
  const now = Math.floor(Date.now() / 1000);
  return forgeAccess(claimsOf(accessToken), { iat: now - 120, exp: now - 60 });
}
