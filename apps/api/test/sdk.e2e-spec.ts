import { createUmaClient, UmaClient } from '@app/sdk';
import { newUserInput } from '@app/testing';
import type { AddressInfo } from 'node:net';
import { startTestApp, TestApp } from './support/test-app';
import { expiredCopyOf } from './support/tokens';

describe('TypeScript SDK against the running API (bearer mode)', () => {
  let sut: TestApp;
  let baseUrl: string;
  const refreshCalls: string[] = [];
  const countingFetch = (request: Request): Promise<Response> => {
    if (request.url.endsWith('/api/v1/auth/token')) refreshCalls.push(request.url);
    return fetch(request);
  };
  const newClient = (): UmaClient => createUmaClient({ baseUrl, mode: 'bearer', fetch: countingFetch });

  beforeAll(async () => {
    sut = await startTestApp();
    await sut.app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${(sut.app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(() => sut.close());
  beforeEach(() => (refreshCalls.length = 0));

  it('register, token login, sessions, a todo created and completed, refresh, logout', async () => {
    const client = newClient();
    const input = newUserInput();

    const registered = await client.api.POST('/api/v1/auth/register', { body: input });
    expect(registered.response.status).toBe(201);
    expect(registered.data?.username).toBe(input.username);

    await client.login(input.username, input.password);
    const sessions = await client.api.GET('/api/v1/sessions');
    expect(sessions.data).toEqual([expect.objectContaining({ current: true })]);

    const created = await client.api.POST('/api/v1/todos', { body: { title: 'write the SDK test' } });
    expect(created.response.status).toBe(201);
    const todoId = created.data!.id;
    const completed = await client.api.PATCH('/api/v1/todos/{id}', {
      params: { path: { id: todoId } },
      body: { completed: true },
    });
    expect(completed.data).toMatchObject({ id: todoId, completed: true });
    const list = await client.api.GET('/api/v1/todos', { params: { query: { completed: true } } });
    expect(list.data?.items.map((t) => t.id)).toEqual([todoId]);

    const before = { ...client.tokens };
    await expect(client.refresh()).resolves.toBe(true);
    expect(client.tokens.refreshToken).not.toBe(before.refreshToken);
    expect((await client.api.GET('/api/v1/users/me')).data?.id).toBe(registered.data?.id);

    await client.logout();
    expect(client.tokens).toEqual({ accessToken: undefined, refreshToken: undefined });
    const after = await client.api.GET('/api/v1/auth/session');
    expect(after.response.status).toBe(401);
  });

  it('refreshes transparently on token_expired, once for parallel calls, and retries them', async () => {
    const client = newClient();
    const input = newUserInput();
    await client.api.POST('/api/v1/auth/register', { body: input });
    await client.login(input.username, input.password);
    refreshCalls.length = 0;
    client.tokens.accessToken = expiredCopyOf(client.tokens.accessToken!);

    const results = await Promise.all([
      client.api.GET('/api/v1/users/me'),
      client.api.GET('/api/v1/sessions'),
      client.api.GET('/api/v1/auth/session'),
    ]);
    expect(results.map((r) => r.response.status)).toEqual([200, 200, 200]);
    expect(refreshCalls).toHaveLength(1);
  });

  it('reports a dead session instead of retrying forever', async () => {
    const ended: string[] = [];
    const client = createUmaClient({ baseUrl, mode: 'bearer', onSessionEnded: () => ended.push('ended') });
    const input = newUserInput();
    await client.api.POST('/api/v1/auth/register', { body: input });
    await client.login(input.username, input.password);
    const expired = expiredCopyOf(client.tokens.accessToken!);
    const other = createUmaClient({ baseUrl, mode: 'bearer' });
    other.tokens.accessToken = client.tokens.accessToken;
    await other.logout(); // the session ends elsewhere

    client.tokens.accessToken = expired;
    const res = await client.api.GET('/api/v1/users/me');
    expect(res.response.status).toBe(401);
    expect(ended).toEqual(['ended']);
  });
});
