import { createUmaClient, type components } from '@app/sdk';

export type User = components['schemas']['UserResponseDto'];
export type Session = components['schemas']['SessionResponseDto'];
export type AdminSession = components['schemas']['AdminSessionResponseDto'];
export type FieldError = components['schemas']['FieldErrorDto'];
export type Todo = components['schemas']['TodoResponseDto'];

/** An API failure, from its application/problem+json body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fieldErrors: FieldError[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The session is over and the user must log in again (any 401 but a refreshable or a failed login). */
  get endsSession(): boolean {
    return this.status === 401 && this.code !== 'token_expired' && this.code !== 'invalid_credentials';
  }
}

let sessionEndedHandler: () => void = () => undefined;

/** What to do when the SDK's refresh fails (the session was revoked or ran out). */
export function onSessionEnded(handler: () => void): void {
  sessionEndedHandler = handler;
}

/** Cookie mode: HttpOnly cookies sent with credentials 'include', X-CSRF-Token copied from the csrf_token cookie. */
export const client = createUmaClient({ baseUrl: '', mode: 'cookie', onSessionEnded: () => sessionEndedHandler() });

interface Outcome<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * Sends one SDK request and returns its data, or throws an ApiError. (The SDK has already refreshed and retried
 * when the access token was expired or its cookie gone.)
 */
export async function call<T>(send: () => Promise<Outcome<T>>): Promise<T> {
  const outcome = await send();
  if (outcome.response.ok) return outcome.data as T;
  const problem = problemOf(outcome);
  return Promise.reject(new ApiError(outcome.response.status, problem.code, problem.message, problem.errors));
}

function problemOf(outcome: Outcome<unknown>): { code: string; message: string; errors: FieldError[] } {
  const body = (typeof outcome.error === 'object' && outcome.error !== null ? outcome.error : {}) as {
    code?: unknown;
    detail?: unknown;
    title?: unknown;
    errors?: unknown;
  };
  const status = outcome.response.status;
  return {
    code: typeof body.code === 'string' ? body.code : `http_${status}`,
    message:
      typeof body.detail === 'string'
        ? body.detail
        : typeof body.title === 'string'
          ? body.title
          : `The server answered ${status} ${outcome.response.statusText}`.trim(),
    errors: Array.isArray(body.errors) ? (body.errors as FieldError[]) : [],
  };
}
