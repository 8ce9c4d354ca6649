import { uniqueSuffix } from '@app/testing';
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
  problemOf,
  registerAndTokenLogin,
  statusOf,
  TokenResponse,
  fieldsOf,
} from './support/auth-helpers';
import { ISO_MS, storedAsDate as storedAsDateOf } from './support/timestamps';
import { startEmbeddedTestApp, startTestApp, TestApp } from './support/test-app';

const V1 = '/api/v1';
const PRODUCT_KEYS = ['created_at', 'description', 'id', 'name', 'price', 'stock', 'updated_at'];

type Headers = Record<string, string>;

interface ProductBody {
  id: string;
  name: string;
  description: string | null;
  price: number;
  stock: number;
  created_at: string;
  updated_at: string;
}

interface ProductPage {
  items: ProductBody[];
  total: number;
  page: number;
  limit: number;
}

describe('products (real PostgreSQL and Redis)', () => {
  let sut: TestApp;
  let admin: TokenResponse;
  let user: TokenResponse;

  beforeAll(async () => {
    sut = await startTestApp({ env: adminEnv() });
    admin = await adminTokenLogin(sut.server);
    user = (await registerAndTokenLogin(sut.server)).tokens;
  });
  afterAll(() => sut?.close());

  const asAdmin = () => bearer(admin.access_token);
  const asUser = () => bearer(user.access_token);

  /** A valid creation body with a unique name. */
  const newProduct = (overrides: Record<string, unknown> = {}) => ({
    name: `Product ${uniqueSuffix()}`,
    price: 19.99,
    stock: 3,
    ...overrides,
  });

  /** `POST /products` as the admin; fails loudly unless 201. */
  async function createProduct(overrides: Record<string, unknown> = {}): Promise<ProductBody> {
    const res = await request(sut.server).post(`${V1}/products`).set(asAdmin()).send(newProduct(overrides));
    if (res.status !== 201) {
      throw new Error(`POST /products: expected 201, got ${res.status} ${JSON.stringify(res.body)}`);
    }
    return res.body as ProductBody;
  }

  const getProduct = (id: string) => request(sut.server).get(`${V1}/products/${id}`);
  const patchProduct = (auth: Headers, id: string, body: Record<string, unknown>) =>
    request(sut.server).patch(`${V1}/products/${id}`).set(auth).send(body);
  const list = (query: Record<string, string | number | boolean>) =>
    request(sut.server).get(`${V1}/products`).query(query);
  const ids = (res: Response) => (res.body as ProductPage).items.map((p) => p.id);

  describe('public reads need no credentials', () => {
    it('GET /products/{id}: 200 with exactly the response fields', async () => {
      const product = await createProduct({ description: 'Porcelain, 80 ml' });
      const res = await getProduct(product.id);
      expect(statusOf(res)).toEqual({ status: 200, body: product });
      expect(Object.keys(res.body).sort()).toEqual(PRODUCT_KEYS);
    });

    it('GET /products: 200 {items, total, page, limit}, page 1 and limit 20 by default', async () => {
      await createProduct();
      const res = await request(sut.server).get(`${V1}/products`).expect(200);
      expect(res.body).toEqual({ items: expect.any(Array), total: expect.any(Number), page: 1, limit: 20 });
      expect(res.body.total).toBeGreaterThanOrEqual(1);
      for (const item of res.body.items as ProductBody[]) expect(Object.keys(item).sort()).toEqual(PRODUCT_KEYS);
    });

    it('reads work with a user’s credentials too', async () => {
      const product = await createProduct();
      await request(sut.server).get(`${V1}/products/${product.id}`).set(asUser()).expect(200);
      await request(sut.server).get(`${V1}/products`).set(asUser()).expect(200);
    });

    it('404 product_not_found for an unknown id', async () => {
      expect(problemOf(await getProduct(randomUUID()))).toEqual(aProblem(404, 'product_not_found'));
    });
  });

  describe('writes are admin only', () => {
    let product: ProductBody;
    beforeAll(async () => {
      product = await createProduct({ description: 'untouched' });
    });

    it.each([
      ['POST', () => request(sut.server).post(`${V1}/products`).send(newProduct())],
      ['PATCH', () => request(sut.server).patch(`${V1}/products/${product.id}`).send({ stock: 0 })],
      ['DELETE', () => request(sut.server).delete(`${V1}/products/${product.id}`)],
    ])('%s without credentials: 401 unauthenticated', async (_method, call) => {
      expect(authFailureOf(await call())).toEqual(anAuthFailure('unauthenticated'));
    });

    it.each([
      ['POST', () => request(sut.server).post(`${V1}/products`).send(newProduct())],
      ['PATCH', () => request(sut.server).patch(`${V1}/products/${product.id}`).send({ stock: 0 })],
      ['DELETE', () => request(sut.server).delete(`${V1}/products/${product.id}`)],
    ])('%s as a user: 403 forbidden', async (_method, call) => {
      expect(problemOf(await call().set(asUser()))).toEqual(aProblem(403, 'forbidden'));
    });

    it('nothing changed', async () => {
      expect((await getProduct(product.id).expect(200)).body).toEqual(product);
    });

    it('a refused POST created nothing', async () => {
      const name = `Refused ${uniqueSuffix()}`;
      await request(sut.server).post(`${V1}/products`).set(asUser()).send(newProduct({ name })).expect(403);
      await request(sut.server).post(`${V1}/products`).send(newProduct({ name })).expect(401);
      expect((await list({ q: name }).expect(200)).body.total).toBe(0);
    });
  });

  describe('POST /products (admin)', () => {
    it('201 with the product; description null when left out', async () => {
      const name = `Espresso cup ${uniqueSuffix()}`;
      const res = await request(sut.server)
        .post(`${V1}/products`)
        .set(asAdmin())
        .send({ name, price: 19.99, stock: 12 });
      expect(statusOf(res)).toEqual({
        status: 201,
        body: {
          id: expect.any(String),
          name,
          description: null,
          price: 19.99,
          stock: 12,
          created_at: expect.any(String),
          updated_at: expect.any(String),
        },
      });
      expect(Object.keys(res.body).sort()).toEqual(PRODUCT_KEYS);
    });

    it('trims the name and keeps the description', async () => {
      const suffix = uniqueSuffix();
      const product = await createProduct({ name: `  Teapot ${suffix} `, description: 'Cast iron' });
      expect(product).toMatchObject({ name: `Teapot ${suffix}`, description: 'Cast iron' });
    });

    it('accepts the boundaries: name 200, description 2000, price 0, stock 0 and 2147483647', async () => {
      const name = `${uniqueSuffix()}${'n'.repeat(200)}`.slice(0, 200);
      const product = await createProduct({ name, description: 'd'.repeat(2000), price: 0, stock: 0 });
      expect(product).toMatchObject({ name, price: 0, stock: 0 });
      expect(product.description).toHaveLength(2000);
      expect((await createProduct({ stock: 2147483647 })).stock).toBe(2147483647);
    });

    it.each([
      ['name', 'empty', { name: '' }],
      ['name', 'only whitespace', { name: '   ' }],
      ['name', '201 characters', { name: 'n'.repeat(201) }],
      ['name', 'null', { name: null }],
      ['name', 'missing', { name: undefined }],
      ['description', '2001 characters', { description: 'd'.repeat(2001) }],
      ['description', 'a number', { description: 5 }],
      ['price', 'negative', { price: -1 }],
      ['price', 'three decimals', { price: 1.234 }],
      ['price', 'a third decimal below a cent', { price: 0.001 }],
      ['price', 'a string', { price: '12' }],
      ['price', 'a decimal string', { price: '19.99' }],
      ['price', 'null', { price: null }],
      ['price', 'missing', { price: undefined }],
      ['price', 'above numeric(12,2)', { price: 10000000000 }],
      ['price', 'in exponent form (1e-7)', { price: 1e-7 }],
      ['price', 'huge (1e21)', { price: 1e21 }],
      ['stock', 'negative', { stock: -1 }],
      ['stock', 'fractional', { stock: 1.5 }],
      ['stock', 'a string', { stock: '3' }],
      ['stock', 'missing', { stock: undefined }],
      ['stock', 'above a Postgres integer', { stock: 2147483648 }],
      ['id', 'not accepted', { id: randomUUID() }],
      ['created_at', 'not accepted', { created_at: '2020-01-01T00:00:00Z' }],
    ])('422 on %s (%s)', async (field, _case, overrides) => {
      const body = newProduct(overrides);
      const res = await request(sut.server).post(`${V1}/products`).set(asAdmin()).send(body);
      expect(problemOf(res)).toEqual(aProblem(422, 'validation_failed'));
      expect(fieldsOf(res)).toContain(field);
    });

    it('reports every bad field at once', async () => {
      const res = await request(sut.server)
        .post(`${V1}/products`)
        .set(asAdmin())
        .send({ name: '', price: -1, stock: 1.5, description: 'd'.repeat(2001) });
      expect(problemOf(res)).toEqual(aProblem(422, 'validation_failed'));
      expect(new Set(fieldsOf(res))).toEqual(new Set(['name', 'price', 'stock', 'description']));
    });
  });

  describe('price is a JSON number with its two decimals intact', () => {
    it.each([0, 0.07, 0.1, 0.2, 0.3, 1.1, 19.99, 100, 123456.78, 1234567890.12, 9999999999.99])(
      '%p round-trips through create, read and list',
      async (price) => {
        const created = await createProduct({ price });
        expect(created.price).toBe(price);
        const read = await getProduct(created.id).expect(200);
        expect(read.body.price).toBe(price);
        expect(typeof read.body.price).toBe('number');
        expect(read.text).toContain(`"price":${JSON.stringify(price)}`);
        const listed = await list({ q: created.name }).expect(200);
        expect(listed.body.items).toEqual([expect.objectContaining({ id: created.id, price })]);
      },
    );

    it('is stored as numeric(12,2), exactly', async () => {
      const product = await createProduct({ price: 9999999999.99 });
      const [row] = await sut.app
        .get(DataSource)
        .query<{ price: string }[]>(`SELECT price::text AS price FROM products WHERE id = $1`, [product.id]);
      expect(row.price).toBe('9999999999.99');
    });
  });

  describe('timestamps', () => {
    const storedAsDate = (id: string) => storedAsDateOf(sut.app, 'products', id);

    it('are ISO 8601 in UTC with milliseconds, as a Date of the stored value prints, on create, read and list', async () => {
      const created = await createProduct();
      expect(created.created_at).toMatch(ISO_MS);
      expect(created.updated_at).toBe(created.created_at);
      expect({ created_at: created.created_at, updated_at: created.updated_at }).toEqual(
        await storedAsDate(created.id),
      );
      expect((await getProduct(created.id).expect(200)).body).toEqual(created);
      expect((await list({ q: created.name }).expect(200)).body.items).toEqual([created]);
    });

    it.each([
      ['microseconds are truncated, not rounded', '2024-02-29 23:59:59.999999+00', '2024-02-29T23:59:59.999Z'],
      ['a whole second', '1999-12-31 23:59:59+00', '1999-12-31T23:59:59.000Z'],
      ['another offset', '2024-06-30 23:30:00.123456-05:30', '2024-07-01T05:00:00.123Z'],
    ])('%s: %s is %s', async (_case, stored, expected) => {
      const product = await createProduct();
      await sut.app
        .get(DataSource)
        .query(`UPDATE products SET created_at = $2, updated_at = $2 WHERE id = $1`, [product.id, stored]);
      expect(await storedAsDate(product.id)).toEqual({ created_at: expected, updated_at: expected });
      const read = (await getProduct(product.id).expect(200)).body as ProductBody;
      expect([read.created_at, read.updated_at]).toEqual([expected, expected]);
      const listed = (await list({ q: product.name }).expect(200)).body as ProductPage;
      expect(listed.items.map((p) => [p.created_at, p.updated_at])).toEqual([[expected, expected]]);
    });
  });

  describe('PATCH /products/{id} (admin)', () => {
    it('changes name, description, price and stock; updated_at moves, created_at stays', async () => {
      const product = await createProduct({ description: 'first' });
      await sut.app.get(DataSource).query(
        `UPDATE products SET created_at = created_at - interval '1 hour', updated_at = updated_at - interval '1 hour'
           WHERE id = $1`,
        [product.id],
      );
      const before = (await getProduct(product.id).expect(200)).body as ProductBody;
      const name = `Renamed ${uniqueSuffix()}`;

      const res = await patchProduct(asAdmin(), product.id, { name, description: 'second', price: 0.1, stock: 7 });
      expect(statusOf(res)).toEqual({
        status: 200,
        body: { ...before, name, description: 'second', price: 0.1, stock: 7, updated_at: expect.any(String) },
      });
      expect(new Date(res.body.updated_at).getTime()).toBeGreaterThan(new Date(before.updated_at).getTime());
      expect(res.body.created_at).toBe(before.created_at);
      expect((await getProduct(product.id).expect(200)).body).toEqual(res.body);
    });

    it('changes only the fields sent; description null clears it', async () => {
      const product = await createProduct({ description: 'to be cleared', price: 5, stock: 9 });
      const res = await patchProduct(asAdmin(), product.id, { description: null }).expect(200);
      expect(res.body).toMatchObject({ name: product.name, description: null, price: 5, stock: 9 });
    });

    it('an empty body changes nothing', async () => {
      const product = await createProduct();
      expect(statusOf(await patchProduct(asAdmin(), product.id, {}))).toEqual({ status: 200, body: product });
    });

    it.each([
      ['name', { name: '' }],
      ['name', { name: 'n'.repeat(201) }],
      ['name', { name: null }],
      ['description', { description: 'd'.repeat(2001) }],
      ['price', { price: -1 }],
      ['price', { price: 1.234 }],
      ['price', { price: '12' }],
      ['price', { price: null }],
      ['stock', { stock: -1 }],
      ['stock', { stock: 1.5 }],
      ['stock', { stock: null }],
      ['id', { id: randomUUID() }],
    ])('422 on %s for %j, and the product is unchanged', async (field, body) => {
      const product = await createProduct();
      const res = await patchProduct(asAdmin(), product.id, body);
      expect(problemOf(res)).toEqual(aProblem(422, 'validation_failed'));
      expect(fieldsOf(res)).toContain(field);
      expect((await getProduct(product.id).expect(200)).body).toEqual(product);
    });

    it('404 product_not_found for an unknown id', async () => {
      const res = await patchProduct(asAdmin(), randomUUID(), { stock: 1 });
      expect(problemOf(res)).toEqual(aProblem(404, 'product_not_found'));
    });
  });

  describe('DELETE /products/{id} (admin)', () => {
    it('204, then 404 product_not_found for reads, updates and a second delete', async () => {
      const product = await createProduct();
      const res = await request(sut.server).delete(`${V1}/products/${product.id}`).set(asAdmin());
      expect(statusOf(res)).toEqual({ status: 204, body: {} });
      expect(problemOf(await getProduct(product.id))).toEqual(aProblem(404, 'product_not_found'));
      expect(problemOf(await patchProduct(asAdmin(), product.id, { stock: 1 }))).toEqual(
        aProblem(404, 'product_not_found'),
      );
      const again = await request(sut.server).delete(`${V1}/products/${product.id}`).set(asAdmin());
      expect(problemOf(again)).toEqual(aProblem(404, 'product_not_found'));
    });

    it('404 product_not_found for an unknown id', async () => {
      const res = await request(sut.server).delete(`${V1}/products/${randomUUID()}`).set(asAdmin());
      expect(problemOf(res)).toEqual(aProblem(404, 'product_not_found'));
    });
  });

  describe('malformed ids are 422, never a 500', () => {
    it.each([
      ['GET (public)', () => request(sut.server).get(`${V1}/products/not-a-uuid`)],
      ['PATCH', () => request(sut.server).patch(`${V1}/products/not-a-uuid`).set(asAdmin()).send({ stock: 1 })],
      ['DELETE', () => request(sut.server).delete(`${V1}/products/not-a-uuid`).set(asAdmin())],
      ['GET with a quote', () => request(sut.server).get(`${V1}/products/1'%20or%20'1'='1`)],
    ])('%s', async (_method, call) => {
      const res = await call();
      expect(problemOf(res)).toEqual(aProblem(422, 'validation_failed'));
      expect(fieldsOf(res)).toContain('id');
    });
  });

  describe('GET /products: search, paging and sorting', () => {
    /**
     * Four products whose names hold a marker no other product has, created in the order a, b, c, d. Names
     * differ in case so that the name sort is seen to ignore it.
     */
    let marker: string;
    let products: Record<'a' | 'b' | 'c' | 'd', ProductBody>;
    beforeAll(async () => {
      marker = `mk${uniqueSuffix()}`;
      const a = await createProduct({ name: `Kettle ${marker} charlie`, price: 30, stock: 1 });
      const b = await createProduct({ name: `${marker.toUpperCase()} alpha mug`, price: 4.5, stock: 2 });
      const c = await createProduct({ name: `Bowl_${marker}_delta`, price: 12.25, stock: 3 });
      const d = await createProduct({ name: `apron ${marker} bravo`, price: 0.99, stock: 4 });
      products = { a, b, c, d };
    });

    const order = (keys: string) => keys.split(' ').map((key) => products[key as keyof typeof products].id);

    it('q matches a substring of the name, case-insensitively; sorted by name by default', async () => {
      const res = await list({ q: marker.toUpperCase() }).expect(200);
      expect(res.body).toEqual({ items: expect.any(Array), total: 4, page: 1, limit: 20 });
      // apron, Bowl_, Kettle, MK... (lower-cased: "apron" < "bowl_" < "kettle" < "mk...")
      expect(ids(res)).toEqual(order('d c a b'));
    });

    it('q narrows to one product', async () => {
      const res = await list({ q: `${marker} charlie` }).expect(200);
      expect(res.body).toMatchObject({ total: 1 });
      expect(ids(res)).toEqual(order('a'));
    });

    it('q is a literal substring: % and _ are not wildcards', async () => {
      const withPercent = await list({ q: `${marker.slice(0, 3)}%${marker.slice(4)}` }).expect(200);
      expect(withPercent.body).toMatchObject({ items: [], total: 0 });
      const withUnderscore = await list({ q: `${marker.slice(0, 3)}_${marker.slice(4)}` }).expect(200);
      expect(withUnderscore.body).toMatchObject({ items: [], total: 0 });
      const literalUnderscore = await list({ q: `_${marker}_` }).expect(200);
      expect(ids(literalUnderscore)).toEqual(order('c'));
    });

    it('q matches the name only, not the description', async () => {
      const hidden = `hd${uniqueSuffix()}`;
      await createProduct({ description: `mentions ${hidden}` });
      expect((await list({ q: hidden }).expect(200)).body).toMatchObject({ items: [], total: 0 });
    });

    it('pages with limit and page; total counts every match', async () => {
      const pages = await Promise.all(
        [1, 2, 3].map((page) => list({ q: marker, limit: 2, page, sort: 'created_at' }).expect(200)),
      );
      expect(pages.map((p) => p.body as ProductPage).map(({ total, page, limit }) => ({ total, page, limit }))).toEqual(
        [
          { total: 4, page: 1, limit: 2 },
          { total: 4, page: 2, limit: 2 },
          { total: 4, page: 3, limit: 2 },
        ],
      );
      expect(pages.map(ids)).toEqual([order('a b'), order('c d'), []]);
    });

    it('past the end without a filter, total still counts every product', async () => {
      const { total } = (await list({ limit: 1 }).expect(200)).body as ProductPage;
      expect((await list({ limit: 100, page: 100000 }).expect(200)).body).toEqual({
        items: [],
        total,
        page: 100000,
        limit: 100,
      });
    });

    it('breaks ties by id, ascending in both directions', async () => {
      const tie = `tie${uniqueSuffix()}`;
      const made: ProductBody[] = [];
      for (const name of [`${tie} same`, `${tie} Same`, `${tie} SAME`])
        made.push(await createProduct({ name, price: 7 }));
      await sut.app
        .get(DataSource)
        .query(`UPDATE products SET created_at = '2024-01-01T00:00:00Z' WHERE name ILIKE $1`, [`${tie}%`]);
      const byId = made.map((p) => p.id).sort();
      for (const sort of ['name', '-name', 'price', '-price', 'created_at', '-created_at']) {
        expect({ sort, ids: ids(await list({ q: tie, sort }).expect(200)) }).toEqual({ sort, ids: byId });
      }
      const pages = await Promise.all([1, 2, 3].map((page) => list({ q: tie, sort: '-price', limit: 1, page })));
      expect(pages.flatMap(ids)).toEqual(byId);
    });

    it.each([
      ['name', 'd c a b'],
      ['-name', 'b a c d'],
      ['price', 'd b c a'],
      ['-price', 'a c b d'],
      ['created_at', 'a b c d'],
      ['-created_at', 'd c b a'],
    ])('sorts by %s', async (sort, expected) => {
      const res = await list({ q: marker, sort }).expect(200);
      expect(ids(res)).toEqual(order(expected));
    });

    it.each([
      ['limit', { limit: 0 }],
      ['limit', { limit: 101 }],
      ['limit', { limit: 'ten' }],
      ['page', { page: 0 }],
      ['page', { page: 'first' }],
      ['sort', { sort: 'stock' }],
      ['sort', { sort: 'updated_at' }],
      ['sort', { sort: 'Price' }],
      ['sort', { sort: 'name desc' }],
      ['sort', { sort: '' }],
      ['q', { q: 'q'.repeat(101) }],
      ['completed', { completed: true }],
    ])('422 on %s for %j', async (field, query) => {
      const res = await list(query);
      expect(problemOf(res)).toEqual(aProblem(422, 'validation_failed'));
      expect(fieldsOf(res)).toContain(field);
    });

    it('accepts limit 1 and limit 100', async () => {
      expect((await list({ q: marker, limit: 1 }).expect(200)).body.items).toHaveLength(1);
      expect((await list({ q: marker, limit: 100 }).expect(200)).body.items).toHaveLength(4);
    });
  });
});

/** The repository's SQL runs on PGlite too; its driver types results its own way (count, numeric, timestamps). */
describe('products in embedded mode (PGlite)', () => {
  let sut: TestApp;
  beforeAll(async () => {
    sut = await startEmbeddedTestApp(adminEnv());
  }, 60000);
  afterAll(() => sut?.close());

  it('creates, reads, lists and pages with the same shapes; price stays a JSON number', async () => {
    const admin = bearer((await adminTokenLogin(sut.server)).access_token);
    const post = (name: string, price: number) =>
      request(sut.server).post(`${V1}/products`).set(admin).send({ name, price, stock: 2 }).expect(201);
    const cup = (await post('Cup', 9999999999.99)).body as ProductBody;
    const bowl = (await post('bowl', 0.07)).body as ProductBody;
    expect(cup).toEqual({
      id: expect.any(String),
      name: 'Cup',
      description: null,
      price: 9999999999.99,
      stock: 2,
      created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      updated_at: cup.created_at,
    });
    expect((await request(sut.server).get(`${V1}/products/${cup.id}`).expect(200)).body).toEqual(cup);
    const list = (query: Record<string, string | number>) =>
      request(sut.server).get(`${V1}/products`).query(query).expect(200);
    expect((await list({})).body).toEqual({ items: [bowl, cup], total: 2, page: 1, limit: 20 });
    expect((await list({ sort: '-price', limit: 1, page: 2 })).body).toEqual({
      items: [bowl],
      total: 2,
      page: 2,
      limit: 1,
    });
    expect((await list({ q: 'C', limit: 1, page: 3 })).body).toEqual({ items: [], total: 1, page: 3, limit: 1 });
    expect((await list({ q: 'nothing' })).body).toEqual({ items: [], total: 0, page: 1, limit: 20 });
  });
});
