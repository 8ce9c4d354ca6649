import { STATUS_CODES } from 'node:http';
import type { FieldError } from './app-error';

/** RFC 9457 problem details, as every error response of this API carries it. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  request_id?: string;
  code?: string;
  errors?: FieldError[];
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Stable default codes for plain HTTP statuses, so that every problem has a `code`. */
const DEFAULT_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'validation_failed',
  429: 'rate_limited',
  500: 'internal_error',
  503: 'service_unavailable',
};

export function defaultCodeFor(status: number): string {
  return DEFAULT_CODES[status] ?? (STATUS_CODES[status] ?? 'error').toLowerCase().replace(/[^a-z0-9]+/g, '_');
}

export function statusTitle(status: number): string {
  return STATUS_CODES[status] ?? 'Error';
}

/** `type` is a relative URI naming the problem; clients should switch on `code`. */
export function problemType(code: string): string {
  return `/problems/${code.replace(/_/g, '-')}`;
}
