import { mergeByField } from './field-errors';
/** One field-level problem in a request. */
export interface FieldError {
  field: string;
  message: string;
}

/**
 * Base of every error a module names (EmailTaken, TodoNotFound, SessionRevoked...). The problem+json filter
 * maps it to a response: `code` is the stable machine-readable name clients switch on.
 */
export abstract class AppError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;
  /** Short, human, the same for every occurrence of this error. */
  abstract readonly title: string;
  readonly errors?: FieldError[];
  /** Extra response headers (e.g. WWW-Authenticate, Retry-After). */
  readonly headers?: Record<string, string>;
  /** Extra members of the problem object (RFC 9457 extensions), e.g. `checks` on a readiness failure. */
  readonly extensions?: Record<string, unknown>;
  /**
   * A response body in another standard's shape, sent instead of problem+json (the OAuth2 token endpoint
   * answers in RFC 6749's form).
   */
  readonly customBody?: { contentType: string; body: Record<string, unknown> };

  constructor(readonly detail?: string) {
    super(detail);
    this.name = new.target.name;
  }
}

/** 422: the request was well-formed but some fields are invalid. */
export class ValidationFailedError extends AppError {
  readonly status = 422;
  readonly code = 'validation_failed';
  readonly title = 'Validation failed';
  override readonly errors: FieldError[];

  constructor(errors: FieldError[], detail = 'One or more fields are invalid.') {
    super(detail);
    this.errors = mergeByField(errors);
  }
}

/** 429: too many attempts; Retry-After says when to try again. */
export class RateLimitedError extends AppError {
  readonly status = 429;
  readonly code = 'rate_limited';
  readonly title = 'Too many requests';
  override readonly headers: Record<string, string>;

  constructor(retryAfterSeconds: number, detail = 'Too many attempts; try again later.') {
    super(detail);
    this.headers = { 'retry-after': String(retryAfterSeconds) };
  }
}
