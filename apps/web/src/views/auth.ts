import { ApiError, call, client } from '../api';
import { alertBox, field, h, setFieldError, showMessage } from '../dom';
import { href, navigate } from '../router';
import { describeError, signedIn, takeLoginNotice } from '../session';

/** The username the register page hands to the login page after creating the account. */
let registeredLogin: string | undefined;

export function loginView(): HTMLElement {
  const notice =
    takeLoginNotice() ?? (registeredLogin ? `Account ${registeredLogin} created. You can log in now.` : undefined);
  const login = field('login-name', 'Username or email', h('input', { autocomplete: 'username', required: true }));
  const password = field(
    'login-password',
    'Password',
    h('input', { type: 'password', autocomplete: 'current-password', required: true }),
  );
  login.control.value = registeredLogin ?? '';
  registeredLogin = undefined;
  const error = alertBox('login-error');
  const submit = h('button', { type: 'submit', 'data-testid': 'login-submit' }, 'Log in');

  const form = h(
    'form',
    {
      'data-testid': 'login-form',
      'aria-labelledby': 'page-title',
      onsubmit: (event) => {
        event.preventDefault();
        showMessage(error);
        submit.disabled = true;
        call(() =>
          client.api.POST('/api/v1/auth/login', {
            body: { login: login.control.value, password: password.control.value },
          }),
        )
          .then(({ user }) => {
            signedIn(user);
            navigate('todos');
          })
          .catch((failure: unknown) => {
            showMessage(error, describeError(failure));
            password.control.value = '';
            password.control.focus();
          })
          .finally(() => (submit.disabled = false));
      },
    },
    login.row,
    password.row,
    error,
    submit,
  );

  return h(
    'section',
    { class: 'card narrow', 'data-testid': 'login-view' },
    h('h1', { id: 'page-title', tabindex: -1 }, 'Log in'),
    notice ? h('p', { class: 'notice', role: 'status', 'data-testid': 'login-notice' }, notice) : null,
    form,
    h('p', {}, 'No account yet? ', h('a', { href: href('register'), 'data-testid': 'register-link' }, 'Create one')),
  );
}

const FIELD_OF_CODE: Record<string, string> = { username_taken: 'username', email_taken: 'email' };

export function registerView(): HTMLElement {
  const fields = {
    username: field(
      'register-username',
      'Username',
      h('input', { autocomplete: 'username', required: true, minlength: 3, maxlength: 50 }),
      '3–50 letters, digits, _ . -',
    ),
    email: field('register-email', 'Email', h('input', { type: 'email', autocomplete: 'email', required: true })),
    full_name: field('register-full-name', 'Full name (optional)', h('input', { autocomplete: 'name' })),
    password: field(
      'register-password',
      'Password',
      h('input', { type: 'password', autocomplete: 'new-password', required: true, minlength: 8, maxlength: 128 }),
      'At least 8 characters; not a common password and not containing your username or email.',
    ),
  };
  const error = alertBox('register-error');
  const submit = h('button', { type: 'submit', 'data-testid': 'register-submit' }, 'Create account');

  const form = h(
    'form',
    {
      'data-testid': 'register-form',
      'aria-labelledby': 'page-title',
      onsubmit: (event) => {
        event.preventDefault();
        showMessage(error);
        for (const entry of Object.values(fields)) setFieldError(entry);
        submit.disabled = true;
        const body = {
          username: fields.username.control.value.trim(),
          email: fields.email.control.value.trim(),
          password: fields.password.control.value,
          full_name: fields.full_name.control.value.trim() || undefined,
        };
        call(() => client.api.POST('/api/v1/auth/register', { body }))
          .then((user) => {
            registeredLogin = user.username;
            navigate('login');
          })
          .catch((failure: unknown) => {
            showMessage(error, describeError(failure));
            if (!(failure instanceof ApiError)) return;
            const byField = new Map<string, string[]>();
            for (const { field: name, message } of failure.fieldErrors) {
              byField.set(name, [...(byField.get(name) ?? []), message]);
            }
            const taken = FIELD_OF_CODE[failure.code];
            if (taken) byField.set(taken, [failure.message]);
            for (const [name, messages] of byField) {
              const entry = fields[name as keyof typeof fields];
              if (entry) setFieldError(entry, messages.join('; '));
            }
            const firstInvalid = Object.values(fields).find((entry) => !entry.error.hidden);
            firstInvalid?.control.focus();
          })
          .finally(() => (submit.disabled = false));
      },
    },
    ...Object.values(fields).map((entry) => entry.row),
    error,
    submit,
  );

  return h(
    'section',
    { class: 'card narrow', 'data-testid': 'register-view' },
    h('h1', { id: 'page-title', tabindex: -1 }, 'Create an account'),
    form,
    h('p', {}, 'Already registered? ', h('a', { href: href('login'), 'data-testid': 'login-link' }, 'Log in')),
  );
}
