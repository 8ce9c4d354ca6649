import { AppError } from '@app/common';

const challenge = (error?: string): Record<string, string> => ({
  'www-authenticate': error ? `Bearer error="${error}"` : 'Bearer',
});

/** No credentials at all. */
export class UnauthenticatedError extends AppError {
  readonly status = 401;
  readonly code = 'unauthenticated';
  readonly title = 'Authentication required';
  override readonly headers = challenge();
  constructor() {
    super('Send a bearer access token or log in.');
  }
}

/** A token that is malformed, forged, of the wrong type or for another issuer/audience. */
export class InvalidTokenError extends AppError {
  readonly status = 401;
  readonly code = 'invalid_token';
  readonly title = 'Invalid token';
  override readonly headers = challenge('invalid_token');
  constructor() {
    super('The access token is invalid.');
  }
}

/** A genuine access token past its expiry: refresh and retry. */
export class TokenExpiredError extends AppError {
  readonly status = 401;
  readonly code = 'token_expired';
  readonly title = 'Token expired';
  override readonly headers = challenge('invalid_token');
  constructor() {
    super('The access token has expired; refresh it.');
  }
}

/** One message for unknown user, wrong password and inactive account. */
export class InvalidCredentialsError extends AppError {
  readonly status = 401;
  readonly code = 'invalid_credentials';
  readonly title = 'Invalid credentials';
  constructor() {
    super('The login or password is incorrect.');
  }
}

export class CsrfFailedError extends AppError {
  readonly status = 403;
  readonly code = 'csrf_failed';
  readonly title = 'CSRF check failed';
  constructor(detail = 'Cookie-authenticated requests must come from an allowed origin with a valid X-CSRF-Token.') {
    super(detail);
  }
}

/** RFC 6749 §5.2 errors of the token endpoint, in that RFC's JSON shape rather than problem+json. */
export class OAuthTokenError extends AppError {
  readonly status = 400;
  readonly title = 'Token request refused';
  override readonly headers = { 'cache-control': 'no-store', pragma: 'no-cache' };
  override readonly customBody: { contentType: string; body: Record<string, unknown> };

  constructor(
    readonly code: 'invalid_request' | 'invalid_grant' | 'unsupported_grant_type',
    description: string,
  ) {
    super(description);
    this.customBody = { contentType: 'application/json', body: { error: code, error_description: description } };
  }
}
