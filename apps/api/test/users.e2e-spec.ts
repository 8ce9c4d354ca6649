import { newUserInput, NewUserInput, uniqueSuffix } from '@app/testing';
import { randomUUID } from 'node:crypto';
import request, { Response } from 'supertest';
import {
  adminEnv,
  adminTokenLogin,
  bearer,
  deepKeys,
  loginWithCookies,
  PROBLEM,
  problemOf,
  aProblem,
  authFailureOf,
  anAuthFailure,
  oauthErrorOf,
  anOAuthError,
  statusOf,
  register,
  registerAndTokenLogin,
  tokenLogin,
  tokenRefresh,
  TokenResponse,
  UserBody,
  fieldsOf,
} from './support/auth-helpers';
import { startTestApp, TestApp } from './support/test-app';

const V1 = '/api/v1';

describe('users (real PostgreSQL and Redis)', () => {
  let sut: TestApp;
  let admin: TokenResponse;

  beforeAll(async () => {
    sut = await startTestApp({ env: adminEnv() });
    admin = await adminTokenLogin(sut.server);
  });
  afterAll(() => sut?.close());

  const asAdmin = () => bearer(admin.access_token);

  /** `POST /users` as the seeded admin; fails loudly unless 201. */
  async function createUser(
    overrides: Partial<NewUserInput> & { role?: 'user' | 'admin'; is_active?: boolean } = {},
  ): Promise<{ input: NewUserInput; user: UserBody }> {
    const input = { ...newUserInput(), ...overrides };
    const res = await request(sut.server).post(`${V1}/users`).set(asAdmin()).send(input);
    if (res.status !== 201) throw new Error(`POST /users: expected 201, got ${res.status} ${JSON.stringify(res.body)}`);
    return { input, user: res.body as UserBody };
  }

  describe('GET /users/me', () => {
    it('returns the bearer user', async () => {
      const { user, tokens } = await registerAndTokenLogin(sut.server);
      const res = await request(sut.server).get(`${V1}/users/me`).set(bearer(tokens.access_token)).expect(200);
      expect(res.body).toEqual(user);
    });

    it('returns the cookie user', async () => {
      const { input, user } = await register(sut.server);
      const s = await loginWithCookies(sut.server, input.username, input.password);
      const res = await request(sut.server).get(`${V1}/users/me`).set('Cookie', s.cookie).expect(200);
      expect(res.body.id).toBe(user.id);
    });

    it('served again from the profile cache (read with the session), a change shows on the next request', async () => {
      const { user, tokens } = await registerAndTokenLogin(sut.server);
      const me = () => request(sut.server).get(`${V1}/users/me`).set(bearer(tokens.access_token)).expect(200);
      expect((await me()).body).toEqual(user); // warms the cache
      expect((await me()).body).toEqual(user); // from the entry the session check read

      await request(sut.server)
        .patch(`${V1}/users/me`)
        .set(bearer(tokens.access_token))
        .send({ full_name: 'Changed By Me' })
        .expect(200);
      expect((await me()).body.full_name).toBe('Changed By Me');

      await request(sut.server)
        .patch(`${V1}/users/${user.id}`)
        .set(asAdmin())
        .send({ full_name: 'Changed By Admin' })
        .expect(200);
      const after = (await me()).body;
      expect(after.full_name).toBe('Changed By Admin');
      expect(after.updated_at).not.toBe(user.updated_at);
      expect(after.created_at).toBe(user.created_at);
    });

    it('401 unauthenticated without credentials', async () => {
      const res = await request(sut.server).get(`${V1}/users/me`);
      expect(authFailureOf(res)).toEqual(anAuthFailure('unauthenticated'));
    });
  });

  describe('PATCH /users/me', () => {
    it.each(['username', 'email'])('422 (not 500) when %s is null; nothing changes', async (field) => {
      const { user, tokens } = await registerAndTokenLogin(sut.server);
      const res = await request(sut.server)
        .patch(`${V1}/users/me`)
        .set(bearer(tokens.access_token))
        .send({ [field]: null });
      expect(problemOf(res)).toEqual(aProblem(422, 'validation_failed'));
      expect(fieldsOf(res)).toEqual([field]);
      const after = await request(sut.server).get(`${V1}/users/me`).set(bearer(tokens.access_token)).expect(200);
      expect(after.body).toEqual(user);
    });

    it('full_name null clears it', async () => {
      const { tokens } = await registerAndTokenLogin(sut.server);
      const res = await request(sut.server)
        .patch(`${V1}/users/me`)
        .set(bearer(tokens.access_token))
        .send({ full_name: null })
        .expect(200);
      expect(res.body.full_name).toBeNull();
    });

    it.each(['role', 'is_active', 'username'])('admin PATCH /users/{id}: %s null is 422 (not 500)', async (field) => {
      const { user } = await createUser();
      const res = await request(sut.server)
        .patch(`${V1}/users/${user.id}`)
        .set(asAdmin())
        .send({ [field]: null });
      expect(problemOf(res)).toEqual(aProblem(422, 'validation_failed'));
      expect(fieldsOf(res)).toEqual([field]);
    });

    it('updates full_name, email (stored lower-case) and username', async () => {
      const { user, tokens } = await registerAndTokenLogin(sut.server);
      const next = newUserInput();
      const res = await request(sut.server)
        .patch(`${V1}/users/me`)
        .set(bearer(tokens.access_token))
        .send({ full_name: next.full_name, email: next.email.toUpperCase(), username: next.username })
        .expect(200);
      expect(res.body).toMatchObject({
        id: user.id,
        full_name: next.full_name,
        email: next.email.toLowerCase(),
        username: next.username,
        role: 'user',
        is_active: true,
      });
      const me = await request(sut.server).get(`${V1}/users/me`).set(bearer(tokens.access_token)).expect(200);
      expect(me.body).toEqual(res.body);
    });

    it.each([
      ['role', { role: 'admin' }],
      ['is_active', { is_active: false }],
    ])('422 for %s (unknown field), and nothing changes', async (field, body) => {
      const { user, tokens } = await registerAndTokenLogin(sut.server);
      const res = await request(sut.server).patch(`${V1}/users/me`).set(bearer(tokens.access_token)).send(body);
      expect(problemOf(res)).toEqual(aProblem(422, 'validation_failed'));
      expect(fieldsOf(res)).toContain(field);
      const me = await request(sut.server).get(`${V1}/users/me`).set(bearer(tokens.access_token)).expect(200);
      expect(me.body).toMatchObject({ role: 'user', is_active: true, id: user.id });
    });

    it('422 for a bad email', async () => {
      const { tokens } = await registerAndTokenLogin(sut.server);
      const res = await request(sut.server)
        .patch(`${V1}/users/me`)
        .set(bearer(tokens.access_token))
        .send({ email: 'not-an-email' });
      expect(problemOf(res)).toEqual(aProblem(422, 'validation_failed'));
      expect(fieldsOf(res)).toContain('email');
    });

    it("409 username_taken for another user's username (any case)", async () => {
      const taken = await register(sut.server);
      const { tokens } = await registerAndTokenLogin(sut.server);
      const res = await request(sut.server)
        .patch(`${V1}/users/me`)
        .set(bearer(tokens.access_token))
        .send({ username: taken.input.username.toUpperCase() });
      expect(problemOf(res)).toEqual(aProblem(409, 'username_taken'));
    });

    it("409 email_taken for another user's email (any case)", async () => {
      const taken = await register(sut.server);
      const { tokens } = await registerAndTokenLogin(sut.server);
      const res = await request(sut.server)
        .patch(`${V1}/users/me`)
        .set(bearer(tokens.access_token))
        .send({ email: taken.input.email.toUpperCase() });
      expect(problemOf(res)).toEqual(aProblem(409, 'email_taken'));
    });
  });

  describe('admin routes refuse non-admins (403 forbidden)', () => {
    let user: { user: UserBody; tokens: TokenResponse };
    let someoneElse: UserBody;
    beforeAll(async () => {
      user = await registerAndTokenLogin(sut.server);
      someoneElse = (await register(sut.server)).user;
    });

    it('GET /users', async () => {
      expect(problemOf(await request(sut.server).get(`${V1}/users`).set(bearer(user.tokens.access_token)))).toEqual(
        aProblem(403, 'forbidden'),
      );
    });

    it('POST /users', async () => {
      const res = await request(sut.server)
        .post(`${V1}/users`)
        .set(bearer(user.tokens.access_token))
        .send({ ...newUserInput(), role: 'admin' });
      expect(problemOf(res)).toEqual(aProblem(403, 'forbidden'));
    });

    it('GET /users/{id} of another user', async () => {
      const res = await request(sut.server).get(`${V1}/users/${someoneElse.id}`).set(bearer(user.tokens.access_token));
      expect(problemOf(res)).toEqual(aProblem(403, 'forbidden'));
    });

    it('PATCH /users/{id} of another user, which stays unchanged', async () => {
      const res = await request(sut.server)
        .patch(`${V1}/users/${someoneElse.id}`)
        .set(bearer(user.tokens.access_token))
        .send({ full_name: 'Hijacked' });
      expect(problemOf(res)).toEqual(aProblem(403, 'forbidden'));
      const after = await request(sut.server).get(`${V1}/users/${someoneElse.id}`).set(asAdmin()).expect(200);
      expect(after.body.full_name).toBe(someoneElse.full_name);
    });

    it('DELETE /users/{id} of another user, who still exists', async () => {
      const res = await request(sut.server)
        .delete(`${V1}/users/${someoneElse.id}`)
        .set(bearer(user.tokens.access_token));
      expect(problemOf(res)).toEqual(aProblem(403, 'forbidden'));
      await request(sut.server).get(`${V1}/users/${someoneElse.id}`).set(asAdmin()).expect(200);
    });

    it('DELETE /users/{id} of oneself', async () => {
      const res = await request(sut.server).delete(`${V1}/users/${user.user.id}`).set(bearer(user.tokens.access_token));
      expect(problemOf(res)).toEqual(aProblem(403, 'forbidden'));
    });

    it('GET /users without credentials is 401 unauthenticated', async () => {
      expect(authFailureOf(await request(sut.server).get(`${V1}/users`))).toEqual(anAuthFailure('unauthenticated'));
    });
  });

  describe('a non-admin on their own id', () => {
    it('GET /users/{own id}: 200', async () => {
      const { user, tokens } = await registerAndTokenLogin(sut.server);
      const res = await request(sut.server).get(`${V1}/users/${user.id}`).set(bearer(tokens.access_token));
      expect(statusOf(res)).toEqual({ status: 200, body: user });
    });

    it('PATCH /users/{own id}: 200', async () => {
      const { user, tokens } = await registerAndTokenLogin(sut.server);
      const fullName = `Own Name ${uniqueSuffix()}`;
      const res = await request(sut.server)
        .patch(`${V1}/users/${user.id}`)
        .set(bearer(tokens.access_token))
        .send({ full_name: fullName })
        .expect(200);
      expect(res.body).toMatchObject({ id: user.id, full_name: fullName, role: 'user' });
    });

    it('PATCH /users/{own id} cannot grant admin or change is_active', async () => {
      const { user, tokens } = await registerAndTokenLogin(sut.server);
      for (const body of [{ role: 'admin' }, { is_active: false }]) {
        const res = await request(sut.server)
          .patch(`${V1}/users/${user.id}`)
          .set(bearer(tokens.access_token))
          .send(body);
        expect([403, 422]).toContain(res.status);
        expect(res.headers['content-type']).toMatch(PROBLEM);
      }
      const after = await request(sut.server).get(`${V1}/users/${user.id}`).set(asAdmin()).expect(200);
      expect(after.body).toMatchObject({ role: 'user', is_active: true });
      expect(problemOf(await request(sut.server).get(`${V1}/users`).set(bearer(tokens.access_token)))).toEqual(
        aProblem(403, 'forbidden'),
      );
    });
  });

  describe('GET /users (admin)', () => {
    /** Three users whose username, email or full_name (one each) holds a marker no other user has. */
    let marker: string;
    let byUsername: UserBody;
    let byEmail: UserBody;
    let byFullName: UserBody;
    beforeAll(async () => {
      marker = `mk${uniqueSuffix()}`;
      byUsername = (await createUser({ username: `a_${marker}`, email: `a_${uniqueSuffix()}@example.test` })).user;
      byEmail = (
        await createUser({ username: `c_${uniqueSuffix()}`, email: `b_${marker}@example.test`, role: 'admin' })
      ).user;
      byFullName = (
        await createUser({
          username: `b_${uniqueSuffix()}`,
          email: `c_${uniqueSuffix()}@example.test`,
          full_name: `Someone ${marker.toUpperCase()} Smith`,
          is_active: false,
        })
      ).user;
    });

    const list = (query: Record<string, string | number | boolean>) =>
      request(sut.server).get(`${V1}/users`).query(query).set(asAdmin());
    const ids = (res: Response) => (res.body.items as UserBody[]).map((u) => u.id);

    it('returns {items, total, page, limit} with page 1 by default, and no password fields', async () => {
      const res = await request(sut.server).get(`${V1}/users`).set(asAdmin()).expect(200);
      expect(res.body).toEqual({
        items: expect.any(Array),
        total: expect.any(Number),
        page: 1,
        limit: expect.any(Number),
      });
      expect(res.body.total).toBeGreaterThanOrEqual(3);
      expect(res.body.items.length).toBeLessThanOrEqual(res.body.limit);
      expect(deepKeys(res.body).filter((k) => /password|hash/i.test(k))).toEqual([]);
      expect(JSON.stringify(res.body)).not.toContain('$argon2');
    });

    it('q matches username, email and full_name substrings case-insensitively', async () => {
      const res = await list({ q: marker.toUpperCase() }).expect(200);
      expect(res.body.total).toBe(3);
      expect(new Set(ids(res))).toEqual(new Set([byUsername.id, byEmail.id, byFullName.id]));
    });

    it('q is a literal substring: % and _ are not wildcards', async () => {
      const withPercent = await list({ q: `${marker.slice(0, 3)}%${marker.slice(4)}` }).expect(200);
      expect(withPercent.body).toMatchObject({ items: [], total: 0 });
      const withUnderscore = await list({ q: `${marker.slice(0, 3)}_${marker.slice(4)}` }).expect(200);
      expect(withUnderscore.body).toMatchObject({ items: [], total: 0 });
      const literalUnderscore = await list({ q: `a_${marker}` }).expect(200);
      expect(ids(literalUnderscore)).toEqual([byUsername.id]);
    });

    it('pages with limit and page', async () => {
      const first = await list({ q: marker, limit: 2, page: 1, sort: 'username' }).expect(200);
      const second = await list({ q: marker, limit: 2, page: 2, sort: 'username' }).expect(200);
      expect(first.body).toMatchObject({ total: 3, page: 1, limit: 2 });
      expect(second.body).toMatchObject({ total: 3, page: 2, limit: 2 });
      expect(ids(first)).toHaveLength(2);
      expect(ids(second)).toHaveLength(1);
      expect(new Set([...ids(first), ...ids(second)])).toEqual(new Set([byUsername.id, byEmail.id, byFullName.id]));
    });

    it('filters by role', async () => {
      const res = await list({ q: marker, role: 'admin' }).expect(200);
      expect(ids(res)).toEqual([byEmail.id]);
      expect(res.body.total).toBe(1);
    });

    it('filters by is_active', async () => {
      const inactive = await list({ q: marker, is_active: false }).expect(200);
      expect(ids(inactive)).toEqual([byFullName.id]);
      const active = await list({ q: marker, is_active: true }).expect(200);
      expect(new Set(ids(active))).toEqual(new Set([byUsername.id, byEmail.id]));
    });

    it.each([
      ['username', () => [byUsername.id, byFullName.id, byEmail.id]],
      ['-username', () => [byEmail.id, byFullName.id, byUsername.id]],
      ['email', () => [byUsername.id, byEmail.id, byFullName.id]],
      ['-email', () => [byFullName.id, byEmail.id, byUsername.id]],
      ['created_at', () => [byUsername.id, byEmail.id, byFullName.id]],
      ['-created_at', () => [byFullName.id, byEmail.id, byUsername.id]],
    ])('sorts by %s', async (sort, expected) => {
      const res = await list({ q: marker, sort }).expect(200);
      expect(ids(res)).toEqual(expected());
    });

    it.each([
      ['limit', { limit: 0 }],
      ['limit', { limit: 101 }],
      ['limit', { limit: 'ten' }],
      ['page', { page: 0 }],
      ['sort', { sort: 'password_hash' }],
      ['sort', { sort: 'role' }],
      ['sort', { sort: 'username;drop table users' }],
      ['role', { role: 'superuser' }],
      ['is_active', { is_active: 'maybe' }],
    ])('422 on %s for %j', async (field, query) => {
      const res = await list(query);
      expect(problemOf(res)).toEqual(aProblem(422, 'validation_failed'));
      expect(fieldsOf(res)).toContain(field);
    });

    it('accepts limit 1 and limit 100', async () => {
      const one = await list({ limit: 1 }).expect(200);
      expect(one.body.items).toHaveLength(1);
      await list({ limit: 100 }).expect(200);
    });
  });

  describe('POST /users (admin)', () => {
    it('201 with the given role and is_active', async () => {
      const input = newUserInput();
      const res = await request(sut.server)
        .post(`${V1}/users`)
        .set(asAdmin())
        .send({ ...input, email: input.email.toUpperCase(), role: 'admin', is_active: false })
        .expect(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        username: input.username,
        email: input.email.toLowerCase(),
        full_name: input.full_name,
        role: 'admin',
        is_active: false,
        created_at: expect.any(String),
        updated_at: expect.any(String),
      });
    });

    it('defaults to an active user who can log in', async () => {
      const { input, user } = await createUser();
      expect(user).toMatchObject({ role: 'user', is_active: true });
      await tokenLogin(sut.server, input.username, input.password);
    });

    it('a user created inactive cannot log in', async () => {
      const { input } = await createUser({ is_active: false });
      const res = await request(sut.server)
        .post(`${V1}/auth/login`)
        .send({ login: input.username, password: input.password });
      expect(problemOf(res)).toEqual(aProblem(401, 'invalid_credentials'));
    });

    it('applies the password policy (422 on password)', async () => {
      const res = await request(sut.server)
        .post(`${V1}/users`)
        .set(asAdmin())
        .send(newUserInput({ password: 'password123' }));
      expect(problemOf(res)).toEqual(aProblem(422, 'validation_failed'));
      expect(fieldsOf(res)).toContain('password');
    });

    it('422 for an unknown role', async () => {
      const res = await request(sut.server)
        .post(`${V1}/users`)
        .set(asAdmin())
        .send({ ...newUserInput(), role: 'root' });
      expect(problemOf(res)).toEqual(aProblem(422, 'validation_failed'));
      expect(fieldsOf(res)).toContain('role');
    });

    it('409 username_taken and email_taken', async () => {
      const { input } = await register(sut.server);
      expect(
        problemOf(
          await request(sut.server)
            .post(`${V1}/users`)
            .set(asAdmin())
            .send(newUserInput({ username: input.username.toUpperCase() })),
        ),
      ).toEqual(aProblem(409, 'username_taken'));
      expect(
        problemOf(
          await request(sut.server)
            .post(`${V1}/users`)
            .set(asAdmin())
            .send(newUserInput({ email: input.email.toUpperCase() })),
        ),
      ).toEqual(aProblem(409, 'email_taken'));
    });
  });

  describe('GET, PATCH, DELETE /users/{id} (admin)', () => {
    it('GET returns the user', async () => {
      const { user } = await register(sut.server);
      const res = await request(sut.server).get(`${V1}/users/${user.id}`).set(asAdmin()).expect(200);
      expect(res.body).toEqual(user);
    });

    it('PATCH updates profile fields, role and is_active', async () => {
      const { user } = await register(sut.server);
      const fullName = `Patched ${uniqueSuffix()}`;
      const res = await request(sut.server)
        .patch(`${V1}/users/${user.id}`)
        .set(asAdmin())
        .send({ full_name: fullName, role: 'admin', is_active: false })
        .expect(200);
      expect(res.body).toMatchObject({ id: user.id, full_name: fullName, role: 'admin', is_active: false });
    });

    it('PATCH to a taken username is 409 username_taken', async () => {
      const taken = await register(sut.server);
      const { user } = await register(sut.server);
      const res = await request(sut.server)
        .patch(`${V1}/users/${user.id}`)
        .set(asAdmin())
        .send({ username: taken.input.username });
      expect(problemOf(res)).toEqual(aProblem(409, 'username_taken'));
    });

    it('DELETE: 204, then 404 user_not_found', async () => {
      const { user } = await register(sut.server);
      await request(sut.server).delete(`${V1}/users/${user.id}`).set(asAdmin()).expect(204);
      expect(problemOf(await request(sut.server).get(`${V1}/users/${user.id}`).set(asAdmin()))).toEqual(
        aProblem(404, 'user_not_found'),
      );
      expect(problemOf(await request(sut.server).delete(`${V1}/users/${user.id}`).set(asAdmin()))).toEqual(
        aProblem(404, 'user_not_found'),
      );
    });

    it.each([
      ['GET', () => request(sut.server).get(`${V1}/users/${randomUUID()}`)],
      ['PATCH', () => request(sut.server).patch(`${V1}/users/${randomUUID()}`).send({ full_name: 'Nobody' })],
      ['DELETE', () => request(sut.server).delete(`${V1}/users/${randomUUID()}`)],
    ])('%s of an unknown id: 404 user_not_found', async (_method, call) => {
      expect(problemOf(await call().set(asAdmin()))).toEqual(aProblem(404, 'user_not_found'));
    });

    it.each([
      ['GET', () => request(sut.server).get(`${V1}/users/not-a-uuid`)],
      ['PATCH', () => request(sut.server).patch(`${V1}/users/not-a-uuid`).send({ full_name: 'Nobody' })],
      ['DELETE', () => request(sut.server).delete(`${V1}/users/not-a-uuid`)],
    ])('%s of a malformed id: 422', async (_method, call) => {
      const res = await call().set(asAdmin());
      expect(problemOf(res)).toEqual(aProblem(422, 'validation_failed'));
      expect(fieldsOf(res)).toContain('id');
    });

    it('an admin deleting themself: 409 cannot_delete_self, and they still exist', async () => {
      const { input, user } = await createUser({ role: 'admin' });
      const tokens = await tokenLogin(sut.server, input.username, input.password);
      const res = await request(sut.server).delete(`${V1}/users/${user.id}`).set(bearer(tokens.access_token));
      expect(problemOf(res)).toEqual(aProblem(409, 'cannot_delete_self'));
      await request(sut.server).get(`${V1}/users/me`).set(bearer(tokens.access_token)).expect(200);
    });
  });

  describe('status and role changes take effect on the next request', () => {
    it('deactivation revokes every session of the user and blocks login', async () => {
      const { input, user, tokens } = await registerAndTokenLogin(sut.server);
      const cookieSession = await loginWithCookies(sut.server, input.username, input.password);
      await request(sut.server).patch(`${V1}/users/${user.id}`).set(asAdmin()).send({ is_active: false }).expect(200);

      const bearerMe = await request(sut.server).get(`${V1}/users/me`).set(bearer(tokens.access_token));
      expect(authFailureOf(bearerMe)).toEqual(anAuthFailure('session_revoked'));
      const cookieMe = await request(sut.server).get(`${V1}/users/me`).set('Cookie', cookieSession.cookie);
      expect(authFailureOf(cookieMe)).toEqual(anAuthFailure('session_revoked'));
      const refreshed = await tokenRefresh(sut.server, tokens.refresh_token);
      expect(oauthErrorOf(refreshed)).toEqual(anOAuthError('invalid_grant'));
      const login = await request(sut.server)
        .post(`${V1}/auth/login`)
        .send({ login: input.username, password: input.password });
      expect(problemOf(login)).toEqual(aProblem(401, 'invalid_credentials'));
    });

    it('deletion revokes every session of the user and blocks login', async () => {
      const { input, user, tokens } = await registerAndTokenLogin(sut.server);
      await request(sut.server).delete(`${V1}/users/${user.id}`).set(asAdmin()).expect(204);

      const me = await request(sut.server).get(`${V1}/users/me`).set(bearer(tokens.access_token));
      expect(authFailureOf(me)).toEqual(anAuthFailure('session_revoked'));
      const login = await request(sut.server)
        .post(`${V1}/auth/login`)
        .send({ login: input.username, password: input.password });
      expect(problemOf(login)).toEqual(aProblem(401, 'invalid_credentials'));
    });

    it('a demoted admin loses admin routes on the next request with the same access token', async () => {
      const { input, user } = await createUser({ role: 'admin' });
      const tokens = await tokenLogin(sut.server, input.username, input.password);
      await request(sut.server).get(`${V1}/users`).set(bearer(tokens.access_token)).expect(200);

      await request(sut.server).patch(`${V1}/users/${user.id}`).set(asAdmin()).send({ role: 'user' }).expect(200);

      expect(problemOf(await request(sut.server).get(`${V1}/users`).set(bearer(tokens.access_token)))).toEqual(
        aProblem(403, 'forbidden'),
      );
      await request(sut.server).get(`${V1}/users/me`).set(bearer(tokens.access_token)).expect(200);
    });
  });
});
