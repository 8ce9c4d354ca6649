import { newUserInput, uniqueSuffix } from '@app/testing';
import request, { Response } from 'supertest';
import {
  adminEnv,
  adminTokenLogin,
  bearer,
  cookieHeader,
  cookieSessionFrom,
  CookieSession,
  deepKeys,
  isCleared,
  loginWithCookies,
  parseSetCookie,
  problemOf,
  aProblem,
  authFailureOf,
  anAuthFailure,
  oauthErrorOf,
  anOAuthError,
  statusOf,
  aStatus,
  register,
  registerAndTokenLogin,
  sleep,
  tokenLogin,
  tokenRefresh,
  fieldsOf,
} from './support/auth-helpers';
import { startTestApp, TestApp } from './support/test-app';
import { AccessClaims, claimsOf, forgeAccess, unsignedToken } from './support/tokens';

const V1 = '/api/v1';
const USER_KEYS = ['id', 'username', 'email', 'full_name', 'role', 'is_active', 'created_at', 'updated_at'];

/** A problem+json body without the per-request fields. */
function withoutRequestFields(body: Record<string, unknown>): Record<string, unknown> {
  const { request_id: _requestId, instance: _instance, ...rest } = body;
  return rest;
}

describe('auth (real PostgreSQL and Redis)', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await startTestApp({ env: adminEnv() });
  });
  afterAll(() => sut?.close());

  const session = (headers: Record<string, string>) => request(sut.server).get(`${V1}/auth/session`).set(headers);
  const cookieRefresh = (s: Pick<CookieSession, 'cookie' | 'csrf_token'>) =>
    request(sut.server).post(`${V1}/auth/refresh`).set('Cookie', s.cookie).set('X-CSRF-Token', s.csrf_token);

  describe('POST /auth/register', () => {
    it('creates a user with role user, active, and the email lower-cased', async () => {
      const input = newUserInput();
      const res = await request(sut.server)
        .post(`${V1}/auth/register`)
        .send({ ...input, email: input.email.toUpperCase() })
        .expect(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        username: input.username,
        email: input.email.toLowerCase(),
        full_name: input.full_name,
        role: 'user',
        is_active: true,
        created_at: expect.any(String),
        updated_at: expect.any(String),
      });
    });

    it('never returns a password or a hash', async () => {
      const { res } = await register(sut.server);
      expect(deepKeys(res.body).filter((k) => /password|hash/i.test(k))).toEqual([]);
      expect(JSON.stringify(res.body)).not.toContain('$argon2');
    });

    it('accepts a body without full_name', async () => {
      const { full_name: _fullName, ...input } = newUserInput();
      const res = await request(sut.server).post(`${V1}/auth/register`).send(input).expect(201);
      expect(res.body.full_name).toBeNull();
      expect(Object.keys(res.body).sort()).toEqual([...USER_KEYS].sort());
    });

    it('accepts any Unicode password, without composition rules', async () => {
      const input = newUserInput({ password: 'пароль-🔒-очень-длинный' });
      await request(sut.server).post(`${V1}/auth/register`).send(input).expect(201);
      await request(sut.server)
        .post(`${V1}/auth/login`)
        .send({ login: input.username, password: 'пароль-🔒-очень-длинный' })
        .expect(200);
    });

    it('accepts passwords of exactly 8 and 128 characters', async () => {
      const eight = `Zk${uniqueSuffix().slice(-6)}`.slice(0, 8);
      expect(eight).toHaveLength(8);
      await request(sut.server)
        .post(`${V1}/auth/register`)
        .send(newUserInput({ password: eight }))
        .expect(201);
      await request(sut.server)
        .post(`${V1}/auth/register`)
        .send(newUserInput({ password: `correct horse ${'x'.repeat(114)}` }))
        .expect(201);
    });

    it('counts password length in characters, not UTF-16 units: 100 emoji pass, 7 emoji fail', async () => {
      await request(sut.server)
        .post(`${V1}/auth/register`)
        .send(newUserInput({ password: '🔒'.repeat(100) }))
        .expect(201);
      const res = await request(sut.server)
        .post(`${V1}/auth/register`)
        .send(newUserInput({ password: '🔒'.repeat(7) }));
      expect(problemOf(res)).toEqual(aProblem(422, 'validation_failed'));
      expect(fieldsOf(res)).toContain('password');
    });

    it('409 username_taken for a username taken in another case', async () => {
      const { input } = await register(sut.server);
      const res = await request(sut.server)
        .post(`${V1}/auth/register`)
        .send(newUserInput({ username: input.username.toUpperCase() }));
      expect(problemOf(res)).toEqual(aProblem(409, 'username_taken'));
    });

    it('409 email_taken for an email taken in another case', async () => {
      const { input } = await register(sut.server);
      const res = await request(sut.server)
        .post(`${V1}/auth/register`)
        .send(newUserInput({ email: input.email.toUpperCase() }));
      expect(problemOf(res)).toEqual(aProblem(409, 'email_taken'));
    });

    it('409 email_taken when the first registration used upper case and the second lower case', async () => {
      const suffix = uniqueSuffix();
      await register(sut.server, { email: `Mixed_${suffix}@X.Example.TEST` });
      const res = await request(sut.server)
        .post(`${V1}/auth/register`)
        .send(newUserInput({ email: `mixed_${suffix}@x.example.test` }));
      expect(problemOf(res)).toEqual(aProblem(409, 'email_taken'));
    });

    describe('422 validation_failed', () => {
      const cases: [string, () => object, string][] = [
        ['a password of 7 characters', () => newUserInput({ password: 'Zq7vX9w' }), 'password'],
        [
          'a password of 129 characters',
          () => newUserInput({ password: `correct horse ${'x'.repeat(115)}` }),
          'password',
        ],
        [
          'a password containing the username (any case)',
          () => {
            const input = newUserInput();
            return { ...input, password: `my ${input.username.toUpperCase()} secret phrase` };
          },
          'password',
        ],
        [
          'a password containing the email (any case)',
          () => {
            const suffix = uniqueSuffix();
            const email = `mail_${suffix}@example.test`;
            return newUserInput({ email, password: `secret ${email.toUpperCase()} phrase` });
          },
          'password',
        ],
        ['the common password password123', () => newUserInput({ password: 'password123' }), 'password'],
        ['the common password qwertyuiop', () => newUserInput({ password: 'qwertyuiop' }), 'password'],
        ['a bad email', () => newUserInput({ email: 'not-an-email' }), 'email'],
        ['a username of 2 characters', () => newUserInput({ username: 'ab' }), 'username'],
        [
          'a username of 51 characters',
          () => newUserInput({ username: `u${uniqueSuffix()}`.padEnd(51, 'x') }),
          'username',
        ],
        ['a username with a space', () => newUserInput({ username: `bad name ${uniqueSuffix()}` }), 'username'],
        ['a username with a slash', () => newUserInput({ username: `bad/${uniqueSuffix()}` }), 'username'],
        ['an unknown field role', () => ({ ...newUserInput(), role: 'admin' }), 'role'],
      ];

      it.each(cases)('%s', async (_name, body, field) => {
        const res = await request(sut.server).post(`${V1}/auth/register`).send(body());
        expect(problemOf(res)).toEqual(aProblem(422, 'validation_failed'));
        expect(fieldsOf(res)).toContain(field);
      });

      it('a refused role field creates no user (no admin by registration)', async () => {
        const input = newUserInput();
        const res = await request(sut.server)
          .post(`${V1}/auth/register`)
          .send({ ...input, role: 'admin' });
        expect(problemOf(res)).toEqual(aProblem(422, 'validation_failed'));
        const login = await request(sut.server)
          .post(`${V1}/auth/login`)
          .send({ login: input.username, password: input.password });
        expect(problemOf(login)).toEqual(aProblem(401, 'invalid_credentials'));
      });
    });

    it('10 concurrent registrations of one username: exactly one 201 and nine 409, never 500', async () => {
      const username = newUserInput().username;
      const responses = await Promise.all(
        Array.from({ length: 10 }, () =>
          request(sut.server)
            .post(`${V1}/auth/register`)
            .send(newUserInput({ username }))
            .then((res) => res),
        ),
      );
      const statuses = responses.map((r) => r.status).sort();
      expect(statuses).toEqual([201, 409, 409, 409, 409, 409, 409, 409, 409, 409]);
      for (const res of responses.filter((r) => r.status === 409)) expect(res.body.code).toBe('username_taken');
    });

    it('10 concurrent registrations of one email in different cases: exactly one 201 and nine 409, never 500', async () => {
      const suffix = uniqueSuffix();
      const responses = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          request(sut.server)
            .post(`${V1}/auth/register`)
            .send(newUserInput({ email: i % 2 ? `race_${suffix}@example.test` : `RACE_${suffix}@Example.Test` }))
            .then((res) => res),
        ),
      );
      expect(responses.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409, 409, 409]);
      for (const res of responses.filter((r) => r.status === 409)) expect(res.body.code).toBe('email_taken');
    });
  });

  describe('POST /auth/login', () => {
    it('by username: 200 {user, session}, no token in the body, Cache-Control no-store', async () => {
      const { input, user } = await register(sut.server);
      const res = await request(sut.server)
        .post(`${V1}/auth/login`)
        .send({ login: input.username, password: input.password })
        .expect(200);
      expect(res.body).toEqual({
        user,
        session: { id: expect.stringMatching(/^[0-9a-f-]{36}$/), expires_at: expect.any(String) },
      });
      expect(new Date(res.body.session.expires_at).getTime()).toBeGreaterThan(Date.now());
      expect(res.headers['cache-control']).toContain('no-store');
      const cookies = parseSetCookie(res);
      const body = JSON.stringify(res.body);
      for (const name of ['access_token', 'refresh_token', 'csrf_token']) {
        expect(cookies[name]?.value).toBeTruthy();
        expect(body).not.toContain(cookies[name].value);
      }
      expect(deepKeys(res.body).filter((k) => /token|password|hash/i.test(k))).toEqual([]);
    });

    it('sets access_token (HttpOnly, Lax, /), refresh_token (HttpOnly, Strict, /api/v1/auth), csrf_token (readable, /), not Secure by default', async () => {
      const { input } = await register(sut.server);
      const { cookies } = await loginWithCookies(sut.server, input.username, input.password);
      expect(cookies.access_token).toMatchObject({
        httpOnly: true,
        sameSite: expect.stringMatching(/^lax$/i),
        path: '/',
      });
      expect(cookies.refresh_token).toMatchObject({
        httpOnly: true,
        sameSite: expect.stringMatching(/^strict$/i),
        path: '/api/v1/auth',
      });
      expect(cookies.csrf_token).toMatchObject({ httpOnly: false, path: '/' });
      for (const name of ['access_token', 'refresh_token', 'csrf_token']) expect(cookies[name].secure).toBe(false);
    });

    it('by email or username in any case', async () => {
      const { input } = await register(sut.server);
      await request(sut.server)
        .post(`${V1}/auth/login`)
        .send({ login: input.email.toUpperCase(), password: input.password })
        .expect(200);
      await request(sut.server)
        .post(`${V1}/auth/login`)
        .send({ login: input.username.toUpperCase(), password: input.password })
        .expect(200);
    });

    it('401 invalid_credentials with one identical body for unknown user, wrong password and inactive user', async () => {
      const wrong = await register(sut.server);
      const inactive = await register(sut.server);
      const admin = await adminTokenLogin(sut.server);
      await request(sut.server)
        .patch(`${V1}/users/${inactive.user.id}`)
        .set(bearer(admin.access_token))
        .send({ is_active: false })
        .expect(200);

      const attempts = [
        { login: newUserInput().username, password: 'correct horse unknown user' },
        { login: wrong.input.username, password: `${wrong.input.password}-wrong` },
        { login: inactive.input.username, password: inactive.input.password },
      ];
      const responses: Response[] = [];
      for (const body of attempts) responses.push(await request(sut.server).post(`${V1}/auth/login`).send(body));

      for (const res of responses) {
        expect(problemOf(res)).toEqual(aProblem(401, 'invalid_credentials'));
        expect(res.headers['set-cookie']).toBeUndefined();
      }
      const [first, ...others] = responses.map((r) => withoutRequestFields(r.body));
      for (const other of others) expect(other).toEqual(first);
    });

    it('sets Secure on every cookie when COOKIE_SECURE=true', async () => {
      const secure = await startTestApp({ env: { COOKIE_SECURE: 'true' } });
      try {
        const { input } = await register(secure.server);
        const { cookies } = await loginWithCookies(secure.server, input.username, input.password);
        for (const name of ['access_token', 'refresh_token', 'csrf_token']) expect(cookies[name]?.secure).toBe(true);
      } finally {
        await secure.close();
      }
    });
  });

  describe('POST /auth/token', () => {
    it('password grant: 200 {access_token, token_type bearer, expires_in, refresh_token}, no-store, no cookie', async () => {
      const { input } = await register(sut.server);
      const res = await request(sut.server)
        .post(`${V1}/auth/token`)
        .type('form')
        .send({ grant_type: 'password', username: input.username, password: input.password })
        .expect(200);
      expect(res.body).toEqual({
        access_token: expect.any(String),
        token_type: 'bearer',
        expires_in: sut.config.jwt.accessTokenTtlSeconds,
        refresh_token: expect.any(String),
      });
      expect(res.headers['cache-control']).toContain('no-store');
      expect(res.headers['set-cookie']).toBeUndefined();
      expect(statusOf(await session(bearer(res.body.access_token)))).toEqual(aStatus(200));
    });

    it('password grant accepts the email as username', async () => {
      const { input } = await register(sut.server);
      const tokens = await tokenLogin(sut.server, input.email.toUpperCase(), input.password);
      expect(statusOf(await session(bearer(tokens.access_token)))).toEqual(aStatus(200));
    });

    it('password grant with bad credentials: 400 invalid_grant (RFC 6749, not problem+json)', async () => {
      const { input } = await register(sut.server);
      const res = await request(sut.server)
        .post(`${V1}/auth/token`)
        .type('form')
        .send({ grant_type: 'password', username: input.username, password: `${input.password}-wrong` });
      expect(oauthErrorOf(res)).toEqual(anOAuthError('invalid_grant'));
      const unknown = await request(sut.server)
        .post(`${V1}/auth/token`)
        .type('form')
        .send({ grant_type: 'password', username: newUserInput().username, password: input.password });
      expect(oauthErrorOf(unknown)).toEqual(anOAuthError('invalid_grant'));
    });

    it.each([
      ['a password grant without password', { grant_type: 'password', username: 'someone' }],
      ['a password grant without username', { grant_type: 'password', password: 'correct horse battery' }],
      ['a refresh_token grant without refresh_token', { grant_type: 'refresh_token' }],
      ['no grant_type', { username: 'someone', password: 'correct horse battery' }],
    ])('400 invalid_request for %s', async (_name, form) => {
      const res = await request(sut.server).post(`${V1}/auth/token`).type('form').send(form);
      expect(oauthErrorOf(res)).toEqual(anOAuthError('invalid_request'));
    });

    it('400 unsupported_grant_type for grant_type=client_credentials', async () => {
      const res = await request(sut.server)
        .post(`${V1}/auth/token`)
        .type('form')
        .send({ grant_type: 'client_credentials', client_id: 'x', client_secret: 'y' });
      expect(oauthErrorOf(res)).toEqual(anOAuthError('unsupported_grant_type'));
    });

    it('refresh_token grant: a new pair for the same session, no-store, no cookie', async () => {
      const { tokens } = await registerAndTokenLogin(sut.server);
      const res = await tokenRefresh(sut.server, tokens.refresh_token);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        access_token: expect.any(String),
        token_type: 'bearer',
        expires_in: sut.config.jwt.accessTokenTtlSeconds,
        refresh_token: expect.any(String),
      });
      expect(res.body.refresh_token).not.toBe(tokens.refresh_token);
      expect(res.headers['cache-control']).toContain('no-store');
      expect(res.headers['set-cookie']).toBeUndefined();
      expect(claimsOf(res.body.access_token).sid).toBe(claimsOf(tokens.access_token).sid);
      expect(statusOf(await session(bearer(res.body.access_token)))).toEqual(aStatus(200));
    });

    it('refresh_token grant with an unknown token: 400 invalid_grant', async () => {
      const res = await tokenRefresh(sut.server, 'not-a-refresh-token');
      expect(oauthErrorOf(res)).toEqual(anOAuthError('invalid_grant'));
    });
  });

  describe('GET /auth/session and the guard', () => {
    it('bearer: 200 {user_id, session_id, role, expires_at}', async () => {
      const { user, tokens } = await registerAndTokenLogin(sut.server);
      const res = await session(bearer(tokens.access_token)).expect(200);
      expect(res.body).toEqual({
        user_id: user.id,
        session_id: claimsOf(tokens.access_token).sid,
        role: 'user',
        expires_at: expect.any(String),
      });
    });

    it('cookie: 200 for the login session', async () => {
      const { input, user } = await register(sut.server);
      const s = await loginWithCookies(sut.server, input.username, input.password);
      const res = await session({ Cookie: s.cookie }).expect(200);
      expect(res.body).toMatchObject({ user_id: user.id, session_id: s.session.id, role: 'user' });
    });

    it('401 unauthenticated without credentials, with WWW-Authenticate: Bearer', async () => {
      expect(authFailureOf(await session({}))).toEqual(anAuthFailure('unauthenticated'));
    });

    describe('forged access tokens', () => {
      let real: AccessClaims;
      beforeAll(async () => {
        const { tokens } = await registerAndTokenLogin(sut.server);
        real = claimsOf(tokens.access_token);
      });

      it('a token forged with the right secret and claims is accepted (control)', async () => {
        const res = await session(bearer(forgeAccess(real))).expect(200);
        expect(res.body.session_id).toBe(real.sid);
      });

      const invalid: [string, () => string][] = [
        ['garbage', () => 'not.a.jwt'],
        ['a bad signature', () => forgeAccess(real, {}, { secret: 'another-secret-0123456789abcdef-0123456789' })],
        ['alg none', () => unsignedToken(real)],
        ['another HMAC algorithm (HS512)', () => forgeAccess(real, {}, { algorithm: 'HS512' })],
        ['typ refresh', () => forgeAccess(real, { typ: 'refresh' })],
        ['no typ', () => forgeAccess(real, {}, { omit: ['typ'] })],
        ['a wrong issuer', () => forgeAccess(real, { iss: 'someone-else' })],
        ['a wrong audience', () => forgeAccess(real, { aud: 'someone-else' })],
        ['no exp', () => forgeAccess(real, {}, { omit: ['exp'] })],
      ];
      it.each(invalid)('401 invalid_token for %s', async (_name, token) => {
        expect(authFailureOf(await session(bearer(token())))).toEqual(anAuthFailure('invalid_token'));
      });

      it('401 token_expired for a well-signed token past its exp', async () => {
        const now = Math.floor(Date.now() / 1000);
        const expired = forgeAccess(real, { iat: now - 1000, exp: now - 60 });
        expect(authFailureOf(await session(bearer(expired)))).toEqual(anAuthFailure('token_expired'));
      });
    });

    describe('a token this instance verified before (VerifiedAccessTokens skips re-verifying it)', () => {
      let real: AccessClaims;
      let token: string;
      beforeEach(async () => {
        const { tokens } = await registerAndTokenLogin(sut.server);
        token = tokens.access_token;
        real = claimsOf(token);
        await session(bearer(token)).expect(200); // now remembered
      });

      it('the same header and payload with another signature is still 401 invalid_token', async () => {
        const [header, payload, signature] = token.split('.');
        const flipped = signature.startsWith('A') ? `B${signature.slice(1)}` : `A${signature.slice(1)}`;
        const resigned = forgeAccess(real, {}, { secret: 'another-secret-0123456789abcdef-0123456789' });
        for (const forged of [`${header}.${payload}.${flipped}`, `${header}.${payload}.${resigned.split('.')[2]}`]) {
          expect(authFailureOf(await session(bearer(forged)))).toEqual(anAuthFailure('invalid_token'));
        }
        await session(bearer(token)).expect(200);
      });

      it('its session ended: 401 session_revoked on the next request', async () => {
        await request(sut.server).post(`${V1}/auth/logout`).set(bearer(token)).expect(204);
        expect(authFailureOf(await session(bearer(token)))).toEqual(anAuthFailure('session_revoked'));
      });

      it('past its exp: 401 token_expired, though it was accepted a moment before', async () => {
        const expSoon = Math.floor(Date.now() / 1000) + 2;
        const shortLived = forgeAccess(real, { exp: expSoon });
        await session(bearer(shortLived)).expect(200);
        await sleep(expSoon * 1000 - Date.now() + 50);
        expect(authFailureOf(await session(bearer(shortLived)))).toEqual(anAuthFailure('token_expired'));
      });
    });

    it('a bearer header wins over cookies: garbage bearer with a valid cookie is 401 invalid_token', async () => {
      const { input } = await register(sut.server);
      const s = await loginWithCookies(sut.server, input.username, input.password);
      expect(authFailureOf(await session({ Cookie: s.cookie, ...bearer('garbage') }))).toEqual(
        anAuthFailure('invalid_token'),
      );
    });

    it('a bearer header wins over cookies: the bearer user is the one acting', async () => {
      const a = await register(sut.server);
      const cookieSession = await loginWithCookies(sut.server, a.input.username, a.input.password);
      const b = await registerAndTokenLogin(sut.server);
      const res = await session({ Cookie: cookieSession.cookie, ...bearer(b.tokens.access_token) }).expect(200);
      expect(res.body.user_id).toBe(b.user.id);
    });
  });

  describe('CSRF', () => {
    let s: CookieSession;
    let other: CookieSession;
    beforeAll(async () => {
      const { input } = await register(sut.server);
      s = await loginWithCookies(sut.server, input.username, input.password);
      other = await loginWithCookies(sut.server, input.username, input.password);
    });
    const patchMe = (headers: Record<string, string>) =>
      request(sut.server)
        .patch(`${V1}/users/me`)
        .set(headers)
        .send({ full_name: `Renamed ${uniqueSuffix()}` });

    it('a cookie request with the matching X-CSRF-Token passes (control)', async () => {
      expect(statusOf(await patchMe({ Cookie: s.cookie, 'X-CSRF-Token': s.csrf_token }))).toEqual(aStatus(200));
      expect(
        statusOf(await patchMe({ Cookie: s.cookie, 'X-CSRF-Token': s.csrf_token, 'Sec-Fetch-Site': 'same-origin' })),
      ).toEqual(aStatus(200));
    });

    it('403 csrf_failed without X-CSRF-Token', async () => {
      expect(problemOf(await patchMe({ Cookie: s.cookie }))).toEqual(aProblem(403, 'csrf_failed'));
    });

    it('403 csrf_failed with an X-CSRF-Token that differs from the cookie', async () => {
      expect(problemOf(await patchMe({ Cookie: s.cookie, 'X-CSRF-Token': `${s.csrf_token}x` }))).toEqual(
        aProblem(403, 'csrf_failed'),
      );
    });

    it('403 csrf_failed with a csrf_token of another session, even when cookie and header match', async () => {
      const cookie = cookieHeader({ access_token: s.access_token, csrf_token: other.csrf_token });
      expect(other.csrf_token).not.toBe(s.csrf_token);
      expect(problemOf(await patchMe({ Cookie: cookie, 'X-CSRF-Token': other.csrf_token }))).toEqual(
        aProblem(403, 'csrf_failed'),
      );
    });

    it('403 csrf_failed from a cross-site Origin even with the right token', async () => {
      const res = await patchMe({ Cookie: s.cookie, 'X-CSRF-Token': s.csrf_token, Origin: 'https://evil.example' });
      expect(problemOf(res)).toEqual(aProblem(403, 'csrf_failed'));
    });

    it('403 csrf_failed with Sec-Fetch-Site: cross-site even with the right token', async () => {
      const res = await patchMe({ Cookie: s.cookie, 'X-CSRF-Token': s.csrf_token, 'Sec-Fetch-Site': 'cross-site' });
      expect(problemOf(res)).toEqual(aProblem(403, 'csrf_failed'));
    });

    it('bearer requests need no CSRF token, even with cookies present', async () => {
      const b = await registerAndTokenLogin(sut.server);
      const res = await patchMe({ Cookie: s.cookie, ...bearer(b.tokens.access_token) }).expect(200);
      expect(res.body.id).toBe(b.user.id);
    });

    it('POST /auth/refresh with cookies but without X-CSRF-Token: 403 csrf_failed', async () => {
      const res = await request(sut.server).post(`${V1}/auth/refresh`).set('Cookie', s.cookie);
      expect(problemOf(res)).toEqual(aProblem(403, 'csrf_failed'));
    });

    it('POST /auth/refresh with the right token from a cross-site Origin: 403 csrf_failed', async () => {
      const res = await cookieRefresh(s).set('Origin', 'https://evil.example');
      expect(problemOf(res)).toEqual(aProblem(403, 'csrf_failed'));
    });

    it('POST /auth/logout with cookies but without X-CSRF-Token: 403 csrf_failed, and the session survives', async () => {
      const res = await request(sut.server).post(`${V1}/auth/logout`).set('Cookie', s.cookie);
      expect(problemOf(res)).toEqual(aProblem(403, 'csrf_failed'));
      expect(statusOf(await session({ Cookie: s.cookie }))).toEqual(aStatus(200));
    });

    it('POST /auth/logout with a wrong X-CSRF-Token: 403 csrf_failed', async () => {
      const res = await request(sut.server)
        .post(`${V1}/auth/logout`)
        .set('Cookie', s.cookie)
        .set('X-CSRF-Token', other.csrf_token);
      expect(problemOf(res)).toEqual(aProblem(403, 'csrf_failed'));
    });

    it('POST /auth/refresh with the csrf_token of another session in both cookie and header: 403 csrf_failed', async () => {
      const cookie = cookieHeader({
        access_token: s.access_token,
        refresh_token: s.refresh_token,
        csrf_token: other.csrf_token,
      });
      const res = await cookieRefresh({ cookie, csrf_token: other.csrf_token });
      expect(problemOf(res)).toEqual(aProblem(403, 'csrf_failed'));
    });

    it('POST /auth/logout with the csrf_token of another session in both cookie and header: 403 csrf_failed', async () => {
      const cookie = cookieHeader({ access_token: s.access_token, csrf_token: other.csrf_token });
      const res = await request(sut.server)
        .post(`${V1}/auth/logout`)
        .set('Cookie', cookie)
        .set('X-CSRF-Token', other.csrf_token);
      expect(problemOf(res)).toEqual(aProblem(403, 'csrf_failed'));
      expect(statusOf(await session({ Cookie: s.cookie }))).toEqual(aStatus(200));
    });

    it('POST /auth/logout with the right token but Sec-Fetch-Site: cross-site or a cross-site Origin: 403 csrf_failed', async () => {
      for (const header of [{ 'Sec-Fetch-Site': 'cross-site' }, { Origin: 'https://evil.example' }]) {
        const res = await request(sut.server)
          .post(`${V1}/auth/logout`)
          .set('Cookie', s.cookie)
          .set('X-CSRF-Token', s.csrf_token)
          .set(header);
        expect(problemOf(res)).toEqual(aProblem(403, 'csrf_failed'));
      }
      expect(statusOf(await session({ Cookie: s.cookie }))).toEqual(aStatus(200));
    });
  });

  describe('POST /auth/refresh (cookie)', () => {
    it('200 {session}, no-store, re-sets the three cookies with a new refresh token and a working access token', async () => {
      const { input } = await register(sut.server);
      const s = await loginWithCookies(sut.server, input.username, input.password);
      const res = await cookieRefresh(s).expect(200);
      expect(res.body).toEqual({ session: { id: s.session.id, expires_at: expect.any(String) } });
      expect(res.headers['cache-control']).toContain('no-store');
      const next = cookieSessionFrom(res);
      expect(next.access_token).toBeTruthy();
      expect(next.csrf_token).toBeTruthy();
      expect(next.refresh_token).toBeTruthy();
      expect(next.refresh_token).not.toBe(s.refresh_token);
      expect(next.cookies.refresh_token).toMatchObject({ httpOnly: true, path: '/api/v1/auth' });
      expect(next.cookies.access_token).toMatchObject({ httpOnly: true, path: '/' });
      expect(JSON.stringify(res.body)).not.toContain(next.refresh_token);
      const me = await session({ Cookie: next.cookie }).expect(200);
      expect(me.body.session_id).toBe(s.session.id);
      expect(statusOf(await cookieRefresh(next))).toEqual(aStatus(200));
    });

    it('401 invalid_token without a refresh cookie', async () => {
      const { input } = await register(sut.server);
      const s = await loginWithCookies(sut.server, input.username, input.password);
      const cookie = cookieHeader({ access_token: s.access_token, csrf_token: s.csrf_token });
      expect(authFailureOf(await cookieRefresh({ cookie, csrf_token: s.csrf_token }))).toEqual(
        anAuthFailure('invalid_token'),
      );
    });

    it('401 invalid_token with a garbage refresh cookie', async () => {
      const { input } = await register(sut.server);
      const s = await loginWithCookies(sut.server, input.username, input.password);
      const cookie = cookieHeader({ access_token: s.access_token, refresh_token: 'garbage', csrf_token: s.csrf_token });
      expect(authFailureOf(await cookieRefresh({ cookie, csrf_token: s.csrf_token }))).toEqual(
        anAuthFailure('invalid_token'),
      );
    });

    it('the previous refresh token within the grace window returns the current pair', async () => {
      const { input } = await register(sut.server);
      const s = await loginWithCookies(sut.server, input.username, input.password);
      const first = cookieSessionFrom(await cookieRefresh(s).expect(200));
      const again = cookieSessionFrom(await cookieRefresh(s).expect(200));
      expect(again.refresh_token).toBe(first.refresh_token);
      expect(statusOf(await session({ Cookie: again.cookie }))).toEqual(aStatus(200));
      expect(statusOf(await cookieRefresh(first))).toEqual(aStatus(200));
    });

    it('5 concurrent refreshes with one token all succeed with the same new refresh token, which then works', async () => {
      const { input } = await register(sut.server);
      const s = await loginWithCookies(sut.server, input.username, input.password);
      const responses = await Promise.all(Array.from({ length: 5 }, () => cookieRefresh(s).then((res) => res)));
      expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      const refreshTokens = new Set(responses.map((r) => cookieSessionFrom(r).refresh_token));
      expect(refreshTokens.size).toBe(1);
      expect([...refreshTokens][0]).not.toBe(s.refresh_token);
      expect(statusOf(await cookieRefresh(cookieSessionFrom(responses[0])))).toEqual(aStatus(200));
    });

    it('a token older than the previous one is reuse at any time: 401 session_revoked and the session dies', async () => {
      const { input } = await register(sut.server);
      const s0 = await loginWithCookies(sut.server, input.username, input.password);
      const s1 = cookieSessionFrom(await cookieRefresh(s0).expect(200));
      const s2 = cookieSessionFrom(await cookieRefresh(s1).expect(200));
      expect(authFailureOf(await cookieRefresh(s0))).toEqual(anAuthFailure('session_revoked'));
      expect(authFailureOf(await session({ Cookie: s2.cookie }))).toEqual(anAuthFailure('session_revoked'));
      expect(authFailureOf(await cookieRefresh(s2))).toEqual(anAuthFailure('session_revoked'));
    });
  });

  describe('refresh_token grant rotation', () => {
    it('the previous refresh token within the grace window returns the current refresh token', async () => {
      const { tokens } = await registerAndTokenLogin(sut.server);
      const first = await tokenRefresh(sut.server, tokens.refresh_token);
      expect(first.status).toBe(200);
      const again = await tokenRefresh(sut.server, tokens.refresh_token);
      expect(again.status).toBe(200);
      expect(again.body.refresh_token).toBe(first.body.refresh_token);
      expect(statusOf(await session(bearer(again.body.access_token)))).toEqual(aStatus(200));
      expect((await tokenRefresh(sut.server, first.body.refresh_token)).status).toBe(200);
    });

    it('5 concurrent refreshes with one token all succeed with the same new refresh token, which then works', async () => {
      const { tokens } = await registerAndTokenLogin(sut.server);
      const responses = await Promise.all(
        Array.from({ length: 5 }, () => tokenRefresh(sut.server, tokens.refresh_token)),
      );
      expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
      const refreshTokens = new Set(responses.map((r) => r.body.refresh_token as string));
      expect(refreshTokens.size).toBe(1);
      const [current] = refreshTokens;
      expect(current).not.toBe(tokens.refresh_token);
      expect((await tokenRefresh(sut.server, current)).status).toBe(200);
    });

    it('a token older than the previous one is reuse: 400 invalid_grant and the whole session is revoked', async () => {
      const { tokens } = await registerAndTokenLogin(sut.server);
      const r1 = await tokenRefresh(sut.server, tokens.refresh_token);
      const r2 = await tokenRefresh(sut.server, r1.body.refresh_token);
      expect([r1.status, r2.status]).toEqual([200, 200]);
      expect(oauthErrorOf(await tokenRefresh(sut.server, tokens.refresh_token))).toEqual(anOAuthError('invalid_grant'));
      expect(authFailureOf(await session(bearer(r2.body.access_token)))).toEqual(anAuthFailure('session_revoked'));
      expect(oauthErrorOf(await tokenRefresh(sut.server, r2.body.refresh_token))).toEqual(
        anOAuthError('invalid_grant'),
      );
    });
  });

  describe('POST /auth/logout', () => {
    it('cookie: 204, clears the three cookies, and the access token is revoked on the next request', async () => {
      const { input } = await register(sut.server);
      const s = await loginWithCookies(sut.server, input.username, input.password);
      const res = await request(sut.server)
        .post(`${V1}/auth/logout`)
        .set('Cookie', s.cookie)
        .set('X-CSRF-Token', s.csrf_token)
        .expect(204);
      const cleared = parseSetCookie(res);
      for (const name of ['access_token', 'refresh_token', 'csrf_token']) expect(isCleared(cleared[name])).toBe(true);
      expect(cleared.refresh_token.path).toBe('/api/v1/auth');
      expect(authFailureOf(await session({ Cookie: s.cookie }))).toEqual(anAuthFailure('session_revoked'));
      expect(authFailureOf(await session(bearer(s.access_token)))).toEqual(anAuthFailure('session_revoked'));
    });

    it('the refresh token of a logged-out session is dead', async () => {
      const { input } = await register(sut.server);
      const s = await loginWithCookies(sut.server, input.username, input.password);
      await request(sut.server)
        .post(`${V1}/auth/logout`)
        .set('Cookie', s.cookie)
        .set('X-CSRF-Token', s.csrf_token)
        .expect(204);
      const res = await cookieRefresh(s);
      expect(res.status).toBe(401);
      expect(oauthErrorOf(await tokenRefresh(sut.server, s.refresh_token))).toEqual(anOAuthError('invalid_grant'));
    });

    it('is idempotent: 204 again with the same cookies, and 204 without any credentials', async () => {
      const { input } = await register(sut.server);
      const s = await loginWithCookies(sut.server, input.username, input.password);
      const logout = () =>
        request(sut.server).post(`${V1}/auth/logout`).set('Cookie', s.cookie).set('X-CSRF-Token', s.csrf_token);
      await logout().expect(204);
      await logout().expect(204);
      await request(sut.server).post(`${V1}/auth/logout`).expect(204);
    });

    it('bearer: 204 revokes that session only', async () => {
      const { input } = await register(sut.server);
      const a = await tokenLogin(sut.server, input.username, input.password);
      const b = await tokenLogin(sut.server, input.username, input.password);
      await request(sut.server).post(`${V1}/auth/logout`).set(bearer(a.access_token)).expect(204);
      expect(authFailureOf(await session(bearer(a.access_token)))).toEqual(anAuthFailure('session_revoked'));
      expect(oauthErrorOf(await tokenRefresh(sut.server, a.refresh_token))).toEqual(anOAuthError('invalid_grant'));
      expect(statusOf(await session(bearer(b.access_token)))).toEqual(aStatus(200));
    });
  });

  describe('POST /auth/password', () => {
    it('204; other sessions revoked, the current one kept, old password refused, new one accepted', async () => {
      const { input } = await register(sut.server);
      const current = await loginWithCookies(sut.server, input.username, input.password);
      const other = await tokenLogin(sut.server, input.username, input.password);
      const newPassword = `new battery staple ${uniqueSuffix()}`;

      await request(sut.server)
        .post(`${V1}/auth/password`)
        .set('Cookie', current.cookie)
        .set('X-CSRF-Token', current.csrf_token)
        .send({ current_password: input.password, new_password: newPassword })
        .expect(204);

      expect(authFailureOf(await session(bearer(other.access_token)))).toEqual(anAuthFailure('session_revoked'));
      expect(oauthErrorOf(await tokenRefresh(sut.server, other.refresh_token))).toEqual(anOAuthError('invalid_grant'));
      expect(statusOf(await session({ Cookie: current.cookie }))).toEqual(aStatus(200));
      const old = await request(sut.server)
        .post(`${V1}/auth/login`)
        .send({ login: input.username, password: input.password });
      expect(problemOf(old)).toEqual(aProblem(401, 'invalid_credentials'));
      await loginWithCookies(sut.server, input.username, newPassword);
    });

    it('with bearer: 204 and the bearer session keeps working', async () => {
      const { tokens, input } = await registerAndTokenLogin(sut.server);
      await request(sut.server)
        .post(`${V1}/auth/password`)
        .set(bearer(tokens.access_token))
        .send({ current_password: input.password, new_password: `new battery staple ${uniqueSuffix()}` })
        .expect(204);
      expect(statusOf(await session(bearer(tokens.access_token)))).toEqual(aStatus(200));
    });

    it('422 on current_password when it is wrong, and nothing changes', async () => {
      const { tokens, input } = await registerAndTokenLogin(sut.server);
      const other = await tokenLogin(sut.server, input.username, input.password);
      const res = await request(sut.server)
        .post(`${V1}/auth/password`)
        .set(bearer(tokens.access_token))
        .send({ current_password: `${input.password}-wrong`, new_password: `new battery staple ${uniqueSuffix()}` });
      expect(problemOf(res)).toEqual(aProblem(422, 'validation_failed'));
      expect(fieldsOf(res)).toContain('current_password');
      expect(statusOf(await session(bearer(other.access_token)))).toEqual(aStatus(200));
      await loginWithCookies(sut.server, input.username, input.password);
    });

    it.each([
      ['too short', () => 'Zq7vX9w'],
      ['common', () => 'password123'],
      ['containing the username', (username: string) => `secret ${username} phrase`],
    ])('422 on new_password when it is %s', async (_name, newPassword) => {
      const { tokens, input } = await registerAndTokenLogin(sut.server);
      const res = await request(sut.server)
        .post(`${V1}/auth/password`)
        .set(bearer(tokens.access_token))
        .send({ current_password: input.password, new_password: newPassword(input.username) });
      expect(problemOf(res)).toEqual(aProblem(422, 'validation_failed'));
      expect(fieldsOf(res)).toContain('new_password');
      await loginWithCookies(sut.server, input.username, input.password);
    });

    it('401 unauthenticated without credentials', async () => {
      const res = await request(sut.server)
        .post(`${V1}/auth/password`)
        .send({ current_password: 'correct horse a', new_password: 'correct horse b' });
      expect(authFailureOf(res)).toEqual(anAuthFailure('unauthenticated'));
    });
  });

  describe('secrets never leak', () => {
    it('no log line and no response body carries a password, token, csrf token or hash', async () => {
      const logsBefore = sut.logs.length;
      const secrets: string[] = [];
      const bodies: unknown[] = [];
      const keep = (res: Response): Response => {
        bodies.push(res.body);
        return res;
      };

      const { input, res: registered } = await register(sut.server);
      keep(registered);
      secrets.push(input.password);

      const login = await loginWithCookies(sut.server, input.username, input.password);
      keep(login.res);
      secrets.push(login.access_token, login.refresh_token, login.csrf_token);

      const refreshed = cookieSessionFrom(keep(await cookieRefresh(login).expect(200)));
      secrets.push(refreshed.access_token, refreshed.refresh_token, refreshed.csrf_token);

      const tokens = await tokenLogin(sut.server, input.email, input.password);
      secrets.push(tokens.access_token, tokens.refresh_token);
      const rotated = keep(await tokenRefresh(sut.server, tokens.refresh_token));
      secrets.push(rotated.body.access_token, rotated.body.refresh_token);

      keep(await session({ Cookie: refreshed.cookie }).expect(200));
      keep(await request(sut.server).get(`${V1}/users/me`).set(bearer(rotated.body.access_token)).expect(200));

      const wrongPassword = `wrong horse ${uniqueSuffix()}`;
      secrets.push(wrongPassword);
      keep(await request(sut.server).post(`${V1}/auth/login`).send({ login: input.username, password: wrongPassword }));
      keep(
        await request(sut.server)
          .post(`${V1}/auth/token`)
          .type('form')
          .send({ grant_type: 'password', username: input.username, password: wrongPassword }),
      );

      const refusedNewPassword = `${input.username} refused phrase`;
      secrets.push(refusedNewPassword);
      keep(
        await request(sut.server)
          .post(`${V1}/auth/password`)
          .set(bearer(rotated.body.access_token))
          .send({ current_password: wrongPassword, new_password: refusedNewPassword }),
      );

      const newPassword = `new battery staple ${uniqueSuffix()}`;
      secrets.push(newPassword);
      keep(
        await request(sut.server)
          .post(`${V1}/auth/password`)
          .set('Cookie', refreshed.cookie)
          .set('X-CSRF-Token', refreshed.csrf_token)
          .send({ current_password: input.password, new_password: newPassword })
          .expect(204),
      );

      keep(
        await request(sut.server)
          .post(`${V1}/auth/logout`)
          .set('Cookie', refreshed.cookie)
          .set('X-CSRF-Token', refreshed.csrf_token)
          .expect(204),
      );
      const again = await loginWithCookies(sut.server, input.username, newPassword);
      keep(again.res);
      secrets.push(again.access_token, again.refresh_token, again.csrf_token);

      const logs = JSON.stringify(sut.logs);
      // the flow was logged (one line per request), so the checks below look at real lines
      const flowRequests = sut.logs.slice(logsBefore).filter((l) => l.msg === 'request');
      expect(flowRequests.filter((l) => l.path === '/api/v1/auth/password')).toHaveLength(2);
      expect(flowRequests.filter((l) => l.path === '/api/v1/auth/token')).toHaveLength(3);
      expect(secrets.every(Boolean)).toBe(true);
      expect(secrets.filter((secret) => logs.includes(secret))).toEqual([]);
      expect(logs).not.toContain('$argon2');

      expect(deepKeys(bodies).filter((k) => /password|hash/i.test(k))).toEqual([]);
      expect(JSON.stringify(bodies)).not.toContain('$argon2');
    });
  });
});

describe('refresh token reuse after the grace window (REFRESH_REUSE_GRACE_SECONDS=1)', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await startTestApp({ env: { REFRESH_REUSE_GRACE_SECONDS: '1' } });
  });
  afterAll(() => sut?.close());

  const session = (headers: Record<string, string>) => request(sut.server).get(`${V1}/auth/session`).set(headers);
  const cookieRefresh = (s: Pick<CookieSession, 'cookie' | 'csrf_token'>) =>
    request(sut.server).post(`${V1}/auth/refresh`).set('Cookie', s.cookie).set('X-CSRF-Token', s.csrf_token);

  it('cookie: the previous refresh token is 401 session_revoked, and the current access and refresh tokens die', async () => {
    const { input } = await register(sut.server);
    const s0 = await loginWithCookies(sut.server, input.username, input.password);
    const s1 = cookieSessionFrom(await cookieRefresh(s0).expect(200));
    await sleep(1500);

    expect(authFailureOf(await cookieRefresh(s0))).toEqual(anAuthFailure('session_revoked'));
    expect(authFailureOf(await session({ Cookie: s1.cookie }))).toEqual(anAuthFailure('session_revoked'));
    expect(authFailureOf(await session(bearer(s1.access_token)))).toEqual(anAuthFailure('session_revoked'));
    expect(authFailureOf(await cookieRefresh(s1))).toEqual(anAuthFailure('session_revoked'));
  });

  it('token endpoint: the previous refresh token is 400 invalid_grant, and the current access and refresh tokens die', async () => {
    const { tokens } = await registerAndTokenLogin(sut.server);
    const r1 = await tokenRefresh(sut.server, tokens.refresh_token);
    expect(r1.status).toBe(200);
    await sleep(1500);

    expect(oauthErrorOf(await tokenRefresh(sut.server, tokens.refresh_token))).toEqual(anOAuthError('invalid_grant'));
    expect(authFailureOf(await session(bearer(r1.body.access_token)))).toEqual(anAuthFailure('session_revoked'));
    expect(oauthErrorOf(await tokenRefresh(sut.server, r1.body.refresh_token))).toEqual(anOAuthError('invalid_grant'));
  });

  it('reuse revokes only that session: another session of the same user keeps working', async () => {
    const { tokens, input } = await registerAndTokenLogin(sut.server);
    const other = await tokenLogin(sut.server, input.username, input.password);
    expect((await tokenRefresh(sut.server, tokens.refresh_token)).status).toBe(200);
    await sleep(1500);
    expect(oauthErrorOf(await tokenRefresh(sut.server, tokens.refresh_token))).toEqual(anOAuthError('invalid_grant'));
    expect(statusOf(await session(bearer(other.access_token)))).toEqual(aStatus(200));
  });
});
