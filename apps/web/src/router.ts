export type Route = 'login' | 'register' | 'todos' | 'sessions' | 'admin';

const ROUTES: readonly Route[] = ['login', 'register', 'todos', 'sessions', 'admin'];
export const PUBLIC_ROUTES: readonly Route[] = ['login', 'register'];

/** The route of `#/name`; the todos page when the hash names none. */
export function currentRoute(): Route {
  const name = location.hash.replace(/^#\/?/, '');
  return (ROUTES as readonly string[]).includes(name) ? (name as Route) : 'todos';
}

export function href(route: Route): string {
  return `#/${route}`;
}

/** Goes to a route; re-renders when already there (hashchange only fires on a change). */
export function navigate(route: Route): void {
  if (location.hash === href(route)) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = href(route);
}
