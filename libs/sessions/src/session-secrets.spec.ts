import { AppConfig } from '@app/config';
import { randomUUID } from 'node:crypto';
import { SessionSecrets } from './session-secrets';

const secretsWith = (secret: string) => new SessionSecrets(AppConfig.fromEnv({ JWT_SECRET: secret }));

describe('SessionSecrets', () => {
  const sut = secretsWith('s'.repeat(40));
  const sessionId = randomUUID();

  describe('refresh tokens', () => {
    it('round-trips session id and counter, with 256 bits of MAC', () => {
      const token = sut.refreshToken(sessionId, 7);
      expect(sut.parseRefreshToken(token)).toEqual({ sessionId, counter: 7 });
      expect(Buffer.from(token.split('.')[2], 'base64url')).toHaveLength(32);
    });

    it('is deterministic per (session, counter), so the current token can be recomputed', () => {
      expect(sut.refreshToken(sessionId, 3)).toBe(sut.refreshToken(sessionId, 3));
      expect(sut.refreshToken(sessionId, 3)).not.toBe(sut.refreshToken(sessionId, 4));
      expect(sut.refreshToken(sessionId, 3)).not.toBe(sut.refreshToken(randomUUID(), 3));
    });

    it('rejects tampered counters, session ids, MACs and other secrets', () => {
      const [, , mac] = sut.refreshToken(sessionId, 1).split('.');
      expect(sut.parseRefreshToken(`${sessionId}.2.${mac}`)).toBeUndefined();
      expect(sut.parseRefreshToken(`${randomUUID()}.1.${mac}`)).toBeUndefined();
      // Another last character (a fixed 'A' was the MAC's own last character in 1 of 16 runs: a flaky test).
      const tampered = `${mac.slice(0, -1)}${mac.endsWith('A') ? 'E' : 'A'}`;
      expect(tampered).not.toBe(mac);
      expect(sut.parseRefreshToken(`${sessionId}.1.${tampered}`)).toBeUndefined();
      expect(secretsWith('t'.repeat(40)).parseRefreshToken(sut.refreshToken(sessionId, 1))).toBeUndefined();
    });

    it.each([
      undefined,
      null,
      42,
      '',
      'garbage',
      'a.b.c',
      `${'x'.repeat(300)}`,
      'not-a-uuid.1.abc',
      `${randomUUID()}.-1.abc`,
    ])('rejects malformed input %j', (token) => {
      expect(sut.parseRefreshToken(token)).toBeUndefined();
    });
  });

  describe('CSRF tokens', () => {
    it('are random per call and valid only for their session', () => {
      const first = sut.csrfToken(sessionId);
      const second = sut.csrfToken(sessionId);
      expect(first).not.toBe(second);
      expect(sut.isCsrfTokenOf(sessionId, first)).toBe(true);
      expect(sut.isCsrfTokenOf(sessionId, second)).toBe(true);
      expect(sut.isCsrfTokenOf(randomUUID(), first)).toBe(false);
    });

    it('reject tampering and malformed values', () => {
      const [nonce, mac] = sut.csrfToken(sessionId).split('.');
      expect(sut.isCsrfTokenOf(sessionId, `${nonce}x.${mac}`)).toBe(false);
      expect(sut.isCsrfTokenOf(sessionId, nonce)).toBe(false);
      expect(sut.isCsrfTokenOf(sessionId, `${nonce}.${mac}.extra`)).toBe(false);
      expect(sut.isCsrfTokenOf(sessionId, '')).toBe(false);
    });

    it('use a key of their own: a refresh MAC is not a CSRF MAC', () => {
      const [, , refreshMac] = sut.refreshToken(sessionId, 0).split('.');
      expect(sut.isCsrfTokenOf(sessionId, `0.${refreshMac}`)).toBe(false);
    });
  });
});
