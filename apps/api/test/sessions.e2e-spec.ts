import { SessionCleanup } from '@app/sessions';
import { newUserInput, NewUserInput, uniqueSuffix } from '@app/testing';
import { randomUUID } from 'node:crypto';
import request, { Response } from 'supertest';
import { DataSource } from 'typeorm';
import {
  adminEnv,
  adminTokenLogin,
  anAuthFailure,
  aProblem,
  aStatus,
  authFailureOf,
  bearer,
  cookieSessionFrom,
  CookieSession,
  deepKeys,
  problemOf,
  register,
  statusOf,
  TokenResponse,
  UserBody,
} from './support/auth-helpers';
import { startTestApp, TestApp } from './support/test-app';

const V1 = '/api/v1';
const FORWARDED_IP = '203.0.113.9';
const LOOPBACK = ['127.0.0.1', '::ffff:127.0.0.1'];

type Server = TestApp['server'];
type Headers = Record<string, string>;

const MY_SESSION_KEYS = ['created_at', 'current', 'expires_at', 'id', 'ip', 'last_seen_at', 'user_agent'];
const ADMIN_SESSION_KEYS = [
  'created_at',
  'expires_at',
  'id',
  'ip',
  'last_seen_at',
  'revoked_at',
  'revoked_by',
  'revoked_reason',
  'user_agent',
  'user_id',
];

interface MySession {
  id: string;
  ip: string | null;
  user_agent: string | null;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  current: boolean;
}

interface AdminSession {
  id: string;
  user_id: string;
  ip: string | null;
  user_agent: string | null;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  revoked_at: string | null;
  revoked_reason: string | null;
  revoked_by: string | null;
}

interface AdminPage {
  items: AdminSession[];
  total: number;
  page: number;
  limit: number;
}

/** A bearer session: its tokens and its id (the `sid` claim of the access token). */
interface BearerSession {
  id: string;
  tokens: TokenResponse;
  auth: Headers;
}

/** The `sid` claim of an access token (the JWT payload, base64url-decoded). */
function sidOf(accessToken: string): string {
  const payload = JSON.parse(Buffer.from(accessToken.split('.')[1], 'base64url').toString('utf8')) as {
    sid?: unknown;
  };
  if (typeof payload.sid !== 'string') throw new Error(`access token without a sid claim: ${JSON.stringify(payload)}`);
  return payload.sid;
}

/** `POST /auth/token` (password grant) with extra request headers; fails loudly unless 200. */
async function bearerLogin(server: Server, input: NewUserInput, headers: Headers = {}): Promise<BearerSession> {
  const res = await request(server)
    .post(`${V1}/auth/token`)
    .set(headers)
    .type('form')
    .send({ grant_type: 'password', username: input.username, password: input.password });
  if (res.status !== 200) {
    throw new Error(`token login ${input.username}: expected 200, got ${res.status} ${JSON.stringify(res.body)}`);
  }
  const tokens = res.body as TokenResponse;
  return { id: sidOf(tokens.access_token), tokens, auth: bearer(tokens.access_token) };
}

/** `POST /auth/login` (cookies) with extra request headers; fails loudly unless 200. */
async function cookieLogin(server: Server, input: NewUserInput, headers: Headers = {}): Promise<CookieSession> {
  const res = await request(server)
    .post(`${V1}/auth/login`)
    .set(headers)
    .send({ login: input.username, password: input.password });
  if (res.status !== 200) {
    throw new Error(`login ${input.username}: expected 200, got ${res.status} ${JSON.stringify(res.body)}`);
  }
  return { ...cookieSessionFrom(res), user: res.body.user, session: res.body.session };
}

/** A fresh user (factory) with `count` bearer sessions, oldest first. */
async function userWithSessions(
  server: Server,
  count: number,
): Promise<{ input: NewUserInput; user: UserBody; sessions: BearerSession[] }> {
  const { input, user } = await register(server, newUserInput());
  const sessions: BearerSession[] = [];
  for (let i = 0; i < count; i++) sessions.push(await bearerLogin(server, input));
  return { input, user, sessions };
}

function mySessions(server: Server, auth: Headers): Promise<Response> {
  return request(server)
    .get(`${V1}/sessions`)
    .set(auth)
    .then((res) => res);
}

/** `GET /sessions`; fails loudly unless 200. */
async function listMine(server: Server, auth: Headers): Promise<MySession[]> {
  const res = await mySessions(server, auth);
  if (res.status !== 200) throw new Error(`GET /sessions: expected 200, got ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as MySession[];
}

/** What a session probe is judged by: 200 while it lives, the 401 session_revoked failure once it ended. */
async function probe(server: Server, auth: Headers): Promise<unknown> {
  const res = await mySessions(server, auth);
  return res.status === 200 ? statusOf(res) : authFailureOf(res);
}
const ALIVE = aStatus(200);
const REVOKED = anAuthFailure('session_revoked');

describe('sessions (real PostgreSQL and Redis)', () => {
  let sut: TestApp;
  let admin: TokenResponse;
  let adminId: string;

  beforeAll(async () => {
    sut = await startTestApp({ env: adminEnv() });
    admin = await adminTokenLogin(sut.server);
    adminId = (await request(sut.server).get(`${V1}/users/me`).set(bearer(admin.access_token)).expect(200)).body.id;
  });
  afterAll(() => sut?.close());

  const asAdmin = (): Headers => bearer(admin.access_token);

  async function adminList(query: Record<string, string | number | boolean>): Promise<AdminPage> {
    const res = await request(sut.server).get(`${V1}/admin/sessions`).query(query).set(asAdmin());
    if (res.status !== 200) {
      throw new Error(`GET /admin/sessions: expected 200, got ${res.status} ${JSON.stringify(res.body)}`);
    }
    return res.body as AdminPage;
  }

  /** One session as admins see it, found through the user_id filter; undefined when it is not listed. */
  async function adminView(userId: string, sessionId: string): Promise<AdminSession | undefined> {
    const page = await adminList({ user_id: userId, limit: 100 });
    return page.items.find((s) => s.id === sessionId);
  }

  describe('GET /sessions', () => {
    it('lists my live sessions newest first, exactly one current (the sid of my token), with login UA and socket ip', async () => {
      const { input } = await register(sut.server);
      const browserUa = `sessions-spec-browser/${uniqueSuffix()}`;
      const cliUa = `sessions-spec-cli/${uniqueSuffix()}`;
      const cookie = await cookieLogin(sut.server, input, { 'User-Agent': browserUa, 'X-Forwarded-For': FORWARDED_IP });
      const token = await bearerLogin(sut.server, input, { 'User-Agent': cliUa, 'X-Forwarded-For': FORWARDED_IP });
      expect(sidOf(cookie.access_token)).toBe(cookie.session.id);

      const res = await mySessions(sut.server, token.auth);
      expect(statusOf(res)).toEqual(aStatus(200));
      const sessions = res.body as MySession[];
      expect(sessions.map((s) => s.id)).toEqual([token.id, cookie.session.id]);
      for (const s of sessions) {
        expect(Object.keys(s).sort()).toEqual(MY_SESSION_KEYS);
        expect(LOOPBACK).toContain(s.ip);
        expect(s.ip).not.toBe(FORWARDED_IP);
        for (const field of ['created_at', 'last_seen_at', 'expires_at'] as const) {
          expect(Number.isNaN(Date.parse(s[field]))).toBe(false);
        }
        expect(Date.parse(s.expires_at)).toBeGreaterThan(Date.parse(s.created_at));
      }
      expect(Date.parse(sessions[0].created_at)).toBeGreaterThanOrEqual(Date.parse(sessions[1].created_at));
      expect(sessions.map((s) => [s.id, s.current, s.user_agent])).toEqual([
        [token.id, true, cliUa],
        [cookie.session.id, false, browserUa],
      ]);

      const fromCookie = await listMine(sut.server, { Cookie: cookie.cookie });
      expect(fromCookie.filter((s) => s.current).map((s) => s.id)).toEqual([cookie.session.id]);
    });

    it('never carries a token or a hash', async () => {
      const { input } = await register(sut.server);
      const cookie = await cookieLogin(sut.server, input);
      const token = await bearerLogin(sut.server, input);

      for (const auth of [token.auth, { Cookie: cookie.cookie }]) {
        const res = await mySessions(sut.server, auth);
        expect(statusOf(res)).toEqual(aStatus(200));
        expect(deepKeys(res.body).filter((key) => /token|hash/i.test(key))).toEqual([]);
        const json = JSON.stringify(res.body);
        for (const secret of [
          token.tokens.refresh_token,
          token.tokens.access_token,
          cookie.refresh_token,
          cookie.access_token,
          cookie.csrf_token,
        ]) {
          expect(json).not.toContain(secret);
        }
      }
    });

    it('lists only my sessions, not ended ones and not other users’', async () => {
      const me = await userWithSessions(sut.server, 3);
      const someoneElse = await userWithSessions(sut.server, 1);
      const [kept, loggedOut, current] = me.sessions;
      await request(sut.server).post(`${V1}/auth/logout`).set(loggedOut.auth).expect(204);

      const sessions = await listMine(sut.server, current.auth);
      expect(sessions.map((s) => s.id)).toEqual([current.id, kept.id]);
      expect(sessions.map((s) => s.id)).not.toContain(someoneElse.sessions[0].id);
    });

    it('401 unauthenticated without credentials', async () => {
      expect(authFailureOf(await request(sut.server).get(`${V1}/sessions`))).toEqual(anAuthFailure('unauthenticated'));
    });
  });

  describe('DELETE /sessions/{id}', () => {
    it('204 ends that session (401 session_revoked on its next request) while my other sessions keep working', async () => {
      const { sessions } = await userWithSessions(sut.server, 3);
      const [target, other, current] = sessions;

      await request(sut.server).delete(`${V1}/sessions/${target.id}`).set(current.auth).expect(204);

      expect(await probe(sut.server, target.auth)).toEqual(REVOKED);
      expect(await probe(sut.server, current.auth)).toEqual(ALIVE);
      expect(await probe(sut.server, other.auth)).toEqual(ALIVE);
      expect((await listMine(sut.server, current.auth)).map((s) => s.id)).toEqual([current.id, other.id]);
    });

    it('204 for the current session itself, which then is revoked', async () => {
      const { sessions } = await userWithSessions(sut.server, 2);
      const [other, current] = sessions;
      await request(sut.server).delete(`${V1}/sessions/${current.id}`).set(current.auth).expect(204);
      expect(await probe(sut.server, current.auth)).toEqual(REVOKED);
      expect(await probe(sut.server, other.auth)).toEqual(ALIVE);
    });

    it('404 session_not_found for someone else’s session, which keeps working', async () => {
      const mine = await userWithSessions(sut.server, 1);
      const theirs = await userWithSessions(sut.server, 1);
      const res = await request(sut.server)
        .delete(`${V1}/sessions/${theirs.sessions[0].id}`)
        .set(mine.sessions[0].auth);
      expect(problemOf(res)).toEqual(aProblem(404, 'session_not_found'));
      expect(await probe(sut.server, theirs.sessions[0].auth)).toEqual(ALIVE);
    });

    it('404 session_not_found for an unknown UUID', async () => {
      const { sessions } = await userWithSessions(sut.server, 1);
      const res = await request(sut.server).delete(`${V1}/sessions/${randomUUID()}`).set(sessions[0].auth);
      expect(problemOf(res)).toEqual(aProblem(404, 'session_not_found'));
    });

    it('404 session_not_found for one of my sessions that already ended', async () => {
      const { sessions } = await userWithSessions(sut.server, 2);
      const [ended, current] = sessions;
      await request(sut.server).delete(`${V1}/sessions/${ended.id}`).set(current.auth).expect(204);
      const again = await request(sut.server).delete(`${V1}/sessions/${ended.id}`).set(current.auth);
      expect(problemOf(again)).toEqual(aProblem(404, 'session_not_found'));

      const more = await userWithSessions(sut.server, 2);
      await request(sut.server).post(`${V1}/auth/logout`).set(more.sessions[0].auth).expect(204);
      const afterLogout = await request(sut.server)
        .delete(`${V1}/sessions/${more.sessions[0].id}`)
        .set(more.sessions[1].auth);
      expect(problemOf(afterLogout)).toEqual(aProblem(404, 'session_not_found'));
    });

    it('422 validation_failed for an id that is not a UUID', async () => {
      const { sessions } = await userWithSessions(sut.server, 1);
      const res = await request(sut.server).delete(`${V1}/sessions/not-a-uuid`).set(sessions[0].auth);
      expect(problemOf(res)).toEqual(aProblem(422, 'validation_failed'));
      expect(await probe(sut.server, sessions[0].auth)).toEqual(ALIVE);
    });

    it('401 unauthenticated without credentials, and the session survives', async () => {
      const { sessions } = await userWithSessions(sut.server, 1);
      const res = await request(sut.server).delete(`${V1}/sessions/${sessions[0].id}`);
      expect(authFailureOf(res)).toEqual(anAuthFailure('unauthenticated'));
      expect(await probe(sut.server, sessions[0].auth)).toEqual(ALIVE);
    });

    describe('cookie-authenticated (CSRF)', () => {
      it('403 csrf_failed without X-CSRF-Token, and the target session survives', async () => {
        const { input } = await register(sut.server);
        const cookie = await cookieLogin(sut.server, input);
        const target = await bearerLogin(sut.server, input);
        const res = await request(sut.server).delete(`${V1}/sessions/${target.id}`).set('Cookie', cookie.cookie);
        expect(problemOf(res)).toEqual(aProblem(403, 'csrf_failed'));
        expect(await probe(sut.server, target.auth)).toEqual(ALIVE);
      });

      it('403 csrf_failed when X-CSRF-Token differs from the csrf_token cookie', async () => {
        const { input } = await register(sut.server);
        const cookie = await cookieLogin(sut.server, input);
        const otherCookie = await cookieLogin(sut.server, input);
        const target = await bearerLogin(sut.server, input);
        const res = await request(sut.server)
          .delete(`${V1}/sessions/${target.id}`)
          .set('Cookie', cookie.cookie)
          .set('X-CSRF-Token', otherCookie.csrf_token);
        expect(problemOf(res)).toEqual(aProblem(403, 'csrf_failed'));
        expect(await probe(sut.server, target.auth)).toEqual(ALIVE);
      });

      it('204 with X-CSRF-Token equal to the csrf_token cookie', async () => {
        const { input } = await register(sut.server);
        const cookie = await cookieLogin(sut.server, input);
        const target = await bearerLogin(sut.server, input);
        await request(sut.server)
          .delete(`${V1}/sessions/${target.id}`)
          .set('Cookie', cookie.cookie)
          .set('X-CSRF-Token', cookie.csrf_token)
          .expect(204);
        expect(await probe(sut.server, target.auth)).toEqual(REVOKED);
        expect(await probe(sut.server, { Cookie: cookie.cookie })).toEqual(ALIVE);
      });
    });
  });

  describe('DELETE /sessions?scope=', () => {
    it('scope=others: 204, my other sessions die, the current one and other users’ keep working', async () => {
      const me = await userWithSessions(sut.server, 3);
      const someoneElse = await userWithSessions(sut.server, 1);
      const [a, b, current] = me.sessions;

      await request(sut.server).delete(`${V1}/sessions`).query({ scope: 'others' }).set(current.auth).expect(204);

      expect(await probe(sut.server, a.auth)).toEqual(REVOKED);
      expect(await probe(sut.server, b.auth)).toEqual(REVOKED);
      expect(await probe(sut.server, current.auth)).toEqual(ALIVE);
      expect(await probe(sut.server, someoneElse.sessions[0].auth)).toEqual(ALIVE);
      expect((await listMine(sut.server, current.auth)).map((s) => s.id)).toEqual([current.id]);
    });

    it('scope=all: 204, all my sessions die, the current one too; other users’ keep working', async () => {
      const me = await userWithSessions(sut.server, 3);
      const someoneElse = await userWithSessions(sut.server, 1);

      await request(sut.server).delete(`${V1}/sessions`).query({ scope: 'all' }).set(me.sessions[2].auth).expect(204);

      for (const s of me.sessions) expect(await probe(sut.server, s.auth)).toEqual(REVOKED);
      expect(await probe(sut.server, someoneElse.sessions[0].auth)).toEqual(ALIVE);
    });

    it.each([
      ['missing', {}],
      ['invalid', { scope: 'everything' }],
      ['empty', { scope: '' }],
    ])('422 validation_failed when scope is %s, and nothing ends', async (_name, query) => {
      const { sessions } = await userWithSessions(sut.server, 2);
      const res = await request(sut.server).delete(`${V1}/sessions`).query(query).set(sessions[1].auth);
      expect(problemOf(res)).toEqual(aProblem(422, 'validation_failed'));
      expect(await probe(sut.server, sessions[0].auth)).toEqual(ALIVE);
      expect(await probe(sut.server, sessions[1].auth)).toEqual(ALIVE);
    });

    it('401 unauthenticated without credentials', async () => {
      const res = await request(sut.server).delete(`${V1}/sessions`).query({ scope: 'all' });
      expect(authFailureOf(res)).toEqual(anAuthFailure('unauthenticated'));
    });
  });

  describe('admin routes: 401 without credentials, 403 forbidden for non-admins', () => {
    let user: { user: UserBody; sessions: BearerSession[] };
    let victim: { user: UserBody; sessions: BearerSession[] };
    beforeAll(async () => {
      user = await userWithSessions(sut.server, 1);
      victim = await userWithSessions(sut.server, 1);
    });

    const routes: [string, (server: Server) => request.Test][] = [
      ['GET /admin/sessions', (server) => request(server).get(`${V1}/admin/sessions`)],
      [
        'DELETE /admin/sessions/{id}',
        (server) => request(server).delete(`${V1}/admin/sessions/${victim.sessions[0].id}`),
      ],
      [
        'DELETE /admin/users/{id}/sessions',
        (server) => request(server).delete(`${V1}/admin/users/${victim.user.id}/sessions`),
      ],
    ];

    it.each(routes)('%s: 403 forbidden for a non-admin, and the target survives', async (_name, call) => {
      const res = await call(sut.server).set(user.sessions[0].auth);
      expect(problemOf(res)).toEqual(aProblem(403, 'forbidden'));
      expect(await probe(sut.server, victim.sessions[0].auth)).toEqual(ALIVE);
    });

    it.each(routes)('%s: 401 unauthenticated without credentials', async (_name, call) => {
      expect(authFailureOf(await call(sut.server))).toEqual(anAuthFailure('unauthenticated'));
      expect(await probe(sut.server, victim.sessions[0].auth)).toEqual(ALIVE);
    });
  });

  describe('GET /admin/sessions', () => {
    it('filters by user_id; items have exactly the admin keys; live ones are not revoked', async () => {
      const { input, user } = await register(sut.server);
      const ua = `sessions-spec-admin-view/${uniqueSuffix()}`;
      const a = await bearerLogin(sut.server, input, { 'User-Agent': ua, 'X-Forwarded-For': FORWARDED_IP });
      const b = await bearerLogin(sut.server, input, { 'User-Agent': ua });
      const someoneElse = await userWithSessions(sut.server, 1);

      const page = await adminList({ user_id: user.id });
      expect({ total: page.total, page: page.page, limit: page.limit }).toEqual({ total: 2, page: 1, limit: 20 });
      expect(page.items.map((s) => s.id).sort()).toEqual([a.id, b.id].sort());
      expect(page.items.map((s) => s.id)).not.toContain(someoneElse.sessions[0].id);
      for (const s of page.items) {
        expect(Object.keys(s).sort()).toEqual(ADMIN_SESSION_KEYS);
        expect(s).toMatchObject({
          user_id: user.id,
          user_agent: ua,
          revoked_at: null,
          revoked_reason: null,
          revoked_by: null,
        });
        expect(LOOPBACK).toContain(s.ip);
      }
      expect(deepKeys(page).filter((key) => /token|hash/i.test(key))).toEqual([]);
      const json = JSON.stringify(page);
      for (const secret of [a.tokens.refresh_token, b.tokens.refresh_token]) expect(json).not.toContain(secret);
    });

    it('active=true lists only live sessions, active=false only ended ones with revoked_at and revoked_reason', async () => {
      const { user, sessions } = await userWithSessions(sut.server, 3);
      const [live1, ended, live2] = sessions;
      await request(sut.server).post(`${V1}/auth/logout`).set(ended.auth).expect(204);

      const active = await adminList({ user_id: user.id, active: true });
      expect(active.total).toBe(2);
      expect(active.items.map((s) => s.id).sort()).toEqual([live1.id, live2.id].sort());
      for (const s of active.items) expect(s).toMatchObject({ revoked_at: null, revoked_reason: null });

      const endedPage = await adminList({ user_id: user.id, active: false });
      expect(endedPage.total).toBe(1);
      expect(endedPage.items).toEqual([
        expect.objectContaining({ id: ended.id, user_id: user.id, revoked_reason: 'logout', revoked_by: null }),
      ]);
      expect(Number.isNaN(Date.parse(endedPage.items[0].revoked_at ?? ''))).toBe(false);

      const all = await adminList({ user_id: user.id });
      expect(all.total).toBe(3);
    });

    it('active=true/false without user_id: every item is live / ended', async () => {
      const { sessions } = await userWithSessions(sut.server, 2);
      await request(sut.server).post(`${V1}/auth/logout`).set(sessions[0].auth).expect(204);

      const live = await adminList({ active: true, limit: 100 });
      expect(live.items.length).toBeGreaterThan(0);
      expect(live.items.filter((s) => s.revoked_at !== null || Date.parse(s.expires_at) <= Date.now())).toEqual([]);

      /** An ended session is revoked (with a reason) or past its expiry. */
      const isEnded = (s: AdminSession) =>
        (s.revoked_at !== null && s.revoked_reason !== null) || Date.parse(s.expires_at) <= Date.now();
      const ended = await adminList({ active: false, limit: 100 });
      expect(ended.items.length).toBeGreaterThan(0);
      expect(ended.items.filter((s) => !isEnded(s))).toEqual([]);
    });

    it('records why a session ended: logout, aborted_by_user, aborted_by_admin (with revoked_by), password_change', async () => {
      const { input, user, sessions } = await userWithSessions(sut.server, 4);
      const [loggedOut, abortedByUser, abortedByAdmin, current] = sessions;

      await request(sut.server).post(`${V1}/auth/logout`).set(loggedOut.auth).expect(204);
      await request(sut.server).delete(`${V1}/sessions/${abortedByUser.id}`).set(current.auth).expect(204);
      await request(sut.server).delete(`${V1}/admin/sessions/${abortedByAdmin.id}`).set(asAdmin()).expect(204);
      const changedAway = await bearerLogin(sut.server, input);
      await request(sut.server)
        .post(`${V1}/auth/password`)
        .set(current.auth)
        .send({ current_password: input.password, new_password: `new battery staple ${uniqueSuffix()}` })
        .expect(204);

      const ended = await adminList({ user_id: user.id, active: false });
      const why = Object.fromEntries(ended.items.map((s) => [s.id, [s.revoked_reason, s.revoked_by]]));
      expect(why).toEqual({
        [loggedOut.id]: ['logout', null],
        [abortedByUser.id]: ['aborted_by_user', null],
        [abortedByAdmin.id]: ['aborted_by_admin', adminId],
        [changedAway.id]: ['password_change', null],
      });
      for (const s of ended.items) expect(Number.isNaN(Date.parse(s.revoked_at ?? ''))).toBe(false);

      const live = await adminList({ user_id: user.id, active: true });
      expect(live.items.map((s) => s.id)).toEqual([current.id]);
    });

    it('paginates: 5 sessions with limit=2 give pages of 2, 2 and 1 with the same total and no overlap', async () => {
      const { user, sessions } = await userWithSessions(sut.server, 5);
      const pages: AdminPage[] = [];
      for (const page of [1, 2, 3]) pages.push(await adminList({ user_id: user.id, page, limit: 2 }));

      expect(pages.map((p) => ({ n: p.items.length, total: p.total, page: p.page, limit: p.limit }))).toEqual([
        { n: 2, total: 5, page: 1, limit: 2 },
        { n: 2, total: 5, page: 2, limit: 2 },
        { n: 1, total: 5, page: 3, limit: 2 },
      ]);
      const seen = pages.flatMap((p) => p.items.map((s) => s.id));
      expect(new Set(seen).size).toBe(5);
      expect(seen.sort()).toEqual(sessions.map((s) => s.id).sort());
    });

    it.each([
      ['limit=0', { limit: 0 }, 'limit'],
      ['limit=101', { limit: 101 }, 'limit'],
      ['page=0', { page: 0 }, 'page'],
      ['active=maybe', { active: 'maybe' }, 'active'],
      ['user_id=not-a-uuid', { user_id: 'not-a-uuid' }, 'user_id'],
    ])('422 validation_failed for %s', async (_name, query, field) => {
      const res = await request(sut.server).get(`${V1}/admin/sessions`).query(query).set(asAdmin());
      expect(problemOf(res)).toEqual(aProblem(422, 'validation_failed'));
      expect(((res.body.errors ?? []) as { field: string }[]).map((e) => e.field)).toContain(field);
    });
  });

  describe('DELETE /admin/sessions/{id}', () => {
    it('204; the session dies on its next request, the user’s other sessions keep working', async () => {
      const { sessions } = await userWithSessions(sut.server, 2);
      const [target, other] = sessions;
      await request(sut.server).delete(`${V1}/admin/sessions/${target.id}`).set(asAdmin()).expect(204);
      expect(await probe(sut.server, target.auth)).toEqual(REVOKED);
      expect(await probe(sut.server, other.auth)).toEqual(ALIVE);
      expect(await probe(sut.server, asAdmin())).toEqual(ALIVE);
    });

    it('404 session_not_found for an unknown id', async () => {
      const res = await request(sut.server).delete(`${V1}/admin/sessions/${randomUUID()}`).set(asAdmin());
      expect(problemOf(res)).toEqual(aProblem(404, 'session_not_found'));
    });

    it('422 validation_failed for an id that is not a UUID', async () => {
      const res = await request(sut.server).delete(`${V1}/admin/sessions/not-a-uuid`).set(asAdmin());
      expect(problemOf(res)).toEqual(aProblem(422, 'validation_failed'));
    });
  });

  describe('DELETE /admin/users/{id}/sessions', () => {
    it('204; every session of that user dies, with aborted_by_admin by this admin; other users keep theirs', async () => {
      const { user, sessions } = await userWithSessions(sut.server, 3);
      const someoneElse = await userWithSessions(sut.server, 1);

      await request(sut.server).delete(`${V1}/admin/users/${user.id}/sessions`).set(asAdmin()).expect(204);

      for (const s of sessions) expect(await probe(sut.server, s.auth)).toEqual(REVOKED);
      expect(await probe(sut.server, someoneElse.sessions[0].auth)).toEqual(ALIVE);
      expect(await probe(sut.server, asAdmin())).toEqual(ALIVE);
      const ended = await adminList({ user_id: user.id, active: false });
      expect(ended.total).toBe(3);
      for (const s of ended.items) expect(s).toMatchObject({ revoked_reason: 'aborted_by_admin', revoked_by: adminId });
      expect((await adminList({ user_id: user.id, active: true })).total).toBe(0);
    });

    it('404 user_not_found for an unknown user id', async () => {
      const res = await request(sut.server).delete(`${V1}/admin/users/${randomUUID()}/sessions`).set(asAdmin());
      expect(problemOf(res)).toEqual(aProblem(404, 'user_not_found'));
    });
  });

  describe('SessionCleanup.runOnce with the default retention (30 days)', () => {
    it('keeps a just-revoked session', async () => {
      const { user, sessions } = await userWithSessions(sut.server, 2);
      const [ended, live] = sessions;
      await request(sut.server).post(`${V1}/auth/logout`).set(ended.auth).expect(204);

      await sut.app.get(SessionCleanup).runOnce();

      const endedPage = await adminList({ user_id: user.id, active: false });
      expect(endedPage.items).toEqual([expect.objectContaining({ id: ended.id, revoked_reason: 'logout' })]);
      expect(await adminView(user.id, live.id)).toMatchObject({ revoked_at: null });
      expect(await probe(sut.server, live.auth)).toEqual(ALIVE);
    });
  });

  describe('SessionCleanup.runOnce and expiry (default retention)', () => {
    it('deletes a session whose expiry passed more than the retention ago, keeps one that just expired', async () => {
      const { user, sessions } = await userWithSessions(sut.server, 3);
      const [longExpired, justExpired, live] = sessions;
      const db = sut.app.get(DataSource);
      // Age two sessions in place: their lifetimes ended 31 days and 1 minute ago.
      await db.query(
        `UPDATE sessions SET created_at = now() - interval '62 days', idle_expires_at = now() - interval '31 days',
           expires_at = now() - interval '31 days' WHERE id = $1`,
        [longExpired.id],
      );
      await db.query(`UPDATE sessions SET idle_expires_at = now() - interval '1 minute' WHERE id = $1`, [
        justExpired.id,
      ]);

      await sut.app.get(SessionCleanup).runOnce();

      const all = await adminList({ user_id: user.id });
      expect(all.items.map((s) => s.id).sort()).toEqual([justExpired.id, live.id].sort());
      expect(await probe(sut.server, justExpired.auth)).toEqual(REVOKED);
      expect(await probe(sut.server, live.auth)).toEqual(ALIVE);
    });
  });

  describe('SessionCleanup.runOnce with SESSION_RETENTION_DAYS=0', () => {
    let retention: TestApp;
    let retentionAdmin: TokenResponse;
    beforeAll(async () => {
      retention = await startTestApp({ env: { ...adminEnv(), SESSION_RETENTION_DAYS: '0' } });
      retentionAdmin = await adminTokenLogin(retention.server);
    });
    afterAll(() => retention?.close());

    it('deletes the ended session; the live ones remain and keep working', async () => {
      const { user, sessions } = await userWithSessions(retention.server, 3);
      const [live1, ended, live2] = sessions;
      await request(retention.server).post(`${V1}/auth/logout`).set(ended.auth).expect(204);

      const deleted = await retention.app.get(SessionCleanup).runOnce();
      expect(deleted).toBeGreaterThanOrEqual(1);

      const list = (query: Record<string, string | boolean>) =>
        request(retention.server)
          .get(`${V1}/admin/sessions`)
          .query(query)
          .set(bearer(retentionAdmin.access_token))
          .expect(200)
          .then((res) => res.body as AdminPage);
      const all = await list({ user_id: user.id });
      expect(all.total).toBe(2);
      expect(all.items.map((s) => s.id).sort()).toEqual([live1.id, live2.id].sort());
      const endedPage = await list({ user_id: user.id, active: false });
      expect({ total: endedPage.total, items: endedPage.items }).toEqual({ total: 0, items: [] });

      expect(await probe(retention.server, live1.auth)).toEqual(ALIVE);
      expect(await probe(retention.server, live2.auth)).toEqual(ALIVE);
      expect(await probe(retention.server, ended.auth)).toEqual(REVOKED);
      expect((await listMine(retention.server, live2.auth)).map((s) => s.id)).toEqual([live2.id, live1.id]);
    });
  });

  describe('TRUST_PROXY=127.0.0.1', () => {
    let proxied: TestApp;
    beforeAll(async () => {
      proxied = await startTestApp({ env: { TRUST_PROXY: '127.0.0.1' } });
    });
    afterAll(() => proxied?.close());

    it('records X-Forwarded-For from the trusted proxy as the session ip', async () => {
      const { input } = await register(proxied.server);
      const s = await bearerLogin(proxied.server, input, { 'X-Forwarded-For': FORWARDED_IP });
      const sessions = await listMine(proxied.server, s.auth);
      expect(sessions.map((x) => [x.id, x.ip])).toEqual([[s.id, FORWARDED_IP]]);
    });
  });
});
