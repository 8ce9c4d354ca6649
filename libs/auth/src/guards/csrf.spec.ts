import type { FastifyRequest } from 'fastify';
import { CsrfFailedError } from '../auth.errors';
import { assertCsrf, isUnsafeMethod } from './csrf';

const SESSION = 'session-1';
const TOKEN = 'nonce.mac';
const validFor = (sid: string, token: string) => sid === SESSION && token === TOKEN;

function requestWith(headers: Record<string, string>, cookie?: string): FastifyRequest {
  return {
    headers,
    cookies: cookie === undefined ? {} : { csrf_token: cookie },
    protocol: 'https',
    host: 'api.example',
  } as unknown as FastifyRequest;
}

const check =
  (request: FastifyRequest, allowed: string[] = []) =>
  () =>
    assertCsrf(request, SESSION, allowed, validFor);

describe('assertCsrf', () => {
  it('passes a same-origin request whose header equals the cookie and is signed for the session', () => {
    expect(check(requestWith({ 'x-csrf-token': TOKEN, origin: 'https://api.example' }, TOKEN))).not.toThrow();
    expect(check(requestWith({ 'x-csrf-token': TOKEN }, TOKEN))).not.toThrow();
  });

  it.each([
    ['no header', requestWith({}, TOKEN)],
    ['no cookie', requestWith({ 'x-csrf-token': TOKEN })],
    ['header differs from cookie', requestWith({ 'x-csrf-token': 'other.mac' }, TOKEN)],
    ['matching pair not signed for this session', requestWith({ 'x-csrf-token': 'planted.mac' }, 'planted.mac')],
    ['cross-site Origin', requestWith({ 'x-csrf-token': TOKEN, origin: 'https://evil.example' }, TOKEN)],
    ['Sec-Fetch-Site cross-site', requestWith({ 'x-csrf-token': TOKEN, 'sec-fetch-site': 'cross-site' }, TOKEN)],
  ])('refuses %s', (_case, request) => {
    expect(check(request)).toThrow(CsrfFailedError);
  });

  it('accepts an allow-listed cross-site origin (an SPA on another site with CORS credentials)', () => {
    const request = requestWith(
      { 'x-csrf-token': TOKEN, origin: 'https://app.example', 'sec-fetch-site': 'cross-site' },
      TOKEN,
    );
    expect(check(request, ['https://app.example'])).not.toThrow();
    expect(check(request)).toThrow(CsrfFailedError);
  });
});

describe('isUnsafeMethod', () => {
  it('treats everything but GET, HEAD and OPTIONS as unsafe', () => {
    expect(['GET', 'HEAD', 'OPTIONS', 'get'].map(isUnsafeMethod)).toEqual([false, false, false, false]);
    expect(['POST', 'PUT', 'PATCH', 'DELETE'].map(isUnsafeMethod)).toEqual([true, true, true, true]);
  });
});
