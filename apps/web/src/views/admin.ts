import { call, client, type AdminSession, type User } from '../api';
import { alertBox, describeUserAgent, field, h, showMessage, time } from '../dom';
import { reportError } from '../session';

const PAGE_SIZE = 20;

/** Usernames by user id, fetched once per id (GET /users/{id}). */
const usernames = new Map<string, Promise<string>>();
function usernameOf(id: string): Promise<string> {
  let name = usernames.get(id);
  if (!name) {
    name = call(() => client.api.GET('/api/v1/users/{id}', { params: { path: { id } } })).then(
      (user) => user.username,
      () => id,
    );
    usernames.set(id, name);
  }
  return name;
}

/** The one user a search names: an exact username or email match, else the only result. */
async function findUser(text: string): Promise<User> {
  const page = await call(() =>
    client.api.GET('/api/v1/users', { params: { query: { q: text, limit: 100, sort: 'username' } } }),
  );
  const wanted = text.toLowerCase();
  const exact = page.items.find((u) => u.username.toLowerCase() === wanted || u.email.toLowerCase() === wanted);
  if (exact) return exact;
  if (page.items.length === 1) return page.items[0];
  throw new Error(
    page.items.length === 0
      ? `No user matches “${text}”.`
      : `${page.total} users match “${text}”: type a whole username or email.`,
  );
}

export function adminView(): HTMLElement {
  const error = alertBox('admin-error');
  const status = h('p', { class: 'summary', role: 'status', 'data-testid': 'admin-status' });
  const rows = h('tbody', {});
  const table = h(
    'table',
    { 'data-testid': 'admin-sessions', 'data-state': 'loading' },
    h('caption', {}, 'Active sessions, newest first'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...['User', 'Device', 'IP address', 'Signed in', 'Last active', 'Action'].map((label) =>
          h('th', { scope: 'col' }, label),
        ),
      ),
    ),
    rows,
  );
  const previous = h(
    'button',
    { type: 'button', class: 'secondary', 'data-testid': 'admin-previous' },
    'Previous page',
  );
  const next = h('button', { type: 'button', class: 'secondary', 'data-testid': 'admin-next' }, 'Next page');
  const pageLabel = h('span', { 'data-testid': 'admin-page' });
  let page = 1;
  let userFilter: User | undefined;
  let mySessionId: string | undefined;

  const row = (session: AdminSession): HTMLElement => {
    const device = describeUserAgent(session.user_agent);
    const user = h('td', {}, session.user_id);
    void usernameOf(session.user_id).then((name) => (user.textContent = name));
    const mine = session.id === mySessionId;
    const action = mine
      ? h('strong', { class: 'badge', 'data-testid': 'admin-session-current' }, 'This device')
      : h(
          'button',
          {
            type: 'button',
            class: 'danger',
            'data-testid': 'admin-session-abort',
            'aria-label': `Abort session on ${device}`,
            onclick: (event) => {
              const button = event.currentTarget as HTMLButtonElement;
              button.disabled = true;
              showMessage(error);
              call(() => client.api.DELETE('/api/v1/admin/sessions/{id}', { params: { path: { id: session.id } } }))
                .then(() => {
                  showMessage(status, `Aborted the session on ${device} of ${user.textContent ?? session.user_id}.`);
                  return load();
                })
                .catch((failure: unknown) => {
                  button.disabled = false;
                  reportError(error, failure);
                });
            },
          },
          'Abort session',
        );
    return h(
      'tr',
      { 'data-testid': 'admin-session-row', 'data-session-id': session.id, 'data-user-id': session.user_id },
      user,
      h('td', { title: session.user_agent ?? '' }, device),
      h('td', {}, session.ip ?? 'unknown'),
      h('td', {}, time(session.created_at)),
      h('td', {}, time(session.last_seen_at)),
      h('td', {}, action),
    );
  };

  const load = async (): Promise<void> => {
    table.dataset.state = 'loading';
    previous.disabled = next.disabled = true;
    try {
      mySessionId ??= (await call(() => client.api.GET('/api/v1/auth/session'))).session_id;
      const query = { active: true, page, limit: PAGE_SIZE, user_id: userFilter?.id };
      const result = await call(() => client.api.GET('/api/v1/admin/sessions', { params: { query } }));
      const pages = Math.max(1, Math.ceil(result.total / result.limit));
      rows.replaceChildren(...result.items.map(row));
      if (result.items.length === 0) rows.append(h('tr', {}, h('td', { colspan: 6 }, 'No active sessions.')));
      pageLabel.textContent = `Page ${result.page} of ${pages} (${result.total} sessions)`;
      previous.disabled = result.page <= 1;
      next.disabled = result.page >= pages;
      table.dataset.state = 'ready';
    } catch (failure) {
      table.dataset.state = 'error';
      reportError(error, failure);
    }
  };

  previous.addEventListener('click', () => {
    page -= 1;
    void load();
  });
  next.addEventListener('click', () => {
    page += 1;
    void load();
  });

  const search = field('admin-user', 'User (username or email)', h('input', { type: 'search', autocomplete: 'off' }));
  const clear = h(
    'button',
    { type: 'button', class: 'secondary', 'data-testid': 'admin-filter-clear' },
    'Show all users',
  );
  clear.addEventListener('click', () => {
    search.control.value = '';
    userFilter = undefined;
    page = 1;
    showMessage(status);
    void load();
  });
  const filter = h(
    'form',
    {
      class: 'inline-form',
      role: 'search',
      'data-testid': 'admin-filter',
      'aria-label': 'Filter sessions by user',
      onsubmit: (event) => {
        event.preventDefault();
        showMessage(error);
        const text = search.control.value.trim();
        if (!text) return clear.click();
        findUser(text)
          .then((user) => {
            userFilter = user;
            page = 1;
            showMessage(status, `Showing the sessions of ${user.username}.`);
            return load();
          })
          .catch((failure: unknown) => reportError(error, failure));
      },
    },
    search.row,
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', 'data-testid': 'admin-filter-apply' }, 'Filter'),
      clear,
    ),
  );

  void load();

  return h(
    'section',
    { 'data-testid': 'admin-view' },
    h('h1', { id: 'page-title', tabindex: -1 }, 'Admin: sessions'),
    h('p', {}, 'Aborting a session signs that device out on its next request.'),
    filter,
    error,
    status,
    h('div', { class: 'table-wrap' }, table),
    h('nav', { class: 'pager', 'aria-label': 'Pages' }, previous, pageLabel, next),
  );
}
