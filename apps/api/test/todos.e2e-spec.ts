import { TestRedisServer, uniqueSuffix } from '@app/testing';
import { randomUUID } from 'node:crypto';
import request, { Response } from 'supertest';
import { DataSource } from 'typeorm';
import {
  adminEnv,
  adminTokenLogin,
  anAuthFailure,
  aProblem,
  authFailureOf,
  bearer,
  deepKeys,
  loginWithCookies,
  problemOf,
  register,
  registerAndTokenLogin,
  statusOf,
  TokenResponse,
  UserBody,
  fieldsOf,
} from './support/auth-helpers';
import { ISO_MS, storedAsDate as storedAsDateOf } from './support/timestamps';
import { startEmbeddedTestApp, startTestApp, TestApp } from './support/test-app';

const V1 = '/api/v1';
const TODO_KEYS = ['completed', 'created_at', 'description', 'id', 'title', 'updated_at', 'user_id'];

type Headers = Record<string, string>;

interface TodoBody {
  id: string;
  user_id: string;
  title: string;
  description: string | null;
  completed: boolean;
  created_at: string;
  updated_at: string;
}

interface TodoPage {
  items: TodoBody[];
  total: number;
  page: number;
  limit: number;
}

/** A registered user with bearer headers. */
interface Owner {
  user: UserBody;
  auth: Headers;
}

describe('todos (real PostgreSQL and Redis)', () => {
  let sut: TestApp;
  let admin: TokenResponse;

  beforeAll(async () => {
    sut = await startTestApp({ env: adminEnv() });
    admin = await adminTokenLogin(sut.server);
  });
  afterAll(() => sut?.close());

  const asAdmin = () => bearer(admin.access_token);

  async function newOwner(): Promise<Owner> {
    const { user, tokens } = await registerAndTokenLogin(sut.server);
    return { user, auth: bearer(tokens.access_token) };
  }

  /** `POST /todos`; fails loudly unless 201. */
  async function createTodo(auth: Headers, body: Record<string, unknown> = {}): Promise<TodoBody> {
    const res = await request(sut.server)
      .post(`${V1}/todos`)
      .set(auth)
      .send({ title: `todo ${uniqueSuffix()}`, ...body });
    if (res.status !== 201) throw new Error(`POST /todos: expected 201, got ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as TodoBody;
  }

  const getTodo = (auth: Headers, id: string) => request(sut.server).get(`${V1}/todos/${id}`).set(auth);
  const patchTodo = (auth: Headers, id: string, body: Record<string, unknown>) =>
    request(sut.server).patch(`${V1}/todos/${id}`).set(auth).send(body);
  const list = (auth: Headers, query: Record<string, string | number | boolean> = {}) =>
    request(sut.server).get(`${V1}/todos`).query(query).set(auth);
  const ids = (res: Response) => (res.body as TodoPage).items.map((t) => t.id);

  /** Moves a todo's timestamps an hour back, so that a change made now is visibly later. */
  async function backdate(id: string): Promise<void> {
    await sut.app.get(DataSource).query(
      `UPDATE todos SET created_at = created_at - interval '1 hour', updated_at = updated_at - interval '1 hour'
         WHERE id = $1`,
      [id],
    );
  }

  describe('POST /todos', () => {
    it('201 with exactly the response fields, owned by the caller, open, description null by default', async () => {
      const owner = await newOwner();
      const title = `Buy milk ${uniqueSuffix()}`;
      const res = await request(sut.server).post(`${V1}/todos`).set(owner.auth).send({ title });
      expect(statusOf(res)).toEqual({
        status: 201,
        body: {
          id: expect.any(String),
          user_id: owner.user.id,
          title,
          description: null,
          completed: false,
          created_at: expect.any(String),
          updated_at: expect.any(String),
        },
      });
      expect(Object.keys(res.body).sort()).toEqual(TODO_KEYS);
      expect(res.body.updated_at).toBe(res.body.created_at);
    });

    it('stores the description, and accepts an explicit null', async () => {
      const owner = await newOwner();
      const withText = await createTodo(owner.auth, { description: 'Two litres, semi-skimmed' });
      expect(withText.description).toBe('Two litres, semi-skimmed');
      const withNull = await createTodo(owner.auth, { description: null });
      expect(withNull.description).toBeNull();
      const again = await getTodo(owner.auth, withText.id).expect(200);
      expect(again.body).toEqual(withText);
    });

    it('trims the title', async () => {
      const owner = await newOwner();
      const todo = await createTodo(owner.auth, { title: '  Water the plants \n' });
      expect(todo.title).toBe('Water the plants');
    });

    it('accepts the longest title (255) and description (1000)', async () => {
      const owner = await newOwner();
      const todo = await createTodo(owner.auth, { title: 't'.repeat(255), description: 'd'.repeat(1000) });
      expect([todo.title.length, todo.description?.length]).toEqual([255, 1000]);
    });

    it.each([
      ['title', 'empty', { title: '' }],
      ['title', 'only whitespace', { title: '   ' }],
      ['title', '256 characters', { title: 't'.repeat(256) }],
      ['title', 'missing', { description: 'no title' }],
      ['title', 'null', { title: null }],
      ['title', 'a number', { title: 42 }],
      ['description', '1001 characters', { title: 'ok', description: 'd'.repeat(1001) }],
      ['description', 'a number', { title: 'ok', description: 7 }],
      ['completed', 'not accepted on create', { title: 'ok', completed: true }],
      ['user_id', 'not accepted', { title: 'ok', user_id: randomUUID() }],
      ['id', 'not accepted', { title: 'ok', id: randomUUID() }],
    ])('422 on %s (%s)', async (field, _case, body) => {
      const owner = await newOwner();
      const res = await request(sut.server).post(`${V1}/todos`).set(owner.auth).send(body);
      expect(problemOf(res)).toEqual(aProblem(422, 'validation_failed'));
      expect(fieldsOf(res)).toContain(field);
      expect((await list(owner.auth).expect(200)).body.total).toBe(0);
    });

    it('401 unauthenticated without credentials', async () => {
      const res = await request(sut.server).post(`${V1}/todos`).send({ title: 'anonymous' });
      expect(authFailureOf(res)).toEqual(anAuthFailure('unauthenticated'));
    });

    it('works with cookies and the CSRF token; 403 csrf_failed without it', async () => {
      const { input, user } = await register(sut.server);
      const s = await loginWithCookies(sut.server, input.username, input.password);
      const created = await request(sut.server)
        .post(`${V1}/todos`)
        .set('Cookie', s.cookie)
        .set('X-CSRF-Token', s.csrf_token)
        .send({ title: 'from the browser' })
        .expect(201);
      expect(created.body.user_id).toBe(user.id);
      const refused = await request(sut.server).post(`${V1}/todos`).set('Cookie', s.cookie).send({ title: 'forged' });
      expect(problemOf(refused)).toEqual(aProblem(403, 'csrf_failed'));
      const mine = await request(sut.server).get(`${V1}/todos`).set('Cookie', s.cookie).expect(200);
      expect(mine.body.items.map((t: TodoBody) => t.title)).toEqual(['from the browser']);
    });
  });

  describe('GET /todos/{id}', () => {
    it('returns my todo', async () => {
      const owner = await newOwner();
      const todo = await createTodo(owner.auth, { description: 'details' });
      const res = await getTodo(owner.auth, todo.id);
      expect(statusOf(res)).toEqual({ status: 200, body: todo });
    });

    it('404 todo_not_found for an unknown id', async () => {
      const owner = await newOwner();
      expect(problemOf(await getTodo(owner.auth, randomUUID()))).toEqual(aProblem(404, 'todo_not_found'));
    });

    it('401 unauthenticated without credentials', async () => {
      const todo = await createTodo((await newOwner()).auth);
      const res = await request(sut.server).get(`${V1}/todos/${todo.id}`);
      expect(authFailureOf(res)).toEqual(anAuthFailure('unauthenticated'));
    });
  });

  describe('ownership: another user’s todo does not exist for me', () => {
    let alice: Owner;
    let bob: Owner;
    let alicesTodo: TodoBody;
    beforeAll(async () => {
      alice = await newOwner();
      bob = await newOwner();
      alicesTodo = await createTodo(alice.auth, { title: 'Alice only', description: 'private' });
    });

    it('GET is 404 todo_not_found, the same answer as an unknown id', async () => {
      const theirs = await getTodo(bob.auth, alicesTodo.id);
      const unknown = await getTodo(bob.auth, randomUUID());
      expect(problemOf(theirs)).toEqual(aProblem(404, 'todo_not_found'));
      expect({ ...theirs.body, instance: undefined, request_id: undefined }).toEqual({
        ...unknown.body,
        instance: undefined,
        request_id: undefined,
      });
      expect(JSON.stringify(theirs.body)).not.toContain('private');
    });

    it('PATCH is 404 todo_not_found, and the todo is unchanged', async () => {
      const res = await patchTodo(bob.auth, alicesTodo.id, { title: 'Hijacked', completed: true });
      expect(problemOf(res)).toEqual(aProblem(404, 'todo_not_found'));
      const after = await getTodo(alice.auth, alicesTodo.id).expect(200);
      expect(after.body).toEqual(alicesTodo);
    });

    it('an empty PATCH is 404 todo_not_found too', async () => {
      expect(problemOf(await patchTodo(bob.auth, alicesTodo.id, {}))).toEqual(aProblem(404, 'todo_not_found'));
    });

    it('lists hold only my own todos', async () => {
      const bobsTodo = await createTodo(bob.auth);
      const bobs = await list(bob.auth).expect(200);
      expect(bobs.body).toMatchObject({ total: 1, items: [{ id: bobsTodo.id, user_id: bob.user.id }] });
      const alices = await list(alice.auth).expect(200);
      expect(ids(alices)).toEqual([alicesTodo.id]);
      for (const completed of [true, false]) {
        expect(ids(await list(bob.auth, { completed }).expect(200))).not.toContain(alicesTodo.id);
      }
    });

    it('an admin sees only their own todos too', async () => {
      const res = await list(asAdmin(), { limit: 100 }).expect(200);
      expect(ids(res)).not.toContain(alicesTodo.id);
      expect(problemOf(await getTodo(asAdmin(), alicesTodo.id))).toEqual(aProblem(404, 'todo_not_found'));
    });
  });

  describe('PATCH /todos/{id}', () => {
    it('changes title, description and completed; updated_at moves, created_at stays', async () => {
      const owner = await newOwner();
      const todo = await createTodo(owner.auth, { title: 'Draft', description: 'first' });
      await backdate(todo.id);
      const before = (await getTodo(owner.auth, todo.id).expect(200)).body as TodoBody;

      const res = await patchTodo(owner.auth, todo.id, { title: ' Final ', description: 'second', completed: true });
      expect(statusOf(res)).toEqual({
        status: 200,
        body: { ...before, title: 'Final', description: 'second', completed: true, updated_at: expect.any(String) },
      });
      expect(new Date(res.body.updated_at).getTime()).toBeGreaterThan(new Date(before.updated_at).getTime());
      expect(res.body.created_at).toBe(before.created_at);
      expect((await getTodo(owner.auth, todo.id).expect(200)).body).toEqual(res.body);
    });

    it('changes only the fields sent', async () => {
      const owner = await newOwner();
      const todo = await createTodo(owner.auth, { title: 'Keep me', description: 'keep me too' });
      const res = await patchTodo(owner.auth, todo.id, { completed: true }).expect(200);
      expect(res.body).toMatchObject({ title: 'Keep me', description: 'keep me too', completed: true });
      const reopened = await patchTodo(owner.auth, todo.id, { completed: false }).expect(200);
      expect(reopened.body.completed).toBe(false);
    });

    it('description null clears it', async () => {
      const owner = await newOwner();
      const todo = await createTodo(owner.auth, { description: 'to be cleared' });
      const res = await patchTodo(owner.auth, todo.id, { description: null }).expect(200);
      expect(res.body.description).toBeNull();
    });

    it('an empty body changes nothing', async () => {
      const owner = await newOwner();
      const todo = await createTodo(owner.auth);
      const res = await patchTodo(owner.auth, todo.id, {});
      expect(statusOf(res)).toEqual({ status: 200, body: todo });
    });

    it.each([
      ['title', 'empty', { title: '' }],
      ['title', '256 characters', { title: 't'.repeat(256) }],
      ['title', 'null', { title: null }],
      ['description', '1001 characters', { description: 'd'.repeat(1001) }],
      ['completed', 'a string', { completed: 'true' }],
      ['completed', 'null', { completed: null }],
      ['user_id', 'not accepted', { user_id: randomUUID() }],
      ['created_at', 'not accepted', { created_at: '2020-01-01T00:00:00Z' }],
    ])('422 on %s (%s), and the todo is unchanged', async (field, _case, body) => {
      const owner = await newOwner();
      const todo = await createTodo(owner.auth);
      const res = await patchTodo(owner.auth, todo.id, body);
      expect(problemOf(res)).toEqual(aProblem(422, 'validation_failed'));
      expect(fieldsOf(res)).toContain(field);
      expect((await getTodo(owner.auth, todo.id).expect(200)).body).toEqual(todo);
    });

    it('404 todo_not_found for an unknown id', async () => {
      const owner = await newOwner();
      const res = await patchTodo(owner.auth, randomUUID(), { title: 'nobody' });
      expect(problemOf(res)).toEqual(aProblem(404, 'todo_not_found'));
    });
  });

  describe('GET /todos', () => {
    /** Five todos of one user, created in this order; b and d completed. */
    let owner: Owner;
    let todos: Record<'a' | 'b' | 'c' | 'd' | 'e', TodoBody>;
    beforeAll(async () => {
      owner = await newOwner();
      const a = await createTodo(owner.auth, { title: 'delta' });
      const b = await createTodo(owner.auth, { title: 'Alpha' });
      const c = await createTodo(owner.auth, { title: 'echo' });
      const d = await createTodo(owner.auth, { title: 'charlie' });
      const e = await createTodo(owner.auth, { title: 'Bravo' });
      await patchTodo(owner.auth, d.id, { completed: true }).expect(200);
      await patchTodo(owner.auth, b.id, { completed: true }).expect(200);
      todos = { a, b, c, d, e };
    });

    it('returns {items, total, page, limit}: page 1, limit 20, newest first by default', async () => {
      const res = await list(owner.auth).expect(200);
      expect(res.body).toEqual({ items: expect.any(Array), total: 5, page: 1, limit: 20 });
      const { a, b, c, d, e } = todos;
      expect(ids(res)).toEqual([e.id, d.id, c.id, b.id, a.id]);
      for (const item of res.body.items as TodoBody[]) expect(Object.keys(item).sort()).toEqual(TODO_KEYS);
      expect(deepKeys(res.body).filter((k) => /password|hash/i.test(k))).toEqual([]);
    });

    it('filters by completed=true and completed=false', async () => {
      const { a, b, c, d, e } = todos;
      const done = await list(owner.auth, { completed: true }).expect(200);
      expect(done.body).toMatchObject({ total: 2 });
      expect(ids(done)).toEqual([d.id, b.id]);
      const open = await list(owner.auth, { completed: 'false' }).expect(200);
      expect(open.body).toMatchObject({ total: 3 });
      expect(ids(open)).toEqual([e.id, c.id, a.id]);
    });

    it('pages with limit and page; total counts every match', async () => {
      const { a, b, c, d, e } = todos;
      const pages = await Promise.all(
        [1, 2, 3].map((page) => list(owner.auth, { limit: 2, page, sort: 'created_at' }).expect(200)),
      );
      expect(pages.map((p) => p.body as TodoPage).map(({ total, page, limit }) => ({ total, page, limit }))).toEqual([
        { total: 5, page: 1, limit: 2 },
        { total: 5, page: 2, limit: 2 },
        { total: 5, page: 3, limit: 2 },
      ]);
      expect(pages.map(ids)).toEqual([[a.id, b.id], [c.id, d.id], [e.id]]);
      const beyond = await list(owner.auth, { limit: 2, page: 4 }).expect(200);
      expect(beyond.body).toEqual({ items: [], total: 5, page: 4, limit: 2 });
    });

    it('past the end of a filtered list, total still counts the filter’s matches', async () => {
      const res = await list(owner.auth, { completed: true, limit: 2, page: 2 }).expect(200);
      expect(res.body).toEqual({ items: [], total: 2, page: 2, limit: 2 });
    });

    it('pages within a filter', async () => {
      const res = await list(owner.auth, { completed: false, limit: 1, page: 2 }).expect(200);
      expect(res.body).toMatchObject({ total: 3, page: 2, limit: 1 });
      expect(ids(res)).toEqual([todos.c.id]);
    });

    it.each([
      ['created_at', 'a b c d e'],
      ['-created_at', 'e d c b a'],
      // b then d were patched last (in that order: d first, then b)
      ['updated_at', 'a c e d b'],
      ['-updated_at', 'b d e c a'],
      // case-insensitive: Alpha, Bravo, charlie, delta, echo
      ['title', 'b e d a c'],
      ['-title', 'c a d e b'],
    ])('sorts by %s', async (sort, order) => {
      const res = await list(owner.auth, { sort }).expect(200);
      expect(ids(res)).toEqual(order.split(' ').map((key) => todos[key as keyof typeof todos].id));
    });

    it('breaks ties by id, ascending in both directions', async () => {
      const tied = await newOwner();
      const made = [];
      for (const title of ['same', 'Same', 'SAME']) made.push(await createTodo(tied.auth, { title }));
      await sut.app
        .get(DataSource)
        .query(
          `UPDATE todos SET created_at = '2024-01-01T00:00:00Z', updated_at = '2024-01-01T00:00:00Z' WHERE user_id = $1`,
          [tied.user.id],
        );
      const byId = made.map((t) => t.id).sort();
      for (const sort of ['created_at', '-created_at', 'updated_at', '-updated_at', 'title', '-title']) {
        expect({ sort, ids: ids(await list(tied.auth, { sort }).expect(200)) }).toEqual({ sort, ids: byId });
      }
      const pages = await Promise.all([1, 2, 3].map((page) => list(tied.auth, { sort: 'title', limit: 1, page })));
      expect(pages.flatMap(ids)).toEqual(byId);
    });

    it.each([
      ['limit', { limit: 0 }],
      ['limit', { limit: 101 }],
      ['limit', { limit: 'ten' }],
      ['limit', { limit: 2.5 }],
      ['page', { page: 0 }],
      ['page', { page: -1 }],
      ['sort', { sort: 'completed' }],
      ['sort', { sort: 'user_id' }],
      ['sort', { sort: 'createdAt' }],
      ['sort', { sort: '--title' }],
      ['sort', { sort: 'title;drop table todos' }],
      ['completed', { completed: 'maybe' }],
      ['completed', { completed: '1' }],
      ['completed', { completed: 'TRUE' }],
      ['completed', { completed: '' }],
      ['q', { q: 'not a filter here' }],
    ])('422 on %s for %j', async (field, query) => {
      const res = await list(owner.auth, query);
      expect(problemOf(res)).toEqual(aProblem(422, 'validation_failed'));
      expect(fieldsOf(res)).toContain(field);
    });

    it('accepts limit 1 and limit 100', async () => {
      expect((await list(owner.auth, { limit: 1 }).expect(200)).body.items).toHaveLength(1);
      expect((await list(owner.auth, { limit: 100 }).expect(200)).body.items).toHaveLength(5);
    });

    it('is empty for a new user', async () => {
      const fresh = await newOwner();
      expect((await list(fresh.auth).expect(200)).body).toEqual({ items: [], total: 0, page: 1, limit: 20 });
    });

    it('401 unauthenticated without credentials', async () => {
      expect(authFailureOf(await request(sut.server).get(`${V1}/todos`))).toEqual(anAuthFailure('unauthenticated'));
    });
  });

  describe('timestamps', () => {
    const storedAsDate = (id: string) => storedAsDateOf(sut.app, 'todos', id);

    it('are ISO 8601 in UTC with milliseconds, as a Date of the stored value prints, on create, read and list', async () => {
      const owner = await newOwner();
      const created = await createTodo(owner.auth);
      expect(created.created_at).toMatch(ISO_MS);
      expect({ created_at: created.created_at, updated_at: created.updated_at }).toEqual(
        await storedAsDate(created.id),
      );
      expect((await getTodo(owner.auth, created.id).expect(200)).body).toEqual(created);
      expect((await list(owner.auth).expect(200)).body.items).toEqual([created]);
    });

    it.each([
      ['microseconds are truncated, not rounded', '2024-02-29 23:59:59.999999+00', '2024-02-29T23:59:59.999Z'],
      ['half a millisecond', '2024-03-01 00:00:00.0005+00', '2024-03-01T00:00:00.000Z'],
      ['a whole second', '1999-12-31 23:59:59+00', '1999-12-31T23:59:59.000Z'],
      ['another offset', '2024-06-30 23:30:00.123456-05:30', '2024-07-01T05:00:00.123Z'],
    ])('%s: %s is %s', async (_case, stored, expected) => {
      const owner = await newOwner();
      const todo = await createTodo(owner.auth);
      await sut.app
        .get(DataSource)
        .query(`UPDATE todos SET created_at = $2, updated_at = $2 WHERE id = $1`, [todo.id, stored]);
      expect(await storedAsDate(todo.id)).toEqual({ created_at: expected, updated_at: expected });
      const read = (await getTodo(owner.auth, todo.id).expect(200)).body as TodoBody;
      expect([read.created_at, read.updated_at]).toEqual([expected, expected]);
      const listed = (await list(owner.auth).expect(200)).body as TodoPage;
      expect(listed.items.map((t) => [t.created_at, t.updated_at])).toEqual([[expected, expected]]);
    });
  });

  describe('DELETE /todos/{id} (admin only)', () => {
    it('403 forbidden for the owner, and the todo remains', async () => {
      const owner = await newOwner();
      const todo = await createTodo(owner.auth);
      const res = await request(sut.server).delete(`${V1}/todos/${todo.id}`).set(owner.auth);
      expect(problemOf(res)).toEqual(aProblem(403, 'forbidden'));
      expect((await getTodo(owner.auth, todo.id).expect(200)).body).toEqual(todo);
    });

    it('403 forbidden for another non-admin user', async () => {
      const todo = await createTodo((await newOwner()).auth);
      const res = await request(sut.server)
        .delete(`${V1}/todos/${todo.id}`)
        .set((await newOwner()).auth);
      expect(problemOf(res)).toEqual(aProblem(403, 'forbidden'));
    });

    it('401 unauthenticated without credentials', async () => {
      const todo = await createTodo((await newOwner()).auth);
      const res = await request(sut.server).delete(`${V1}/todos/${todo.id}`);
      expect(authFailureOf(res)).toEqual(anAuthFailure('unauthenticated'));
    });

    it('an admin deletes anyone’s todo: 204, then 404 todo_not_found for the owner and for a second delete', async () => {
      const owner = await newOwner();
      const todo = await createTodo(owner.auth);
      const kept = await createTodo(owner.auth);
      const res = await request(sut.server).delete(`${V1}/todos/${todo.id}`).set(asAdmin());
      expect(statusOf(res)).toEqual({ status: 204, body: {} });
      expect(problemOf(await getTodo(owner.auth, todo.id))).toEqual(aProblem(404, 'todo_not_found'));
      expect(ids(await list(owner.auth).expect(200))).toEqual([kept.id]);
      const again = await request(sut.server).delete(`${V1}/todos/${todo.id}`).set(asAdmin());
      expect(problemOf(again)).toEqual(aProblem(404, 'todo_not_found'));
    });

    it('404 todo_not_found for an unknown id', async () => {
      const res = await request(sut.server).delete(`${V1}/todos/${randomUUID()}`).set(asAdmin());
      expect(problemOf(res)).toEqual(aProblem(404, 'todo_not_found'));
    });
  });

  describe('malformed ids are 422, never a 500', () => {
    it.each([
      ['GET', (auth: Headers) => request(sut.server).get(`${V1}/todos/not-a-uuid`).set(auth)],
      ['PATCH', (auth: Headers) => request(sut.server).patch(`${V1}/todos/not-a-uuid`).set(auth).send({ title: 'x' })],
      ['DELETE (admin)', () => request(sut.server).delete(`${V1}/todos/not-a-uuid`).set(asAdmin())],
      ['GET with a quote', (auth: Headers) => request(sut.server).get(`${V1}/todos/1'%20or%20'1'='1`).set(auth)],
    ])('%s', async (_method, call) => {
      const owner = await newOwner();
      const res = await call(owner.auth);
      expect(problemOf(res)).toEqual(aProblem(422, 'validation_failed'));
      expect(fieldsOf(res)).toContain('id');
    });
  });

  describe('the list cache (Redis)', () => {
    /** A change behind the API's back: only a cached page can still show the old title after it. */
    const retitleInDatabase = (id: string, title: string) =>
      sut.app.get(DataSource).query('UPDATE todos SET title = $2 WHERE id = $1', [id, title]);
    const titles = async (auth: Headers, query: Record<string, string | number | boolean> = {}) =>
      (
        (
          await list(auth, query)
            .expect(200)
            .expect('content-type', /^application\/json/)
        ).body as TodoPage
      ).items.map((t) => t.title);

    it('serves a repeated read from the cache; a change through the API shows on the next read', async () => {
      const owner = await newOwner();
      const first = await createTodo(owner.auth, { title: 'first' });
      expect(await titles(owner.auth)).toEqual(['first']);

      await retitleInDatabase(first.id, 'changed behind the API');
      expect(await titles(owner.auth)).toEqual(['first']);

      await createTodo(owner.auth, { title: 'second' });
      expect(await titles(owner.auth)).toEqual(['second', 'changed behind the API']);
    });

    it('create, update and an admin’s delete each show on the next read of every cached page', async () => {
      const owner = await newOwner();
      const a = await createTodo(owner.auth, { title: 'a' });
      expect(await titles(owner.auth)).toEqual(['a']);
      expect(await titles(owner.auth, { completed: true })).toEqual([]);

      const b = await createTodo(owner.auth, { title: 'b' });
      expect(await titles(owner.auth)).toEqual(['b', 'a']);

      await patchTodo(owner.auth, a.id, { title: 'a2' }).expect(200);
      expect(await titles(owner.auth)).toEqual(['b', 'a2']);

      await patchTodo(owner.auth, b.id, { completed: true }).expect(200);
      expect(await titles(owner.auth, { completed: true })).toEqual(['b']);

      await request(sut.server).delete(`${V1}/todos/${b.id}`).set(asAdmin()).expect(204);
      expect(await titles(owner.auth)).toEqual(['a2']);
      expect(await titles(owner.auth, { completed: true })).toEqual([]);
    });

    it('one owner’s change leaves another owner’s cached list alone, and never mixes them', async () => {
      const [one, two] = [await newOwner(), await newOwner()];
      const mine = await createTodo(one.auth, { title: 'mine' });
      await createTodo(two.auth, { title: 'theirs' });
      expect(await titles(one.auth)).toEqual(['mine']);
      expect(await titles(two.auth)).toEqual(['theirs']);

      await retitleInDatabase(mine.id, 'mine, changed behind the API');
      await createTodo(two.auth, { title: 'theirs too' });
      expect(await titles(one.auth)).toEqual(['mine']);
      expect(await titles(two.auth)).toEqual(['theirs too', 'theirs']);
    });
  });

  it('a user’s todos go with the user (ON DELETE CASCADE)', async () => {
    const owner = await newOwner();
    const todo = await createTodo(owner.auth);
    await request(sut.server).delete(`${V1}/users/${owner.user.id}`).set(asAdmin()).expect(204);
    const res = await request(sut.server).delete(`${V1}/todos/${todo.id}`).set(asAdmin());
    expect(problemOf(res)).toEqual(aProblem(404, 'todo_not_found'));
  });
});

/** The repository's SQL runs on PGlite too; its driver types results its own way (count, booleans, timestamps). */
describe('todos in embedded mode (PGlite)', () => {
  let sut: TestApp;
  beforeAll(async () => {
    sut = await startEmbeddedTestApp();
  }, 60000);
  afterAll(() => sut?.close());

  it('creates, reads, lists and pages with the same shapes', async () => {
    const { tokens } = await registerAndTokenLogin(sut.server);
    const auth = bearer(tokens.access_token);
    const post = (title: string) => request(sut.server).post(`${V1}/todos`).set(auth).send({ title }).expect(201);
    const first = (await post('first')).body as TodoBody;
    const second = (await post('second')).body as TodoBody;
    expect(first).toEqual({
      id: expect.any(String),
      user_id: expect.any(String),
      title: 'first',
      description: null,
      completed: false,
      created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      updated_at: first.created_at,
    });
    expect((await request(sut.server).get(`${V1}/todos/${first.id}`).set(auth).expect(200)).body).toEqual(first);
    const list = (query: Record<string, string | number | boolean>) =>
      request(sut.server).get(`${V1}/todos`).query(query).set(auth).expect(200);
    expect((await list({ sort: 'created_at' })).body).toEqual({ items: [first, second], total: 2, page: 1, limit: 20 });
    expect((await list({ completed: false, limit: 1, page: 2, sort: 'created_at' })).body).toEqual({
      items: [second],
      total: 2,
      page: 2,
      limit: 1,
    });
    expect((await list({ limit: 1, page: 3 })).body).toEqual({ items: [], total: 2, page: 3, limit: 1 });
    expect((await list({ completed: true })).body).toEqual({ items: [], total: 0, page: 1, limit: 20 });
  });
});

describe('todos while Redis is down (a redis-server of this test)', () => {
  let redis: TestRedisServer;
  let sut: TestApp;

  beforeAll(async () => {
    redis = await TestRedisServer.start();
    sut = await startTestApp({ env: { REDIS_URL: redis.url } });
  });
  afterAll(async () => {
    await sut?.close();
    await redis?.stop();
  });

  it('lists come from PostgreSQL and changes succeed; nothing stale once Redis is back', async () => {
    const { tokens } = await registerAndTokenLogin(sut.server);
    const auth = bearer(tokens.access_token);
    const titles = async () =>
      ((await request(sut.server).get(`${V1}/todos`).set(auth).expect(200)).body as TodoPage).items.map((t) => t.title);
    const create = (title: string) => request(sut.server).post(`${V1}/todos`).set(auth).send({ title }).expect(201);

    await create('before');
    expect(await titles()).toEqual(['before']);

    await redis.stop();
    await create('during');
    expect(await titles()).toEqual(['during', 'before']);

    await redis.start();
    expect(await titles()).toEqual(['during', 'before']);
    await create('after');
    expect(await titles()).toEqual(['after', 'during', 'before']);
  });
});
