import { randomBytes } from 'node:crypto';

/** The body of `POST /auth/register` (and, with role/is_active, of the admin `POST /users`). */
export interface NewUserInput {
  username: string;
  email: string;
  password: string;
  full_name?: string;
}

let sequence = 0;

/**
 * A short token unique across calls, test files and Jest workers sharing one database: time, a per-process
 * counter and random bytes. Lower-case letters and digits only, so it fits usernames and emails.
 */
export function uniqueSuffix(): string {
  sequence += 1;
  return `${Date.now().toString(36)}${sequence.toString(36)}${randomBytes(3).toString('hex')}`;
}

/**
 * A valid, unique registration body. The password is long, not a common one, and contains neither the
 * username nor the email, so the password policy accepts it.
 */
export function newUserInput(overrides: Partial<NewUserInput> = {}): NewUserInput {
  const suffix = uniqueSuffix();
  return {
    username: `user_${suffix}`,
    email: `user_${suffix}@example.test`,
    password: `correct horse ${randomBytes(6).toString('hex')}`,
    full_name: `Test User ${suffix}`,
    ...overrides,
  };
}
