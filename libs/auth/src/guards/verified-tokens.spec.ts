import type { AccessClaims } from '../access-tokens';
import { VerifiedAccessTokens } from './verified-tokens';

const claims = (expSeconds: number): AccessClaims => ({
  sub: 'u',
  sid: 's',
  role: 'user',
  typ: 'access',
  iss: 'i',
  aud: 'a',
  iat: expSeconds - 900,
  exp: expSeconds,
});

describe('VerifiedAccessTokens', () => {
  const now = 1_800_000_000_000;

  it('recalls a remembered token until its exp, then forgets it', () => {
    const memo = new VerifiedAccessTokens();
    const c = claims(now / 1000 + 60);
    memo.remember('t1', c);
    expect(memo.recall('t1', now)).toBe(c);
    expect(memo.recall('t1', now + 59_999)).toBe(c);
    expect(memo.recall('t1', now + 60_000)).toBeUndefined();
    expect(memo.size).toBe(0);
  });

  it('knows only the exact token string', () => {
    const memo = new VerifiedAccessTokens();
    memo.remember('aaa.bbb.ccc', claims(now / 1000 + 60));
    expect(memo.recall('aaa.bbb.ccd', now)).toBeUndefined();
    expect(memo.recall('aaa.bbb.cc', now)).toBeUndefined();
  });

  it('holds at most 10,000 tokens, the oldest leaving first', () => {
    const memo = new VerifiedAccessTokens();
    for (let i = 0; i < 10_001; i++) memo.remember(`t${i}`, claims(now / 1000 + 60));
    expect(memo.size).toBe(10_000);
    expect(memo.recall('t0', now)).toBeUndefined();
    expect(memo.recall('t1', now)).toBeDefined();
    expect(memo.recall('t10000', now)).toBeDefined();
  });
});
