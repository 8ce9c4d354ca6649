import { call, client, type Session } from '../api';
import { alertBox, describeUserAgent, h, showMessage, time } from '../dom';
import { reportError } from '../session';

export function sessionsView(): HTMLElement {
  const error = alertBox('sessions-error');
  const status = h('p', { class: 'summary', role: 'status', 'data-testid': 'sessions-status' });
  const rows = h('tbody', {});
  const table = h(
    'table',
    { 'data-testid': 'sessions-list', 'data-state': 'loading' },
    h('caption', {}, 'Where you are signed in'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...['Device', 'IP address', 'Signed in', 'Last active', 'Expires if idle', 'Action'].map((label) =>
          h('th', { scope: 'col' }, label),
        ),
      ),
    ),
    rows,
  );

  const row = (session: Session): HTMLElement => {
    const device = describeUserAgent(session.user_agent);
    const action = session.current
      ? h('strong', { class: 'badge', 'data-testid': 'session-current' }, 'This device')
      : h(
          'button',
          {
            type: 'button',
            class: 'danger',
            'data-testid': 'session-end',
            'aria-label': `End session on ${device}`,
            onclick: (event) => {
              const button = event.currentTarget as HTMLButtonElement;
              button.disabled = true;
              showMessage(error);
              call(() => client.api.DELETE('/api/v1/sessions/{id}', { params: { path: { id: session.id } } }))
                .then(() => {
                  showMessage(status, `Ended the session on ${device}.`);
                  return load();
                })
                .catch((failure: unknown) => {
                  button.disabled = false;
                  reportError(error, failure);
                });
            },
          },
          'End session',
        );
    return h(
      'tr',
      {
        'data-testid': 'session-row',
        'data-session-id': session.id,
        'data-current': String(session.current),
        class: session.current ? 'current' : undefined,
      },
      h('td', { title: session.user_agent ?? '' }, device),
      h('td', {}, session.ip ?? 'unknown'),
      h('td', {}, time(session.created_at)),
      h('td', {}, time(session.last_seen_at)),
      h('td', {}, time(session.expires_at)),
      h('td', {}, action),
    );
  };

  const load = (): Promise<void> => {
    table.dataset.state = 'loading';
    return call(() => client.api.GET('/api/v1/sessions'))
      .then((sessions) => {
        rows.replaceChildren(...sessions.map(row));
        table.dataset.state = 'ready';
      })
      .catch((failure: unknown) => {
        table.dataset.state = 'error';
        reportError(error, failure);
      });
  };
  void load();

  return h(
    'section',
    { 'data-testid': 'sessions-view' },
    h('h1', { id: 'page-title', tabindex: -1 }, 'My sessions'),
    h('p', {}, 'End a session you do not recognise: that device is signed out on its next request.'),
    error,
    status,
    h('div', { class: 'table-wrap' }, table),
  );
}
