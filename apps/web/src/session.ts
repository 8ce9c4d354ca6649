import { ApiError, client, onSessionEnded, type User } from './api';
import { showMessage } from './dom';
import { currentRoute, navigate } from './router';

/** The signed-in user (from the login response or GET /users/me); undefined when signed out. */
let currentUser: User | undefined;
/** A message for the login page (why the user is there), shown once. */
let loginNotice: string | undefined;

export function me(): User | undefined {
  return currentUser;
}

export function signedIn(user: User): void {
  currentUser = user;
  loginNotice = undefined;
}

export function takeLoginNotice(): string | undefined {
  const notice = loginNotice;
  loginNotice = undefined;
  return notice;
}

/** Back to the login page, forgetting the user; `notice` says why. */
export function endSession(notice?: string): void {
  if (!currentUser && currentRoute() === 'login') return; // already there (the SDK and a view may both report it)
  currentUser = undefined;
  loginNotice = notice;
  navigate('login');
}

export const SESSION_ENDED = 'Your session has ended. Please log in again.';

onSessionEnded(() => endSession(SESSION_ENDED));

export async function logOut(): Promise<void> {
  await client.logout();
  endSession('You have logged out.');
}

/** Shows an error in a view's alert box, or goes back to the login page when it says the session is over. */
export function reportError(box: HTMLElement, error: unknown): void {
  if (error instanceof ApiError && error.endsSession) {
    endSession(SESSION_ENDED);
    return;
  }
  showMessage(box, describeError(error));
}

export function describeError(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof TypeError) return 'Could not reach the server. Check your connection and try again.';
  return error instanceof Error ? error.message : String(error);
}
