import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Cookie, type Page } from 'playwright-core';
import * as jwt from 'jsonwebtoken';
import request from 'supertest';
import {
  ADMIN_PASSWORD,
  adminEnv,
  adminUsername,
  loginWithCookies,
  register,
} from '../../api/test/support/auth-helpers';
import { startTestApp, type TestApp } from '../../api/test/support/test-app';
import { newUserInput } from '@app/testing';

/*
 * The web app (dist/web, made by `npm run build`) driven in Debian's Chromium through playwright-core. Each
 * "browser" is its own persistent context with its own profile directory, so two of them are two cookie jars.
 */

const WEB_INDEX = join(process.cwd(), 'dist', 'web', 'index.html');
const RESULTS = join(process.cwd(), 'test-results');
const CHROMIUM = '/usr/bin/chromium';
/** Bounds every Playwright wait, well inside the tests' own timeouts. */
const WAIT_MS = 15_000;

interface Browser {
  name: string;
  context: BrowserContext;
  page: Page;
  /** Uncaught page errors and CSP refusals: a correct page has none. */
  problems: string[];
  /** What went wrong as the page saw it (errors, HTTP failures), shown when a test fails. */
  log: string[];
}

describe('web app in a real browser (Chromium)', () => {
  let sut: TestApp;
  let baseUrl: string;
  const open = new Set<BrowserContext>();
  const profiles: string[] = [];
  /** The browsers the running test opened. */
  const testBrowsers: Browser[] = [];

  beforeAll(async () => {
    if (!existsSync(WEB_INDEX)) {
      throw new Error(`${WEB_INDEX} is missing: run \`npm run build\` first (it bundles the web app into dist/web).`);
    }
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package.`);
    mkdirSync(RESULTS, { recursive: true });
    sut = await startTestApp({ env: adminEnv() });
    await sut.app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = `http://127.0.0.1:${(sut.app.getHttpServer().address() as AddressInfo).port}`;
  }, 60_000);

  afterAll(async () => {
    for (const context of open) await context.close().catch(() => undefined);
    await sut?.close();
    for (const dir of profiles) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  async function openBrowser(name: string): Promise<Browser> {
    const profile = mkdtempSync(join(tmpdir(), 'uma-chrome-'));
    profiles.push(profile);
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    open.add(context);
    context.setDefaultTimeout(WAIT_MS);
    const page = context.pages()[0] ?? (await context.newPage());
    const problems: string[] = [];
    const log: string[] = [];
    page.on('pageerror', (error) => {
      problems.push(`${name}: uncaught ${error.message}`);
      log.push(`uncaught ${error.message}`);
    });
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      log.push(`console: ${message.text()}`);
      if (/Content Security Policy|Refused to/i.test(message.text())) problems.push(`${name}: ${message.text()}`);
    });
    page.on('requestfailed', (req) => log.push(`${req.method()} ${req.url()} failed: ${req.failure()?.errorText}`));
    page.on('response', (response) => {
      if (response.status() < 400) return;
      const missing = response.url().includes('/app/') && !existsSync(WEB_INDEX);
      log.push(
        `${response.request().method()} ${response.url()} → ${response.status()}` +
          (missing ? ' (dist/web is gone: something deleted dist/ while the test ran; `npm run build` again)' : ''),
      );
    });
    const browser = { name, context, page, problems, log };
    testBrowsers.push(browser);
    return browser;
  }

  /** A test body whose failure message ends with what its browsers saw. */
  function withBrowserLogs(body: () => Promise<void>): () => Promise<void> {
    return async () => {
      testBrowsers.length = 0;
      try {
        await body();
      } catch (error) {
        const seen = testBrowsers.flatMap((b) => b.log.map((line) => `  ${b.name}: ${line}`));
        if (error instanceof Error && seen.length > 0) {
          const report = `\n\nWhat the browsers saw (errors, HTTP failures):\n${seen.join('\n')}`;
          error.message += report;
          // Jest prints the stack, which repeats the message as it was when the error was made
          error.stack = error.stack?.replace(/\n\s+at /, (frame) => `${report}${frame}`);
        }
        throw error;
      }
    };
  }

  async function closeBrowsers(...browsers: Browser[]): Promise<void> {
    for (const { context } of browsers) {
      open.delete(context);
      await context.close();
    }
  }

  async function screenshot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: join(RESULTS, `web-${name}.png`), fullPage: true });
  }

  const byTestId = (page: Page, id: string) => page.locator(`[data-testid="${id}"]`);
  const ready = (page: Page, list: string) => page.locator(`[data-testid="${list}"][data-state="ready"]`);

  async function logIn(browser: Browser, login: string, password: string): Promise<void> {
    const { page } = browser;
    await page.goto(`${baseUrl}/app/#/login`);
    await byTestId(page, 'login-view').waitFor();
    await page.getByLabel('Username or email').fill(login);
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await byTestId(page, 'todos-view').waitFor();
    await ready(page, 'todo-list').waitFor();
  }

  /** The same session's access token, correctly signed but expired a minute ago. */
  function expiredCopyOf(accessToken: string): string {
    const { sub, sid, role } = jwt.decode(accessToken) as { sub: string; sid: string; role: string };
    const now = Math.floor(Date.now() / 1000);
    const { secret, issuer, audience } = sut.config.jwt;
    return jwt.sign({ sub, sid, role, typ: 'access', iat: now - 120, exp: now - 60 }, secret, {
      algorithm: 'HS256',
      issuer,
      audience,
    });
  }

  async function accessCookieOf(browser: Browser): Promise<Cookie | undefined> {
    return (await browser.context.cookies(baseUrl)).find((cookie) => cookie.name === 'access_token');
  }

  /** The id of the session a browser is signed in with, as the API sees it. */
  async function sessionIdOf(page: Page): Promise<string> {
    return page.evaluate(async () => {
      const response = await fetch('/api/v1/auth/session');
      return ((await response.json()) as { session_id: string }).session_id;
    });
  }

  it(
    'registers through the page (showing the API’s field errors), logs in, adds and completes todos, logs out',
    withBrowserLogs(async () => {
      const input = newUserInput();
      const a = await openBrowser('A');
      const { page } = a;

      await page.goto(`${baseUrl}/app/`);
      await byTestId(page, 'login-view').waitFor();
      expect(await byTestId(page, 'login-notice').count()).toBe(0); // never signed in: nothing "ended"
      await screenshot(page, '01-login');

      await byTestId(page, 'register-link').click();
      await byTestId(page, 'register-view').waitFor();
      await page.getByLabel('Username').fill(input.username);
      await page.getByLabel('Email').fill(input.email);
      await page.getByLabel('Full name (optional)').fill(input.full_name ?? '');
      await page.getByLabel('Password').fill(`${input.username} secret`);
      await page.getByRole('button', { name: 'Create account' }).click();
      const passwordError = byTestId(page, 'register-password-error');
      await passwordError.waitFor();
      expect(await passwordError.textContent()).toContain('password must not contain the username');
      expect(await page.getByLabel('Password').getAttribute('aria-invalid')).toBe('true');
      expect(await byTestId(page, 'register-error').isVisible()).toBe(true);
      await screenshot(page, '02-register-field-error');

      await page.getByLabel('Password').fill(input.password);
      await page.getByRole('button', { name: 'Create account' }).click();
      await byTestId(page, 'login-view').waitFor();
      expect(await byTestId(page, 'login-notice').textContent()).toContain(`Account ${input.username} created`);
      expect(await page.getByLabel('Username or email').inputValue()).toBe(input.username);
      await screenshot(page, '03-login-after-register');

      await page.getByLabel('Password', { exact: true }).fill('not the password');
      await page.getByRole('button', { name: 'Log in' }).click();
      await byTestId(page, 'login-error').waitFor();
      expect(await byTestId(page, 'login-error').textContent()).toMatch(/\S/);
      await screenshot(page, '04-login-wrong-password');

      await page.getByLabel('Password', { exact: true }).fill(input.password);
      await page.getByRole('button', { name: 'Log in' }).click();
      await ready(page, 'todo-list').waitFor();
      expect(await byTestId(page, 'current-user').textContent()).toBe(`Signed in as ${input.username}`);
      expect(await byTestId(page, 'nav-admin').count()).toBe(0); // not an admin
      await byTestId(page, 'todos-empty').waitFor();

      await page.getByLabel('Title', { exact: true }).fill('Buy milk');
      await page.getByLabel('Description (optional)').fill('Two litres, semi-skimmed');
      await page.getByRole('button', { name: 'Add todo' }).click();
      const milk = byTestId(page, 'todo-item').filter({ hasText: 'Buy milk' });
      await milk.waitFor();
      await page.getByLabel('Title', { exact: true }).fill('Write the browser test');
      await page.getByRole('button', { name: 'Add todo' }).click();
      await byTestId(page, 'todo-item').filter({ hasText: 'Write the browser test' }).waitFor();
      const milkId = await milk.getAttribute('data-todo-id');

      await page.getByLabel('Buy milk').check();
      await page.locator(`[data-testid="todo-item"][data-todo-id="${milkId}"][data-completed="true"]`).waitFor();
      expect(await byTestId(page, 'todos-summary').textContent()).toContain('1 open, 1 completed');
      await screenshot(page, '05-todos');

      // what the server has, not what the page remembers
      await page.reload();
      await ready(page, 'todo-list').waitFor();
      expect(await byTestId(page, 'todo-item').count()).toBe(2);
      expect(await page.getByLabel('Buy milk').isChecked()).toBe(true);
      expect(await page.getByLabel('Write the browser test').isChecked()).toBe(false);

      // transparent refresh: an expired access token (the SDK refreshes on 401 token_expired and retries)...
      const access = (await accessCookieOf(a))!;
      const expired = expiredCopyOf(access.value);
      await a.context.addCookies([{ ...access, value: expired }]);
      await page.reload();
      await ready(page, 'todo-list').waitFor();
      expect(await byTestId(page, 'todo-item').count()).toBe(2);
      expect((await accessCookieOf(a))?.value).not.toBe(expired);
      // ...and no access cookie at all (the browser drops it when its max-age ends) while the session lives on
      await a.context.clearCookies({ name: 'access_token' });
      await page.reload();
      await ready(page, 'todo-list').waitFor();
      expect(await byTestId(page, 'todo-item').count()).toBe(2);
      expect(await accessCookieOf(a)).toBeDefined();

      await page.getByRole('button', { name: 'Log out' }).click();
      await byTestId(page, 'login-view').waitFor();
      expect(await byTestId(page, 'login-notice').textContent()).toBe('You have logged out.');
      await screenshot(page, '06-logged-out');

      await page.goto(`${baseUrl}/app/#/todos`);
      await page.reload();
      await byTestId(page, 'login-view').waitFor();
      expect(await byTestId(page, 'login-notice').count()).toBe(0);

      expect(a.problems).toEqual([]);
      await closeBrowsers(a);
    }),
    120_000,
  );

  it(
    'two browsers signed in as one user: A sees both sessions, ends B’s, and B’s next action returns it to login',
    withBrowserLogs(async () => {
      const { input } = await register(sut.server);
      const a = await openBrowser('A');
      const b = await openBrowser('B');
      await logIn(a, input.username, input.password);
      await logIn(b, input.email, input.password);
      await screenshot(a.page, '07-a-todos');
      await screenshot(b.page, '08-b-todos');

      await byTestId(b.page, 'nav-sessions').click();
      await ready(b.page, 'sessions-list').waitFor();
      const bSessionId = await b.page
        .locator('[data-testid="session-row"][data-current="true"]')
        .getAttribute('data-session-id');
      expect(bSessionId).toBe(await sessionIdOf(b.page));
      await screenshot(b.page, '09-b-sessions');
      await byTestId(b.page, 'nav-todos').click();
      await ready(b.page, 'todo-list').waitFor();

      await byTestId(a.page, 'nav-sessions').click();
      await ready(a.page, 'sessions-list').waitFor();
      expect(await byTestId(a.page, 'session-row').count()).toBe(2);
      expect(await byTestId(a.page, 'session-current').count()).toBe(1);
      const aCurrent = a.page.locator('[data-testid="session-row"][data-current="true"]');
      expect(await aCurrent.getAttribute('data-session-id')).toBe(await sessionIdOf(a.page));
      expect(await aCurrent.getByText('This device').count()).toBe(1);
      const endB = a.page.locator(`[data-testid="session-row"][data-session-id="${bSessionId}"]`).getByRole('button', {
        name: /End session/,
      });
      expect(await byTestId(a.page, 'session-end').count()).toBe(1); // only the other session can be ended here
      await screenshot(a.page, '10-a-sessions-two');

      await endB.click();
      await endB.waitFor({ state: 'detached' });
      await ready(a.page, 'sessions-list').waitFor();
      expect(await byTestId(a.page, 'session-row').count()).toBe(1);
      expect(await byTestId(a.page, 'session-current').count()).toBe(1);
      expect(await byTestId(a.page, 'sessions-status').textContent()).toContain('Ended the session');
      await screenshot(a.page, '11-a-sessions-after-ending-b');

      // B still shows its todos page; its next request is refused and the app goes back to the login page
      await b.page.getByLabel('Title', { exact: true }).fill('Added after my session was ended');
      await b.page.getByRole('button', { name: 'Add todo' }).click();
      await byTestId(b.page, 'login-view').waitFor();
      expect(await byTestId(b.page, 'login-notice').textContent()).toBe('Your session has ended. Please log in again.');
      await screenshot(b.page, '12-b-back-to-login');

      // the todo was not created, and A is still signed in
      await byTestId(a.page, 'nav-todos').click();
      await ready(a.page, 'todo-list').waitFor();
      expect(await byTestId(a.page, 'todo-item').filter({ hasText: 'Added after my session was ended' }).count()).toBe(
        0,
      );

      // B can sign in again
      await logIn(b, input.username, input.password);

      expect([...a.problems, ...b.problems]).toEqual([]);
      await closeBrowsers(a, b);
    }),
    120_000,
  );

  it(
    'the admin view lists a user’s active sessions and aborts one; that browser is sent back to login',
    withBrowserLogs(async () => {
      const { input, user } = await register(sut.server);
      const userBrowser = await openBrowser('user');
      await logIn(userBrowser, input.username, input.password);
      const browserSessionId = await sessionIdOf(userBrowser.page);
      const httpSession = await loginWithCookies(sut.server, input.username, input.password); // a second device

      const admin = await openBrowser('admin');
      await logIn(admin, adminUsername(), ADMIN_PASSWORD);
      const { page } = admin;
      await byTestId(page, 'nav-admin').click();
      await byTestId(page, 'admin-view').waitFor();
      await ready(page, 'admin-sessions').waitFor();
      // newest first: the user's two sessions are on the first page, and the admin's own one is marked
      await page.locator(`[data-testid="admin-session-row"][data-session-id="${browserSessionId}"]`).waitFor();
      expect(await byTestId(page, 'admin-session-current').count()).toBe(1);
      await screenshot(page, '13-admin-all-sessions');

      await page.getByLabel('User (username or email)').fill(input.username);
      await page.getByRole('button', { name: 'Filter', exact: true }).click();
      await byTestId(page, 'admin-status')
        .filter({ hasText: `Showing the sessions of ${input.username}` })
        .waitFor();
      await ready(page, 'admin-sessions').waitFor();
      const rows = byTestId(page, 'admin-session-row');
      expect(await rows.count()).toBe(2);
      expect(await rows.evaluateAll((all) => all.map((row) => row.getAttribute('data-user-id')))).toEqual([
        user.id,
        user.id,
      ]);
      await rows.first().getByText(input.username).waitFor(); // the user id is shown as the username
      await screenshot(page, '14-admin-user-sessions');

      const abort = page
        .locator(`[data-testid="admin-session-row"][data-session-id="${browserSessionId}"]`)
        .getByRole('button', { name: /Abort session/ });
      await abort.click();
      await abort.waitFor({ state: 'detached' });
      await ready(page, 'admin-sessions').waitFor();
      expect(await rows.count()).toBe(1);
      expect(await rows.first().getAttribute('data-session-id')).toBe(httpSession.session.id);
      await screenshot(page, '15-admin-after-abort');

      await userBrowser.page.reload();
      await byTestId(userBrowser.page, 'login-view').waitFor();
      expect(await byTestId(userBrowser.page, 'login-notice').textContent()).toBe(
        'Your session has ended. Please log in again.',
      );
      await screenshot(userBrowser.page, '16-user-aborted-back-to-login');

      // the other session is untouched
      const me = await request(sut.server).get('/api/v1/users/me').set('Cookie', httpSession.cookie);
      expect({ status: me.status, id: (me.body as { id?: string }).id }).toEqual({ status: 200, id: user.id });

      expect([...userBrowser.problems, ...admin.problems]).toEqual([]);
      await closeBrowsers(userBrowser, admin);
    }),
    120_000,
  );
});
