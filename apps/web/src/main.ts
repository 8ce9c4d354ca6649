import { ApiError, call, client } from './api';
import { h } from './dom';
import { currentRoute, navigate, PUBLIC_ROUTES, type Route } from './router';
import { describeError, endSession, me, SESSION_ENDED, signedIn } from './session';
import { adminView } from './views/admin';
import { loginView, registerView } from './views/auth';
import { layout } from './views/layout';
import { sessionsView } from './views/sessions';
import { todosView } from './views/todos';

const root = document.getElementById('app')!;
const TITLES: Record<Route, string> = {
  login: 'Log in',
  register: 'Create an account',
  todos: 'My todos',
  sessions: 'My sessions',
  admin: 'Admin: sessions',
};
/** Bumped by every render, so that a slow render never replaces a newer one. */
let renders = 0;

async function render(): Promise<void> {
  const ticket = ++renders;
  const route = currentRoute();
  document.title = `${TITLES[route]} · User management`;
  if (PUBLIC_ROUTES.includes(route)) return mount(route === 'login' ? loginView() : registerView());

  let user = me();
  if (!user) {
    root.setAttribute('aria-busy', 'true');
    try {
      user = await call(() => client.api.GET('/api/v1/users/me'));
      signedIn(user);
    } catch (error) {
      if (ticket !== renders) return;
      if (error instanceof ApiError && error.endsSession) {
        // Not signed in at all: just the login page; signed in but the session is over: say so.
        return endSession(error.code === 'unauthenticated' ? undefined : SESSION_ENDED);
      }
      return mount(h('p', { class: 'alert', role: 'alert', 'data-testid': 'app-error' }, describeError(error)));
    } finally {
      root.removeAttribute('aria-busy');
    }
    if (ticket !== renders) return;
  }
  if (route === 'admin' && user.role !== 'admin') return navigate('todos');

  const view = route === 'admin' ? adminView() : route === 'sessions' ? sessionsView() : todosView();
  mount(layout(user, route, view));
}

function mount(content: HTMLElement): void {
  root.replaceChildren(content);
  // Moves focus to the new page's heading, so that screen readers announce the page change.
  root.querySelector<HTMLElement>('h1')?.focus();
}

window.addEventListener('hashchange', () => void render());
void render();
