import type { User } from '../api';
import { h } from '../dom';
import { href, type Route } from '../router';
import { logOut } from '../session';

/** The signed-in page: header with navigation, who is signed in and the log-out button, then the view. */
export function layout(user: User, route: Route, view: HTMLElement): HTMLElement {
  const link = (target: Route, label: string): HTMLElement =>
    h(
      'li',
      {},
      h(
        'a',
        { href: href(target), 'data-testid': `nav-${target}`, 'aria-current': target === route ? 'page' : undefined },
        label,
      ),
    );
  const logout = h('button', { type: 'button', class: 'secondary', 'data-testid': 'logout' }, 'Log out');
  logout.addEventListener('click', () => {
    logout.disabled = true;
    void logOut();
  });
  return h(
    'div',
    { class: 'shell' },
    h(
      'header',
      { class: 'topbar' },
      h('span', { class: 'brand' }, 'User management'),
      h(
        'nav',
        { 'aria-label': 'Main' },
        h(
          'ul',
          {},
          link('todos', 'Todos'),
          link('sessions', 'Sessions'),
          user.role === 'admin' ? link('admin', 'Admin') : null,
        ),
      ),
      h(
        'div',
        { class: 'who' },
        h('span', { 'data-testid': 'current-user' }, `Signed in as ${user.username}`),
        user.role === 'admin' ? h('span', { class: 'badge' }, 'admin') : null,
        logout,
      ),
    ),
    view,
  );
}
