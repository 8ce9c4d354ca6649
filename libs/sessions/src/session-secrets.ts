import { AppConfig } from '@app/config';
import { Injectable } from '@nestjs/common';
import { createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface ParsedRefreshToken {
  sessionId: string;
  counter: number;
}

export const sha256Hex = (value: string): string => createHash('sha256').update(value).digest('hex');

/**
 * Refresh tokens and CSRF tokens, both bound to a session by an HMAC under keys derived (HKDF) from the JWT
 * secret, one key per purpose.
 *
 * A refresh token is `<session id>.<rotation counter>.<HMAC(session id, counter)>`: 256 bits of MAC the client
 * cannot forge, stored only as a SHA-256 hash, and recomputable by the server for the current counter — so a
 * just-rotated token presented again in the grace window can be answered with the current pair without keeping
 * any token (as GoTrue's v2 refresh tokens do). A token with a bad MAC is rejected without touching its session,
 * so knowing a session id is not enough to trigger reuse detection against someone else.
 *
 * A CSRF token is `<random nonce>.<HMAC(session id, nonce)>` (OWASP's signed double-submit cookie).
 */
@Injectable()
export class SessionSecrets {
  private readonly refreshKey: Buffer;
  private readonly csrfKey: Buffer;

  constructor(config: AppConfig) {
    const master = config.jwt.secret.export();
    this.refreshKey = Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'uma refresh-token v1', 32));
    this.csrfKey = Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'uma csrf-token v1', 32));
  }

  refreshToken(sessionId: string, counter: number): string {
    return `${sessionId}.${counter}.${this.mac(this.refreshKey, `${sessionId}.${counter}`)}`;
  }

  /** Undefined for anything that is not a refresh token this server issued. */
  parseRefreshToken(token: unknown): ParsedRefreshToken | undefined {
    if (typeof token !== 'string' || token.length > 200) return undefined;
    const [sessionId, counterText, mac, extra] = token.split('.');
    if (extra !== undefined || !sessionId || !UUID.test(sessionId) || !/^\d{1,9}$/.test(counterText ?? '')) {
      return undefined;
    }
    const counter = Number(counterText);
    return safeEqual(mac ?? '', this.mac(this.refreshKey, `${sessionId}.${counter}`))
      ? { sessionId, counter }
      : undefined;
  }

  csrfToken(sessionId: string): string {
    const nonce = randomBytes(16).toString('base64url');
    return `${nonce}.${this.mac(this.csrfKey, `${sessionId}.${nonce}`)}`;
  }

  isCsrfTokenOf(sessionId: string, token: string): boolean {
    const [nonce, mac, extra] = token.split('.');
    if (!nonce || !mac || extra !== undefined) return false;
    return safeEqual(mac, this.mac(this.csrfKey, `${sessionId}.${nonce}`));
  }

  private mac(key: Buffer, data: string): string {
    return createHmac('sha256', key).update(data).digest('base64url');
  }
}

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
