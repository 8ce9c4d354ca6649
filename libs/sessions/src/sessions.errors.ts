import { AppError } from '@app/common';

const BEARER_CHALLENGE = { 'www-authenticate': 'Bearer error="invalid_token"' };

/** The session behind a token is revoked, expired, unknown, or its user deactivated: log in again. */
export class SessionRevokedError extends AppError {
  readonly status = 401;
  readonly code = 'session_revoked';
  readonly title = 'Session ended';
  override readonly headers = BEARER_CHALLENGE;
  constructor(detail = 'This session has ended; log in again.') {
    super(detail);
  }
}

/** A refresh token this server did not issue (or mangled). */
export class InvalidRefreshTokenError extends AppError {
  readonly status = 401;
  readonly code = 'invalid_token';
  readonly title = 'Invalid refresh token';
  override readonly headers = BEARER_CHALLENGE;
  constructor() {
    super('The refresh token is missing or invalid.');
  }
}

export class SessionNotFoundError extends AppError {
  readonly status = 404;
  readonly code = 'session_not_found';
  readonly title = 'Session not found';
  constructor() {
    super('No session of yours with this id.');
  }
}

export class SessionUserNotFoundError extends AppError {
  readonly status = 404;
  readonly code = 'user_not_found';
  readonly title = 'User not found';
  constructor() {
    super('No user with this id.');
  }
}
